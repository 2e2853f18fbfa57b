"""The login dialog shown at every start. Five wrong passwords lock the account for ten minutes.

At a normal start it is painted before the database layer is loaded: the workspace arrives from a
``WorkspaceOpener`` a moment later, and until then 登录 is disabled and Enter only queues the attempt.
An encrypted database (docs/security-at-rest.md) cannot be opened before a password: there 登录 first
opens the key with the typed password (``unlock_first``), then starts the opener with the attempt
queued, so the password is checked against the account once the database is open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout,
)

from app.errors import DomainError

if TYPE_CHECKING:
    from app.services.context import Actor
    from app.services.workspace import Workspace
    from ui.workspace_opener import WorkspaceOpener

PRODUCT_NAME = "基层信访工作台"
OPENING_TEXT = "正在打开数据库…"
UPGRADING_TEXT = "正在升级数据库（已先备份原库），可能需要几分钟…"
ENCRYPTED_TEXT = "数据库已加密：输入用户名和密码后打开"


class LoginDialog(QDialog):
    ready = Signal()  # the workspace is open and current: a login can be checked

    def __init__(self, workspace: Workspace | None, office_name: str, last_login: str = "") -> None:
        super().__init__()
        self.workspace = workspace
        self.actor: Actor | None = None
        self._login_queued = False
        self._upgrade_running = False
        self._unlock: Callable[[str, str], None] | None = None
        self.setWindowTitle(f"登录 — {PRODUCT_NAME}")
        self.setMinimumWidth(420)
        product = QLabel(PRODUCT_NAME)
        product.setProperty("role", "hint")
        title = QLabel(office_name)
        title.setObjectName("pageTitle")
        title.setWordWrap(True)
        self.login = QLineEdit(last_login)
        self.login.setPlaceholderText("登录名")
        self.password = QLineEdit()
        self.password.setPlaceholderText("密码")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_password = QCheckBox("显示密码")
        self.show_password.toggled.connect(self._toggle_echo)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("用户名", self.login)
        form.addRow("密码", self.password)
        form.addRow("", self.show_password)
        self.message = QLabel()
        self.message.setProperty("urgency", "overdue")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("登录")
        self.ok_button.setProperty("primary", True)
        self.ok_button.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 16)
        layout.addWidget(product)
        layout.addWidget(title)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.status)
        layout.addSpacing(4)
        layout.addWidget(buttons)
        (self.password if last_login else self.login).setFocus()

    def wait_for(self, opener: WorkspaceOpener) -> None:
        """Take the workspace from ``opener`` once it is open; 登录 waits for it."""
        self.workspace = None
        self.ok_button.setEnabled(False)
        self._show_status(OPENING_TEXT)
        opener.upgrading.connect(self._upgrading)
        opener.opened.connect(self._workspace_opened)
        opener.failed.connect(self._open_failed)
        for field in (self.login, self.password):
            field.returnPressed.connect(self._queue_login)

    def unlock_first(self, unlock: Callable[[str, str], None]) -> None:
        """An encrypted database: 登录 calls ``unlock(login, password)``, which opens the key (a
        DomainError for a wrong password) and starts the opener; the login then waits for it."""
        self._unlock = unlock
        self.ok_button.setEnabled(True)
        self._show_status(ENCRYPTED_TEXT)

    @property
    def is_ready(self) -> bool:
        return self.workspace is not None

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _queue_login(self) -> None:
        """Enter before the database is open: check the password as soon as it is."""
        if not self.is_ready and self.login.text().strip() and self.password.text():
            self._login_queued = True
            self._show_status("数据库打开后将自动登录…")

    def _upgrading(self) -> None:
        self._upgrade_running = True
        self._show_status(UPGRADING_TEXT)

    def _open_failed(self, _exc: BaseException) -> None:
        self._upgrade_running = False  # the upgrade was rolled back: the window may close

    def reject(self) -> None:
        """退出 (or Esc, or the close box) waits while an upgrade runs: the process would only sit
        there without a window until the upgrade's transaction ends."""
        if self._upgrade_running:
            self.show_message("数据库正在升级，完成后才能退出")
            return
        super().reject()

    def _workspace_opened(self, workspace: Workspace) -> None:
        self._upgrade_running = False
        self.workspace = workspace
        self.ok_button.setEnabled(True)
        self._show_status("")
        self.ready.emit()
        if self._login_queued:
            self._login_queued = False
            self.try_login()

    def _toggle_echo(self, shown: bool) -> None:
        self.password.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def try_login(self) -> None:
        if self.workspace is None and self._unlock is None:
            self._queue_login()
            return
        if not self._fields_filled():
            return
        if self.workspace is None:
            self._open_encrypted()
            return
        from app.services.users import authenticate, password_change_due

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.actor = authenticate(self.workspace, self.login.text(), self.password.text())
        except DomainError as exc:
            self.show_message(exc.message)
            self.password.clear()
            (self.login if exc.code == "locked" else self.password).setFocus()
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        with self.workspace.read(self.actor) as uow:
            due = password_change_due(uow)
        if due:
            self._force_password_change(self.actor)
            return
        self.accept()

    def _fields_filled(self) -> bool:
        if not self.login.text().strip():
            self.show_message("请输入用户名")
            self.login.setFocus()
            return False
        if not self.password.text():
            self.show_message("请输入密码")
            self.password.setFocus()
            return False
        return True

    def _open_encrypted(self) -> None:
        assert self._unlock is not None
        self._login_queued = True  # checked when the opener's workspace arrives
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self._unlock(self.login.text().strip(), self.password.text())
        except DomainError as exc:
            self._login_queued = False
            self.show_message(exc.message)
            self.password.clear()
            (self.login if exc.field == "login" else self.password).setFocus()
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._unlock = None
        self.show_message("")
        self.ok_button.setEnabled(False)
        self._show_status(OPENING_TEXT)

    def _force_password_change(self, actor: Actor) -> None:
        """After an administrator's reset the user picks their own password before working."""
        from ui.widgets.settings_users import own_password_dialog

        assert self.workspace is not None
        self.actor = None
        self.password.clear()
        workspace = self.workspace

        def write_now(fn, done, failed):  # type: ignore[no-untyped-def]
            # Two argon2 hashes, as quick as the login itself: no worker thread for a modal step.
            try:
                with workspace.write(actor) as uow:
                    result = fn(uow)
            except DomainError as exc:
                failed(exc)
            else:
                done(result)

        def changed() -> None:
            self.actor = actor
            self.accept()

        self.forced_dialog = own_password_dialog(self, actor.display_name, write_now, changed, forced=True)
        self.forced_dialog.rejected.connect(lambda: self.show_message("请先修改密码后再登录"))
