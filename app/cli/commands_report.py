"""``xinfang report ...`` (periodic statistics, submission, corrections) and ``xinfang ledger ...``
(export of 台账 for any filter, import of existing Excel ledgers)."""

from __future__ import annotations

import argparse
import re
import sys
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.cli.output import print_json, print_table
from app.cli.unit_of_work import cli_unit_of_work
from app.domain.enums import Channel, MatterState, MatterType
from app.errors import ValidationError
from app.services.context import UnitOfWork
from app.statistics import ContactFilter, MatterFilter, build_report, report_json, submissions
from app.statistics.periods import Period, PeriodKind, parse_date, parse_period
from db.models import ResponsibleUnit, Village

PERIOD_HELP = {
    PeriodKind.MONTH: "月份，如 2026-10", PeriodKind.QUARTER: "季度，如 2026-Q3", PeriodKind.YEAR: "年份，如 2026",
    PeriodKind.WEEK: "周，如 2026-W47 或该周任一天", PeriodKind.DAY: "日期，如 2026-10-05",
}


def _progress(label: str) -> Any:
    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\r{label} {done}/{total}")
        sys.stderr.flush()
    return show


def guess_period(text: str) -> Period:
    """2026-10 (month), 2026-Q3 (quarter), 2026 (year), 2026-W47 (week)."""
    t = text.strip()
    if re.fullmatch(r"\d{4}年?", t):
        return parse_period(PeriodKind.YEAR, t)
    if re.search(r"[Qq季]", t):
        return parse_period(PeriodKind.QUARTER, t)
    if "W" in t:
        return parse_period(PeriodKind.WEEK, t)
    return parse_period(PeriodKind.MONTH, t)


# --- report ----------------------------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    kind = PeriodKind(args.report_command)
    period = parse_period(kind, args.period, getattr(args, "end", None))
    if args.output is None and args.format != "json":
        args.format = "table"
    with cli_unit_of_work(args) as uow:
        report = build_report(uow, period, live=args.live)
        if args.output:
            from app.excel.report_workbook import export_report

            path = export_report(uow, report, args.output)
            sys.stderr.write(f"已生成：{path}\n")
    if args.format == "json":
        print_json(report_json(report))
    elif args.format == "table":
        _print_summary(report_json(report))
    return 0


def _pair(d: dict[str, Any]) -> str:
    return f"{d['batches']}批/{d['person_visits']}人次"


def _print_summary(data: dict[str, Any]) -> None:
    print(f"{data['office']['short_name']} {data['period']['label']}（截至 {data['cutoff']}）")
    yoy = data["totals"]["yoy"]
    rows = [["合计", _pair(data["totals"]),
             f"{yoy['batches']['previous']}批/{yoy['person_visits']['previous']}人次"]]
    for item in data["by_channel"].values():
        rows.append([item["label"], _pair(item), ""])
    for key, label in (("collective", "集体访"), ("repeat", "重复信访"), ("skip_level", "越级访"),
                       ("leader_reception", "领导接访")):
        rows.append([label, _pair(data[key]), ""])
    print_table(["项目", "本期", "上年同期"], rows)
    print_table(["指标", "分子", "分母", "比率"], [
        [r["label"], str(r["numerator"]), str(r["denominator"]), r["display"]] for r in data["rates"].values()])
    if data["submission"]:
        state = "，数据已变化待更正" if data["submission"]["flagged"] else ""
        print(f"已于 {data['submission']['submitted_at']} 报送{state}")


def cmd_submit(args: argparse.Namespace) -> int:
    period = guess_period(args.period)
    with cli_unit_of_work(args, write=True) as uow:
        info = submissions.submit(uow, period, note=args.note or "")
    print(f"已标记报送：{info.period.label()}（{info.submitted_at:%Y-%m-%d %H:%M}）")
    return 0


def cmd_correct(args: argparse.Namespace) -> int:
    period = guess_period(args.period)
    with cli_unit_of_work(args, write=True) as uow:
        info = submissions.record_correction(uow, period, args.reason)
    print(f"已登记更正：{period.label()} 第 {info.seq} 次，{len(info.changes)} 项数据变化")
    for c in info.changes:
        print(f"  {c.label}：{c.before} → {c.after}")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    with cli_unit_of_work(args) as uow:
        infos = submissions.review(uow)
    if args.format == "json":
        print_json([{
            "period": {"key": i.period.key(), "label": i.period.label()},
            "submitted_at": i.submitted_at.isoformat(timespec="minutes"), "submitted_by": i.submitted_by,
            "flagged": i.flagged, "corrections": len(i.corrections),
            "pending_changes": [{"key": c.key, "label": c.label, "before": c.before, "after": c.after}
                                for c in i.pending]} for i in infos])
        return 0
    print_table(["期间", "报送时间", "报送人", "更正次数", "状态"], [
        [i.period.label(), f"{i.submitted_at:%Y-%m-%d %H:%M}", i.submitted_by, str(len(i.corrections)),
         f"数据已变化（{len(i.pending)} 项），请登记更正" if i.flagged else "一致"] for i in infos])
    return 0


