"""``xinfang --quit-when-ready``: leave as soon as the program is ready and idle, so anyone can time a
cold start from outside (bench/bench_startup.py does).

``shown`` (the default): the first window is painted. ``usable``: the login also works, i.e. the
workspace opened on its worker thread (upgraded if it was older); on the first-run wizard the two
are the same moment. ``main``: after a login (someone, or a benchmark's probe, types it) the main
window is painted; that run makes no daily or exit backup, it is not a work session.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

SHOWN, USABLE, MAIN = "shown", "usable", "main"


class _AfterFirstPaint(QObject):
    def __init__(self, window: QWidget, action: Callable[[], None]) -> None:
        super().__init__(window)  # owned by the window, lives as long as it does
        self.action = action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # A zero timer runs once the events queued behind the paint are handled: idle.
            QTimer.singleShot(0, self.action)
        return False


def after_first_paint(window: QWidget, action: Callable[[], None]) -> None:
    """Run ``action`` once the window has been painted and the events behind the paint are handled."""
    window.installEventFilter(_AfterFirstPaint(window, action))


def quit_when_painted(window: QWidget) -> None:
    after_first_paint(window, QApplication.quit)


def quit_when_idle() -> None:
    QTimer.singleShot(0, QApplication.quit)
