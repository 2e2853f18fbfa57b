"""Start the program: fonts and theme, the data folder, first-run set-up or login, the main window.

The login window is painted from PySide6 and a few light modules only: the office's name comes from
a read-only peek at the SQLite file (app/services/folder_peek.py) and the workspace is opened (and
upgraded, backup first) on a worker thread started after the first paint. SQLAlchemy, the services
and the main window's modules are imported there or after the login, never before the first paint.
"""

from __future__ import annotations

import sys
from argparse import Namespace
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.cli.main import build_window_parser
from app.errors import DomainError
from app.machine_settings import MachineSettings
from app.services.folder_peek import FolderPeek, peek_folder
from ui.errors import show_crash, show_domain_error
from ui.login import LoginDialog
from ui.ready import MAIN, SHOWN, USABLE, after_first_paint, quit_when_idle, quit_when_painted
from ui.theme import apply_theme
from ui.workspace_opener import WorkspaceOpener

if TYPE_CHECKING:
    from app.services.context import Actor
    from app.services.workspace import Workspace
    from ui.main_window import MainWindow

EXIT_DOMAIN_ERROR = 2
# What open_main_window imports whatever its first page: loaded on the opener's thread during the login.
MAIN_WINDOW_MODULES = ("app.services.offices", "app.services.deadline_board", "ui.operations", "ui.context",
                       "ui.main_window", "ui.idle_lock", "ui.auto_backup", "ui.account_watch")


def run_gui(argv: Sequence[str]) -> int:
    args = build_window_parser().parse_args(list(argv))
    app = QApplication.instance() or QApplication(["xinfang"])
    db_url = getattr(args, "db", None)
    peek = peek_folder(getattr(args, "data_dir", None), db_url)
    if peek is not None and peek.initialised:
        logged_in = _login_while_opening(app, args, peek, db_url)
    else:
        logged_in = _open_then_login(app, args, db_url)
    if isinstance(logged_in, int):
        return logged_in
    workspace, actor, machine = logged_in
    return _run_main_window(app, workspace, actor, machine, timing=args.quit_when_ready == MAIN)


def _prepare(app: QApplication, machine: MachineSettings, data_dir: Path) -> None:
    apply_theme(app, machine.text_size)
    sys.excepthook = lambda _t, exc, _tb: show_crash(None, data_dir, exc)


def _login_while_opening(app: QApplication, args: Namespace, peek: FolderPeek,
                         db_url: str | None) -> tuple[Workspace, Actor, MachineSettings] | int:
    """The usual start: the login window first, the workspace opened behind it."""
    machine = MachineSettings.load(peek.data_dir)
    _prepare(app, machine, peek.data_dir)
    login = LoginDialog(None, peek.office_name, machine.last_login)
    opener = WorkspaceOpener(peek.data_dir, db_url, login)
    login.wait_for(opener)
    failures: list[BaseException] = []

    def failed(exc: BaseException) -> None:
        failures.append(exc)
        login.reject()
        app.quit()  # also ends a --quit-when-ready run

    opener.failed.connect(failed)
    if args.quit_when_ready == SHOWN:
        # Ready = painted and idle; the opening would start at this very moment, so it is not started.
        quit_when_painted(login)
    elif peek.encrypted:
        # Nothing in the file is readable before the typed password has opened the key.
        login.unlock_first(lambda name, password: unlock_then_open(peek.data_dir, name, password, opener))
    else:
        # A =usable run ends when 登录 works: it would only wait at exit for the main window's modules.
        preload = () if args.quit_when_ready == USABLE else MAIN_WINDOW_MODULES
        after_first_paint(login, lambda: opener.start(preload))
    if args.quit_when_ready == USABLE:
        login.ready.connect(quit_when_idle)
    if args.quit_when_ready in (SHOWN, USABLE):
        login.show()
        app.exec()
        accepted = False
    else:
        accepted = login.exec() == LoginDialog.DialogCode.Accepted and login.actor is not None
    workspace = opener.wait()
    if failures:
        return _failed_to_open(failures[0])
    if workspace is None:
        return 0
    if not accepted or login.actor is None:
        workspace.close()
        return 0
    return workspace, login.actor, machine


