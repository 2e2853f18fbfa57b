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


def test_an_encrypted_database_opens_with_the_password_typed_at_once(template_dir, tmp_path):
    """The login window of an encrypted folder is painted from its key file; the typed password opens
    the key, then the database, then the account."""
    from app.services import data_keys
    from app.services.database_encryption import encrypt_database
    from app.services.users import authenticate
    from app.services.workspace import Workspace
    from db import cipher

    folder = tmp_path / "data"
    shutil.copytree(template_dir, folder)
    ws = Workspace.open(folder)
    admin = authenticate(ws, "admin", PASSWORD)
    data_keys.enable(ws, admin, PASSWORD)
    encrypt_database(ws, admin, PASSWORD)
    ws.close()
    cipher.forget_all_keys()
    shown = run_entry("--data-dir", str(folder), "--quit-when-ready")
    assert (shown["code"], shown["painted"], shown["database_layer"]) == (0, ["LoginDialog"], [])
    outcome = run_entry("--data-dir", str(folder), "--quit-when-ready=main", typed_login=("admin", PASSWORD))
    assert (outcome["code"], outcome["painted"]) == (0, ["LoginDialog", "MainWindow"])
