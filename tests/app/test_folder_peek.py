"""The start-up peek: what the login window needs, read from the SQLite file without SQLAlchemy."""

from __future__ import annotations

import shutil

from app.paths import DATABASE_FILE
from app.services.folder_peek import FolderPeek, peek_folder
from app.services.workspace import Workspace


def test_an_initialised_folder_gives_the_office_name(template_dir, tmp_path):
    folder = tmp_path / "数据"
    shutil.copytree(template_dir, folder)
    assert peek_folder(folder) == FolderPeek(folder, initialised=True, office_name="某某县某某镇人民政府")


def test_a_new_or_empty_folder_is_not_initialised(tmp_path):
    assert peek_folder(tmp_path / "新文件夹") == FolderPeek(tmp_path / "新文件夹", False, "")
    Workspace.open(tmp_path / "空库").close()  # schema created, no office yet
    assert peek_folder(tmp_path / "空库") == FolderPeek(tmp_path / "空库", False, "")


def test_a_damaged_file_or_a_server_database_is_left_to_the_workspace(tmp_path):
    (tmp_path / DATABASE_FILE).write_bytes(b"not a database " * 100)
    assert peek_folder(tmp_path) is None
    assert peek_folder(tmp_path / "x", "postgresql+psycopg://user@host/db") is None


def test_the_peek_leaves_the_database_unchanged(template_dir, tmp_path):
    folder = tmp_path / "数据"
    shutil.copytree(template_dir, folder)
    before = (folder / DATABASE_FILE).read_bytes()
    peek_folder(folder)  # read-only (SQLite may add its WAL index files beside it, as any reader)
    assert (folder / DATABASE_FILE).read_bytes() == before