def unlock_then_open(data_dir: Path, login: str, password: str, opener: WorkspaceOpener) -> None:
    """登录 on an encrypted database: the key file opens with the password, then the workspace opens."""
    from app.services.key_file import unlock_with_password

    unlock_with_password(data_dir, login, password)
    opener.start(MAIN_WINDOW_MODULES)


def _failed_to_open(exc: BaseException) -> int:
    if isinstance(exc, DomainError):
        show_domain_error(None, exc)
        return EXIT_DOMAIN_ERROR
    raise exc


def _open_then_login(app: QApplication, args: Namespace,
                     db_url: str | None) -> tuple[Workspace, Actor, MachineSettings] | int:
    """A new folder (the wizard), a server database, or a file the peek could not read: open first."""
    from app.services.workspace import Workspace

    try:
        workspace = Workspace.open(getattr(args, "data_dir", None), db_url)
    except DomainError as exc:
        apply_theme(app)
        show_domain_error(None, exc)
        return EXIT_DOMAIN_ERROR
    machine = MachineSettings.load(workspace.data_dir)
    _prepare(app, machine, workspace.data_dir)
    if not workspace.is_initialised():
        from ui.wizard import SetupWizard

        wizard = SetupWizard(workspace)
        if args.quit_when_ready in (SHOWN, USABLE):
            quit_when_painted(wizard)
            wizard.show()
            return app.exec()
        # Cancelled after the administrator page: the office exists, so go on to the login.
        if wizard.exec() != SetupWizard.DialogCode.Accepted and not workspace.is_initialised():
            return 0
        machine.last_login = wizard.admin_login or machine.last_login
    login = LoginDialog(workspace, office_name(workspace), machine.last_login)
    if args.quit_when_ready in (SHOWN, USABLE):
        quit_when_painted(login)
        login.show()
        return app.exec()
    if login.exec() != LoginDialog.DialogCode.Accepted or login.actor is None:
        return 0
    return workspace, login.actor, machine


def _run_main_window(app: QApplication, workspace: Workspace, actor: Actor, machine: MachineSettings, *,
                     timing: bool = False) -> int:
    """``timing``: --quit-when-ready=main, leave once the window is painted, without backups."""
    from ui.auto_backup import backup_on_exit, start_daily_backup
    from ui.idle_lock import install_idle_lock

    machine.last_login = actor.login
    machine.save(workspace.data_dir)
    window = open_main_window(workspace, actor)
    if timing:
        quit_when_painted(window)
    window.show()
    idle_lock = install_idle_lock(window, workspace, actor)  # noqa: F841 - lives with the window
    if not timing:
        QTimer.singleShot(0, lambda: start_daily_backup(window, window.ctx.runner, workspace))
    code = app.exec()
    window.ctx.runner.wait()
    failed = None if timing else backup_on_exit(workspace, window.ctx.runner.actor)
    if failed is not None:
        show_domain_error(None, failed)
    workspace.close()
    return code


def office_name(workspace: Workspace) -> str:
    from app.services.offices import office_info

    with workspace.read(workspace.system_actor()) as uow:
        return office_info(uow).name


def open_main_window(workspace: Workspace, actor: Actor) -> MainWindow:
    from app.services.deadline_board import needs_attention
    from app.services.offices import office_info
    from ui.context import GuiContext
    from ui.main_window import MainWindow
    from ui.account_watch import AccountWatch
    from ui.operations import OpRunner

    holder: dict[str, MainWindow] = {}

    def domain_error(exc: DomainError) -> None:
        show_domain_error(holder.get("window"), exc)

    def crash(exc: BaseException) -> None:
        show_crash(holder.get("window"), workspace.data_dir, exc)

    runner = OpRunner(workspace, actor, domain_error, crash)
    with workspace.read(actor) as uow:
        office = office_info(uow)
        # 到期提醒 comes first when a statutory clock is overdue or due within 7 days.
        start = "deadlines" if needs_attention(uow) else "desk"
    window = MainWindow(GuiContext, runner=runner, workspace=workspace, actor=actor, office=office)
    holder["window"] = window
    AccountWatch(window, window.ctx)
    window.show_page(start)
    return window
