"""The login dialog shown at every start (and to unlock after the idle lock)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from app.errors import DomainError
from app.services.context import Actor
from app.services.users import authenticate
from app.services.workspace import Workspace


class LoginDialog(QDialog):
    def __init__(self, workspace: Workspace, office_name: str, last_login: str = "") -> None:
        super().__init__()
        self.workspace = workspace
        self.actor: Actor | None = None
        self.setWindowTitle("登录 — 基层信访工作台")
        layout = QVBoxLayout(self)
        title = QLabel(office_name)
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        form = QFormLayout()
        self.login = QLineEdit(last_login)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("用户名", self.login)
        form.addRow("密码", self.password)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setProperty("urgency", "overdue")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登录")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if last_login else self.login).setFocus()

    def try_login(self) -> None:
        try:
            self.actor = authenticate(self.workspace, self.login.text(), self.password.text())
        except DomainError as exc:
            self.message.setText(exc.message)
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()
