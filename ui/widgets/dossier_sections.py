"""The parts of a dossier page, each built from the MatterDossier read model: facts, petitioners,
clocks with coloured countdowns, leader and supervision, evaluation, history, contacts, catalogue."""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QGridLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem,
    QTextBrowser, QVBoxLayout,
)

from app.services.matter_dossier import CatalogueItem, ClockInfo, EventInfo, MatterDossier
from ui.widgets import dossier_labels as lb

URGENCY_NOTE = {"overdue": "已超期", "soon": "3 日内到期", "week": "7 日内到期", "ok": "", "window": "信访人期限",
                "met": "已完成", "ended": "已停止计算"}


def card(title: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName("card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(12, 8, 12, 10)
    heading = QLabel(title)
    heading.setStyleSheet("font-weight: bold;")
    layout.addWidget(heading)
    return frame, layout


def _value(text: str) -> QLabel:
    label = QLabel(text or "—")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _grid(pairs: Sequence[tuple[str, str]], columns: int = 2) -> QGridLayout:
    grid = QGridLayout()
    grid.setHorizontalSpacing(10)
    grid.setVerticalSpacing(4)
    for i, (label, value) in enumerate(pairs):
        row, col = divmod(i, columns)
        caption = QLabel(label)
        caption.setProperty("role", "hint")
        grid.addWidget(caption, row, col * 2, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(_value(value), row, col * 2 + 1)
    for col in range(columns):
        grid.setColumnStretch(col * 2 + 1, 1)
    return grid


def facts_card(d: MatterDossier) -> QFrame:
    frame, layout = card("基本情况")
    pairs = [("事项编号", d.number), ("登记日期", d.registered_on.isoformat()),
             ("事项类别", lb.MATTER_TYPE[d.matter_type]), ("问题分类", d.subject),
             ("问题属地", d.village), ("当前状态", d.state_label),
             ("责任单位", d.responsible_unit), ("经办人", d.handler)]
    pairs += [(lb.FACTS[k], lb.value_text(k, v)) for k, v in d.facts]
    layout.addLayout(_grid(pairs))
    return frame


def petitioners_card(d: MatterDossier) -> QFrame:
    frame, layout = card(f"信访人（{len(d.petitioners)}）" if not d.masked else "信访人")
    if d.masked:
        layout.addWidget(_value("（检举人信息保密）"))
    for p in d.petitioners:
        age = p.age(d.today)
        parts = [p.name, f"{age} 岁" if age is not None else "", p.id_number or "", "、".join(p.phones),
                 p.village, p.address, " ".join(f"[{t}]" for t in p.tags)]
        layout.addWidget(_value("　".join(x for x in parts if x)))
    if not d.petitioners and not d.masked:
        layout.addWidget(_value("（匿名）"))
    return frame


def clock_row(c: ClockInfo) -> tuple[QLabel, QLabel, QLabel, QLabel]:
    if c.met_on:
        state = f"{c.met_on.isoformat()} 已完成"
    elif c.live:
        state = lb.countdown_text(c.days_left)
    else:
        state = "已停止计算"
    countdown = QLabel(state)
    countdown.setObjectName(f"countdown_{c.clock.value}")
    countdown.setProperty("urgency", c.urgency if c.urgency in ("overdue", "soon", "week", "ok") else "")
    countdown.setToolTip(URGENCY_NOTE.get(c.urgency, ""))
    name = QLabel(c.label + ("" if c.office_duty else "（信访人）") + ("（暂按决定日期起算）" if c.note else ""))
    name.setObjectName(f"clock_{c.clock.value}")
    name.setToolTip(f"{c.starts_on.isoformat()} 起算" + (f"。{c.note}" if c.note else ""))
    length = QLabel(f"{c.days} 个{lb.UNIT.get(c.unit, c.unit)}")
    length.setProperty("role", "hint")
    return name, length, QLabel(f"{c.due_on.isoformat()} 届满"), countdown


def clocks_card(d: MatterDossier) -> QFrame:
    frame, layout = card("法定期限")
    grid = QGridLayout()
    grid.setHorizontalSpacing(14)
    grid.setVerticalSpacing(3)
    for row, clock in enumerate(d.clocks):
        for col, widget in enumerate(clock_row(clock)):
            grid.addWidget(widget, row, col)
    grid.setColumnStretch(3, 1)
    layout.addLayout(grid)
    if not d.clocks:
        layout.addWidget(_value("（无）"))
    return frame


def oversight_card(d: MatterDossier, on_reply: Callable[[uuid.UUID], None] | None = None) -> QFrame:
    """The case-owning leader and the supervision notes; ``on_reply`` offers to record an answer."""
    frame, layout = card("包案与督办")
    layout.addLayout(_grid([("包案领导", d.case_leader or "（未指定）")], columns=1))
    if d.case is not None:
        c = d.case
        settled = f"；{c.settled_on.isoformat()} 已化解：{c.outcome}" if c.settled_on else ""
        layout.addWidget(_value(f"包案人员：{c.staff}；化解时限：{c.target_on.isoformat()}；措施：{c.measures}{settled}"))
        for note in c.progress:
            layout.addWidget(_value(f"　{note.noted_on.isoformat()} 进展（{note.author}）：{note.note}"))
    for s in d.supervisions:
        due = f"，限 {s.due_on.isoformat()} 前反馈" if s.due_on else ""
        reply = f"\n　{s.replied_on.isoformat()} 已反馈：{s.reply}" if s.replied_on else "\n　尚未反馈"
        layout.addWidget(_value(f"{s.issued_on.isoformat()} {lb.SUPERVISION_SOURCE.get(s.source, s.source)}"
                                f"（{s.supervisor}）{due}：{s.request}{reply}"))
        if on_reply is not None and s.replied_on is None:
            button = QPushButton("登记反馈")
            button.setObjectName("supervision_reply")
            button.clicked.connect(lambda _=False, sid=s.id: on_reply(sid))
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
    if not d.supervisions:
        layout.addWidget(_value("督办：（无）"))
    for p in d.proxies:
        who = f"，代办员 {p.proxy}" if p.proxy else ""
        layout.addWidget(_value(f"信访代办：{p.stage_label}（{p.ordered_on.isoformat()} 点单{who}）：{p.request}"))
    return frame


def evaluation_card(d: MatterDossier) -> QFrame:
    frame, layout = card("满意度评价")
    e = d.evaluation
    if e is None:
        layout.addWidget(_value("尚未评价"))
        return frame
    pairs = [("评价结果", lb.SATISFACTION.get(e.satisfaction, "未评价") if e.satisfaction else "未评价"),
             ("评价日期", e.evaluated_on.isoformat() if e.evaluated_on else ""),
             ("评价方式", e.method), ("征询人", e.asked_by)]
    layout.addLayout(_grid(pairs))
    return frame


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], name: str) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    table.resizeRowsToContents()
    return table


def _details(pairs: Sequence[tuple[str, object]]) -> str:
    return "；".join(f"{lb.DETAILS.get(k, k)}：{lb.value_text(k, v)}" for k, v in pairs if k != "source")


def history_table(events: Sequence[EventInfo]) -> QTableWidget:
    rows = []
    for e in events:
        change = f"{e.from_label} → {e.to_label}" if e.from_label and e.from_label != e.to_label else e.to_label
        detail = "；".join(x for x in (_details(e.details), f"备注：{e.note}" if e.note else "") if x)
        rows.append((str(e.seq), e.occurred_on.isoformat(), e.label, change, e.actor, detail))
    return _table(("序", "日期", "步骤", "状态", "办理人", "说明"), rows, "history")


def catalogue_table(items: Sequence[CatalogueItem]) -> QTableWidget:
    rows = []
    for item in items:
        if item.kind == "registration":
            what = f"{lb.CHANNEL.get(item.code, item.code)}登记表"  # type: ignore[call-overload]
        elif item.kind == "document":
            what = lb.document_label(item.code)
        else:
            what = "附件（图片）" if item.code.startswith("image/") else "附件"
        rows.append((str(item.position), item.on.isoformat(), what, item.title, _details(item.detail)))
    return _table(("序号", "日期", "材料", "文号 / 编号 / 文件名", "备注"), rows, "catalogue")


def contacts_view(d: MatterDossier) -> QTextBrowser:
    view = QTextBrowser()
    view.setObjectName("contacts")
    parts = []
    for c in d.contacts:
        tags = [lb.CHANNEL.get(c.channel, c.channel), "重复访" if c.is_repeat else "初次"]  # type: ignore[call-overload]
        if c.headcount > 1:
            tags.append(f"{c.headcount} 人")
        if c.skip_level:
            tags.append(lb.SKIP_LEVEL.get(c.skip_level, c.skip_level))  # type: ignore[call-overload]
        if c.leader_reception:
            tags.append(f"领导接访：{c.leader_name}")
        tags += [lb.FLAGS[f] for f in c.flags]
        parts.append(
            f"<p><b>{html.escape(c.number)}</b>　{c.contact_at:%Y-%m-%d %H:%M}　{html.escape('，'.join(tags))}"
            f"　信访人：{html.escape('、'.join(c.persons) or '（匿名）')}　登记人：{html.escape(c.clerk)}<br>"
            f"{html.escape(c.content).replace(chr(10), '<br>')}</p>")
    view.setHtml("".join(parts) or "<p>（无来信来访记录）</p>")
    return view