# --- ledger ----------------------------------------------------------------------------------


def _named_id(uow: UnitOfWork, model: Any, name: str | None, label: str) -> uuid.UUID | None:
    if not name:
        return None
    found = uow.session.scalars(select(model.id).where(model.office_id == uow.office_id,
                                                       model.name == name.strip())).first()
    if found is None:
        raise ValidationError("not_found", f"{label}：“{name}”不存在", field=label)
    return found


def _filters(uow: UnitOfWork, args: argparse.Namespace) -> tuple[ContactFilter, MatterFilter]:
    start = parse_date(args.date_from) if args.date_from else None
    end = parse_date(args.date_to) if args.date_to else None
    village = _named_id(uow, Village, args.village, "村（社区）")
    unit = _named_id(uow, ResponsibleUnit, args.unit, "责任单位")
    subject = args.subject
    prefix, code = (subject, None) if subject and len(subject) == 2 else (None, subject)
    contacts = ContactFilter(
        start=start, end=end, channel=args.channel, collective=True if args.collective else None,
        repeat=True if args.repeat else None, skip_level="any" if args.skip_level else None,
        leader_reception=True if args.leader_reception else None, matter_type=args.matter_type,
        subject_prefix=prefix, subject_code=code, problem_village_id=village, responsible_unit_id=unit)
    matters = MatterFilter(
        registered_from=start, registered_to=end, states=tuple(MatterState(s) for s in args.state or ()),
        matter_type=args.matter_type, subject_prefix=prefix, subject_code=code, responsible_unit_id=unit,
        problem_village_id=village, backlog_on=parse_date(args.backlog_on) if args.backlog_on else None)
    return contacts, matters


def cmd_ledger_export(args: argparse.Namespace) -> int:
    from app.excel.ledgers import LedgerKind, export_ledger

    with cli_unit_of_work(args) as uow:
        contacts, matters = _filters(uow, args)
        result = export_ledger(uow, LedgerKind(args.kind), args.output, contacts=contacts,
                               matters=matters, progress=_progress("导出"))
    sys.stderr.write("\n")
    print(f"已导出 {result.rows} 条到 {result.path}（{result.seconds:.1f} 秒）")
    return 0


def _mapping(pairs: list[str] | None) -> dict[str, str | None]:
    mapping: dict[str, str | None] = {}
    for pair in pairs or ():
        field, sep, column = pair.partition("=")
        if not sep:
            raise ValidationError("mapping", f"列映射“{pair}”应写成 字段=列，如 name=C", field="map")
        mapping[field.strip()] = column.strip() or None
    return mapping


def cmd_ledger_import(args: argparse.Namespace) -> int:
    from app.excel.ledger_import import ImportOptions, import_ledger

    options = ImportOptions(
        sheet=args.sheet, mapping=_mapping(args.map), header_row=args.header_row, dry_run=args.dry_run,
        default_channel=Channel(args.default_channel), default_matter_type=MatterType(args.default_type),
        default_subject=args.default_subject, error_workbook=Path(args.errors) if args.errors else None)
    with cli_unit_of_work(args, write=True) as uow:
        result = import_ledger(uow, args.file, options, progress=_progress("导入"))
    sys.stderr.write("\n")
    if args.format == "json":
        print_json(_import_json(result))
        return 0
    verb = "将新建" if result.dry_run else "已新建"
    print(f"{'【试导入，未写入数据库】' if result.dry_run else ''}工作表“{result.sheet}”，表头在第 {result.header_row} 行")
    print("列映射：" + "；".join(f"{k}←{v}" for k, v in result.mapping.items()))
    print(f"{verb}登记 {result.contacts_created} 条、信访人 {result.persons_created} 人"
          f"（关联已有档案 {result.persons_matched} 人）、事项 {result.matters_created} 件")
    if result.matters_created:
        print(f"其中按台账办结日期记为已办结的历史事项 {result.matters_closed} 件；"
              f"台账无办结日期、待核实 {result.matters_to_review} 件（不计算法定期限，请在“到期提醒”中逐件核实）")
    if result.skipped:
        print(f"不能导入 {len(result.skipped)} 行：")
        print_table(["行号", "原因"], [[str(i.row), i.reason] for i in result.skipped])
    if result.warnings:
        print(f"提示 {len(result.warnings)} 条：")
        print_table(["行号", "提示"], [[str(i.row), i.reason] for i in result.warnings])
    if result.ignored:
        print(f"忽略 {len(result.ignored)} 行（表头、说明、合计或已导入）")
    if result.error_workbook:
        print(f"未导入的行已写入：{result.error_workbook}")
    return 0


