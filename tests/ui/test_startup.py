"""Start-up: ``--quit-when-ready`` leaves once the first window is painted, and nothing heavy, not
even the database layer, is imported before the login window (checked in a fresh process);
``--quit-when-ready=usable`` waits until the workspace is open behind it."""

from __future__ import annotations

import shutil

from app.machine_settings import MachineSettings
from app.paths import DATABASE_FILE
from tests.conftest import PASSWORD
from tests.support.gui_process import DATABASE_LAYER, run_entry


def test_quit_when_ready_shows_the_wizard_on_an_empty_folder(tmp_path):
    folder = tmp_path / "新数据"
    outcome = run_entry("--data-dir", str(folder), "--quit-when-ready")
    assert outcome["code"] == 0
    assert outcome["painted"] == ["SetupWizard"]
    assert (folder / DATABASE_FILE).is_file()


def test_quit_when_ready_shows_the_login_without_heavy_imports(template_dir, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(template_dir, folder)
    outcome = run_entry("--data-dir", str(folder), "--quit-when-ready")
    assert outcome["code"] == 0
    assert outcome["painted"] == ["LoginDialog"]
    # reportlab, openpyxl, cryptography, pypinyin, stdnum, ... and alembic (the schema is current).
    assert outcome["heavy"] == []
    # The office name came from the read-only peek; SQLAlchemy loads after the first paint.
    assert outcome["database_layer"] == []


def test_quit_when_usable_waits_for_the_workspace_behind_the_login(template_dir, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(template_dir, folder)
    outcome = run_entry("--data-dir", str(folder), "--quit-when-ready=usable")
    assert (outcome["code"], outcome["painted"]) == (0, ["LoginDialog"])
    assert outcome["database_layer"] == sorted(DATABASE_LAYER)
    assert "reportlab" not in outcome["heavy"] and "openpyxl" not in outcome["heavy"]



def test_a_login_typed_at_once_reaches_the_main_window(template_dir, tmp_path):
    """The whole start as a clerk goes through it (Enter before the database is open is queued);
    the =main timing run makes no backup."""
    folder = tmp_path / "data"
    shutil.copytree(template_dir, folder)
    outcome = run_entry("--data-dir", str(folder), "--quit-when-ready=main", typed_login=("admin", PASSWORD))
    assert (outcome["code"], outcome["painted"]) == (0, ["LoginDialog", "MainWindow"])
    assert not (folder / "backups").exists()
    assert MachineSettings.load(folder).last_login == "admin"
