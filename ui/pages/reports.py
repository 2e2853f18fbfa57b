"""统计报表 page: pick a period, see its figures with 同比/环比 in tables and charts, export, submit.

The figures are computed by app/statistics on a worker thread (progress bar, 取消); the tables show
them as the service computed them. 导出报表 writes the report workbook, 导出台账 one of the ledgers of
the period (with progress and cancel); 报送 marks a finished month, quarter or year as submitted,
for users allowed to (the service checks it again).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QMenu, QMessageBox,
    QProgressBar, QPushButton, QSplitter, QTableView, QTabWidget, QVBoxLayout, QWidget,
)

from app.domain.permissions import Permission, allows
from app.errors import DomainError
from app.excel.common import Cancelled
from app.excel.ledgers import LedgerKind
from app.statistics.periods import Period
from app.statistics.screen import OfficeChoice, ReportScreen, behind, load_report_screen, report_offices
from app.statistics.submissions import SUBMITTABLE
from ui.context import GuiContext
from ui.dialogs.report_behind import BehindDialog
from ui.errors import show_domain_error
from ui.operations import CancelToken
from ui.pages.base import Page
from ui.widgets import report_tables as rt
from ui.widgets.charts import BarChart, LineChart
from ui.widgets.period_picker import PeriodPicker
from ui.widgets.record_table import RecordTableModel
from ui.widgets.report_exports import (
    LEDGER_CHOICES, export_ledger_job, export_report_job, period_filters, submit_job,
)

FIRST_REPEAT = "first_repeat"
BAR_CHOICES = (("by_subject", "按问题分类"), ("by_village", "按问题属地"), (FIRST_REPEAT, "初访与重访"),
               ("by_channel", "按信访形式"))


def choose_save_path(parent: QWidget, title: str, suggested: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, "Excel 工作簿 (*.xlsx)")
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")


def ask(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(parent, "报送", text)
    return answer == QMessageBox.StandardButton.Yes


def _table(model: RecordTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(26)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    for column in range(3):  # label and the period's own numbers take what they need; changes share the rest
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return view


class ReportsPage(Page):
    title = "统计报表"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.screen: ReportScreen | None = None
        self.offices: list[OfficeChoice] = []
        self.choose_path: Callable[[QWidget, str, str], Path | None] = choose_save_path  # tests replace it
        self.confirm: Callable[[QWidget, str], bool] = ask  # tests replace it
        self.last_export: Path | None = None
        self._load_token: CancelToken | None = None
        self._export_token: CancelToken | None = None  # a ledger export; a new period does not stop it
        self._generation = 0
        self._started = False
        self._build_toolbar(ctx)
        self.summary = QLabel("正在统计…")
        self.summary.setObjectName("reportSummary")
        self.summary.setProperty("role", "hint")
        self.summary.setWordWrap(True)
        self.layout_.addWidget(self.summary)
        self._build_body()
        self.message = QLabel("双击表格中的一行，可查看该数字所统计的登记或事项明细。")
        self.message.setObjectName("reportMessage")
        self.message.setProperty("role", "hint")
        self.layout_.addWidget(self.message)
        self._reload_timer = QTimer(self, singleShot=True, interval=250, timeout=self.reload)
        self.picker.changed.connect(self._reload_timer.start)
        self.office.currentIndexChanged.connect(self._reload_timer.start)

    # --- building -------------------------------------------------------------------------

    def _build_toolbar(self, ctx: GuiContext) -> None:
        bar = QHBoxLayout()
        self.picker = PeriodPicker(ctx.workspace.clock().date())
        bar.addWidget(self.picker)
        self.office_label = QLabel("单位")
        self.office = QComboBox()
        self.office.addItem("全部乡镇", None)
        for widget in (self.office_label, self.office):
            widget.setVisible(False)
            bar.addWidget(widget)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.cancel)
        bar.addWidget(self.progress)
        bar.addWidget(self.cancel_button)
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        bar.addStretch(1)
        self.export_button = QPushButton("导出报表(&E)…")
        self.export_button.setProperty("primary", True)
        self.export_button.clicked.connect(self.export_report)
        self.ledger_button = QPushButton("导出台账")
        menu = QMenu(self.ledger_button)
        for kind, label in LEDGER_CHOICES:
            menu.addAction(label, lambda k=kind: self.export_ledger(k))
        self.ledger_button.setMenu(menu)
        self.submit_button = QPushButton("报送(&S)")
        self.submit_button.clicked.connect(self.submit)
        for button in (self.export_button, self.ledger_button, self.submit_button):
            button.setEnabled(False)
            bar.addWidget(button)
        self.layout_.addLayout(bar)

    def _build_body(self) -> None:
        self.overview = RecordTableModel(rt.COUNT_COLUMNS, self)
        self.sections = RecordTableModel(rt.COUNT_COLUMNS, self)
        self.rates = RecordTableModel(rt.RATE_COLUMNS, self)
        tabs = QTabWidget()
        tabs.setObjectName("reportTabs")
        self.tables: dict[str, QTableView] = {}
        for name, model in (("overviewTable", self.overview), ("sectionTable", self.sections),
                            ("rateTable", self.rates)):
            view = _table(model, name)
            view.setToolTip("双击（或回车）一行，查看这个数字所统计的登记或事项")
            view.activated.connect(lambda index, m=model: self.show_behind(m, index.row(), index.column()))
            self.tables[name] = view
        tabs.addTab(self.tables["overviewTable"], "总体情况")
        section_tab = QWidget()
        box = QVBoxLayout(section_tab)
        self.section = QComboBox()
        for name in rt.SECTION_CHOICES:
            self.section.addItem(rt.section_label(name), name)
        self.section.currentIndexChanged.connect(self._show_section)
        box.addWidget(self.section)
        box.addWidget(self.tables["sectionTable"], 1)
        tabs.addTab(section_tab, "分类统计")
        tabs.addTab(self.tables["rateTable"], "三率及化解率")
        self.tabs = tabs
        charts = QWidget()
        right = QVBoxLayout(charts)
        right.setContentsMargins(0, 0, 0, 0)
        self.trend = LineChart("月度趋势（批次 / 人次）")
        self.trend.setObjectName("trendChart")
        right.addWidget(self.trend, 1)
        self.bar_choice = QComboBox()
        for key, label in BAR_CHOICES:
            self.bar_choice.addItem(label, key)
        self.bar_choice.currentIndexChanged.connect(self._show_bars)
        right.addWidget(self.bar_choice)
        self.bars = BarChart("")
        self.bars.setObjectName("barChart")
        right.addWidget(self.bars, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(tabs)
        splitter.addWidget(charts)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([700, 500])
        self.layout_.addWidget(splitter, 1)

    # --- loading --------------------------------------------------------------------------

    def on_shown(self) -> None:
        if not self._started:
            self._started = True
            self.ctx.runner.read(report_offices, self._offices_loaded)
            self.reload()

    def on_changed(self, kinds: frozenset[str]) -> None:
        if self._started and kinds & {"contact", "matter", "report"}:
            self._reload_timer.start()

    def _offices_loaded(self, offices: list[OfficeChoice]) -> None:
        self.offices = offices
        self.office.blockSignals(True)
        for choice in offices:
            self.office.addItem(choice.name, choice.id)
        self.office.blockSignals(False)
        for widget in (self.office_label, self.office):
            widget.setVisible(bool(offices))

    def office_ids(self) -> tuple[uuid.UUID, ...]:
        chosen = self.office.currentData()
        return (chosen,) if chosen is not None else ()

    def reload(self) -> None:
        self._reload_timer.stop()  # this reload serves any change still waiting
        try:
            period = self.picker.period()
        except DomainError as error:
            self.summary.setText(error.message)
            return
        if self._load_token is not None:
            self._load_token.cancel()
        self._generation += 1
        generation = self._generation
        offices = self.office_ids()
        self.summary.setText(f"正在统计 {period.label()}…")
        self.progress.setRange(0, 0)
        self._load_token = self.ctx.runner.read_long(
            lambda uow, progress, cancelled: load_report_screen(uow, period, office_ids=offices, progress=progress,
                                                               cancelled=cancelled),
            lambda screen: self._loaded(generation, screen), on_progress=self._progressed,
            on_error=lambda error: self._failed(generation, error))
        self._show_busy()

    def cancel(self) -> None:
        for token in (self._load_token, self._export_token):
            if token is not None:
                token.cancel()

    def _show_busy(self) -> None:
        busy = self._load_token is not None or self._export_token is not None
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _failed(self, generation: int, error: DomainError) -> None:
        if generation != self._generation:
            return
        self._load_token = None
        self._show_busy()
        if isinstance(error, Cancelled):
            self.summary.setText("已取消统计。")
        else:
            show_domain_error(self, error)

    def _loaded(self, generation: int, screen: ReportScreen) -> None:
        if generation != self._generation:
            return  # a newer request replaced this one
        self._load_token = None
        self._show_busy()
        self.screen = screen
        report = screen.report
        self.overview.set_records(rt.overview_records(report))
        self.rates.set_records(rt.rate_records(report))
        self._show_section()
        self.trend.set_data(*rt.trend_data(screen.trend))
        self._show_bars()
        self.summary.setText(self._summary_text(screen))
        self._update_buttons()

    def _summary_text(self, screen: ReportScreen) -> str:
        report = screen.report
        f = report.figures
        office = self.office.currentText() if screen.office_ids else report.office.short_name
        text = (f"{office}　{report.period.label()}（{report.period.start:%Y-%m-%d} 至 {report.period.end:%Y-%m-%d}，"
                f"截至 {f.cutoff:%Y-%m-%d %H:%M}）　共 {f.totals.batches} 批次 {f.totals.person_visits} 人次　"
                f"同比：{report.yoy.period.label()}　环比：{report.pop.period.label()}")
        s = report.submission
        if s is not None:
            text += f"\n已于 {s.submitted_at:%Y-%m-%d %H:%M} 由{s.submitted_by}报送，显示报送时的数据"
            if s.corrections:
                text += f"（已更正 {len(s.corrections)} 次）"
            if s.flagged:
                text += f"；报送后数据已变化 {len(s.pending)} 项，请登记更正"
        return text

    def _show_section(self) -> None:
        if self.screen is not None:
            self.sections.set_records(rt.section_records(self.screen.report, self.section.currentData()))

    def _show_bars(self) -> None:
        if self.screen is None:
            return
        key = self.bar_choice.currentData()
        report = self.screen.report
        if key == FIRST_REPEAT:
            self.bars.title = "初访与重访、集体访与个人访"
            self.bars.set_data(*rt.first_repeat_chart_data(report))
        else:
            self.bars.title = f"{rt.section_label(key)}（前 {self.bars.max_rows} 项）"
            self.bars.set_data(*rt.section_chart_data(report, key))

    def _update_buttons(self) -> None:
        screen = self.screen
        self.export_button.setEnabled(screen is not None)
        self.ledger_button.setEnabled(screen is not None)
        can_submit, why = self._submit_state(screen.report.period if screen else None)
        self.submit_button.setEnabled(can_submit)
        self.submit_button.setToolTip(why)

    def _submit_state(self, period: Period | None) -> tuple[bool, str]:
        if period is None or self.screen is None:
            return False, ""
        if not allows(self.ctx.actor.role, Permission.SUBMIT_REPORT):
            return False, "只有领导或管理员可以报送报表"
        if self.screen.office_ids:
            return False, "报送的是本单位的报表，请选择“全部乡镇”"
        if period.kind not in SUBMITTABLE:
            return False, "只能报送月度、季度或年度报表"
        if self.screen.report.submission is not None:
            return False, f"{period.label()}的报表已报送"
        if period.end >= self.ctx.workspace.clock().date():
            return False, f"{period.label()}尚未结束，不能报送"
        return True, f"标记 {period.label()} 的报表已报送，冻结其数据，随下次同步上报"

    # --- actions --------------------------------------------------------------------------

    def export_report(self) -> None:
        if self.screen is None:
            return
        report = self.screen.report
        path = self.choose_path(self, "导出统计报表", f"{report.office.short_name}{report.period.label()}信访统计表.xlsx")
        if path is None:
            return
        self._start_job(f"正在导出 {path.name}…")
        export_report_job(self.ctx.runner, report, path, self._exported, self._job_failed)

    def export_ledger(self, kind: str) -> None:
        if self.screen is None:
            return
        label = dict(LEDGER_CHOICES)[kind]
        report = self.screen.report
        path = self.choose_path(self, f"导出{label}", f"{report.office.short_name}{report.period.label()}{label}.xlsx")
        if path is None:
            return
        self._start_job(f"正在导出 {path.name}…")
        ledger = LedgerKind(kind)
        self.progress.setRange(0, 0)
        self._export_token = export_ledger_job(self.ctx.runner, ledger, path,
                                               period_filters(report.period, ledger, self.screen.office_ids),
                                               self._exported, self._job_failed, self._progressed)
        self._show_busy()

    def show_behind(self, model: RecordTableModel, row: int, column: int) -> QDialog | None:
        """The contacts or matters a row counts (a rate's numerator when its 分子 cell is chosen)."""
        if self.screen is None or not 0 <= row < model.rowCount():
            return None
        record = model.record(row)
        part = "numerator" if model is self.rates and column == 1 else "denominator"
        what = behind(self.screen.report, record.payload, record.cells[0].strip(), part)
        dialog = BehindDialog(self.ctx, what, self.choose_path, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def submit(self) -> None:
        if self.screen is None:
            return
        period = self.screen.report.period
        if not self.confirm(self, f"确认将 {period.label()} 的报表标记为已报送？\n报送后该期数据冻结，之后的变化须登记更正。"):
            return
        self.submit_button.setEnabled(False)
        submit_job(self.ctx.runner, period, lambda _info: self.message.setText(f"已标记报送：{period.label()}"),
                   self._job_failed)

    def _start_job(self, text: str) -> None:
        self.message.setText(text)
        for button in (self.export_button, self.ledger_button):
            button.setEnabled(False)

    def _exported(self, path: Path) -> None:
        self._export_token = None
        self._show_busy()
        self.last_export = path
        self.message.setText(f"已导出：{path}")
        self._update_buttons()

    def _job_failed(self, error: DomainError) -> None:
        self._export_token = None
        self._show_busy()
        self._update_buttons()
        if isinstance(error, Cancelled):
            self.message.setText("已取消导出，没有写入文件。")
        else:
            self.message.setText("")
            show_domain_error(self, error)
