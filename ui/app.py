"""Start the program: fonts and theme, the data folder, first-run set-up or login, the main window."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication

from app.cli.main import build_window_parser
from app.errors import DomainError
from app.machine_settings import MachineSettings
from app.services.deadline_board import needs_attention
from app.services.offices import office_info
from app.services.workspace import Workspace
from ui.account_watch import AccountWatch
from ui.auto_backup import backup_on_exit, start_daily_backup
from ui.context import GuiContext
from ui.errors import show_crash, show_domain_error
from ui.idle_lock import install_idle_lock
from ui.login import LoginDialog
from ui.main_window import MainWindow
from ui.operations import OpRunner
from ui.ready import quit_when_painted
from ui.theme import apply_theme


def run_gui(argv: Sequence[str]) -> int:
    args = build_window_parser().parse_args(list(argv))
    app = QApplication.instance() or QApplication(["xinfang"])
    try:
        workspace = Workspace.open(getattr(args, "data_dir", None), getattr(args, "db", None))
    except DomainError as exc:
        apply_theme(app)
        show_domain_error(None, exc)
        return 2
    machine = MachineSettings.load(workspace.data_dir)
    apply_theme(app, machine.text_size)
    sys.excepthook = lambda _t, exc, _tb: show_crash(None, workspace.data_dir, exc)
    if not workspace.is_initialised():
        from ui.wizard import SetupWizard

        wizard = SetupWizard(workspace)
        if args.quit_when_ready:
            quit_when_painted(wizard)
            wizard.show()
            return app.exec()
        # Cancelled after the administrator page: the office exists, so go on to the login.
        if wizard.exec() != SetupWizard.DialogCode.Accepted and not workspace.is_initialised():
            return 0
        machine.last_login = wizard.admin_login or machine.last_login
    login = LoginDialog(workspace, office_name(workspace), machine.last_login)
    if args.quit_when_ready:
        quit_when_painted(login)
        login.show()
        return app.exec()
    if login.exec() != LoginDialog.DialogCode.Accepted or login.actor is None:
        return 0
    machine.last_login = login.actor.login
    machine.save(workspace.data_dir)
    window = open_main_window(workspace, login.actor)
    window.show()
    idle_lock = install_idle_lock(window, workspace, login.actor)  # noqa: F841 - lives with the window
    QTimer.singleShot(0, lambda: start_daily_backup(window, window.ctx.runner, workspace))
    code = app.exec()
    window.ctx.runner.wait()
    failed = backup_on_exit(workspace, window.ctx.runner.actor)
    if failed is not None:
        show_domain_error(None, failed)
    workspace.close()
    return code


def office_name(workspace: Workspace) -> str:
    with workspace.read(workspace.system_actor()) as uow:
        return office_info(uow).name


def open_main_window(workspace: Workspace, actor) -> MainWindow:  # type: ignore[no-untyped-def]
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


