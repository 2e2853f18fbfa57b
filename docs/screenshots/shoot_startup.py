"""Screenshots of the login window at start, before the database is open: login-opening.png (登录
waits for the workspace) and login-upgrading.png (an older database being backed up and upgraded
behind it), beside a side-by-side login-startup.png. Both states are real: a copy of a fresh office
database and an empty database at the first schema revision, opened by the program's own opener.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.paths import DATABASE_FILE  # noqa: E402
from db.engine import create_db_engine  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from ui.login import LoginDialog  # noqa: E402
from ui.theme import apply_theme  # noqa: E402
from ui.workspace_opener import WorkspaceOpener  # noqa: E402
from _shots import wait_for  # noqa: E402  (this folder: the scripts run as scripts)
from shoot_setup import side_by_side  # noqa: E402

OUT = Path(__file__).resolve().parent
FIRST_REVISION = "0001"


def shoot_opening(folder: Path):  # type: ignore[no-untyped-def]
    login = LoginDialog(None, "某某县某某镇人民政府", "admin")
    login.wait_for(WorkspaceOpener(folder, None, login))  # not started: the moment after the first paint
    login.show()
    QApplication.processEvents()
    shot = login.grab()
    shot.save(str(OUT / "login-opening.png"))
    login.close()
    return shot


def shoot_upgrading(folder: Path):  # type: ignore[no-untyped-def]
    folder.mkdir()
    engine = create_db_engine(f"sqlite:///{folder / DATABASE_FILE}")
    upgrade(engine, FIRST_REVISION)
    engine.dispose()
    login = LoginDialog(None, "某某县某某镇人民政府", "admin")
    opener = WorkspaceOpener(folder, None, login)
    login.wait_for(opener)
    login.show()
    shots = []

    def grab() -> None:  # after the dialog's own slot has shown the message and re-laid itself out
        QApplication.processEvents()
        shots.append(login.grab())

    opener.upgrading.connect(grab)
    opener.start()
    wait_for(lambda: login.is_ready)
    opener.wait().close()
    shots[0].save(str(OUT / "login-upgrading.png"))
    login.close()
    return shots[0]


def main() -> None:
    app = QApplication(["xinfang"])
    apply_theme(app)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "new").mkdir()
        opening = shoot_opening(Path(tmp) / "new")
        upgrading = shoot_upgrading(Path(tmp) / "old")
    side_by_side([opening, upgrading]).save(str(OUT / "login-startup.png"))


if __name__ == "__main__":
    main()
