"""Installing a newer program over an older one: the data folder a first-revision (0001) program
left behind is opened by today's program, migrated to head, and keeps working."""

from __future__ import annotations

import json
import shutil

import pytest

from app.cli.main import run
from app.paths import DATABASE_FILE
from db.engine import create_db_engine
from db.migrate import (
    current_revision, head_revision, needs_upgrade, newest_revision_file, stored_revision, upgrade,
)
from tests.db.test_migrations import FIRST_REVISION, fill_at_first_revision
from tests.support.gui_process import run_entry


@pytest.fixture
def old_folder(tmp_path):
    """A data folder as revision 0001's program left it, with one office, person, matter, contact."""
    folder = tmp_path / "旧版数据"
    (folder / "attachments").mkdir(parents=True)
    engine = create_db_engine(f"sqlite:///{folder / DATABASE_FILE}")
    upgrade(engine, FIRST_REVISION)
    fill_at_first_revision(engine)
    engine.dispose()
    return folder


def _revision(folder) -> str | None:
    engine = create_db_engine(f"sqlite:///{folder / DATABASE_FILE}")
    try:
        return stored_revision(engine)
    finally:
        engine.dispose()


def test_the_command_line_migrates_an_old_folder_and_works_on(old_folder, tmp_path, capsys):
    assert _revision(old_folder) == FIRST_REVISION
    assert run(["--data-dir", str(old_folder), "person", "find", "w", "--format", "json"]) == 0
    assert [p["name"] for p in json.loads(capsys.readouterr().out)] == ["王𠮷"]
    assert _revision(old_folder) == head_revision()
    # The old archive keeps working: listed, and a notice is issued into its dossier.
    assert run(["--data-dir", str(old_folder), "matter", "list", "--format", "json"]) == 0
    assert [m["number"] for m in json.loads(capsys.readouterr().out)] == ["SX2026-00001"]
    pdf = tmp_path / "登记表.pdf"
    assert run(["--data-dir", str(old_folder), "notice", "registration", "--matter", "SX2026-00001",
                "-o", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "已出具：来访登记表" in capsys.readouterr().out
    assert run(["--data-dir", str(old_folder), "notice", "list", "--matter", "SX2026-00001",
                "--format", "json"]) == 0
    assert [n["kind"] for n in json.loads(capsys.readouterr().out)] == ["registration"]


def test_the_window_opens_an_old_folder_at_the_login(old_folder, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(old_folder, copy)
    # The login window is painted first; the upgrade runs behind it before anyone can log in.
    outcome = run_entry("--data-dir", str(copy), "--quit-when-ready=usable")
    assert (outcome["code"], outcome["painted"]) == (0, ["LoginDialog"])
    assert "alembic" in outcome["heavy"]  # it did migrate
    assert _revision(copy) == head_revision()


def test_the_revision_check_at_start_agrees_with_alembic(old_folder):
    """The start-up check reads revisions without alembic; it must say what alembic says."""
    assert newest_revision_file() == head_revision()
    engine = create_db_engine(f"sqlite:///{old_folder / DATABASE_FILE}")
    try:
        assert stored_revision(engine) == current_revision(engine) == FIRST_REVISION
        assert needs_upgrade(engine)
        upgrade(engine)
        assert stored_revision(engine) == current_revision(engine) == head_revision()
        assert not needs_upgrade(engine)
    finally:
        engine.dispose()
