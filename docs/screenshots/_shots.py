"""What the shoot_*.py scripts share: waiting for a page's background work while Qt keeps painting."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtWidgets import QApplication


def wait_for(condition: Callable[[], object], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not load in time")
        QApplication.processEvents()
        time.sleep(0.01)
