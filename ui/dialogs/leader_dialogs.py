"""Dialogs of the 领导包案/接访 and 矛盾纠纷排查 pages. Each stays open until its write succeeds; a
refusal (with the field it concerns) shows over it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from app.domain.enums import MatterType, Satisfaction
from app.domain.leader_work import (
    CONFLICT_STATUS_LABELS, RECEPTION_KIND_LABELS, RISK_LABELS, SETTABLE_CONFLICT_STATUSES, ConflictStatus,
    ProxyStage, ReceptionKind, Risk,
)
from app.services import case_ownership as co, key_persons as kp, leader_receptions as lr, screening as sc
from app.services import village_work as vw
from app.services.matters import find_by_number
from app.services.work_records import PickLists
from ui.context import GuiContext
from ui.dialogs.oversight_dialogs import FormDialog, date_edit, run_form

SATISFACTION_LABELS = {Satisfaction.SATISFIED: "满意", Satisfaction.BASICALLY: "基本满意",
                       Satisfaction.DISSATISFIED: "不满意"}
MATTER_TYPE_LABELS = {MatterType.CLAIM: "申诉求决类", MatterType.SUGGESTION: "建议意见类",
                      MatterType.ACCUSATION: "检举控告类"}


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def combo(items: Sequence[tuple[Any, str]], *, empty: str | None = None) -> QComboBox:
    box = QComboBox()
    if empty is not None:
        box.addItem(empty, None)
    for key, label in items:
        box.addItem(label, key)
    return box


def index_of(box: QComboBox, key: object) -> int:
    """The row whose item data equals ``key`` (Qt's findData does not compare Python objects such as UUIDs)."""
    return next((i for i in range(box.count()) if box.itemData(i) == key), -1)


def text_box(placeholder: str, height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box


def line(placeholder: str = "", value: str = "") -> QLineEdit:
    edit = QLineEdit(value)
    edit.setPlaceholderText(placeholder)
    return edit


def _open(dialog: FormDialog, ctx: GuiContext, rows: Sequence[tuple[str, QWidget]],
          work: Callable[[], Callable[[Any], Any]], changes: str) -> FormDialog:
    for label, widget in rows:
        dialog.form.addRow(label, widget)
    return run_form(dialog, ctx, work, changes=frozenset({changes, "matter"}))


# --- 领导包案 ----------------------------------------------------------------------------------


def own_case(parent: QWidget | None, ctx: GuiContext, lists: PickLists, leader_id: uuid.UUID | None) -> FormDialog:
    dialog = FormDialog(parent, "领导包案（定领导、定人员、定时限、定措施）", "包案")
    number = line("事项编号，如 2026-0012")
    leader = combo(lists.leaders)
    if leader_id is not None and index_of(leader, leader_id) >= 0:
        leader.setCurrentIndex(index_of(leader, leader_id))
    staff = line("具体承办人员，如：经办人李某、东风村书记")
    measures = text_box("化解措施")
    target = date_edit(qdate(lists.today).addMonths(1))

    def work() -> Callable[[Any], Any]:
        data = co.NewOwnership(leader.currentData(), staff.text(), measures.toPlainText(), target.date().toPython())
        text = number.text()
        return lambda uow: co.assign_case(uow, find_by_number(uow, text).id, data)

    return _open(dialog, ctx, [("事项编号", number), ("包案领导", leader), ("包案人员", staff),
                               ("化解措施", measures), ("化解时限", target)], work, "leader")


def add_progress(parent: QWidget | None, ctx: GuiContext, lists: PickLists, ownership_id: uuid.UUID) -> FormDialog:
    dialog = FormDialog(parent, "记录包案进展", "记录")
    on, note = date_edit(qdate(lists.today)), text_box("进展情况", 90)
    on.setMaximumDate(qdate(lists.today))

    def work() -> Callable[[Any], Any]:
        day, text = on.date().toPython(), note.toPlainText()
        return lambda uow: co.add_progress(uow, ownership_id, day, text)

    return _open(dialog, ctx, [("日期", on), ("进展情况", note)], work, "leader")


def settle(parent: QWidget | None, ctx: GuiContext, lists: PickLists, ownership_id: uuid.UUID) -> FormDialog:
    dialog = FormDialog(parent, "化解（息诉罢访）", "确认化解")
    on, outcome = date_edit(qdate(lists.today)), text_box("化解结果：如何解决、信访人是否息诉罢访", 90)
    on.setMaximumDate(qdate(lists.today))
    evaluation = combo(list(SATISFACTION_LABELS.items()), empty="未评价")
    reason = line("未评价时写明原因（申诉求决类必填）")

    def work() -> Callable[[Any], Any]:
        chosen = evaluation.currentData()  # Qt hands enum members back as their text
        data = co.Settlement(on.date().toPython(), outcome.toPlainText(), Satisfaction(chosen) if chosen else None,
                             reason.text())
        return lambda uow: co.settle_case(uow, ownership_id, data)

    return _open(dialog, ctx, [("化解日期", on), ("化解结果", outcome), ("信访人评价", evaluation),
                               ("未评价原因", reason)], work, "leader")


# --- 领导接访 ----------------------------------------------------------------------------------


def add_slot(parent: QWidget | None, ctx: GuiContext, lists: PickLists) -> FormDialog:
    dialog = FormDialog(parent, "新增接访安排", "保存")
    leader, on = combo(lists.leaders), date_edit(qdate(lists.today))
    on.setMinimumDate(qdate(lists.today))
    slot, place = line("如：上午 8:30—11:30", "上午 8:30—11:30"), line("如：镇信访接待室", "镇信访接待室")
    topics = line("接访内容或领域，如：征地拆迁、劳动社保")

    def work() -> Callable[[Any], Any]:
        data = lr.NewSlot(leader.currentData(), on.date().toPython(), slot.text(), place.text(), topics.text())
        return lambda uow: lr.add_slot(uow, data)

    return _open(dialog, ctx, [("接访领导", leader), ("接访日期", on), ("接访时间", slot), ("接访地点", place),
                               ("接访内容", topics)], work, "leader")


def record_reception(parent: QWidget | None, ctx: GuiContext, lists: PickLists) -> FormDialog:
    dialog = FormDialog(parent, "登记领导接访 / 下访 / 约访", "登记")
    kind = combo(list(RECEPTION_KIND_LABELS.items()))
    on, leader = date_edit(qdate(lists.today)), combo(lists.leaders)
    on.setMaximumDate(qdate(lists.today))
    place, village = line("地点"), combo(lists.villages, empty="（不限）")
    persons, headcount = line("接谈对象（约访必填）"), QSpinBox()
    headcount.setRange(0, 10_000)
    headcount.setSpecialValueText("按当日登记的来访计")
    note = text_box("接访情况")

    def work() -> Callable[[Any], Any]:
        data = lr.NewReception(ReceptionKind(kind.currentData()), on.date().toPython(), leader.currentData(),
                               place=place.text(), village_id=village.currentData(), persons=persons.text(),
                               headcount=headcount.value(), note=note.toPlainText())
        return lambda uow: lr.record_reception(uow, data)

    return _open(dialog, ctx, [("类别", kind), ("日期", on), ("领导", leader), ("地点", place),
                               ("村（社区）", village), ("接谈对象", persons), ("人数", headcount),
                               ("接访情况", note)], work, "leader")


def _numbers(text: str) -> tuple[str, ...]:
    """Numbers typed into one box, separated by commas (either width), semicolons or spaces."""
    for mark in "，；;、":
        text = text.replace(mark, ",")
    return tuple(n for part in text.split(",") for n in part.split() if n)


def edit_reception(parent: QWidget | None, ctx: GuiContext, lists: PickLists, detail: lr.ReceptionDetail) -> FormDialog:
    """Correct a saved 接访 / 下访 / 约访 record; its kind stays, the links are typed as numbers."""
    dialog = FormDialog(parent, f"修改{RECEPTION_KIND_LABELS[detail.kind]}记录", "保存修改")
    on, leader = date_edit(qdate(detail.held_on)), combo(lists.leaders)
    on.setMaximumDate(qdate(lists.today))
    if index_of(leader, detail.leader_id) >= 0:
        leader.setCurrentIndex(index_of(leader, detail.leader_id))
    place, village = line("地点", detail.place), combo(lists.villages, empty="（不限）")
    village.setCurrentIndex(max(index_of(village, detail.village_id), 0))
    persons, headcount = line("接谈对象（约访必填）", detail.persons), QSpinBox()
    headcount.setRange(0, 10_000)
    headcount.setSpecialValueText("按关联的来访计")
    headcount.setValue(detail.headcount)
    contacts = line("来访登记编号，用逗号分隔", "，".join(detail.contact_numbers))
    matters = line("信访事项编号，用逗号分隔（关联来访的事项自动加入）", "，".join(detail.matter_numbers))
    note = text_box("接访情况")
    note.setPlainText(detail.note)

    def work() -> Callable[[Any], Any]:
        data = lr.ReceptionEdit(on.date().toPython(), leader.currentData(), place=place.text(),
                                village_id=village.currentData(), persons=persons.text(), headcount=headcount.value(),
                                note=note.toPlainText(), contact_numbers=_numbers(contacts.text()),
                                matter_numbers=_numbers(matters.text()))
        return lambda uow: lr.edit_reception(uow, detail.id, data)

    return _open(dialog, ctx, [("日期", on), ("领导", leader), ("地点", place), ("村（社区）", village),
                               ("接谈对象", persons), ("人数", headcount), ("关联来访", contacts),
                               ("涉及事项", matters), ("接访情况", note)], work, "leader")


# --- 矛盾纠纷排查 ------------------------------------------------------------------------------


def add_conflict(parent: QWidget | None, ctx: GuiContext, lists: PickLists, round_id: uuid.UUID) -> FormDialog:
    dialog = FormDialog(parent, "登记排查出的矛盾纠纷", "登记")
    found = date_edit(qdate(lists.today))
    found.setMaximumDate(qdate(lists.today))
    village = combo(lists.villages, empty="（未指定）")
    parties, kind = line("当事人，如：张三、李四"), line("纠纷类型，如：邻里纠纷、土地纠纷")
    risk = combo([(r, RISK_LABELS[r]) for r in Risk])
    summary, measures = text_box("纠纷简况"), text_box("化解措施")
    responsible, due = line("责任人"), date_edit(qdate(lists.today).addDays(30))

    def work() -> Callable[[Any], Any]:
        data = sc.NewConflict(found.date().toPython(), parties.text(), kind.text(), Risk(risk.currentData()),
                              responsible.text(), village.currentData(), summary.toPlainText(),
                              measures.toPlainText(), due.date().toPython())
        return lambda uow: sc.add_conflict(uow, round_id, data)

    return _open(dialog, ctx, [("排查日期", found), ("村（社区）", village), ("当事人", parties), ("纠纷类型", kind),
                               ("风险等级", risk), ("纠纷简况", summary), ("化解措施", measures),
                               ("责任人", responsible), ("化解期限", due)], work, "screening")


def set_status(parent: QWidget | None, ctx: GuiContext, lists: PickLists, conflict_id: uuid.UUID) -> FormDialog:
    dialog = FormDialog(parent, "更新化解情况", "保存")
    status = combo([(s, CONFLICT_STATUS_LABELS[s]) for s in SETTABLE_CONFLICT_STATUSES])
    on = date_edit(qdate(lists.today))
    on.setMaximumDate(qdate(lists.today))
    note = line("情况说明（已化解必填）")

    def work() -> Callable[[Any], Any]:
        chosen, day, text = ConflictStatus(status.currentData()), on.date().toPython(), note.text()
        return lambda uow: sc.set_status(uow, conflict_id, chosen, on=day, note=text)

    return _open(dialog, ctx, [("状态", status), ("日期", on), ("情况说明", note)], work, "screening")


def convert(parent: QWidget | None, ctx: GuiContext, conflict_id: uuid.UUID, title_hint: str) -> FormDialog:
    dialog = FormDialog(parent, "转为信访事项", "登记为事项")
    title, subject = line("事项摘要", title_hint), line("问题分类代码，如 0101")
    matter_type = combo(list(MATTER_TYPE_LABELS.items()))

    def work() -> Callable[[Any], Any]:
        text, code, kind = title.text(), subject.text().strip(), MatterType(matter_type.currentData())
        return lambda uow: sc.convert_to_matter(uow, conflict_id, title=text, subject_code=code, matter_type=kind)

    return _open(dialog, ctx, [("事项摘要", title), ("问题分类", subject), ("事项类别", matter_type)], work,
                 "screening")


# --- 重点人员、敏感节点、村级接访 --------------------------------------------------------------


def log_follow_up(parent: QWidget | None, ctx: GuiContext, lists: PickLists, key_person_id: uuid.UUID,
                  name: str) -> FormDialog:
    dialog = FormDialog(parent, f"记录稳控情况：{name}", "记录")
    on = date_edit(qdate(lists.today))
    on.setMaximumDate(qdate(lists.today))
    way, note = line("如：入户走访、电话联系、面谈", "入户走访"), text_box("稳控情况", 90)

    def work() -> Callable[[Any], Any]:
        day, how, text = on.date().toPython(), way.text(), note.toPlainText()
        return lambda uow: kp.log_follow_up(uow, key_person_id, on=day, way=how, note=text)

    return _open(dialog, ctx, [("联系日期", on), ("联系方式", way), ("稳控情况", note)], work, "leader")


def add_period(parent: QWidget | None, ctx: GuiContext, lists: PickLists) -> FormDialog:
    dialog = FormDialog(parent, "新增敏感节点", "保存")
    name = line("如：县人代会、国庆")
    starts, ends = date_edit(qdate(lists.today)), date_edit(qdate(lists.today).addDays(7))
    note = line("说明（可不填）")

    def work() -> Callable[[Any], Any]:
        text, start, end, extra = name.text(), starts.date().toPython(), ends.date().toPython(), note.text()
        return lambda uow: kp.save_period(uow, name=text, starts_on=start, ends_on=end, note=extra)

    return _open(dialog, ctx, [("名称", name), ("开始日期", starts), ("结束日期", ends), ("说明", note)], work,
                 "leader")


def add_village_reception(parent: QWidget | None, ctx: GuiContext, lists: PickLists) -> FormDialog:
    dialog = FormDialog(parent, "登记村级接访（有访接访、无访说案、无案说事、无事排查）", "登记")
    on = date_edit(qdate(lists.today))
    on.setMaximumDate(qdate(lists.today))
    village, officials = combo(lists.villages), line("参加人员，如：包村干部李某、村支书王某")
    contacts, cases = QSpinBox(), QSpinBox()
    for box in (contacts, cases):
        box.setRange(0, 1000)
    screening = QCheckBox("已开展矛盾纠纷排查")
    note = text_box("接访情况")

    def work() -> Callable[[Any], Any]:
        data = vw.NewVillageReception(on.date().toPython(), village.currentData(), officials.text(),
                                      contacts.value(), cases.value(), screening.isChecked(), note.toPlainText())
        return lambda uow: vw.record_village_reception(uow, data)

    return _open(dialog, ctx, [("日期", on), ("村（社区）", village), ("参加人员", officials), ("登记来访", contacts),
                               ("说案件数", cases), ("", screening), ("接访情况", note)], work, "screening")


# --- 信访代办 ----------------------------------------------------------------------------------


def proxy_step(parent: QWidget | None, ctx: GuiContext, lists: PickLists, matter_id: uuid.UUID,
               current: vw.ProxyInfo | None) -> FormDialog:
    """The next step of the matter's proxy: 点单 when none is open, else 派单, 接单 or 评单 in turn."""
    on = date_edit(qdate(lists.today))
    on.setMaximumDate(qdate(lists.today))
    if current is None or current.stage is ProxyStage.RATED:
        dialog, request = FormDialog(parent, "信访代办：点单", "点单"), text_box("代办诉求")

        def order() -> Callable[[Any], Any]:
            day, text = on.date().toPython(), request.toPlainText()
            return lambda uow: vw.order_proxy(uow, matter_id, on=day, request=text)

        return _open(dialog, ctx, [("点单日期", on), ("代办诉求", request)], order, "matter")
    proxy_id = current.id
    if current.stage is ProxyStage.ORDERED:
        dialog, official = FormDialog(parent, "信访代办：派单", "派单"), combo(lists.users)

        def dispatch() -> Callable[[Any], Any]:
            day, user = on.date().toPython(), official.currentData()
            return lambda uow: vw.dispatch_proxy(uow, proxy_id, on=day, proxy_user_id=user)

        return _open(dialog, ctx, [("派单日期", on), ("代办员", official)], dispatch, "matter")
    if current.stage is ProxyStage.DISPATCHED:
        dialog = FormDialog(parent, f"信访代办：接单（{current.proxy}）", "接单")

        def accept() -> Callable[[Any], Any]:
            day = on.date().toPython()
            return lambda uow: vw.accept_proxy(uow, proxy_id, on=day)

        return _open(dialog, ctx, [("接单日期", on)], accept, "matter")
    dialog = FormDialog(parent, "信访代办：评单", "评单")
    rating, note = combo(list(SATISFACTION_LABELS.items())), line("评价说明（不满意必填）")

    def rate() -> Callable[[Any], Any]:
        day, chosen, text = on.date().toPython(), Satisfaction(rating.currentData()), note.text()
        return lambda uow: vw.rate_proxy(uow, proxy_id, on=day, rating=chosen, note=text)

    return _open(dialog, ctx, [("评单日期", on), ("信访人评价", rating), ("评价说明", note)], rate, "matter")


def key_person(parent: QWidget | None, ctx: GuiContext, lists: PickLists, person_id: uuid.UUID,
               current: kp.KeyPersonInfo | None) -> FormDialog:
    """列为重点人员 (follow-up officer, reason, period), or take the person off the list."""
    if current is not None:
        dialog, reason = FormDialog(parent, f"移出重点人员：{current.name}", "移出"), line("移出原因，如：已息诉罢访")
        key_id = current.id

        def remove() -> Callable[[Any], Any]:
            text = reason.text()
            return lambda uow: kp.remove_key_person(uow, key_id, text)

        return _open(dialog, ctx, [("移出原因", reason)], remove, "person")
    dialog = FormDialog(parent, "列为重点人员", "列入")
    officer, reason, days = combo(lists.users), line("列为重点人员的原因"), QSpinBox()
    days.setRange(1, 365)
    days.setValue(30)
    days.setSuffix(" 天")

    def add() -> Callable[[Any], Any]:
        chosen, text, period = officer.currentData(), reason.text(), days.value()
        return lambda uow: kp.list_key_person(uow, person_id, officer_id=chosen, reason=text, follow_up_days=period)

    return _open(dialog, ctx, [("稳控责任人", officer), ("原因", reason), ("回访周期", days)], add, "person")
