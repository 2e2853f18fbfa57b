"""``xinfang matter list`` and ``xinfang person find``, as tables or JSON for scripts."""

from __future__ import annotations

import argparse

from app.cli.output import print_json, print_table
from app.cli.unit_of_work import cli_unit_of_work
from app.domain.enums import MatterState
from app.services.matter_queries import MatterRow, list_matters
from app.services.person_search import PersonHit, find_persons

MATTER_TYPE_LABELS = {"suggestion": "建议意见类", "accusation": "检举控告类", "claim": "申诉求决类"}


def matter_json(row: MatterRow) -> dict[str, object]:
    return {
        "number": row.number, "state": row.state.value, "state_label": row.state_label,
        "type": row.matter_type.value, "subject_code": row.subject_code, "subject": row.subject,
        "title": row.title, "registered_on": row.registered_on.isoformat(),
        "petitioners": list(row.petitioners),
        "open_deadlines": [
            {"clock": c.clock.value, "label": c.label, "due_on": c.due_on.isoformat(),
             "days_left": c.days_left, "office_duty": c.office_duty}
            for c in row.open_clocks
        ],
    }


def _deadline_text(row: MatterRow) -> str:
    duties = [c for c in row.open_clocks if c.office_duty] or list(row.open_clocks)
    if not duties:
        return ""
    c = duties[0]
    left = f"超期{-c.days_left}天" if c.days_left < 0 else f"剩{c.days_left}天"
    return f"{c.label} {c.due_on.isoformat()}（{left}）"


def cmd_matter_list(args: argparse.Namespace) -> int:
    with cli_unit_of_work(args) as uow:
        rows = list_matters(uow, state=MatterState(args.state) if args.state else None,
                            overdue=args.overdue, due_within=args.due_within, limit=args.limit)
    if args.format == "json":
        print_json([matter_json(r) for r in rows])
        return 0
    print_table(["编号", "状态", "类别", "问题分类", "信访人", "登记日期", "最近期限"], [
        [r.number, r.state_label, MATTER_TYPE_LABELS[r.matter_type.value], r.subject,
         "、".join(r.petitioners), r.registered_on.isoformat(), _deadline_text(r)] for r in rows])
    print(f"共 {len(rows)} 件")
    return 0


def person_json(hit: PersonHit) -> dict[str, object]:
    p = hit.person
    return {
        "name": p.name, "id_number": p.id_number, "gender": p.gender.value if p.gender else None,
        "age": hit.age, "phones": list(p.phones), "phone": p.phones[0] if p.phones else None,
        "village": p.village, "address": p.address, "tags": list(p.tags),
        "open_matters": list(hit.open_matters),
    }


def cmd_person_find(args: argparse.Namespace) -> int:
    with cli_unit_of_work(args) as uow:
        hits = find_persons(uow, args.text, limit=args.limit)
    if args.format == "json":
        print_json([person_json(h) for h in hits])
        return 0
    print_table(["姓名", "身份证号", "年龄", "电话", "村（社区）", "在办事项"], [
        [h.person.name, h.person.id_number or "", str(h.age or ""), "、".join(h.person.phones),
         h.person.village, "、".join(h.open_matters)] for h in hits])
    print(f"共 {len(hits)} 人")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    fmt = argparse.ArgumentParser(add_help=False)
    fmt.add_argument("--format", choices=["table", "json"], default="table")

    matter = sub.add_parser("matter", help="信访事项").add_subparsers(dest="matter_command", metavar="ACTION",
                                                                    required=True)
    p = matter.add_parser("list", parents=[common, fmt], help="列出事项")
    p.add_argument("--state", choices=[s.value for s in MatterState])
    p.add_argument("--overdue", action="store_true", help="只列出已超期的")
    p.add_argument("--due-within", type=int, metavar="DAYS", help="只列出 DAYS 天内到期的")
    p.add_argument("--limit", type=int)
    p.set_defaults(handler=cmd_matter_list)

    person = sub.add_parser("person", help="信访人").add_subparsers(dest="person_command", metavar="ACTION",
                                                                  required=True)
    p = person.add_parser("find", parents=[common, fmt], help="按姓名、身份证号、电话或拼音首字母查找")
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(handler=cmd_person_find)