def _import_json(result: Any) -> dict[str, Any]:
    def issues(items: list[Any]) -> list[dict[str, Any]]:
        return [{"row": i.row, "reason": i.reason} for i in items]

    return {
        "dry_run": result.dry_run, "sheet": result.sheet, "header_row": result.header_row,
        "mapping": result.mapping, "contacts_created": result.contacts_created,
        "persons_created": result.persons_created, "persons_matched": result.persons_matched,
        "matters_created": result.matters_created, "matters_closed": result.matters_closed,
        "matters_to_review": result.matters_to_review,
        "imported": [{"row": r.row, "contact": r.contact_number, "matter": r.matter_number,
                      "repeat": r.is_repeat, "contact_at": r.contact_at.isoformat(timespec="minutes"),
                      "persons": list(r.persons), "new_persons": list(r.new_persons)} for r in result.imported],
        "skipped": issues(result.skipped), "ignored": issues(result.ignored),
        "warnings": issues(result.warnings),
        "error_workbook": str(result.error_workbook) if result.error_workbook else None,
    }


# --- parser ----------------------------------------------------------------------------------


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    out = argparse.ArgumentParser(add_help=False)
    out.add_argument("-o", "--output", help="写入 Excel 文件（.xlsx）")
    out.add_argument("--format", choices=["table", "json", "none"], default="none",
                     help="json：在标准输出打印统计数据（键见 docs/statistics.md）")
    out.add_argument("--live", action="store_true", help="已报送的期间也按当前数据重新计算")
    report = sub.add_parser("report", help="统计报表：月报、季报、年报、自定义期间；报送与更正")
    actions = report.add_subparsers(dest="report_command", metavar="PERIOD", required=True)
    for kind, help_text in PERIOD_HELP.items():
        p = actions.add_parser(kind.value, parents=[common, out], help=help_text)
        p.add_argument("period", help=help_text)
        p.set_defaults(handler=cmd_report)
    p = actions.add_parser("range", parents=[common, out], help="自定义期间：开始日期 结束日期")
    p.add_argument("period", metavar="START")
    p.add_argument("end", metavar="END")
    p.set_defaults(handler=cmd_report)
    p = actions.add_parser("submit", parents=[common], help="标记某月（季、年）报表已报送，冻结其数据")
    p.add_argument("period", help="如 2026-10、2026-Q3、2026")
    p.add_argument("--note")
    p.set_defaults(handler=cmd_submit)
    p = actions.add_parser("correct", parents=[common], help="登记已报送期间的数据更正")
    p.add_argument("period")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=cmd_correct)
    p = actions.add_parser("review", parents=[common], help="列出已报送的期间及其数据是否发生变化")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=cmd_review)

    ledger = sub.add_parser("ledger", help="台账：导出与导入 Excel")
    acts = ledger.add_subparsers(dest="ledger_command", metavar="ACTION", required=True)
    p = acts.add_parser("export", parents=[common], help="导出台账")
    p.add_argument("kind", choices=["contacts", "matters", "backlog", "receptions"])
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--from", dest="date_from", help="起始日期（含）")
    p.add_argument("--to", dest="date_to", help="截止日期（含）")
    p.add_argument("--channel", choices=[c.value for c in Channel])
    p.add_argument("--matter-type", choices=[t.value for t in MatterType])
    p.add_argument("--subject", help="问题分类代码：2 位为一级分类（含下级），4 位为二级")
    p.add_argument("--village", help="问题属地村（社区）名称")
    p.add_argument("--unit", help="责任单位名称")
    p.add_argument("--state", action="append", choices=[s.value for s in MatterState])
    p.add_argument("--collective", action="store_true", help="只要集体访")
    p.add_argument("--repeat", action="store_true", help="只要重复信访")
    p.add_argument("--skip-level", action="store_true", help="只要越级访")
    p.add_argument("--leader-reception", action="store_true", help="只要领导接访")
    p.add_argument("--backlog-on", help="积案台账：截至该日（默认今天）")
    p.set_defaults(handler=cmd_ledger_export)
    p = acts.add_parser("import", parents=[common], help="导入原有的 Excel 台账")
    p.add_argument("file")
    p.add_argument("--sheet", help="工作表名称（默认为数据最多的一张）")
    p.add_argument("--dry-run", action="store_true", help="试导入：列出将新建的内容和不能导入的行，不写入")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                   help="指定列映射，如 name=C、contact_at=来访日期、id_number=（留空表示不导入）")
    p.add_argument("--header-row", type=int, help="表头所在行号（自动识别有误时）")
    p.add_argument("--errors", help="未导入行的 Excel 文件（默认与台账同目录）")
    p.add_argument("--default-channel", default=Channel.VISIT.value, choices=[c.value for c in Channel])
    p.add_argument("--default-type", default=MatterType.CLAIM.value, choices=[t.value for t in MatterType])
    p.add_argument("--default-subject", default="99", help="无法识别问题分类时使用的分类代码")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=cmd_ledger_import)


__all__ = ["guess_period", "register"]
