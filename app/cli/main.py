"""The ``xinfang`` command line: set-up, demo data, checks and queries for admins and scripts.

Every command takes ``--data-dir`` and ``--db``. Domain errors print their Chinese message on
standard error and exit 2; a bug exits 1 with the traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from app.cli.unlock import add_unlock_options, unlock_data_folder
from app.errors import DomainError

Command = Callable[[argparse.Namespace], int]
EXIT_DOMAIN_ERROR = 2


def _common() -> argparse.ArgumentParser:
    """Options every command accepts, also after the command name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS,
                        help="数据文件夹（默认为用户数据目录，或环境变量 XINFANG_DATA_DIR）")
    common.add_argument("--db", default=argparse.SUPPRESS,
                        help="数据库 URL，如 postgresql+psycopg://user@host/db（默认为数据文件夹中的 SQLite）")
    add_unlock_options(common)
    return common


def _window_options(parser: argparse.ArgumentParser) -> None:
    """Options of bare ``xinfang`` besides the common ones."""
    # Timing aid (bench/bench_startup.py): "shown" = first window painted, "usable" = login works too,
    # "main" = the main window painted after a login (typed by the bench's probe).
    parser.add_argument("--quit-when-ready", nargs="?", const="shown", choices=("shown", "usable", "main"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--self-test", action="store_true",
                        help="自检：在临时文件夹中建库、登记、出具文书、生成报表，逐项报告结果")


def build_window_parser() -> argparse.ArgumentParser:
    """Bare ``xinfang``'s options only: imports none of the command modules (start-up speed)."""
    parser = argparse.ArgumentParser(prog="xinfang", description="基层信访工作台", parents=[_common()])
    _window_options(parser)
    return parser


def build_parser() -> argparse.ArgumentParser:
    from app.cli import (
        commands_audit, commands_backup, commands_leader, commands_notice, commands_query, commands_report,
        commands_security, commands_setup, commands_sync,
    )

    common = _common()
    parser = argparse.ArgumentParser(prog="xinfang", description="基层信访工作台", parents=[common])
    _window_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands_setup.register(sub, common)
    commands_query.register(sub, common)
    commands_report.register(sub, common)
    commands_notice.register(sub, common)
    commands_backup.register(sub, common)
    commands_sync.register(sub, common)
    commands_audit.register(sub, common)
    commands_leader.register(sub, common)
    commands_security.register(sub, common)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.data_dir = getattr(args, "data_dir", None)
    args.db = getattr(args, "db", None)
    handler: Command | None = getattr(args, "handler", None)
    if args.self_test:
        from app.cli.commands_self_test import cmd_self_test

        handler = cmd_self_test
    if handler is None:
        parser.print_help()
        return EXIT_DOMAIN_ERROR
    try:
        if not args.self_test:  # the self-test works in a folder of its own
            unlock_data_folder(args)
        return handler(args)
    except DomainError as exc:
        sys.stderr.write(f"错误：{exc.message}\n")
        return EXIT_DOMAIN_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("已取消\n")
        return 130


def wants_gui(argv: Sequence[str]) -> bool:
    """Bare ``xinfang`` (only global options) opens the program window."""
    args, rest = build_window_parser().parse_known_args(list(argv))
    return not rest and not args.self_test
