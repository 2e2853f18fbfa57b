"""数据同步 page: enrolment, the partners and their package sequences, export to a USB stick, import.

A township sees its county, what changed since the county's last acknowledgement, the removable
drives, and exports one package (progress and cancel) or imports the county's return packages. The
county sees every enrolled township with its last sequence, last import and missing numbers, and
imports their packages or writes return packages. Enrolment files are exchanged from here too.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
    QMessageBox, QProgressBar, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from app.domain.enums import OfficeLevel
from app.domain.permissions import Permission, allows
from app.errors import DomainError
from app.sync.enrolment import admit_township_file, deactivate_partner, join_county_file, write_county_card
from app.sync.exporting import export_packages, pending_changes
from app.sync.status import PartnerStatus, SyncOverview, sync_overview
from ui.context import GuiContext
from ui.operations import CancelToken, run_cancellable
from ui.pages.base import Page
from ui.widgets.drives import removable_drives
from ui.widgets.sync_import import ImportPanel, missing_text

LEVEL_LABELS = {OfficeLevel.TOWNSHIP: "乡镇（街道）", OfficeLevel.COUNTY: "县信访局（汇总）"}
PARTNER_HEADERS = ("单位", "区划代码", "密钥指纹", "登记时间", "最后导出", "已发出 / 对方已确认", "已收到序号", "最后导入",
                   "缺号", "待核对冲突")
TABLE_LABELS = {
    "office": "单位", "user_account": "用户", "village": "村（社区）", "responsible_unit": "责任单位",
    "subject": "问题分类", "person": "信访人", "person_phone": "联系电话", "person_tag": "人员标记",
    "person_merge": "档案合并", "contact": "来访（信）登记", "contact_person": "登记中的信访人",
    "matter": "信访事项", "matter_petitioner": "事项信访人", "matter_event": "办理记录",
    "matter_deadline": "法定期限", "document": "文书", "attachment": "附件", "supervision": "督办",
    "assignment": "交办", "setting": "设置", "supervision_reply": "督办反馈",
    "reception_schedule": "领导接访安排", "leader_reception": "领导接访记录", "leader_reception_contact": "接访登记",
    "leader_reception_matter": "接访事项", "case_ownership": "领导包案", "case_progress": "包案进展",
    "village_reception": "村级接访", "petition_proxy": "信访代办", "screening_round": "矛盾纠纷排查",
    "screened_conflict": "排查纠纷", "key_person": "重点人员", "key_person_contact": "重点人员稳控记录",
    "sensitive_period": "敏感节点", "report_submission": "报表报送", "report_correction": "报表更正",
    "import_record": "导入记录",
}


def _when(moment: Any) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment is not None else "—"


class SyncPage(Page):
    title = "数据同步"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.overview: SyncOverview | None = None
        self.pending: dict[str, dict[str, int]] = {}
        self.token: CancelToken | None = None
        self.may_manage = allows(ctx.actor.role, Permission.MANAGE_SETTINGS)
        self.last_message = ""
        self.identity = QLabel("正在载入…")
        self.identity.setProperty("role", "hint")
        self.identity.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.identity)
        self.layout_.addWidget(self._enrolment_box())
        self.partners = QTableWidget(0, len(PARTNER_HEADERS))
        self.partners.setHorizontalHeaderLabels(PARTNER_HEADERS)
        self.partners.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.partners.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.partners.verticalHeader().setVisible(False)
        self.partners.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.partners.horizontalHeader().setStretchLastSection(True)
        self.layout_.addWidget(self.partners, 1)
        row = QHBoxLayout()
        row.addWidget(self._export_box(), 1)
        self.importer = ImportPanel(ctx, self._say, lambda: self.drive.currentData() or "")
        row.addWidget(self.importer, 1)
        self.layout_.addLayout(row)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.layout_.addWidget(self.status)

    # --- layout --------------------------------------------------------------------------------

    def _enrolment_box(self) -> QGroupBox:
        box = QGroupBox("登记（交换单位身份和公钥，只需做一次）")
        row = QHBoxLayout(box)
        self.enrolment_hint = QLabel("")
        self.enrolment_hint.setWordWrap(True)
        row.addWidget(self.enrolment_hint, 1)
        self.join_button = QPushButton("导入县级登记文件…")
        self.join_button.clicked.connect(self._ask_join)
        self.card_button = QPushButton("写出本单位登记文件…")
        self.card_button.clicked.connect(self._ask_card)
        self.admit_button = QPushButton("登记乡镇…")
        self.admit_button.clicked.connect(self._ask_admit)
        self.deactivate_button = QPushButton("停用所选单位")
        self.deactivate_button.setToolTip("电脑丢失或换新后，不再接受该单位用旧密钥签发的同步包")
        self.deactivate_button.clicked.connect(self._ask_deactivate)
        for button in (self.join_button, self.card_button, self.admit_button, self.deactivate_button):
            button.setEnabled(self.may_manage)
            row.addWidget(button)
        return box

    def _export_box(self) -> QGroupBox:
        box = self.export_box = QGroupBox("导出到 U 盘")
        layout = QVBoxLayout(box)
        self.pending_label = QLabel("待导出的变更：—")
        self.pending_label.setWordWrap(True)
        layout.addWidget(self.pending_label)
        drives = QHBoxLayout()
        self.drive = QComboBox()
        self.drive.setMinimumWidth(320)
        drives.addWidget(QLabel("保存到"))
        drives.addWidget(self.drive, 1)
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh_drives)
        drives.addWidget(refresh)
        browse = QPushButton("选择文件夹…")
        browse.clicked.connect(self._ask_folder)
        drives.addWidget(browse)
        layout.addLayout(drives)
        actions = QHBoxLayout()
        self.full = QCheckBox("完整导出")
        actions.addWidget(self.full)
        actions.addStretch(1)
        self.export_button = QPushButton("导出")
        self.export_button.setProperty("role", "primary")
        self.export_button.clicked.connect(self.start_export)
        actions.addWidget(self.export_button)
        layout.addLayout(actions)
        progress = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        progress.addWidget(self.progress, 1)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        progress.addWidget(self.cancel_button)
        layout.addLayout(progress)
        return box

    # --- loading -------------------------------------------------------------------------------

    def on_shown(self) -> None:
        self.refresh()
        self.refresh_drives()

    def on_changed(self, kinds: frozenset[str]) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        self.ctx.runner.read(sync_overview, self._show_overview)

    def _show_overview(self, overview: SyncOverview) -> None:
        self.overview = overview
        county = overview.level is OfficeLevel.COUNTY
        fingerprint = overview.fingerprint or "（首次登记时生成）"
        self.identity.setText(f"本单位：{overview.office_name}（{overview.division_code}）· "
                              f"{LEVEL_LABELS[overview.level]} · 密钥指纹 {fingerprint}")
        self.export_box.setTitle("写出回执和交办包（每个乡镇一个文件）" if county else "导出到 U 盘（交县信访局）")
        self.full.setText("完整导出（乡镇换了新电脑时）" if county else "完整导出（县里换了新电脑时）")
        self.join_button.setVisible(not county)
        self.card_button.setVisible(county)
        self.admit_button.setVisible(county)
        if county:
            self.enrolment_hint.setText(f"已登记 {len(overview.active_partners)} 个乡镇。先写出本单位登记文件交给乡镇，"
                                        "再导入乡镇交回的登记文件；双方电话核对指纹。")
            self.importer.hint.setText("导入各乡镇的同步包（可一次选多个）。重复导入不会重复入库；缺号时会提示。")
        else:
            self.enrolment_hint.setText(
                f"上级：{overview.county.name}（指纹 {overview.county.fingerprint}）" if overview.county
                else "尚未登记县信访局：请导入县里提供的登记文件，再把本镇登记文件交回县里。")
            self.importer.hint.setText("导入县信访局的回执和交办包（.xfsync）。")
        self._fill_partners(overview.partners)
        # Exchanging packages and enrolling need 修改设置 (the services refuse it anyway).
        can_send = bool(overview.active_partners) and self.may_manage
        self.export_button.setEnabled(can_send and self.token is None)
        self.importer.choose_button.setEnabled(can_send)
        if can_send:
            self.ctx.runner.run(lambda: pending_changes(self.ctx.workspace, self.ctx.actor), self._show_pending)
        else:
            self.pending_label.setText("待导出的变更：登记后才能导出")

    def _fill_partners(self, partners: list[PartnerStatus]) -> None:
        self.partners.setRowCount(len(partners))
        for r, p in enumerate(partners):
            link = p.link
            cells = (p.name + ("" if p.active else "（已停用）"), p.division_code, p.fingerprint, _when(p.enrolled_at),
                     _when(p.last_export_at),
                     f"{link.last_sent} / {link.last_acknowledged}" if link else "—",
                     str(link.last_received) if link else "—", _when(link.last_import_at if link else None),
                     missing_text(list(link.missing)) if link else "—",
                     str(link.open_conflicts) if link else "—")
            for c, text in enumerate(cells):
                self.partners.setItem(r, c, QTableWidgetItem(text))

    def _show_pending(self, pending: dict[str, dict[str, int]]) -> None:
        self.pending = pending
        totals: dict[str, int] = {}
        for per_table in pending.values():
            for table, n in per_table.items():
                totals[table] = totals.get(table, 0) + n
        shown = [f"{TABLE_LABELS.get(t, t)} {n}" for t, n in totals.items() if n]
        self.pending_label.setText("待导出的变更：" + ("，".join(shown) if shown else "无（只发送回执）"))

    def refresh_drives(self) -> None:
        current = self.drive.currentData()
        self.drive.clear()
        for drive in removable_drives():
            self.drive.addItem(drive.text, str(drive.root))
        if self.drive.count() == 0:
            self.drive.addItem("未发现 U 盘：请插入后点“刷新”，或选择文件夹", None)
        if current:
            self.set_target(Path(current))

    def set_target(self, folder: Path) -> None:
        """Export into ``folder`` (a drive from the list, or any folder the clerk chose)."""
        index = self.drive.findData(str(folder))
        if index < 0:
            self.drive.addItem(str(folder), str(folder))
            index = self.drive.count() - 1
        self.drive.setCurrentIndex(index)

    # --- export --------------------------------------------------------------------------------

    def start_export(self) -> None:
        target = self.drive.currentData()
        if not target:
            self._say("请先插入 U 盘并点“刷新”，或点“选择文件夹…”", error=True)
            return
        full = self.full.isChecked()
        self.export_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.token = run_cancellable(
            self.ctx.runner,
            lambda progress: export_packages(self.ctx.workspace, self.ctx.actor, Path(target), full=full,
                                             progress=progress),
            self._exported, on_progress=self._progressed, on_error=self._export_failed, changes=frozenset({"sync"}))

    def _progressed(self, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))
        else:
            self.progress.setRange(0, 0)

    def cancel(self) -> None:
        if self.token is not None:
            self.token.cancel()
            self.cancel_button.setEnabled(False)

    def _export_done(self) -> None:
        self.token = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.cancel_button.setEnabled(True)
        self.export_button.setEnabled(True)

    def _exported(self, results: list[Any]) -> None:
        self._export_done()
        lines = [f"已导出 {r.path.name}（第 {r.sequence} 号，{sum(r.rows.values())} 行），已读回校验" for r in results]
        self._say("；".join(lines) + "。请安全弹出 U 盘后再拔出。")
        self.refresh()

    def _export_failed(self, error: DomainError) -> None:
        self._export_done()
        self._say(error.message, error=True)

    # --- import --------------------------------------------------------------------------------

    # --- enrolment -----------------------------------------------------------------------------

    def join_from(self, county_file: Path, out: Path) -> None:
        self.ctx.runner.write(lambda uow: join_county_file(uow, county_file, out), self._joined,
                              changes=frozenset({"sync"}), on_error=self._failed)

    def _joined(self, cards: Any) -> None:
        county, own = cards
        self._say(f"已登记上级：{county.name}，指纹 {county.fingerprint}。本镇登记文件已写出（指纹 {own.fingerprint}），"
                  "请交回县信访局，并电话核对双方指纹。")

    def write_card(self, out: Path) -> None:
        self.ctx.runner.write(lambda uow: write_county_card(uow, out), self._card_written,
                              changes=frozenset({"sync"}), on_error=self._failed)

    def _card_written(self, card: Any) -> None:
        self._say(f"本单位登记文件已写出，指纹 {card.fingerprint}：交给各乡镇，并电话核对指纹。")

    def admit_from(self, township_file: Path) -> None:
        self.ctx.runner.write(lambda uow: admit_township_file(uow, township_file), self._admitted,
                              changes=frozenset({"sync"}), on_error=self._failed)

    def _admitted(self, card: Any) -> None:
        self._say(f"已登记乡镇：{card.name}（{card.division_code}），指纹 {card.fingerprint}，请电话核对。")

    def deactivate(self, partner_id: uuid.UUID, name: str) -> None:
        self.ctx.runner.write(lambda uow: deactivate_partner(uow, partner_id),
                              lambda _none: self._say(f"已停用：{name}，今后不再接受其同步包。"),
                              changes=frozenset({"sync"}), on_error=self._failed)

    def _failed(self, error: DomainError) -> None:
        self._say(error.message, error=True)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.last_message = text
        self.status.setText(text)
        self.status.setProperty("urgency", "overdue" if error else "")
        self.status.style().polish(self.status)

    # --- file dialogs (thin: the work is in the methods above) ---------------------------------

    def _ask_deactivate(self) -> None:
        row = self.partners.currentRow()
        if self.overview is None or not 0 <= row < len(self.overview.partners):
            self._say("请先在表中选中要停用的单位", error=True)
            return
        partner = self.overview.partners[row]
        answer = QMessageBox.question(self, "停用同步单位", f"停用 {partner.name}（{partner.division_code}）？\n"
                                      "停用后不再接受其同步包；重新登记可恢复。")
        if answer == QMessageBox.StandardButton.Yes:
            self.deactivate(partner.id, partner.name)

    def _ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择导出到的文件夹")
        if folder:
            self.set_target(Path(folder))

    def _ask_join(self) -> None:
        source, _ = QFileDialog.getOpenFileName(self, "选择县信访局的登记文件", "", "登记文件 (*.json)")
        if not source:
            return
        out, _ = QFileDialog.getSaveFileName(self, "保存本镇登记文件（交回县信访局）",
                                             str(Path(source).with_name("本镇登记文件.json")), "登记文件 (*.json)")
        if out:
            self.join_from(Path(source), Path(out))

    def _ask_card(self) -> None:
        out, _ = QFileDialog.getSaveFileName(self, "保存本单位登记文件", "县级登记文件.json", "登记文件 (*.json)")
        if out:
            self.write_card(Path(out))

    def _ask_admit(self) -> None:
        source, _ = QFileDialog.getOpenFileName(self, "选择乡镇交回的登记文件", "", "登记文件 (*.json)")
        if source:
            self.admit_from(Path(source))
