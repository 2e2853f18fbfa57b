"""Where the program keeps its data: the user data folder, overridable for tests and admins."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "xinfang-desk"
DATA_DIR_ENV = "XINFANG_DATA_DIR"
DATABASE_FILE = "xinfang.db"
ATTACHMENTS_DIR = "attachments"
# Plain copies of attachments handed to an external viewer; emptied when a workspace opens and closes.
VIEWING_DIR = "viewing"


def default_data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(explicit: str | Path | None) -> Path:
    return Path(explicit) if explicit else default_data_dir()


def default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / DATABASE_FILE}"
