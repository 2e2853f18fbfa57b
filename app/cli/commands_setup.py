"""``xinfang init``, ``demo`` and ``check``."""

from __future__ import annotations

import argparse
import getpass
import sys
import time

from app.cli.output import print_json
from app.cli.unit_of_work import cli_workspace, open_workspace
from app.domain.enums import OfficeLevel
from app.errors import StorageError, ValidationError


def read_new_password() -> str:
    """From the terminal (asked twice), or two lines of standard input when it is not a terminal."""
    if sys.stdin.isatty():
        password = getpass.getpass("管理员密码：")
        confirmation = getpass.getpass("再次输入密码：")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
        confirmation = sys.stdin.readline().rstrip("\r\n")
    if password != confirmation:
        raise ValidationError("password_mismatch", "密码：两次输入不一致", field="password")
    return password


def cmd_init(args: argparse.Namespace) -> int:
    from app.services.offices import OfficeSetup, initialise

    password = read_new_password()
    workspace = open_workspace(args, initialised=False)
    try:
        initialise(workspace, OfficeSetup(
            name=args.office_name, short_name=args.short_name or "", division_code=args.division_code,
            level=OfficeLevel(args.level), parent_name=args.parent or "", admin_login=args.admin,
            admin_name=args.admin_name or args.admin, admin_password=password,
            villages=tuple(args.village or ()),
        ))
        print(f"已初始化：{args.office_name}（{workspace.data_dir}）")
    finally:
        workspace.close()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from app.services.demo import load_demo

    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        sys.stderr.write(f"\r生成演示数据 {done}/{total}")
        sys.stderr.flush()

    with cli_workspace(args) as workspace:
        summary = load_demo(workspace, workspace.system_actor(), seed=args.seed,
                            contacts=args.contacts, progress=progress)
    sys.stderr.write("\n")
    print(f"已生成演示数据（{time.monotonic() - started:.1f} 秒）：")
    for key, value in vars(summary).items():
        print(f"  {key}: {value}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from app.services.check import Finding, Severity, run_checks

    try:
        workspace = open_workspace(args)
    except StorageError as exc:
        if exc.code != "db_corrupt":
            raise
        # Too damaged to open is itself the finding (restore from a backup: docs/backups.md).
        findings = [Finding(Severity.ERROR, "integrity", exc.message)]
    else:
        try:
            with workspace.read(workspace.system_actor()) as uow:
                findings = run_checks(workspace, uow)
        finally:
            workspace.close()
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if args.format == "json":
        print_json([{"severity": f.severity.value, "code": f.code, "message": f.message} for f in findings])
    else:
        for f in findings:
            print(f"{'错误' if f.severity is Severity.ERROR else '提示'}：{f.message}")
        print(f"检查完成：{len(errors)} 个错误，{len(findings) - len(errors)} 个提示")
    return 1 if errors else 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("init", parents=[common], help="新建数据库：单位、管理员账号",
                       description="密码从终端输入两次；非终端时从标准输入读两行（密码和确认）")
    p.add_argument("--office-name", required=True, help="单位全称，如 某某县某某镇人民政府")
    p.add_argument("--short-name", help="单位简称（用于文号），如 某某镇")
    p.add_argument("--division-code", required=True, help="12 位统计用区划代码")
    p.add_argument("--level", choices=[lv.value for lv in OfficeLevel], default="township")
    p.add_argument("--parent", help="上级信访部门，如 某某县信访局")
    p.add_argument("--admin", required=True, help="管理员登录名")
    p.add_argument("--admin-name", help="管理员姓名")
    p.add_argument("--village", action="append", help="村（社区）名称，可重复")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", parents=[common], help="填充演示数据（近三年）")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--contacts", type=int, default=5000, help="来访（信）登记条数")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("check", parents=[common], help="检查数据库完整性、审计链、附件和业务规则")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(handler=cmd_check)
