"""``xinfang notice KIND --matter NUMBER [-o FILE.pdf]``, ``notice list``, ``notice batch`` and
``notice person-cover --person TEXT -o FILE.pdf`` (the cover of a petitioner's archive).

Issuing follows the program's rules: a kind the matter's state does not allow is refused with the
reason (exit 2); asking again for an issued notice returns the stored PDF with its number.
"""

from __future__ import annotations

import argparse
import shutil
from datetime import date
from pathlib import Path

from app.cli.commands_leader import SCHEDULE_HELP, schedule_arguments
from app.cli.output import print_json, print_table
from app.cli.unit_of_work import cli_unit_of_work, cli_workspace
from app.domain.enums import DocumentKind
from app.errors import NotFound, StorageError, ValidationError
from app.services import matters, notices
from app.services.notice_archive import RETENTIONS
from app.services.person_cover import render_person_cover
from app.services.person_search import find_persons
from app.services.notices import NoticeRow

DELIVERY_LABELS = {"direct": "直接送达", "post": "邮寄送达", "electronic": "电子送达", "left": "留置送达"}


def _write(data: bytes | Path, target: str) -> None:
    try:
        if isinstance(data, Path):
            shutil.copyfile(data, target)
        else:
            Path(target).write_bytes(data)
    except OSError as exc:
        raise StorageError("output", f"输出文件：无法写入 {target}（{exc.strerror or exc}）", field="output") from exc


def _fields(pairs: list[str] | None) -> dict[str, str]:
    fields = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        if not sep:
            raise ValidationError("field_syntax", f"--field：须写成 名称=内容，现为“{pair}”", field="field")
        fields[key.strip()] = value
    return fields


def cmd_notice_issue(args: argparse.Namespace) -> int:
    with cli_workspace(args) as workspace, workspace.write(workspace.system_actor()) as uow:
        matter = matters.find_by_number(uow, args.matter)
        target_id = None
        if args.kind == DocumentKind.DELIVERY_RECEIPT and args.for_kind:
            found = [r for r in notices.list_notices(uow, matter.id) if r.document.kind == args.for_kind]
            if not found:
                raise ValidationError("receipt_target", f"送达回证：该事项没有{args.for_kind}文书", field="for")
            target_id = found[-1].document.id
        issued = notices.issue_notice(uow, workspace, DocumentKind(args.kind), matter.id,
                                      fields=_fields(args.field), target_id=target_id)
        if args.output:
            _write(issued.path, args.output)
    state = "已出具（重印）" if issued.reissued else "已出具"
    where = f"，已保存到 {args.output}" if args.output else ""
    print(f"{state}：{issued.label} {issued.number or ''}".rstrip() + where)
    return 0


def _row_json(row: NoticeRow) -> dict[str, object]:
    d = row.document
    return {"id": str(d.id), "kind": d.kind.value, "label": row.label, "number": d.number,
            "issued_on": d.issued_on.isoformat(), "matter": row.matter_number, "has_file": row.has_file,
            "delivery_method": d.delivery_method.value if d.delivery_method else None,
            "delivered_on": d.delivered_on.isoformat() if d.delivered_on else None,
            "receiver": d.delivery_receiver, "accompanies": row.accompanies}


def _print_rows(rows: list[NoticeRow], fmt: str) -> None:
    if fmt == "json":
        print_json([_row_json(r) for r in rows])
        return
    print_table(["文书", "文号", "出具日期", "事项", "送达", "文件"], [
        [r.label + (f"（{r.accompanies}）" if r.accompanies else ""), r.document.number or "",
         r.document.issued_on.isoformat(), r.matter_number,
         (f"{DELIVERY_LABELS[r.document.delivery_method.value]} {r.document.delivered_on}"
          if r.document.delivery_method else ""), "有" if r.has_file else "无"] for r in rows])
    print(f"共 {len(rows)} 份")


def cmd_notice_list(args: argparse.Namespace) -> int:
    with cli_unit_of_work(args) as uow:
        rows = notices.list_notices(uow, matters.find_by_number(uow, args.matter).id)
    _print_rows(rows, args.format)
    return 0


def cmd_notice_batch(args: argparse.Namespace) -> int:
    """All notices issued on a day (of one kind) in one PDF, for printing at once."""
    day = date.fromisoformat(args.date) if args.date else None
    with cli_workspace(args) as workspace, workspace.read(workspace.system_actor()) as uow:
        rows = [r for r in notices.notices_issued_on(uow, day or uow.today(),
                                                     DocumentKind(args.kind) if args.kind else None)
                if r.has_file]
        if not rows:
            raise ValidationError("batch_empty", "批量打印：当天没有已出具的文书", field="date")
        _write(notices.render_batch(uow, workspace, [r.document.id for r in rows]), args.output)
    _print_rows(rows, "table")
    print(f"已合并保存到 {args.output}")
    return 0


def cmd_person_cover(args: argparse.Namespace) -> int:
    with cli_unit_of_work(args, write=True) as uow:
        hits = find_persons(uow, args.person, limit=2)
        if len(hits) != 1:
            found = "找到多份档案" if hits else "没有找到档案"
            raise NotFound("person_ambiguous", f"信访人：按“{args.person}”{found}，请用身份证号指定一人",
                           field="person")
        _write(render_person_cover(uow, hits[0].person.id, retention=args.retention), args.output)
    print(f"已生成：{hits[0].person.name} 的档案封面，已保存到 {args.output}")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    notice = sub.add_parser("notice", help="文书：出具、重印、列出、批量打印").add_subparsers(
        dest="notice_command", metavar="KIND", required=True)
    for kind in DocumentKind:
        p = notice.add_parser(kind.value, parents=[common], help=f"出具{notices.DOCUMENT_LABELS[kind]}")
        p.add_argument("--matter", required=True, help="事项编号，如 SX2026-00012")
        p.add_argument("-o", "--output", help="同时保存 PDF 到此文件")
        p.add_argument("--field", action="append", metavar="NAME=TEXT", help="逐件填写的内容，可重复")
        if kind is DocumentKind.DELIVERY_RECEIPT:
            p.add_argument("--for", dest="for_kind", choices=[k.value for k in notices.DELIVERED_KINDS],
                           help="所附文书的类别（默认最近出具的一份）")
        p.set_defaults(handler=cmd_notice_issue, kind=kind.value, for_kind=None)
    fmt = argparse.ArgumentParser(add_help=False)
    fmt.add_argument("--format", choices=["table", "json"], default="table")
    p = notice.add_parser("list", parents=[common, fmt], help="列出事项的文书")
    p.add_argument("--matter", required=True)
    p.set_defaults(handler=cmd_notice_list)
    p = notice.add_parser("batch", parents=[common], help="把某天出具的文书合并为一个 PDF 以便打印")
    p.add_argument("--date", help="出具日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--kind", choices=[k.value for k in DocumentKind])
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(handler=cmd_notice_batch)
    schedule_arguments(notice.add_parser("reception-schedule", parents=[common], help=SCHEDULE_HELP))
    p = notice.add_parser("person-cover", parents=[common], help="生成信访人档案（一人一档）封面")
    p.add_argument("--person", required=True, help="身份证号、姓名、电话或拼音首字母（须只找到一人）")
    p.add_argument("--retention", choices=list(RETENTIONS), help="保管期限（默认按本单位设置）")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(handler=cmd_person_cover)

