"""矛盾纠纷排查: the monthly rounds, the register of the chosen round (high risk first), counts per risk,
and the actions: open this month's round (carrying unresolved items over), register an item, update
its status, turn it into a matter; and the month's village reception sessions (村级接访)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTabWidget

from app.domain.leader_work import ConflictStatus, Risk
from app.services import screening as sc
from app.services.screening import ConflictInfo, ScreeningView, screening_view
from ui.context import GuiContext
from ui.dialogs import leader_dialogs as dlg
from ui.pages.base import Page
from ui.widgets.record_tab import RecordTab
from ui.widgets.record_table import Record

COLUMNS = ("排查日期", "村（社区）", "当事人", "纠纷类型", "风险", "化解措施", "责任人", "化解期限", "状态", "来源")
VILLAGE_COLUMNS = ("日期", "村（社区）", "参加人员", "登记来访", "说案件数", "排查", "接访情况")
RISK_URGENCY = {Risk.HIGH: "overdue", Risk.MEDIUM: "soon", Risk.LOW: None}


def _row(item: ConflictInfo) -> Record:
    done = item.status in (ConflictStatus.RESOLVED, ConflictStatus.CONVERTED, ConflictStatus.CARRIED)
    return Record(
        (item.found_on.isoformat(), item.village, item.parties, item.kind, item.risk_label, item.measures,
         item.responsible, item.due_on.isoformat() if item.due_on else "", item.status_label,
         "上月结转" if item.carried_from_id else "本月排查"),
        payload=item, urgency="muted" if done else RISK_URGENCY[item.risk], tooltip=item.summary)


class ScreeningPage(Page):
    title = "矛盾纠纷排查"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.view: ScreeningView | None = None
        self.dialog: object | None = None
        top = QHBoxLayout()
        top.addWidget(QLabel("排查月份："))
        self.round = QComboBox()
        self.round.setObjectName("roundChoice")
        self.round.setMinimumWidth(140)
        self.round.currentIndexChanged.connect(lambda _i: self.reload(self.round.currentData()))
        top.addWidget(self.round)
        self.counts = QLabel()
        self.counts.setObjectName("riskCounts")
        top.addWidget(self.counts, 1)
        self.layout_.addLayout(top)
        self.register = RecordTab(COLUMNS, "conflictTable")
        self.register.button("开启本月排查", "openRound").clicked.connect(self._open_round)
        self.register.button("登记纠纷…", "addConflict").clicked.connect(self._add)
        self.register.button("更新化解情况…", "setStatus").clicked.connect(self._status)
        self.register.button("转为信访事项…", "convert").clicked.connect(self._convert)
        self.register.finish()
        self.register.table.activated.connect(self._activated)
        self.villages = RecordTab(VILLAGE_COLUMNS, "villageReceptionTable")
        self.villages.button("登记村级接访…", "addVillageReception").clicked.connect(self._add_village)
        self.villages.finish()
        tabs = QTabWidget()
        tabs.addTab(self.register, "排查台账")
        tabs.addTab(self.villages, "村级接访")
        self.layout_.addWidget(tabs, 1)

    def on_shown(self) -> None:
        self.reload(self.view.current.id if self.view and self.view.current else None)

    def on_changed(self, kinds: frozenset[str]) -> None:
        if self.view is not None and "screening" in kinds:
            self.reload(self.view.current.id if self.view.current else None)

    def reload(self, round_id: uuid.UUID | None = None) -> None:
        self.ctx.runner.read(lambda uow: screening_view(uow, round_id), self.show_view)

    def show_view(self, view: ScreeningView) -> None:
        self.view = view
        self.round.blockSignals(True)
        self.round.clear()
        for r in view.rounds:
            self.round.addItem(f"{r.month.year}年{r.month.month}月", r.id)
        if view.current is not None:
            self.round.setCurrentIndex(dlg.index_of(self.round, view.current.id))
        self.round.blockSignals(False)
        if view.current is None:
            self.counts.setText("尚未开启排查：点“开启本月排查”开始。")
        else:
            parts = [f"{label}风险 {view.count(risk)} 件（未化解 {view.count(risk, unresolved=True)}）"
                     for risk, label in ((Risk.HIGH, "高"), (Risk.MEDIUM, "中"), (Risk.LOW, "低"))]
            self.counts.setText("　".join(parts) + f"　|　上月结转 {view.current.carried} 件")
        self.register.model.set_records([_row(i) for i in view.items])
        self.villages.model.set_records([Record(
            (v.held_on.isoformat(), v.village, v.officials, str(v.contacts_registered), str(v.cases_discussed),
             "是" if v.screening_done else "否", v.note), payload=v) for v in view.village_receptions])
        for tab in (self.register, self.villages):
            tab.table.resizeColumnsToContents()

    def _open_round(self) -> None:
        if self.view is None:
            return
        month = self.view.lists.today
        self.ctx.runner.write(lambda uow: sc.open_round(uow, month), lambda info: self.reload(info.id),
                              changes=frozenset({"screening"}))

    def _add_village(self) -> None:
        if self.view:
            self.dialog = dlg.add_village_reception(self, self.ctx, self.view.lists)

    def _add(self) -> None:
        if self.view and self.view.current:
            self.dialog = dlg.add_conflict(self, self.ctx, self.view.lists, self.view.current.id)

    def _status(self) -> None:
        item = self.register.selected()
        if self.view and isinstance(item, ConflictInfo):
            self.dialog = dlg.set_status(self, self.ctx, self.view.lists, item.id)

    def _convert(self) -> None:
        item = self.register.selected()
        if isinstance(item, ConflictInfo):
            self.dialog = dlg.convert(self, self.ctx, item.id, f"{item.parties}{item.kind}")

    def _activated(self, index: QModelIndex) -> None:
        item = self.register.model.record(index.row()).payload if index.isValid() else None
        if isinstance(item, ConflictInfo) and item.matter_id is not None:
            self.ctx.navigator.open_matter(item.matter_id)
