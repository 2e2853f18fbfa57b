"""Lock the program after the office's idle time (setting ``idle_lock_minutes``) without input.

An application-wide event filter notes every key press, click, wheel turn and mouse move. When the
idle time has passed, the content of every window is hidden (open dialogs keep running, only
concealed) and an unlock dialog asks for the logged-in user's password. Nobody else can unlock:
another person can only exit the program.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QApplication, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from app.errors import DomainError
from app.services.context import Actor
from app.services.office_settings import get_settings
from app.services.users import authenticate
from app.services.workspace import Workspace

_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
    QEvent.Type.InputMethod,
})
_TRANSIENT = (Qt.WindowType.Popup, Qt.WindowType.ToolTip)
MAX_CHECK_MS = 5_000


class UnlockDialog(QDialog):
    """Only the locked user's password opens the program again; Esc and the close box do nothing."""

    unlocked = Signal()
    exit_requested = Signal()

    def __init__(self, parent: QWidget | None, workspace: Workspace, actor: Actor) -> None:
        super().__init__(parent)
        self.workspace, self.actor = workspace, actor
        self.setWindowTitle("已锁定 — 基层信访工作台")
        self.setWindowFlags(Qt.WindowType.Dialog | Qt.WindowType.CustomizeWindowHint | Qt.WindowType.WindowTitleHint)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setMinimumWidth(420)
        title = QLabel(f"{actor.display_name}（{actor.login}）")
        title.setObjectName("pageTitle")
        note = QLabel("长时间无操作，程序已锁定。请输入该用户的密码解锁；其他人只能退出程序。")
        note.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("密码")
        self.message = QLabel()
        self.message.setProperty("urgency", "overdue")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.unlock_button = buttons.addButton("解锁", QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlock_button.setDefault(True)
        self.unlock_button.setProperty("primary", True)
        self.exit_button = buttons.addButton("退出程序", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.exit_button.clicked.connect(self.exit_requested.emit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 16)
        for widget in (title, note, self.password, self.message, buttons):
            layout.addWidget(widget)
        self.password.setFocus()

    def try_unlock(self) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            who = authenticate(self.workspace, self.actor.login, self.password.text())
        except DomainError as exc:
            self.message.setText("密码不正确，请重新输入" if exc.code == "login_failed" else exc.message)
            self.password.clear()
            self.password.setFocus()
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        if who.user_id != self.actor.user_id:  # the login names one account, but make sure
            self.message.setText("只有锁定前登录的用户可以解锁")
            return
        self.unlocked.emit()

    def reject(self) -> None:
        """Esc must not open the program."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        event.ignore()


def _quit_program() -> None:
    QApplication.closeAllWindows()
    QApplication.quit()


class IdleLock(QObject):
    """Installed once after login; ``timeout_ms`` overrides the office setting (tests, demos)."""

    locked_changed = Signal(bool)

    def __init__(self, window: QWidget, workspace: Workspace, actor: Actor, *, timeout_ms: int | None = None,
                 on_exit: Callable[[], None] = _quit_program) -> None:
        super().__init__(window)
        self.window, self.workspace, self.actor = window, workspace, actor
        self.on_exit = on_exit
        self.dialog: UnlockDialog | None = None
        self._concealed: list[QWidget] = []
        self._idle = QElapsedTimer()
        self._idle.start()
        self._check = QTimer(self)
        self._check.timeout.connect(self._check_idle)
        self.timeout_ms = 0
        self.set_timeout_ms(timeout_ms if timeout_ms is not None else self.office_timeout_ms())
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def office_timeout_ms(self) -> int:
        with self.workspace.read(self.actor) as uow:
            minutes = int(get_settings(uow)["idle_lock_minutes"])
        return minutes * 60_000

    def reload_setting(self) -> None:
        self.set_timeout_ms(self.office_timeout_ms())

    def set_timeout_ms(self, timeout_ms: int) -> None:
        self.timeout_ms = max(1, timeout_ms)
        self._check.start(max(50, min(MAX_CHECK_MS, self.timeout_ms // 4)))

    @property
    def locked(self) -> bool:
        return self.dialog is not None

    def touch(self) -> None:
        """Count as input now (the idle time starts again)."""
        if self.dialog is None:
            self._idle.restart()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _ACTIVITY:
            self.touch()
        return False

    def _check_idle(self) -> None:
        if self.dialog is None and self._idle.elapsed() >= self.timeout_ms:
            self.lock()

    def lock(self) -> None:
        if self.dialog is not None:
            return
        self._conceal()
        self.dialog = UnlockDialog(self.window, self.workspace, self.actor)
        self.dialog.unlocked.connect(self.unlock)
        self.dialog.exit_requested.connect(self.on_exit)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        self.locked_changed.emit(True)

    def unlock(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.hide()
            dialog.deleteLater()
        self._reveal()
        self._idle.restart()
        self.locked_changed.emit(False)

    def uninstall(self) -> None:
        self._check.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def _conceal(self) -> None:
        """Hide the content of every open window, and close menus, pop-ups and tool tips."""
        for top in QApplication.topLevelWidgets():
            if not top.isVisible():
                continue
            if top.windowType() in _TRANSIENT:
                top.hide()
                continue
            for child in top.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
                if child.isVisible() and not child.isWindow():
                    child.hide()
                    self._concealed.append(child)

    def _reveal(self) -> None:
        concealed, self._concealed = self._concealed, []
        for child in concealed:
            try:
                child.show()
            except RuntimeError:  # closed and deleted while locked
                continue


def install_idle_lock(window: QWidget, workspace: Workspace, actor: Actor) -> IdleLock:
    """The lock for a main window; a change of the office setting takes effect at once."""
    lock = IdleLock(window, workspace, actor)
    ctx = getattr(window, "ctx", None)
    if ctx is not None:
        ctx.runner.changes.changed.connect(lambda kinds: lock.reload_setting() if "settings" in kinds else None)
    return lock
