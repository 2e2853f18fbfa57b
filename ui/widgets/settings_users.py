"""系统设置 › 用户与密码: the office's accounts; create, reset a password, deactivate; own password.

The forms are non-blocking dialogs (``open()``): a refused input stays in the dialog with the
service's message, and only a successful write closes it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget,
)

from app.domain.enums import Role
from app.domain.permissions import ROLE_LABELS, Permission, allows
from app.errors import DomainError
from app.services.passwords import MIN_PASSWORD_LENGTH
from app.services.context import UnitOfWork
from app.services.users import (
    UserInfo, change_password, create_user, list_users, reset_password, set_accusation_access, set_active, set_role,
)
from ui.context import GuiContext
from ui.widgets.record_table import PayloadRole, Record, RecordTableModel

COLUMNS = ("登录名", "姓名", "角色", "状态", "检举控告类")
ACCUSATION_CHOICES = ((None, "按角色默认"), (True, "授予查阅"), (False, "收回查阅"))


def accusation_text(user: UserInfo) -> str:
    seen = "可查阅" if user.read_accusation else "不可查阅"
    return seen if user.accusation_override is None else f"{seen}（{'已授予' if user.accusation_override else '已收回'}）"
PASSWORD_HINT = f"至少 {MIN_PASSWORD_LENGTH} 位，须同时包含字母和数字，不能与登录名相同"


def _role_choice() -> QComboBox:
    choice = QComboBox()
    for role in (Role.RECEPTIONIST, Role.HANDLER, Role.LEADER, Role.ADMIN, Role.COUNTY_READER):
        choice.addItem(ROLE_LABELS[role], role)
    return choice


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class FormDialog(QDialog):
    """A titled form with a message line; ``submit`` runs when OK is pressed."""

    def __init__(self, parent: QWidget, title: str, submit: Callable[[FormDialog], None]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(400)
        self._submit = submit
        self.fields: dict[str, QWidget] = {}
        self.form = QFormLayout()
        self.message = QLabel()
        self.message.setProperty("urgency", "overdue")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def add(self, key: str, label: str, widget: QWidget) -> QWidget:
        self.fields[key] = widget
        self.form.addRow(label, widget)
        return widget

    def text(self, key: str) -> str:
        widget = self.fields[key]
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def submit(self) -> None:
        self.message.clear()
        self._submit(self)

    def busy(self) -> None:
        self.ok_button.setEnabled(False)

    def fail(self, message: str, key: str | None = None) -> None:
        self.ok_button.setEnabled(True)
        self.message.setText(message)
        widget = self.fields.get(key or "")
        if widget is not None:
            widget.setFocus()

    def refused(self, exc: DomainError) -> None:
        key = {"login": "login", "display_name": "name", "password": "password",
               "new_password": "password", "old_password": "old"}.get(exc.field or "")
        self.fail(exc.message, key)


class UsersTab(QWidget):
    def __init__(self, ctx: GuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.manager = allows(ctx.actor.role, Permission.MANAGE_USERS)
        self.loaded = False
        self.dialog: FormDialog | None = None
        self._select_after_load: str | None = None
        self.model = RecordTableModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.new_button = QPushButton("新建用户")
        self.reset_button = QPushButton("重置密码")
        self.toggle_button = QPushButton("停用")
        self.role_button = QPushButton("修改角色…")
        self.role_button.clicked.connect(self.ask_role)
        self.grant_button = QPushButton("检举控告查阅权限…")
        self.grant_button.clicked.connect(self.ask_accusation_access)
        self.own_button = QPushButton("修改我的密码")
        self.new_button.clicked.connect(self.ask_new_user)
        self.reset_button.clicked.connect(self.ask_reset_password)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.own_button.clicked.connect(self.ask_own_password)
        self.status = QLabel("" if self.manager else "只有管理员可以新建、停用用户和重置密码。")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.reset_button, self.role_button, self.toggle_button, self.grant_button):
            button.setVisible(self.manager)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.own_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self._selection_changed()

    def load(self) -> None:
        self.ctx.runner.read(list_users, self._fill)

    def _fill(self, users: list[UserInfo]) -> None:
        selected = self.selected_user()
        wanted = self._select_after_load or (selected.login if selected is not None else None)
        self._select_after_load = None
        self.model.set_records([
            Record((u.login, u.display_name, ROLE_LABELS[u.role], "在用" if u.active else "已停用",
                    accusation_text(u)), u,
                   None if u.active else "muted") for u in users])
        if wanted:
            self.select(wanted)
        self.loaded = True
        self._selection_changed()

    def select(self, login: str) -> None:
        for row in range(self.model.rowCount()):
            if self.model.record(row).payload.login == login:
                self.table.selectRow(row)
                return

    def selected_user(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.index(rows[0].row(), 0).data(PayloadRole) if rows else None

    def _selection_changed(self, *_args: object) -> None:
        user = self.selected_user()
        self.reset_button.setEnabled(user is not None)
        self.grant_button.setEnabled(user is not None)
        self.role_button.setEnabled(user is not None and user.id != self.ctx.actor.user_id)
        # Nobody deactivates the account they are using (the service refuses it too).
        self.toggle_button.setEnabled(user is not None and user.id != self.ctx.actor.user_id)
        self.toggle_button.setText("启用" if user is not None and not user.active else "停用")

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def _done(self, text: str, login: str | None = None) -> Callable[[object], None]:
        def finished(_result: object) -> None:
            if self.dialog is not None:
                self.dialog.accept()
                self.dialog = None
            self._say(text)
            self._select_after_load = login
            self.load()

        return finished

    def _open(self, dialog: FormDialog) -> FormDialog:
        self.dialog = dialog
        dialog.open()
        return dialog

    def ask_new_user(self) -> FormDialog:
        dialog = FormDialog(self, "新建用户", self._create)
        dialog.add("login", "登录名", QLineEdit())
        dialog.add("name", "姓名", QLineEdit())
        dialog.add("role", "角色", _role_choice())
        dialog.add("password", "初始密码", _password_field())
        dialog.add("again", "再次输入", _password_field())
        dialog.form.addRow("", QLabel(PASSWORD_HINT))
        return self._open(dialog)

    def _create(self, d: FormDialog) -> None:
        if d.text("password") != d.text("again"):
            d.fail("密码：两次输入不一致", "again")
            return
        role = d.fields["role"]
        assert isinstance(role, QComboBox)
        login, name, chosen, password = d.text("login"), d.text("name"), Role(role.currentData()), d.text("password")
        d.busy()
        self.ctx.runner.write(lambda uow: create_user(uow, login, name, chosen, password),
                              self._done(f"已新建用户 {login.strip()}。", login.strip()),
                              changes=frozenset({"user"}), on_error=d.refused)

    def ask_reset_password(self) -> FormDialog | None:
        user = self.selected_user()
        if user is None:
            return None
        dialog = FormDialog(self, f"重置密码 — {user.display_name}（{user.login}）", lambda d: self._reset(d, user))
        dialog.add("password", "新密码", _password_field())
        dialog.add("again", "再次输入", _password_field())
        dialog.form.addRow("", QLabel(PASSWORD_HINT + "；重置后账号的锁定也一并解除"))
        return self._open(dialog)

    def _reset(self, d: FormDialog, user: UserInfo) -> None:
        if d.text("password") != d.text("again"):
            d.fail("密码：两次输入不一致", "again")
            return
        password = d.text("password")
        d.busy()
        self.ctx.runner.write(lambda uow: reset_password(uow, user.id, password),
                              self._done(f"已重置 {user.login} 的密码，请通知本人登录后修改。", user.login),
                              changes=frozenset({"user"}), on_error=d.refused)

    def ask_accusation_access(self) -> FormDialog | None:
        user = self.selected_user()
        if user is None:
            return None
        dialog = FormDialog(self, f"检举控告查阅权限 — {user.display_name}（{user.login}）",
                            lambda d: self._set_access(d, user))
        choice = QComboBox()
        for value, label in ACCUSATION_CHOICES:
            choice.addItem(label, value)
        choice.setCurrentIndex([v for v, _ in ACCUSATION_CHOICES].index(user.accusation_override))
        dialog.add("access", "检举控告类内容", choice)
        note = QLabel(f"{ROLE_LABELS[user.role]}默认{'可以' if allows(user.role, Permission.READ_ACCUSATION) else '不能'}"
                      "查看检举控告类事项的内容和检举人身份。修改立即生效：该用户正在使用的程序在下一次操作时即按新权限处理。")
        note.setWordWrap(True)
        dialog.form.addRow(note)
        return self._open(dialog)

    def _set_access(self, d: FormDialog, user: UserInfo) -> None:
        choice = d.fields["access"]
        assert isinstance(choice, QComboBox)
        granted: bool | None = choice.currentData()
        d.busy()
        self.ctx.runner.write(lambda uow: set_accusation_access(uow, user.id, granted),
                              self._done(f"已调整 {user.login} 的检举控告查阅权限（已立即生效）。", user.login),
                              changes=frozenset({"user"}), on_error=d.refused)

    def ask_role(self) -> FormDialog | None:
        user = self.selected_user()
        if user is None:
            return None
        dialog = FormDialog(self, f"修改角色 — {user.display_name}（{user.login}）", lambda d: self._set_role(d, user))
        choice = _role_choice()
        choice.setCurrentIndex(choice.findData(user.role))
        dialog.add("role", "角色", choice)
        note = QLabel("修改立即生效：该用户正在使用的程序在下一次操作时即按新角色处理，并收到提示。"
                      "单独授予或收回的检举控告查阅权限保持不变。")
        note.setWordWrap(True)
        dialog.form.addRow(note)
        return self._open(dialog)

    def _set_role(self, d: FormDialog, user: UserInfo) -> None:
        choice = d.fields["role"]
        assert isinstance(choice, QComboBox)
        role = Role(choice.currentData())
        d.busy()
        self.ctx.runner.write(lambda uow: set_role(uow, user.id, role),
                              self._done(f"已把 {user.login} 的角色改为{ROLE_LABELS[role]}（已立即生效）。", user.login),
                              changes=frozenset({"user"}), on_error=d.refused)

    def toggle_active(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        active = not user.active
        text = f"已{'启用' if active else '停用'}用户 {user.login}。"
        self.ctx.runner.write(lambda uow: set_active(uow, user.id, active), self._done(text, user.login),
                              changes=frozenset({"user"}), on_error=lambda exc: self._say(exc.message))

    def ask_own_password(self) -> FormDialog:
        self.dialog = own_password_dialog(self, self.ctx.actor.display_name, runner_writer(self.ctx),
                                          lambda: self._say("已修改您的密码。"))
        return self.dialog


Writer = Callable[[Callable[[UnitOfWork], object], Callable[[object], None], Callable[[DomainError], None]], None]


def runner_writer(ctx: GuiContext) -> Writer:
    """Run a write on the main window's worker threads, errors back to the dialog."""
    return lambda fn, done, failed: ctx.runner.write(fn, done, on_error=failed)


def own_password_dialog(parent: QWidget, display_name: str, write: Writer, done: Callable[[], None], *,
                        forced: bool = False) -> FormDialog:
    """修改我的密码: the old password proves who is asking; ``done`` runs after a successful change."""

    def submit(d: FormDialog) -> None:
        if d.text("password") != d.text("again"):
            d.fail("新密码：两次输入不一致", "again")
            return
        old, new = d.text("old"), d.text("password")
        d.busy()
        write(lambda uow: change_password(uow, old, new), lambda _r: (d.accept(), done()), d.refused)

    dialog = FormDialog(parent, f"修改我的密码 — {display_name}", submit)
    if forced:
        notice = QLabel("管理员重置了您的密码。请先设置只有您自己知道的新密码，再开始工作。")
        notice.setWordWrap(True)
        dialog.form.addRow(notice)
    dialog.add("old", "原密码", _password_field())
    dialog.add("password", "新密码", _password_field())
    dialog.add("again", "再次输入", _password_field())
    dialog.form.addRow("", QLabel(PASSWORD_HINT))
    dialog.open()
    return dialog
