"""Opening an encrypted data folder from the command line (docs/security-at-rest.md).

A plain database needs nothing: commands run as the built-in system account, as always. An encrypted
one cannot be read before its key is open, so every command then needs ``--login NAME`` (that
account's password from the terminal, or the environment variable ``XINFANG_PASSWORD`` for scripts)
or ``--recovery-code`` (the printed code from the terminal, or ``XINFANG_RECOVERY_CODE``).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from app.errors import PermissionDenied
from app.paths import DATABASE_FILE, resolve_data_dir
from app.services.folder_peek import KEY_FILE
from db.cipher import is_encrypted

PASSWORD_ENV = "XINFANG_PASSWORD"
RECOVERY_ENV = "XINFANG_RECOVERY_CODE"
# A password piped on standard input is read once however often it is asked: (the stream, its line).
_piped: list[tuple[object, str]] = []


def add_unlock_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--login", default=argparse.SUPPRESS,
                        help=f"数据库已加密时：用该账号的密码解锁（从终端或环境变量 {PASSWORD_ENV} 读取）")
    parser.add_argument("--recovery-code", action="store_true", default=argparse.SUPPRESS,
                        help=f"数据库已加密时：用恢复码解锁（从终端或环境变量 {RECOVERY_ENV} 读取）")


def read_secret(prompt: str, env: str = PASSWORD_ENV) -> str:
    """From the environment, the terminal, or the first line of standard input when it is not one."""
    if os.environ.get(env):
        return os.environ[env]
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    if not _piped or _piped[0][0] is not sys.stdin:
        _piped[:] = [(sys.stdin, sys.stdin.readline().rstrip("\r\n"))]
    return _piped[0][1]


def unlock_data_folder(args: argparse.Namespace) -> None:
    """Before the command: open the key of the data folder's database when it is encrypted."""
    if args.db:
        return
    folder = resolve_data_dir(args.data_dir)
    # Without its key file the header alone does not tell an encrypted file from a damaged one:
    # opening the workspace then says which file is missing.
    if is_encrypted(folder / DATABASE_FILE) and (folder / KEY_FILE).is_file():
        unlock_from(args, folder, folder / DATABASE_FILE)


def unlock_from(args: argparse.Namespace, key_folder: Path, database: Path) -> None:
    """Open the key with the key file in ``key_folder`` for ``database``; the command's workspace
    then holds the office key as well (app/cli/unit_of_work.py)."""
    from app.services import key_file

    if getattr(args, "recovery_code", False):
        code = read_secret("恢复码：", RECOVERY_ENV)
        args.unlocked = key_file.unlock_with_code(key_folder, code, database)
        return
    login = getattr(args, "login", None)
    if not login:
        raise PermissionDenied("database_locked",
                               f"数据库已加密：请加 --login 登录名（密码从终端或环境变量 {PASSWORD_ENV} 读取），"
                               f"或加 --recovery-code 用恢复码解锁", field="login")
    args.unlocked = key_file.unlock_with_password(key_folder, login, read_secret(f"{login} 的密码："), database)
