"""The window's reaction when an administrator changes the logged-in user's account meanwhile.

The services already act with the stored rights at every unit of work; this tells the user, in plain
words, what changed (once per change), and closes the window of an account that was deactivated.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMainWindow, QMessageBox

from app.domain.permissions import ROLE_LABELS, Permission
from app.errors import AccountClosed
from app.services.context import Actor
from ui.context import GuiContext

AFTERWORD = "已立即生效。页面上的部分按钮要重新登录后才会更新，您现在无权进行的操作会被拒绝。"


def change_text(before: Actor, now: Actor) -> str:
    """What the administrator changed, in the user's words."""
    parts: list[str] = []
    if before.role is not now.role:
        parts.append(f"管理员已把您的角色由“{ROLE_LABELS[before.role]}”改为“{ROLE_LABELS[now.role]}”。")
    saw, sees = before.may(Permission.READ_ACCUSATION), now.may(Permission.READ_ACCUSATION)
    if saw and not sees:
        parts.append("您不能再查看检举控告类事项的内容和检举人信息（已打开的页面刷新后即不再显示）。")
    elif sees and not saw:
        parts.append("您现在可以查看检举控告类事项的内容和检举人信息。")
    if not parts:
        parts.append("管理员调整了您的账号权限。")
    return "".join(parts) + AFTERWORD


class AccountWatch(QObject):
    """A child of the main window; keeps ``ctx.actor`` as the stored account says."""

    def __init__(self, window: QMainWindow, ctx: GuiContext) -> None:
        super().__init__(window)
        self.window, self.ctx = window, ctx
        self.notice: QMessageBox | None = None
        self.closed = False
        ctx.runner.account_changed.connect(self.changed)
        ctx.runner.account_closed.connect(self.closed_by_admin)

    def changed(self, before: Actor, now: Actor) -> None:
        self.ctx.actor = now
        if self.closed:
            return
        self.window.statusBar().showMessage("管理员调整了您的账号权限，已立即生效。", 15_000)
        self._tell(QMessageBox.Icon.Information, "账号权限已调整", change_text(before, now))
        update_status = getattr(self.window, "update_status", None)
        if callable(update_status):
            update_status()

    def closed_by_admin(self, exc: AccountClosed) -> None:
        if self.closed:
            return
        self.closed = True
        box = self._tell(QMessageBox.Icon.Warning, "账号已停用",
                         f"{exc.message}\n\n为保护数据，点“确定”后关闭程序。")
        box.finished.connect(lambda _code: self.window.close())

    def _tell(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        if self.notice is not None:
            self.notice.done(0)
        box = QMessageBox(icon, title, text, parent=self.window)
        self.notice = box
        box.open()
        return box
