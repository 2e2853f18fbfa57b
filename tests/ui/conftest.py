"""GUI fixtures: a main window on the test workspace, logged in as the administrator."""

from __future__ import annotations

import pytest

from ui.app import open_main_window
from ui.theme import apply_theme


@pytest.fixture
def main_window(qtbot, qapp, ws, admin):
    apply_theme(qapp)
    window = open_main_window(ws, admin)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.ctx.runner.wait()
