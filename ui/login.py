"""The login dialog shown at every start. Five wrong passwords lock the account for ten minutes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout,
)

from app.errors import DomainError
from app.services.context import Actor
from app.services.users import authenticate, password_change_due
from app.services.workspace import Workspace
from ui.widgets.settings_users import own_password_dialog

PRODUCT_NAME = "基层信访工作台"


class LoginDialog(QDialog):
    def __init__(self, workspace: Workspace, office_name: str, last_login: str = "") -> None:
        super().__init__()
        self.workspace = workspace
        self.actor: Actor | None = None
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
        layout.addSpacing(4)
        layout.addWidget(buttons)
        (self.password if last_login else self.login).setFocus()

    def _toggle_echo(self, shown: bool) -> None:
        self.password.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def try_login(self) -> None:
        if not self.login.text().strip():
            self.show_message("请输入用户名")
            self.login.setFocus()
            return
        if not self.password.text():
            self.show_message("请输入密码")
            self.password.setFocus()
            return
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

    def _force_password_change(self, actor: Actor) -> None:
        """After an administrator's reset the user picks their own password before working."""
        self.actor = None
        self.password.clear()

        def write_now(fn, done, failed):  # type: ignore[no-untyped-def]
            # Two argon2 hashes, as quick as the login itself: no worker thread for a modal step.
            try:
                with self.workspace.write(actor) as uow:
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
