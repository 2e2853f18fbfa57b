"""系统设置 › 数据加密: attachment encryption at rest for the administrator (docs/security-at-rest.md).

开启附件加密 makes the office key (asking for the administrator's own password), shows the recovery
code once to be written down or printed, then seals the stored attachments on a worker thread with
progress and 取消; a cancelled or interrupted run is finished with 继续加密. 用恢复码恢复密钥 gives an
administrator whose key was lost a working one again, after which resetting a user's password gives
that user back their access to the sealed files. 加密数据库文件 encrypts xinfang.db itself with SQLCipher
(turning attachment encryption on first, with its recovery code, when it is off), then closes the
program: from then on the login's password opens the database.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QMarginsF, QRectF, Qt, Signal
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QProgressBar, QPushButton, QVBoxLayout,
    QWidget,
)

from app.domain.permissions import Permission, allows
from app.errors import DomainError
from app.services import data_keys
from app.services.data_keys import Protection, Sealing
from app.services.database_encryption import DatabaseEncryption, encrypt_database
from ui.context import GuiContext
from ui.operations import CancelToken
from ui.widgets.settings_users import FormDialog

PROTECTED = ("开启后，信访人档案、来访登记和信访事项的附件（身份证、信件、照片等扫描件）在电脑上加密保存，"
             "拷走数据文件夹或备份也打不开；用户登录后照常查看。系统生成的告知书等文书不加密。"
             "数据库本身（姓名、身份证号、电话、信访内容）另由下面的“加密数据库文件”保护。")
DATABASE_PLAIN = ("数据库文件：未加密。姓名、身份证号、电话、信访内容以明文保存在数据文件夹的 xinfang.db 中，"
                  "拷走文件即可读取；请加密数据库文件，或为办公电脑开启 BitLocker 磁盘加密。")
DATABASE_ENCRYPTED = ("数据库文件：已加密（SQLCipher）。打开程序须输入持有密钥的账号的密码，或用恢复码；"
                      "数据文件夹中的备份同样加密。")
DATABASE_SERVER = "数据库文件：本程序连接的是服务器上的数据库，由服务器自身保护，不在此加密。"
DATABASE_WARNINGS = (
    "加密数据库文件后：\n"
    "• 每次打开程序都须输入持有密钥的账号的密码（没有密钥的账号请先由管理员重置密码补发密钥）；"
    "全部密码遗失时只能凭恢复码打开，恢复码也丢失则数据无法找回。\n"
    "• 数据文件夹 backups 中的旧备份将一并改为加密。此前复制到 U 盘等镜像文件夹的备份仍是明文，"
    "请删除后重新备份。\n"
    "• 加密期间请关闭其他电脑或窗口中打开的本程序；完成后本程序将关闭，请重新打开并登录。\n"
    "• 加密后不能改回明文。")
CODE_INSTRUCTIONS = (
    "这是本单位附件加密的恢复码，只显示这一次，程序不保存它。\n"
    "1. 请立即点“打印…”打印一份，或用笔逐字抄写（字母不分大小写，没有数字 0 和 1、字母 O 和 I）。\n"
    "2. 把打印件或抄写件装入信封封好，注明“信访工作台恢复码”，锁入单位保险柜，不要拍照、不要存在电脑或手机里。\n"
    "3. 所有管理员都忘记密码、或管理员的密钥丢失时，凭此恢复码在“系统设置 › 数据加密 › 用恢复码恢复密钥”中恢复；"
    "恢复码和全部密码都丢失时，已加密的附件将永远无法打开。")


def state_text(state: Protection) -> str:
    if not state.on:
        return f"附件加密：未开启。共有 {state.plain} 个附件以明文保存。"
    lines = [f"附件加密：已开启。已加密 {state.sealed} 个附件"
             + (f"，还有 {state.plain} 个等待加密（点“继续加密”完成）。" if state.plain else "，全部附件均已加密。"),
             "本次登录：已持有解密密钥，可以查看加密附件。" if state.unlocked
             else "本次登录：没有解密密钥，打不开加密附件（请管理员重置本账号密码，或由管理员用恢复码恢复）。"]
    if state.without_key:
        lines.append("以下账号没有解密密钥，打不开加密附件：" + "、".join(state.without_key)
                     + "。持有密钥的管理员在“用户与密码”中重置其密码即可补发。")
    return "\n".join(lines)


def paint_recovery_sheet(printer: QPrinter, office_name: str, code: str, when: datetime) -> None:
    """One A4 page for the safe: what the code is, the code in large letters, when it was made."""
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                      QMarginsF(20, 20, 20, 20), QPageLayout.Unit.Millimeter))
    painter = QPainter(printer)
    try:
        page = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
        page.moveTo(0, 0)
        unit = printer.resolution() / 72  # pixels per point
        y = 0.0

        def block(text: str, points: float, *, bold: bool = False, family: str = "", gap: float = 12,
                  wrap: bool = True) -> None:
            nonlocal y
            font = QFont(family) if family else QFont()
            font.setPointSizeF(points)
            font.setBold(bold)
            painter.setFont(font)
            area = QRectF(0, y, page.width(), page.height() - y)
            flags = int(Qt.AlignmentFlag.AlignLeft | (Qt.TextFlag.TextWordWrap if wrap else 0))
            used = painter.boundingRect(area, flags, text)
            painter.drawText(area, flags, text)
            y += used.height() + gap * unit

        block("信访工作台 附件加密恢复码", 20, bold=True)
        block(f"单位：{office_name}\n生成时间：{when:%Y年%m月%d日 %H:%M}", 12)
        block(code, 18, bold=True, family="Monospace", gap=18, wrap=False)  # one line: copied group by group
        block(CODE_INSTRUCTIONS, 11)
        block("保管人签字：______________　　　　见证人签字：______________", 12)
    finally:
        painter.end()


class RecoveryCodeDialog(QDialog):
    """Shows the code once; it closes only after the administrator confirms it is kept safe."""

    def __init__(self, parent: QWidget, office_name: str, code: str, when: datetime) -> None:
        super().__init__(parent)
        self.setWindowTitle("恢复码 — 只显示这一次")
        self.office_name, self.code, self.when = office_name, code, when
        self.code_label = QLabel(code)
        font = QFont("Monospace")
        font.setPointSizeF(self.font().pointSizeF() * 1.8)
        font.setBold(True)
        self.code_label.setFont(font)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        instructions = QLabel(CODE_INSTRUCTIONS)
        instructions.setWordWrap(True)
        self.kept = QCheckBox("我已打印或抄写恢复码，并将锁入保险柜")
        self.print_button = QPushButton("打印…")
        self.done_button = QPushButton("完成")
        self.done_button.setProperty("primary", True)
        self.done_button.setEnabled(False)
        self.kept.toggled.connect(self.done_button.setEnabled)
        self.print_button.clicked.connect(self.ask_print)
        self.done_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)
        heading = QLabel("请立即记下本单位的恢复码：")
        heading.setProperty("urgency", "overdue")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.code_label)
        layout.addWidget(instructions)
        layout.addWidget(self.kept)
        layout.addLayout(buttons)
        # A dialog does not grow for a wrapped label by itself: give the instructions their height.
        width = 700
        self.setFixedWidth(width)
        margins = layout.contentsMargins()
        instructions.setMinimumHeight(instructions.heightForWidth(width - margins.left() - margins.right()))

    def reject(self) -> None:
        # Esc or the window's close button must not lose a code nobody has written down.
        if self.kept.isChecked():
            super().reject()

    def ask_print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName("信访工作台恢复码")
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印恢复码")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            paint_recovery_sheet(printer, self.office_name, self.code, self.when)


class EncryptionTab(QWidget):
    progressed = Signal(int, int)  # emitted from the worker thread, shown on the UI thread

    def __init__(self, ctx: GuiContext, admin: bool) -> None:
        super().__init__()
        self.ctx = ctx
        self.admin = admin and allows(ctx.actor.role, Permission.MANAGE_SETTINGS)
        self.loaded = False
        self.busy = False
        self.state: Protection | None = None
        self.dialog: FormDialog | None = None
        self.code_dialog: RecoveryCodeDialog | None = None
        self.notice: QMessageBox | None = None
        self._cancel: CancelToken | None = None
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        about = QLabel(PROTECTED)
        about.setProperty("role", "hint")
        about.setWordWrap(True)
        self.enable_button = QPushButton("开启附件加密…")
        self.enable_button.setProperty("primary", True)
        self.continue_button = QPushButton("继续加密")
        self.recover_button = QPushButton("用恢复码恢复密钥…")
        self.cancel_button = QPushButton("取消")
        self.database_label = QLabel()
        self.database_label.setWordWrap(True)
        self.database_button = QPushButton("加密数据库文件…")
        self.database_button.clicked.connect(self.ask_encrypt_database)
        self.enable_button.clicked.connect(self.ask_enable)
        self.continue_button.clicked.connect(self.start_sealing)
        self.recover_button.clicked.connect(self.ask_recover)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        buttons = QHBoxLayout()
        for button in (self.enable_button, self.continue_button, self.recover_button):
            buttons.addWidget(button)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(0)
        self.status = QLabel("" if self.admin else "只有管理员可以开启附件加密和恢复密钥。")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state_label)
        layout.addWidget(about)
        layout.addLayout(buttons)
        layout.addSpacing(12)
        layout.addWidget(self.database_label)
        database_row = QHBoxLayout()
        database_row.addWidget(self.database_button)
        database_row.addStretch(1)
        layout.addLayout(database_row)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.progressed.connect(self._show_progress)
        self._update_buttons()

    def load(self) -> None:
        self.ctx.runner.read(data_keys.protection, self._show)

    def _show(self, state: Protection) -> None:
        self.state = state
        self.loaded = True
        self.state_label.setText(state_text(state))
        workspace = self.ctx.workspace
        self.database_label.setText(DATABASE_ENCRYPTED if workspace.encrypted
                                    else DATABASE_PLAIN if workspace.has_local_file else DATABASE_SERVER)
        self._update_buttons()

    def _update_buttons(self) -> None:
        on = self.state is not None and self.state.on
        idle = self.admin and not self.busy and self.state is not None
        self.enable_button.setVisible(not on)
        self.enable_button.setEnabled(idle)
        self.continue_button.setVisible(on and bool(self.state and self.state.plain))
        self.continue_button.setEnabled(idle and bool(self.state and self.state.unlocked))
        self.recover_button.setVisible(on)
        self.recover_button.setEnabled(idle)
        workspace = self.ctx.workspace
        self.database_button.setVisible(self.loaded and workspace.has_local_file and not workspace.encrypted)
        self.database_button.setEnabled(idle)
        self.progress.setVisible(self.busy)
        self.cancel_button.setVisible(self.busy and self._cancel is not None)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("urgency", "overdue" if error else "")
        self.status.style().polish(self.status)

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    # --- turning on -------------------------------------------------------------------------------

    def ask_enable(self) -> FormDialog:
        dialog = FormDialog(self, "开启附件加密", self._enable)
        note = QLabel("开启后附件加密保存，且不能关闭。接下来会显示一次恢复码，请准备好打印机或纸笔。"
                      "为确认是您本人操作，请输入您的登录密码。")
        note.setWordWrap(True)
        dialog.form.addRow(note)
        return self._open_with_password(dialog)

    def _open_with_password(self, dialog: FormDialog) -> FormDialog:
        """The administrator's own password confirms both steps that touch the office's key."""
        password = QLineEdit()
        password.setEchoMode(QLineEdit.EchoMode.Password)
        dialog.add("password", "我的密码", password)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _enable(self, d: FormDialog) -> None:
        workspace, actor, password = self.ctx.workspace, self.ctx.runner.actor, d.text("password")
        d.busy()
        self.ctx.runner.run(lambda: data_keys.enable(workspace, actor, password), self._enabled, on_error=d.refused)

    def _enabled(self, code: str) -> None:
        if self.dialog is not None:
            self.dialog.accept()
            self.dialog = None
        self.code_dialog = RecoveryCodeDialog(self, self.ctx.office.name, code, self.ctx.workspace.clock())
        self.code_dialog.open()
        self.start_sealing()

    # --- sealing the stored files -----------------------------------------------------------------

    def start_sealing(self) -> None:
        workspace, actor = self.ctx.workspace, self.ctx.runner.actor
        token = CancelToken()
        self.busy, self._cancel = True, token
        self.progress.setRange(0, 0)
        self._say("正在加密已有的附件，可以继续其他工作…")
        self._update_buttons()
        self.ctx.runner.run(
            lambda: data_keys.seal_stored_files(workspace, actor, progress=self.progressed.emit,
                                                cancelled=lambda: token.cancelled),
            self._sealed, on_error=self._failed)

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.cancel()
            self._say("正在取消（当前这一批加密完成后停止）…")

    def _sealed(self, result: Sealing) -> None:
        self.busy, self._cancel = False, None
        text = f"已加密 {result.sealed} 个附件。"
        if result.remaining:
            text += f"已取消：还有 {result.remaining} 个附件未加密，它们照常可用，点“继续加密”完成。"
        if result.missing:
            text += f"有 {result.missing} 个附件的文件缺失，无法加密，请运行 xinfang check 查看。"
        self._say(text, error=bool(result.missing))
        self.load()

    def _failed(self, exc: DomainError) -> None:
        self.busy, self._cancel = False, None
        self._say(exc.message, error=True)
        self.load()

    # --- recovery ---------------------------------------------------------------------------------

    def ask_recover(self) -> FormDialog:
        dialog = FormDialog(self, "用恢复码恢复密钥", self._recover)
        note = QLabel("本账号没有解密密钥时（例如密码被没有密钥的管理员重置过），输入保险柜中的恢复码和您现在的密码，"
                      "即可重新取得密钥。之后在“用户与密码”中重置缺少密钥的用户的密码，他们就能重新打开加密附件。")
        note.setWordWrap(True)
        dialog.form.addRow(note)
        dialog.add("recovery_code", "恢复码", QLineEdit())
        return self._open_with_password(dialog)

    def _recover(self, d: FormDialog) -> None:
        workspace, actor = self.ctx.workspace, self.ctx.runner.actor
        code, password = d.text("recovery_code"), d.text("password")
        d.busy()
        self.ctx.runner.run(lambda: data_keys.recover_with_code(workspace, actor, code, password),
                            self._recovered, on_error=d.refused)

    def _recovered(self, _result: object) -> None:
        if self.dialog is not None:
            self.dialog.accept()
            self.dialog = None
        self._say("已用恢复码恢复密钥：本账号今后登录即可查看加密附件。请在“用户与密码”中重置缺少密钥的用户的密码。")
        self.load()

    # --- the database file ------------------------------------------------------------------------

    def ask_encrypt_database(self) -> FormDialog:
        dialog = FormDialog(self, "加密数据库文件", self._encrypt_database)
        on = self.state is not None and self.state.on
        first = "" if on else (
            "附件加密尚未开启：将先开启附件加密并显示一次恢复码（请准备好打印机或纸笔），再加密数据库文件。\n")
        me = f"（{self.ctx.runner.actor.login}）"
        locked_out = [name for name in (self.state.without_key if self.state else ()) if not name.endswith(me)]
        if locked_out:
            first += ("注意：以下账号没有密钥，加密后将无法打开程序：" + "、".join(locked_out) + "。"
                      + ("请先在“用户与密码”中重置其密码（补发密钥）。\n" if on else
                         "建议先开启附件加密，在“用户与密码”中重置其密码补发密钥，再加密数据库文件。\n"))
        note = QLabel(first + DATABASE_WARNINGS + "\n为确认是您本人操作，请输入您的登录密码。")
        note.setWordWrap(True)
        dialog.form.addRow(note)
        # A dialog does not grow for a wrapped label by itself: give the warnings their height.
        width = 680
        dialog.setFixedWidth(width)
        margins = dialog.layout().contentsMargins()
        note.setMinimumHeight(note.heightForWidth(width - margins.left() - margins.right()))
        return self._open_with_password(dialog)

    def _encrypt_database(self, d: FormDialog) -> None:
        workspace, actor, password = self.ctx.workspace, self.ctx.runner.actor, d.text("password")
        d.busy()
        if self.state is not None and self.state.on:
            self._start_database_job(password, d)
            return

        def enabled(code: str) -> None:
            self._enabled_without_sealing(code)
            self._start_database_job(password, None)

        self.ctx.runner.run(lambda: data_keys.enable(workspace, actor, password), enabled, on_error=d.refused)

    def _enabled_without_sealing(self, code: str) -> None:
        if self.dialog is not None:
            self.dialog.accept()
            self.dialog = None
        self.code_dialog = RecoveryCodeDialog(self, self.ctx.office.name, code, self.ctx.workspace.clock())
        self.code_dialog.open()

    def _start_database_job(self, password: str, dialog: FormDialog | None) -> None:
        """The stored files are sealed first (the key is new, or some still wait), then the database is
        encrypted; the other jobs of this window are waited for, none may write during the swap."""
        workspace, actor = self.ctx.workspace, self.ctx.runner.actor
        self.busy, self._cancel = True, None
        self.progress.setRange(0, 0)
        self._say("正在加密附件和数据库文件，请稍候，不要关闭程序…")
        self._update_buttons()
        self.ctx.runner.wait()

        def work() -> DatabaseEncryption:
            data_keys.seal_stored_files(workspace, actor, progress=self.progressed.emit)
            return encrypt_database(workspace, actor, password, progress=self.progressed.emit)

        def refused(exc: DomainError) -> None:
            if dialog is not None and dialog.isVisible():
                dialog.refused(exc)
            self._failed(exc)

        self.ctx.runner.run(work, self._database_encrypted, on_error=refused)

    def _database_encrypted(self, result: DatabaseEncryption) -> None:
        if self.dialog is not None:
            self.dialog.accept()
            self.dialog = None
        self.busy = False
        self.load()
        text = (f"数据库文件已加密，数据文件夹中的 {result.backups_encrypted} 份旧备份也已改为加密。"
                "此前复制到 U 盘等镜像文件夹的备份仍是明文，请删除后重新备份。\n"
                "程序将关闭，请重新打开：以后打开时须输入持有密钥的账号的密码。")
        self._say(text)
        self._update_buttons()
        if self.code_dialog is not None and self.code_dialog.isVisible():
            # The recovery code stays on screen until it is written down; the window closes after.
            self.code_dialog.finished.connect(lambda _code: self._announce(text))
        else:
            self._announce(text)

    def _announce(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "数据库已加密", text, parent=self)
        box.finished.connect(lambda _code: self.window().close())
        self.notice = box
        box.open()
