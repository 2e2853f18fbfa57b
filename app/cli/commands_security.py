"""``xinfang encrypt-attachments``: turn on encryption at rest for attached files (docs/security-at-rest.md)."""

from __future__ import annotations

import argparse
import getpass
import sys

from app.cli.unit_of_work import cli_workspace
from app.services import data_keys
from app.services.users import authenticate


def read_password() -> str:
    """From the terminal, or the first line of standard input when it is not a terminal."""
    if sys.stdin.isatty():
        return getpass.getpass("管理员密码：")
    return sys.stdin.readline().rstrip("\r\n")


def cmd_encrypt_attachments(args: argparse.Namespace) -> int:
    """Turn encryption on; run again after an interruption, it seals the attachments still plain."""
    with cli_workspace(args) as workspace:
        password = read_password()
        actor = authenticate(workspace, args.admin, password)
        if data_keys.public_key_of(workspace) is not None:
            sealing = data_keys.seal_stored_files(workspace, actor)
            print(f"附件加密早已开启；本次加密了其余 {sealing.sealed} 个附件。")
            return 0
        result = data_keys.turn_on(workspace, actor, password)
    print(f"附件加密已开启，已加密 {result.files_encrypted} 个附件。")
    print("恢复码（只显示这一次，请抄写或打印后锁入保险柜；所有管理员密码遗失时凭它恢复）：")
    print(result.recovery_code)
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    command = sub.add_parser("encrypt-attachments", parents=[common], help="开启附件加密，或加密中断后继续（需管理员登录）")
    command.add_argument("--admin", required=True, help="管理员登录名（密码从终端或标准输入读取）")
    command.set_defaults(handler=cmd_encrypt_attachments)
