"""Run the real ``xinfang`` entry point in a fresh Python process, offscreen, and report what it did.

A fresh process is the only honest way to see start-up: which modules were imported, which window
was painted, the exit code. The probe script records window paints through an application-wide
event filter installed before ``ui.entry.main`` runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# Imported only when first used (notices, reports, passwords, sync, identity and name helpers).
HEAVY_MODULES = ("reportlab", "openpyxl", "cryptography", "pypinyin", "stdnum", "pypdf", "argon2",
                 "psycopg", "PIL", "alembic")
# Loaded on the workspace opener's thread, after the login window's first paint.
DATABASE_LAYER = ("sqlalchemy", "db.engine", "db.models", "app.services.workspace")

PROBE = """
import json, os, sys
TYPED_LOGIN = json.loads(os.environ.get("XINFANG_TEST_LOGIN", "null"))
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
app = QApplication(["xinfang"])
painted = []

class Spy(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and watched.isWidgetType() and watched.isWindow():
            painted.append(type(watched).__name__)
        return False

spy = Spy()
app.installEventFilter(spy)
if TYPED_LOGIN:
    from ui.login import LoginDialog

    class Typist(QObject):  # a clerk who types at once and presses Enter
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Show and isinstance(watched, LoginDialog):
                watched.login.setText(TYPED_LOGIN[0])
                watched.password.setText(TYPED_LOGIN[1])
                watched.try_login()
            return False

    typist = Typist()
    app.installEventFilter(typist)
from ui.entry import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "painted": sorted(set(painted)),
                  "heavy": sorted(m for m in %r if m in sys.modules),
                  "database_layer": sorted(m for m in %r if m in sys.modules)}))
""" % (HEAVY_MODULES, DATABASE_LAYER)


def run_entry(*args: str, timeout: float = 120, typed_login: tuple[str, str] | None = None) -> dict[str, Any]:
    """``xinfang ARGS`` in a new process; its exit code, painted window classes, heavy modules and
    database-layer modules it imported. ``typed_login`` (login, password) is typed into the login
    window the moment it shows."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=os.pathsep.join([str(ROOT), *os.environ.get("PYTHONPATH", "").split(os.pathsep)]).rstrip(os.pathsep),
               XINFANG_TEST_LOGIN=json.dumps(typed_login))
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                            encoding="utf-8", cwd=ROOT, env=env, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
