"""Several sync packages at once: each sender's in the order given, different senders side by side.

A county imports a package from each of its twenty townships at the end of a period. On PostgreSQL
most of an import's time is the server writing rows, on one core per connection; the packages of
different townships write rows no two of them own, so they are imported by parallel workers, one
connection each (db/write_locks.py: they keep ordinary writers out and queue among themselves only
for the audit chain and the change numbers). One township's packages stay in one worker, in the
order given: their sequence numbers decide gaps and superseded packages. On SQLite (one writer at
a time) they are imported one after another.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from app.domain.permissions import Permission
from app.errors import DomainError
from app.services.context import Actor
from app.services.workspace import Workspace
from app.sync.container import read_header
from app.sync.importing import ImportReport, import_package

# Beyond the cores, workers only queue on the server.
MAX_WORKERS = 4


def import_packages(workspace: Workspace, actor: Actor, paths: list[Path], *, dry_run: bool = False,
                    force_gap: bool = False, done: Callable[[ImportReport], None] | None = None) -> list[ImportReport]:
    """Each package in its own transaction. The first refusal (in the order given) is raised once
    every worker has stopped: a sender's later packages are not tried after it, and the other
    workers finish the package in hand and stop, so what was imported is what came before it.
    ``done`` hears of each package imported, one at a time (from a worker thread)."""
    actor.require(Permission.MANAGE_SETTINGS)
    order = {path: n for n, path in enumerate(paths)}
    groups = [] if workspace.database.is_sqlite else _by_sender(paths)
    workers = min(len(groups), os.cpu_count() or 1, MAX_WORKERS)
    reports: dict[Path, ImportReport] = {}
    failures: dict[Path, Exception] = {}
    stop = threading.Event()
    telling = threading.Lock()

    def run(group: list[Path]) -> None:
        for path in group:
            if stop.is_set():
                return
            try:
                report = import_package(workspace, actor, path, dry_run=dry_run, force_gap=force_gap)
            except Exception as exc:  # re-raised below, in the caller's thread
                failures[path] = exc
                stop.set()
                return
            reports[path] = report
            if done is not None:
                with telling:
                    done(report)

    if workers <= 1:
        run(paths)
    else:
        with ThreadPoolExecutor(workers, thread_name_prefix="sync-import") as pool:
            # The biggest groups first, so no worker is left with a long tail.
            for future in [pool.submit(run, g) for g in sorted(groups, key=len, reverse=True)]:
                future.result()
    if failures:
        raise failures[min(failures, key=order.__getitem__)]
    return [reports[p] for p in sorted(reports, key=order.__getitem__)]


def _by_sender(paths: list[Path]) -> list[list[Path]]:
    """The packages grouped by the sender their clear header names (verified at import); a file
    whose header cannot be read is a group of its own, refused when its turn comes."""
    groups: dict[str, list[Path]] = {}
    for path in paths:
        try:
            key = str(read_header(path).fields.get("sender", {}).get("id"))
        except (DomainError, AttributeError):
            key = f"file:{path}"
        groups.setdefault(key, []).append(path)
    return list(groups.values())
