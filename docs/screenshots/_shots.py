"""What the shoot_*.py scripts share: the demo township and its workspace at a fixed moment, the themed
application, and waiting for a page's background work while Qt keeps painting."""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.services.context import Actor
from app.services.demo import load_demo
from app.services.offices import OfficeSetup, initialise
from app.services.workspace import Workspace
from ui.theme import apply_theme

NOW = datetime(2026, 11, 23, 10, 0)
OUT = Path(__file__).resolve().parent
PASSWORD = "abc12345"
TOWNSHIP = OfficeSetup(name="某某县某某镇人民政府", short_name="某某镇", division_code="330106101000",
                       parent_name="某某县信访局", admin_login="admin", admin_name="王管理",
                       admin_password=PASSWORD)


def themed_app() -> QApplication:
    app = QApplication.instance() or QApplication(["xinfang"])
    apply_theme(app)  # type: ignore[arg-type]
    return app  # type: ignore[return-value]


def township(folder: Path, *, villages: tuple[str, ...] = ()) -> Workspace:
    """A new workspace in ``folder`` at ``NOW`` holding the demo township, nothing recorded yet."""
    ws = Workspace.open(folder, clock=lambda: NOW)
    initialise(ws, dataclasses.replace(TOWNSHIP, villages=villages))
    return ws


def demo_workspace(folder: Path, contacts: int, *, villages: tuple[str, ...] = (), seed: int = 2026) -> Workspace:
    """The workspace in ``folder`` at ``NOW``; a new one is the demo township with ``contacts`` demo contacts
    (three years of work up to ``NOW``), an existing one (a demo folder given on the command line) is used as is."""
    if (folder / "xinfang.db").exists():
        return Workspace.open(folder, clock=lambda: NOW)
    ws = township(folder, villages=villages)
    load_demo(ws, ws.system_actor(), seed=seed, contacts=contacts)
    return ws


def on_demo_workspace(shoot: Callable[[Workspace], None], contacts: int) -> int:
    """``shoot`` on the demo data folder given as the first argument, else on a throwaway one."""
    with tempfile.TemporaryDirectory() as tmp:
        ws = demo_workspace(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tmp) / "data", contacts)
        try:
            shoot(ws)
        finally:
            ws.close()
    return 0


def wait_for(condition: Callable[[], object], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not load in time")
        QApplication.processEvents()
        time.sleep(0.01)


def settings_window(ws: Workspace, actor: Actor) -> tuple[Any, Any]:
    """The main window at 1366×768 on 系统设置: (window, settings page)."""
    from ui.app import open_main_window

    window = open_main_window(ws, actor)
    window.resize(1366, 768)
    window.show()
    window.show_page("settings")
    return window, window.page("settings")
