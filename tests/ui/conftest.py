"""GUI fixtures: a main window on the test workspace, logged in as the administrator.

Errors routed by the operation runner would open modal dialogs that nobody closes in a test run, so
they are recorded instead: a domain error lands in ``window.domain_errors`` for the test to check, and
a crash fails the test at teardown.
"""

from __future__ import annotations

import pytest

from ui.app import open_main_window
from ui.theme import apply_theme


@pytest.fixture
def main_window(qtbot, qapp, ws, admin, monkeypatch):
    apply_theme(qapp)
    domain_errors: list[Exception] = []
    crashes: list[BaseException] = []
    monkeypatch.setattr("ui.app.show_domain_error", lambda _parent, error: domain_errors.append(error))
    monkeypatch.setattr("ui.app.show_crash", lambda _parent, _dir, exc: crashes.append(exc))
    window = open_main_window(ws, admin)
    window.domain_errors = domain_errors
    qtbot.addWidget(window)
    window.show()
    yield window
    window.ctx.runner.wait()
    assert not crashes, f"unexpected error in a background operation: {crashes[0]!r}"
