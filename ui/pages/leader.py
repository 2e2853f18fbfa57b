"""领导包案与接访: a leader's packages with deadlines and progress, the published reception schedule,
reception records, the backlog (积案), key persons with the sensitive periods, and the period banner."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QTabWidget

from app.domain.enums import Role
from app.domain.leader_work import RECEPTION_KIND_LABELS
from app.domain.permissions import Permission, allows
from app.services import backlog, leader_receptions as lr
from app.services.leader_desk import SCHEDULE_AHEAD_DAYS, LeaderDesk, leader_desk
from app.services.schedule_notice import schedule_pdf
from ui.context import GuiContext
from ui.dialogs import leader_dialogs as dlg
from ui.pages.base import Page
from ui.widgets.dossier_labels import countdown_text
from ui.widgets.record_tab import RecordTab
from ui.widgets.record_table import Record

CASE_COLUMNS = ("事项编号", "事项摘要", "状态", "包案领导", "包案人员", "化解时限", "剩余", "法定期限", "最近进展")
SLOT_COLUMNS = ("日期", "时间", "接访领导", "地点", "接访内容", "公示")
RECEPTION_COLUMNS = ("日期", "类别", "领导", "地点/村", "接谈对象", "批次", "人数", "涉及事项")
KEY_COLUMNS = ("姓名", "稳控责任人", "列为重点人员原因", "回访周期", "上次联系", "下次回访")
BACKLOG_COLUMNS = ("事项编号", "事项摘要", "状态", "登记日期", "列为积案", "已历时", "包案领导", "化解时限",
                   "最近进展", "化解日期")


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _urgency(days_left: int) -> str | None:
    return "overdue" if days_left < 0 else "soon" if days_left <= 3 else "week" if days_left <= 7 else None


class LeaderPage(Page):
    title = "领导包案与接访"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.desk: LeaderDesk | None = None
        self.dialog: object | None = None
        self.banner = QLabel()
        self.banner.setObjectName("periodBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fdecea; color: #b3261e; padding: 6px; border-radius: 4px;")
        self.banner.hide()
        self.layout_.addWidget(self.banner)
        top = QHBoxLayout()
        top.addWidget(QLabel("领导："))
        self.leader = QComboBox()
        self.leader.setObjectName("leaderChoice")
        self.leader.setMinimumWidth(160)
        self.leader.currentIndexChanged.connect(lambda _i: self._leader_chosen())
        top.addWidget(self.leader)
        self.summary = QLabel()
        self.summary.setProperty("role", "hint")
        top.addWidget(self.summary, 1)
        self.layout_.addLayout(top)
        self.tabs = QTabWidget()
        self.cases = RecordTab(CASE_COLUMNS, "caseTable")
        self.cases.button("新增包案…", "ownCase").clicked.connect(self._own_case)
        self.cases.button("记录进展…", "addProgress").clicked.connect(self._progress)
        self.cases.button("化解（息诉罢访）…", "settleCase").clicked.connect(self._settle)
        self.cases.finish()
        self.cases.table.activated.connect(self._open_case)
        self.slots = RecordTab(SLOT_COLUMNS, "slotTable")
        self.slots.button("新增接访安排…", "addSlot").clicked.connect(self._add_slot)
        self.slots.button("公示未来一个月的安排", "publish").clicked.connect(self._publish)
        self.slots.button("导出本月公示表（PDF）…", "exportSchedule").clicked.connect(self._export_schedule)
        self.slots.finish()
        self.receptions = RecordTab(RECEPTION_COLUMNS, "receptionTable")
        self.receptions.button("登记接访 / 下访 / 约访…", "addReception").clicked.connect(self._add_reception)
        self.receptions.button("修改记录…", "editReception").clicked.connect(self._edit_reception)
        self.receptions.finish()
        self.receptions.table.activated.connect(lambda _i: self._edit_reception())
        self.backlog = RecordTab(BACKLOG_COLUMNS, "backlogTable")
        self.backlog.button("按积案规则标记", "applyRule").clicked.connect(self._apply_rule)
        self.backlog.finish()
        self.backlog.table.activated.connect(self._open_backlog)
        self.keys = RecordTab(KEY_COLUMNS, "keyPersonTable")
        self.keys.button("记录稳控情况…", "logFollowUp").clicked.connect(self._follow_up)
        self.keys.button("新增敏感节点…", "addPeriod").clicked.connect(self._add_period)
        self.keys.finish()
        self.periods_note = QLabel()
        self.periods_note.setProperty("role", "hint")
        self.periods_note.setWordWrap(True)
        self.keys.layout().addWidget(self.periods_note)
        for tab, label in ((self.cases, "包案事项"), (self.slots, "接访安排（三定一公开）"),
                           (self.receptions, "接访记录"), (self.backlog, "积案"), (self.keys, "重点人员与敏感节点")):
            self.tabs.addTab(tab, label)
        self.layout_.addWidget(self.tabs, 1)
        self._leader_id: uuid.UUID | None = ctx.actor.user_id if ctx.actor.role is Role.LEADER else None
        self._rule_applied = False

    # -- loading ----------------------------------------------------------------------------------
    def on_shown(self) -> None:
        if not self._rule_applied and allows(self.ctx.actor.role, Permission.RECORD_STABILITY_WORK):
            # 积案 by the office's rule: matters cross the line day by day, so flag them on the first visit.
            self._rule_applied = True
            self.ctx.runner.write(backlog.apply_backlog_rule, lambda _n: self.reload(),
                                  changes=frozenset({"matter"}))
            return
        self.reload()

    def on_changed(self, kinds: frozenset[str]) -> None:
        if self.desk is not None and kinds & {"leader", "matter", "screening", "user"}:
            self.reload()

    def reload(self) -> None:
        leader_id = self._leader_id
        self.ctx.runner.read(lambda uow: leader_desk(uow, leader_id), self.show_desk)

    def show_desk(self, desk: LeaderDesk) -> None:
        self.desk = desk
        self.leader.blockSignals(True)
        self.leader.clear()
        self.leader.addItem("全部领导", None)
        for uid, name in desk.lists.leaders:
            self.leader.addItem(name, uid)
        self.leader.setCurrentIndex(max(dlg.index_of(self.leader, desk.leader_id), 0))
        self.leader.blockSignals(False)
        overdue = sum(1 for c in desk.cases if c.days_left < 0)
        self.summary.setText(f"在包事项 {len(desk.cases)} 件" + (f"，超过化解时限 {overdue} 件" if overdue else "")
                             + f"；积案 {sum(1 for b in desk.backlog if b.resolved_on is None)} 件未化解")
        self._show_banner(desk)
        self.cases.model.set_records([Record(
            (c.number, c.title, c.state_label, c.leader, c.staff, _day(c.target_on), countdown_text(c.days_left),
             _day(c.next_due_on), c.progress[0].note if c.progress else ""),
            payload=c, urgency=_urgency(c.days_left),
            tooltip="\n".join(f"{p.noted_on.isoformat()} {p.author}：{p.note}" for p in c.progress))
            for c in desk.cases])
        self.slots.model.set_records([Record(
            (_day(s.held_on), s.time_slot, s.leader, s.place, s.topics, _day(s.published_on) or "未公示"),
            payload=s, urgency=None if s.published_on else "muted") for s in desk.schedule])
        self.receptions.model.set_records([Record(
            (_day(r.held_on), RECEPTION_KIND_LABELS[r.kind], r.leader, r.village or r.place, r.persons,
             str(r.batches), str(r.headcount), str(len(r.matter_ids))), payload=r) for r in desk.receptions])
        self.backlog.model.set_records([Record(
            (b.number, b.title, b.state_label, _day(b.registered_on), _day(b.backlog_since), f"{b.months_open} 个月",
             b.case_leader, _day(b.target_on), b.last_progress, _day(b.resolved_on)),
            payload=b, urgency="muted" if b.resolved_on else None) for b in desk.backlog])
        self.keys.model.set_records([Record(
            (k.name, k.officer, k.reason, f"{k.follow_up_days} 天", _day(k.last_contact_on), _day(k.next_due_on)),
            payload=k, urgency=_urgency((k.next_due_on - desk.lists.today).days)) for k in desk.key_persons])
        self.periods_note.setText("敏感节点：" + ("；".join(
            f"{p.name}（{p.starts_on.isoformat()} 至 {p.ends_on.isoformat()}）" for p in desk.periods) or "未设置"))
        for tab in (self.cases, self.slots, self.receptions, self.backlog, self.keys):
            tab.table.resizeColumnsToContents()

    def _show_banner(self, desk: LeaderDesk) -> None:
        watch = desk.watch
        if watch is None:
            self.banner.hide()
            return
        p = watch.period
        names = "、".join(f"{k.name}（{k.officer}，{k.next_due_on.isoformat()} 前回访）" for k in watch.due)
        self.banner.setText(f"敏感节点：{p.name}（{p.starts_on.isoformat()} 至 {p.ends_on.isoformat()}）。"
                            + (f"期间应回访的重点人员 {len(watch.due)} 人：{names}" if watch.due
                               else "期间没有到期回访的重点人员。"))
        self.banner.show()

    def _leader_chosen(self) -> None:
        self._leader_id = self.leader.currentData()
        self.reload()

    # -- actions ----------------------------------------------------------------------------------
    def _own_case(self) -> None:
        if self.desk:
            self.dialog = dlg.own_case(self, self.ctx, self.desk.lists, self._leader_id)

    def _progress(self) -> None:
        case = self.cases.selected()
        if self.desk and case is not None:
            self.dialog = dlg.add_progress(self, self.ctx, self.desk.lists, case.ownership_id)  # type: ignore[attr-defined]

    def _settle(self) -> None:
        case = self.cases.selected()
        if self.desk and case is not None:
            self.dialog = dlg.settle(self, self.ctx, self.desk.lists, case.ownership_id)  # type: ignore[attr-defined]

    def _follow_up(self) -> None:
        key = self.keys.selected()
        if self.desk and key is not None:
            self.dialog = dlg.log_follow_up(self, self.ctx, self.desk.lists, key.id, key.name)  # type: ignore[attr-defined]

    def _add_period(self) -> None:
        if self.desk:
            self.dialog = dlg.add_period(self, self.ctx, self.desk.lists)

    def _add_slot(self) -> None:
        if self.desk:
            self.dialog = dlg.add_slot(self, self.ctx, self.desk.lists)

    def _publish(self) -> None:
        if self.desk:
            today = self.desk.lists.today
            end = today + timedelta(days=SCHEDULE_AHEAD_DAYS)
            self.ctx.runner.write(lambda uow: lr.publish(uow, today, end), lambda _n: None,
                                  changes=frozenset({"leader"}))

    def _export_schedule(self) -> None:
        if self.desk is None:
            return
        today = self.desk.lists.today
        start = today.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        path, _filter = QFileDialog.getSaveFileName(self, "导出公示表", f"领导接访安排表-{start:%Y-%m}.pdf", "PDF (*.pdf)")
        if path:
            self.ctx.runner.read(lambda uow: schedule_pdf(uow, start, end),
                                 lambda pdf: Path(path).write_bytes(pdf))

    def _add_reception(self) -> None:
        if self.desk:
            self.dialog = dlg.record_reception(self, self.ctx, self.desk.lists)

    def _edit_reception(self) -> None:
        record = self.receptions.selected()
        if self.desk is None or record is None:
            return
        rid = record.id  # type: ignore[attr-defined]
        self.ctx.runner.read(lambda uow: lr.reception_detail(uow, rid), self._show_reception_edit)

    def _show_reception_edit(self, detail: lr.ReceptionDetail) -> None:
        if self.desk is not None:
            self.dialog = dlg.edit_reception(self, self.ctx, self.desk.lists, detail)

    def _apply_rule(self) -> None:
        self.ctx.runner.write(backlog.apply_backlog_rule, lambda _n: None, changes=frozenset({"leader", "matter"}))

    def _open_case(self, index: QModelIndex) -> None:
        if index.isValid():
            self.ctx.navigator.open_matter(self.cases.model.record(index.row()).payload.matter_id)

    def _open_backlog(self, index: QModelIndex) -> None:
        if index.isValid():
            self.ctx.navigator.open_matter(self.backlog.model.record(index.row()).payload.matter_id)



