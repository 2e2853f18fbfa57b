"""``xinfang audit list`` and ``xinfang audit export``: the audit trail for the administrator's scripts."""

from __future__ import annotations

import argparse
from datetime import date

from sqlalchemy import select

from app.cli.output import print_json, print_table
from app.cli.unit_of_work import cli_unit_of_work
from app.errors import NotFound
from app.services import audit_log as al
from app.services.context import UnitOfWork
from app.services.listing import unpack_ids
from db.models import UserAccount


def _filter(uow: UnitOfWork, args: argparse.Namespace) -> al.AuditFilter:
    user_id = None
    if args.user:
        user_id = uow.session.scalar(select(UserAccount.id).where(UserAccount.login == args.user))
        if user_id is None:
            raise NotFound("user_not_found", f"用户：找不到登录名“{args.user}”", field="user")
    return al.AuditFilter(
        start=date.fromisoformat(args.date_from) if args.date_from else None,
        end=date.fromisoformat(args.date_to) if args.date_to else None,
        user_id=user_id, action=args.action, entity_type=args.entity, text=" ".join(args.text or ()))


def cmd_audit_list(args: argparse.Namespace) -> int:
    with cli_unit_of_work(args) as uow:
        ids = unpack_ids(al.audit_ids(uow, _filter(uow, args)), 0, args.limit)
        found = al.audit_rows(uow, ids)
        rows = [found[i] for i in ids]
    if args.format == "json":
        print_json([{"seq": r.seq, "at": r.at.isoformat(), "user": r.user, "action": r.action,
                     "entity_type": r.entity_type, "entity": r.entity, "details": r.details} for r in rows])
    else:
        print_table(list(al.COLUMNS), [list(r.cells()) for r in rows])
    return 0


def cmd_audit_export(args: argparse.Namespace) -> int:
    with cli_unit_of_work(args) as uow:
        result = al.export_audit(uow, _filter(uow, args), args.output)
    print(f"已导出 {result.rows} 条到 {result.path}（{result.seconds:.1f} 秒）")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    audit = sub.add_parser("audit", help="审计日志：列出、导出").add_subparsers(
        dest="audit_command", metavar="ACTION", required=True)
    filters = argparse.ArgumentParser(add_help=False)
    filters.add_argument("--from", dest="date_from", help="起始日期 YYYY-MM-DD（本地时间）")
    filters.add_argument("--to", dest="date_to", help="截止日期 YYYY-MM-DD（含当天）")
    filters.add_argument("--user", help="登录名")
    filters.add_argument("--action", help="操作代码，如 open、export、login_failed")
    filters.add_argument("--entity", help="对象类别代码，如 matter、person、user")
    filters.add_argument("--text", nargs="*", help="登录名、编号或内容中的文字")
    p = audit.add_parser("list", parents=[common, filters], help="列出审计日志（最新的在前）")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=cmd_audit_list)
    p = audit.add_parser("export", parents=[common, filters], help="把审计日志导出为 Excel")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(handler=cmd_audit_export)
