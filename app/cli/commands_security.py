"""``xinfang encrypt-attachments``, ``encrypt-database`` and ``reset-password``: encryption at rest of
attached files and of the database file, and the way back in when every administrator password is
forgotten (docs/security-at-rest.md)."""

from __future__ import annotations

import argparse

from app.cli.unit_of_work import cli_workspace
from app.cli.unlock import read_secret
from app.errors import ValidationError
from app.services import data_keys
from app.services.users import authenticate


def read_password() -> str:
    """From XINFANG_PASSWORD, the terminal, or the first line of standard input."""
    return read_secret("管理员密码：")


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
    _print_recovery_code(result.recovery_code)
    return 0


def cmd_encrypt_database(args: argparse.Namespace) -> int:
    """Encrypt the database file, turning attachment encryption (the office key) on first when it is
    off; run again after an interruption, it finishes the backups still plain."""
    from app.services.database_encryption import encrypt_database

    with cli_workspace(args) as workspace:
        password = read_password()
        actor = authenticate(workspace, args.admin, password)
        if data_keys.public_key_of(workspace) is None:
            code = data_keys.enable(workspace, actor, password)
            _print_recovery_code(code)
            sealed = data_keys.seal_stored_files(workspace, actor).sealed
            print(f"附件加密已开启，已加密 {sealed} 个附件。")
        result = encrypt_database(workspace, actor, password)
        with workspace.read(actor) as uow:
            locked_out = data_keys.protection(uow).without_key
    if locked_out:
        print("提示：以下账号没有密钥，无法打开已加密的数据库：" + "、".join(locked_out)
              + "。请由持有密钥的管理员重置其密码（补发密钥）。")
    if result.converted:
        print("数据库文件已加密：以后打开须输入持有密钥的账号的密码（或恢复码）。")
    else:
        print("数据库文件早已加密。")
    print(f"数据文件夹中的 {result.backups_encrypted} 份旧备份已改为加密。此前复制到 U 盘等镜像文件夹的备份仍是明文，请删除。")
    return 0


def cmd_reset_password(args: argparse.Namespace) -> int:
    """Set a new password for an account as the built-in system account. With the office key open
    (``--recovery-code``, or ``--login`` of an account holding it) the account gets a working key."""
    from sqlalchemy import select

    from app.cli.commands_setup import read_new_password
    from app.services.users import reset_password
    from db.models import UserAccount

    with cli_workspace(args) as workspace, workspace.write(workspace.system_actor()) as uow:
        user_id = uow.session.scalars(select(UserAccount.id).where(
            UserAccount.login == args.user, ~UserAccount.is_system)).first()
        if user_id is None:
            raise ValidationError("user_not_found", f"用户：找不到登录名“{args.user}”", field="user")
        reset_password(uow, user_id, read_new_password())
        keeps_key = data_keys.public_key(uow) is None or uow.keyring.unlocked
    print(f"已重置 {args.user} 的密码；该账号下次登录时须修改密码。")
    if not keeps_key:
        print("提示：附件已加密而本命令未持有密钥，该账号暂时打不开加密附件：加 --recovery-code 再运行一次，"
              "或登录后在“系统设置 › 数据加密”中用恢复码恢复密钥。")
    return 0


def _print_recovery_code(code: str) -> None:
    print("恢复码（只显示这一次，请抄写或打印后锁入保险柜；所有管理员密码遗失时凭它恢复）：")
    print(code)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    command = sub.add_parser("encrypt-attachments", parents=[common], help="开启附件加密，或加密中断后继续（需管理员登录）")
    command.add_argument("--admin", required=True, help="管理员登录名（密码从终端或标准输入读取）")
    command.set_defaults(handler=cmd_encrypt_attachments)
    command = sub.add_parser("encrypt-database", parents=[common],
                             help="加密数据库文件（SQLCipher；附件加密未开启时一并开启；需管理员登录）")
    command.add_argument("--admin", required=True, help="管理员登录名（密码从终端、标准输入或 XINFANG_PASSWORD 读取）")
    command.set_defaults(handler=cmd_encrypt_database)
    command = sub.add_parser("reset-password", parents=[common],
                             help="重置某账号的密码（所有管理员密码遗失时用；数据库或附件已加密时加 --recovery-code）",
                             description="新密码从终端输入两次；非终端时从标准输入读两行（密码和确认）")
    command.add_argument("user", metavar="LOGIN", help="要重置密码的登录名")
    command.set_defaults(handler=cmd_reset_password)
