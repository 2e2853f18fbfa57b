"""The program's automatic backups: the first start of each day (in the background) and every exit."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from app.errors import DomainError
from app.services.backup import BackupResult, Reason, automatic_backup
from app.services.context import Actor
from app.services.workspace import Workspace
from ui.operations import OpRunner

MESSAGE_MS = 15_000


def start_daily_backup(window: QMainWindow, runner: OpRunner, workspace: Workspace) -> None:
    """Run after the window shows, so a large database never delays the start; audited as the user
    who has just logged in."""
    def done(result: BackupResult | None) -> None:
        if result is None:
            return
        note = f"已自动备份（每日首次启动）：{result.backup.path.name}"
        if result.mirror_error:
            note += f"；{result.mirror_error}"
        window.statusBar().showMessage(note, MESSAGE_MS)

    def failed(exc: DomainError) -> None:
        window.statusBar().showMessage(f"自动备份失败：{exc.message}", MESSAGE_MS)

    actor = runner.actor
    runner.run(lambda: automatic_backup(workspace, Reason.DAILY, actor), done, on_error=failed)


def backup_on_exit(workspace: Workspace, actor: Actor | None = None) -> DomainError | None:
    """After the window has closed, audited as the user who was logged in; the failure is returned
    for the caller to show."""
    try:
        automatic_backup(workspace, Reason.EXIT, actor)
    except DomainError as exc:
        return exc
    return None
