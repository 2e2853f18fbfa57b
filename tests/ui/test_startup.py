"""Start-up: ``--quit-when-ready`` leaves once the first window is painted, and nothing heavy is
imported before the login window (checked in a fresh process)."""

from __future__ import annotations

import shutil

from app.paths import DATABASE_FILE
from tests.support.gui_process import run_entry


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
