"""What the first window needs before the database layer is loaded: is the data folder set up, and
the office's name for the login window's title.

Read with the standard library's sqlite3, read-only (an encrypted database: the office's name from its
key file, app/services/key_file.py, since nothing in the file is readable before the login), so the login window is painted before
SQLAlchemy, the models and the migrations are imported (most of a cold start). The workspace is
opened, and upgraded, right after the window shows; nothing here writes or decides anything the
workspace would not confirm.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from app.paths import DATABASE_FILE, resolve_data_dir
from db.cipher import is_encrypted  # standard library only

LOCAL_OFFICE_KEY = "local_office_id"
KEY_FILE = "xinfang.keys"
BUSY_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class FolderPeek:
    data_dir: Path
    initialised: bool
    office_name: str
    encrypted: bool = False  # SQLCipher: the login unlocks the key before the database opens


def peek_folder(data_dir: str | Path | None, db_url: str | None = None) -> FolderPeek | None:
    """The folder's state, or None when only opening the workspace can tell (a server database, a
    file that is locked, damaged or of an unknown layout): the caller then opens it the usual way."""
    folder = resolve_data_dir(data_dir)
    if db_url:
        return None
    database = folder / DATABASE_FILE
    if not database.exists():
        return FolderPeek(folder, initialised=False, office_name="")
    if is_encrypted(database):
        return _peek_encrypted(folder)
    try:
        with closing(sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True,
                                     timeout=BUSY_TIMEOUT_S)) as connection:
            row = connection.execute("SELECT value FROM meta WHERE key = ?", (LOCAL_OFFICE_KEY,)).fetchone()
            if row is None:
                return FolderPeek(folder, initialised=False, office_name="")
            name = connection.execute("SELECT name FROM office WHERE id = ?",
                                      (uuid.UUID(row[0]).hex,)).fetchone()
    except (sqlite3.Error, ValueError):
        return None
    return FolderPeek(folder, initialised=True, office_name=name[0]) if name else None


def _peek_encrypted(folder: Path) -> FolderPeek | None:
    try:
        name = json.loads((folder / KEY_FILE).read_text(encoding="utf-8"))["office_name"]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no key file: opening the workspace reports it
    return FolderPeek(folder, initialised=True, office_name=str(name), encrypted=True)
