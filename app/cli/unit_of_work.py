"""How a command reaches the database: the workspace of ``--data-dir``/``--db``, one unit of work as the
built-in system account, and the workspace closed again however the command ended."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from app.errors import ValidationError
from app.services.context import UnitOfWork
from app.services.workspace import Workspace


def open_workspace(args: argparse.Namespace, *, initialised: bool = True) -> Workspace:
    workspace = Workspace.open(args.data_dir, args.db)
    unlocked = getattr(args, "unlocked", None)  # an encrypted database's key (app/cli/unlock.py)
    if unlocked is not None:
        workspace.keyring.unlock(unlocked.private, unlocked.holder)
    if initialised and not workspace.is_initialised():
        raise ValidationError("not_initialised", "数据库尚未初始化：请先运行 xinfang init", field="db")
    return workspace


@contextmanager
def cli_workspace(args: argparse.Namespace) -> Iterator[Workspace]:
    """The initialised workspace of the command's options, for services that take the workspace."""
    workspace = open_workspace(args)
    try:
        yield workspace
    finally:
        workspace.close()


@contextmanager
def cli_unit_of_work(args: argparse.Namespace, *, write: bool = False) -> Iterator[UnitOfWork]:
    """One use case as the system account (the command line cannot log in): a read, or with
    ``write=True`` a transaction committed together or not at all."""
    with cli_workspace(args) as workspace:
        unit = workspace.write if write else workspace.read
        with unit(workspace.system_actor()) as uow:
            yield uow
