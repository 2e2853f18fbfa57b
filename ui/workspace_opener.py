"""Open the workspace on a worker thread while the login window is already on screen.

Importing SQLAlchemy, the models and alembic and checking the schema is most of a cold start; an
older database is also backed up and upgraded here (minutes on a large one). The window learns of
each step through queued signals; nobody can log in before ``opened``.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from app.services.workspace import Workspace


class WorkspaceOpener(QObject):
    upgrading = Signal()  # a backup and schema upgrade started
    opened = Signal(object)  # the Workspace
    failed = Signal(object)  # the exception (a DomainError for a locked, damaged or failed database)

    def __init__(self, data_dir: Path, db_url: str | None, parent: QObject | None = None) -> None:
        super().__init__(parent)  # created on the UI thread, so emits from the worker arrive queued
        self.data_dir, self.db_url = data_dir, db_url
        self._thread: threading.Thread | None = None
        self.workspace: Workspace | None = None

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self, preload: Sequence[str] = ()) -> None:
        """Open on a new thread; then import the ``preload`` modules (the main window's) while the
        clerk types, so the window follows the click sooner. No Qt object is created there."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._open, args=(tuple(preload),), name="open-workspace")
            self._thread.start()

    def wait(self) -> Workspace | None:
        """Block until the opening has ended (at exit: never leave an upgrade half done)."""
        if self._thread is not None:
            self._thread.join()
        return self.workspace

    def _open(self, preload: tuple[str, ...]) -> None:
        try:
            from app.services.workspace import Workspace

            self.workspace = Workspace.open(self.data_dir, self.db_url, on_upgrade=self.upgrading.emit)
            import app.services.users  # noqa: F401 - the password check's modules, before the click
        except BaseException as exc:  # noqa: BLE001 - shown on the UI thread
            self.failed.emit(exc)
        else:
            self.opened.emit(self.workspace)
            for module in preload:
                try:
                    importlib.import_module(module)
                except Exception:  # noqa: BLE001 - the UI thread's own import of it reports the error
                    break
