"""``xinfang --quit-when-ready``: leave as soon as the first window is painted and the program is idle,
so anyone can time a cold start from outside (bench/bench_startup.py does)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class _QuitAfterFirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # A zero timer runs once the events queued behind the paint are handled: idle.
            QTimer.singleShot(0, QApplication.quit)
        return False


def quit_when_painted(window: QWidget) -> None:
    watcher = _QuitAfterFirstPaint(window)  # owned by the window, lives as long as it does
    window.installEventFilter(watcher)
