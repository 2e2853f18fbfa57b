"""系统设置 › 备份与恢复: the backups in the data folder, 立即备份, 恢复…, and this PC's mirror folder.

Backing up and restoring run on a worker thread. A restore replaces the database under the running
program, so after it the window closes and the clerk opens the program again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox, QProgressBar,
    QPushButton, QTableView, QVBoxLayout, QWidget,
)

from app.domain.permissions import Permission, allows
from app.domain.rotation import KEEP, TIER_LABELS, Tier
from app.errors import DomainError
from app.machine_settings import MachineSettings
from app.services.backup import REASON_LABELS, BackupInfo, BackupResult, backup_now, backups_dir, list_backups
from app.services.restore import RestoreResult, restore_now
from ui.context import GuiContext
from ui.operations import CancelToken
from ui.widgets.record_table import PayloadRole, Record, RecordTableModel

COLUMNS = ("备份时间", "保留类别", "来源", "大小")
SAFETY_LABEL = "另存（不轮换）"


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(size, 1) / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _record(backup: BackupInfo) -> Record:
    kind = TIER_LABELS[backup.tier] if backup.tier else SAFETY_LABEL
    return Record((f"{backup.created_at:%Y-%m-%d %H:%M:%S}", kind, REASON_LABELS[backup.reason],
                   size_text(backup.size)), backup, tooltip=str(backup.path))


class BackupTab(QWidget):
    progressed = Signal(int, int)  # emitted from the worker thread, shown on the UI thread

    def __init__(self, ctx: GuiContext, admin: bool) -> None:
        super().__init__()
        self.ctx = ctx
        self.admin = admin and allows(ctx.actor.role, Permission.MANAGE_SETTINGS)
        self.loaded = False
        self.busy = False
        self.confirmation: QMessageBox | None = None
        self.notice: QMessageBox | None = None
        self._cancel: CancelToken | None = None
        self.folder = backups_dir(ctx.workspace.data_dir)
        where = QLabel(f"备份位置：{self.folder}")
        where.setWordWrap(True)
        rule = QLabel(f"每天第一次打开程序和每次退出程序时自动备份数据库和附件。保留最近 {KEEP[Tier.DAILY]} 天"
                      f"每天一份、{KEEP[Tier.WEEKLY]} 周每周一份、{KEEP[Tier.MONTHLY]} 个月每月一份；"
                      "升级和恢复之前另存的备份不参与轮换。")
        rule.setProperty("role", "hint")
        rule.setWordWrap(True)
        self.model = RecordTableModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.backup_button = QPushButton("立即备份")
        self.backup_button.setProperty("primary", True)
        self.restore_button = QPushButton("恢复…")
        self.cancel_button = QPushButton("取消")
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button.clicked.connect(self.ask_restore)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(0)
        self.mirror = QLineEdit()
        self.mirror.setReadOnly(True)
        self.mirror.setPlaceholderText("未设置：只在数据文件夹中备份")
        self.choose_button = QPushButton("选择文件夹…")
        self.clear_button = QPushButton("不镜像")
        self.choose_button.clicked.connect(self.choose_mirror)
        self.clear_button.clicked.connect(lambda: self.set_mirror(None))
        mirror_row = QHBoxLayout()
        mirror_row.addWidget(QLabel("镜像文件夹（如 U 盘）"))
        mirror_row.addWidget(self.mirror, 1)
        mirror_row.addWidget(self.choose_button)
        mirror_row.addWidget(self.clear_button)
        mirror_note = QLabel("每次备份后再复制一份到镜像文件夹；U 盘未插入时只提示，本机备份照常完成。镜像文件夹只对本机有效。")
        mirror_note.setProperty("role", "hint")
        mirror_note.setWordWrap(True)
        self.status = QLabel("" if self.admin else "只有管理员可以备份、恢复和设置镜像文件夹。")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addWidget(rule)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addLayout(mirror_row)
        layout.addWidget(mirror_note)
        layout.addWidget(self.status)
        self.progressed.connect(self._show_progress)
        self._show_mirror()
        self._update_buttons()

    # --- list -------------------------------------------------------------------------------------

    def load(self) -> None:
        folder = self.folder
        self.ctx.runner.run(lambda: list_backups(folder), self._fill)

    def _fill(self, backups: list[BackupInfo]) -> None:
        self.model.set_records([_record(b) for b in backups])
        self.loaded = True
        self._update_buttons()

    def selected_backup(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.index(rows[0].row(), 0).data(PayloadRole) if rows else None

    def _update_buttons(self, *_args: object) -> None:
        for button in (self.backup_button, self.choose_button, self.clear_button):
            button.setEnabled(self.admin and not self.busy)
        self.restore_button.setEnabled(self.admin and not self.busy)
        self.cancel_button.setVisible(self.busy and self._cancel is not None)
        self.progress.setVisible(self.busy)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("urgency", "overdue" if error else "")
        self.status.style().polish(self.status)

    def _start(self, text: str, cancel: CancelToken | None = None) -> None:
        self.busy = True
        self._cancel = cancel
        self.progress.setRange(0, 0)  # busy until the first count arrives
        self._say(text)
        self._update_buttons()

    def _stop(self) -> None:
        self.busy = False
        self._cancel = None
        self._update_buttons()

    def _failed(self, exc: DomainError) -> None:
        self._stop()
        self._say(exc.message, error=True)

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    # --- back up ----------------------------------------------------------------------------------

    def back_up(self) -> None:
        workspace, actor = self.ctx.workspace, self.ctx.actor
        mirror = self._mirror_dir()
        token = CancelToken()

        def work() -> BackupResult:
            return backup_now(workspace, actor, mirror=mirror,
                              progress=self.progressed.emit, cancelled=lambda: token.cancelled)

        self._start("正在备份数据库和附件…", token)
        self.ctx.runner.run(work, self._backed_up, on_error=self._failed)

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()
            self._say("正在取消…")

    def _backed_up(self, result: BackupResult) -> None:
        self._stop()
        notes = [f"已备份到 {result.backup.path}（{size_text(result.backup.size)}）。"]
        if result.mirror:
            notes.append(f"已复制到镜像文件夹 {result.mirror}。")
        if result.mirror_error:
            notes.append(result.mirror_error + "。")
        if result.missing_attachments or result.damaged_attachments:
            notes.append(f"有 {len(result.missing_attachments) + len(result.damaged_attachments)} 个附件文件缺失或"
                         "已损坏，未能备份，请运行 xinfang check 查看。")
        self._say("".join(notes), error=bool(result.mirror_error or result.missing_attachments
                                             or result.damaged_attachments))
        self.load()

    # --- restore ----------------------------------------------------------------------------------

    def ask_restore(self) -> None:
        backup = self.selected_backup()
        if backup is not None:
            self.confirm_restore(backup.path, f"{backup.created_at:%Y-%m-%d %H:%M} 的备份")
            return
        chosen = QFileDialog.getExistingDirectory(self, "选择要恢复的备份文件夹", str(self.folder))
        if chosen:
            self.confirm_restore(Path(chosen), chosen)

    def confirm_restore(self, source: Path, label: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, "恢复备份",
                          f"将用{label}替换当前全部数据（数据库和附件）。\n\n"
                          "恢复前会先把当前数据另存为一个备份（来源：恢复前），需要时可以再恢复回来。"
                          "备份会先经过完整性校验，校验不通过不会改动任何数据。\n\n"
                          "恢复完成后程序将关闭，请重新打开。确定恢复吗？", parent=self)
        yes = box.addButton("恢复", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(QMessageBox.StandardButton.NoButton)
        box.buttonClicked.connect(lambda button: self._restore(source) if button is yes else None)
        self.confirmation = box
        box.open()
        return box

    def _restore(self, source: Path) -> None:
        workspace, actor = self.ctx.workspace, self.ctx.actor

        def work() -> RestoreResult:
            return restore_now(workspace, actor, source)

        self._start("正在校验并恢复备份…")
        self.ctx.runner.wait()
        self.ctx.runner.run(work, self._restored, on_error=self._failed)

    def _restored(self, result: RestoreResult) -> None:
        self._stop()
        lines = [f"已从 {result.restored_from} 恢复。"]
        if result.safety_backup:
            lines.append(f"恢复前的数据已另存到 {result.safety_backup}。")
        if result.upgraded_from:
            lines.append(f"备份来自旧版本（数据库版本 {result.upgraded_from}），已升级。")
        lines.append("程序将关闭，请重新打开。")
        self._say("".join(lines))
        self.restore_button.setEnabled(False)
        self.backup_button.setEnabled(False)
        box = QMessageBox(QMessageBox.Icon.Information, "恢复完成", "\n".join(lines), parent=self)
        box.finished.connect(lambda _code: self.window().close())
        self.notice = box
        box.open()

    # --- mirror -----------------------------------------------------------------------------------

    def _mirror_dir(self) -> Path | None:
        folder = MachineSettings.load(self.ctx.workspace.data_dir).backup_mirror_dir
        return Path(folder) if folder else None

    def _show_mirror(self) -> None:
        mirror = self._mirror_dir()
        self.mirror.setText(str(mirror) if mirror else "")

    def choose_mirror(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "选择镜像文件夹（如 U 盘）", self.mirror.text())
        if chosen:
            self.set_mirror(Path(chosen))

    def set_mirror(self, folder: Path | None) -> None:
        if folder is not None and folder.resolve().is_relative_to(self.ctx.workspace.data_dir.resolve()):
            self._say("镜像文件夹：不能放在数据文件夹里（电脑坏了会一起丢失），请选 U 盘或另一块硬盘", error=True)
            return
        machine = MachineSettings.load(self.ctx.workspace.data_dir)
        machine.backup_mirror_dir = str(folder) if folder else ""
        try:
            machine.save(self.ctx.workspace.data_dir)
        except OSError as exc:
            self._say(f"镜像文件夹：无法保存本机设置（{exc.strerror}）", error=True)
            return
        self._show_mirror()
        self._say(f"今后的备份会同时复制到 {folder}。" if folder else "已取消镜像：只在数据文件夹中备份。")
