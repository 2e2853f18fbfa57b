"""``xinfang leader ...``: the 公示表 of the reception schedule, the backlog rule, leader-work figures
and the ledgers (screening, 包案, key persons, village receptions), for offices that script their
monthly routine."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import asdict
from datetime import date

from app.cli.output import print_json
from app.cli.unit_of_work import cli_unit_of_work
from app.errors import NotFound, StorageError
from app.excel.ledgers import ExportResult
from app.excel.leader_ledgers import (export_case_ledger, export_key_person_ledger, export_proxy_ledger,
                                     export_screening_ledger, export_village_reception_ledger)
from app.services import backlog, screening
from app.services.context import UnitOfWork
from app.services.schedule_notice import schedule_pdf
from app.statistics.leader_work import LeaderWorkFigures, leader_work_figures
from app.statistics.periods import PeriodKind, parse_period


def _period(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    return parse_period(PeriodKind(args.kind), args.period)


def cmd_schedule(args: argparse.Namespace) -> int:
    period = _period(args)
    with cli_unit_of_work(args) as uow:
        pdf = schedule_pdf(uow, period.start, period.end)
    try:
        with open(args.output, "wb") as out:
            out.write(pdf)
    except OSError as exc:
        raise StorageError("output", f"输出文件：无法写入 {args.output}（{exc.strerror or exc}）",
                           field="output") from exc
    print(f"已保存公示表：{args.output}")
    return 0


def cmd_backlog_rule(args: argparse.Namespace) -> int:
    with cli_unit_of_work(args, write=True) as uow:
        flagged = backlog.apply_backlog_rule(uow)
    print(f"按积案规则新标记 {flagged} 件")
    return 0


def cmd_figures(args: argparse.Namespace) -> int:
    period = _period(args)
    with cli_unit_of_work(args) as uow:
        if args.by_township:  # the county hub: 全县 and each township from their packages
            from app.sync.county import county_leader_work

            found = {name: _figures_json(f) for name, f in county_leader_work(uow, period).items()}
        else:
            found = _figures_json(leader_work_figures(uow, period))
    print_json({"period": [period.start, period.end]} | found)
    return 0


def _figures_json(f: LeaderWorkFigures) -> dict[str, object]:
    return {
        "leader_contacts": f.leader_contacts.json(), "receptions": {k.value: v for k, v in f.receptions.items()},
        "reception_resolution": asdict(f.reception_resolution),
        "screened": {k.value: v for k, v in f.screened.items()},
        "screened_settled": asdict(f.screened_settled), "village_receptions": f.village_receptions,
        "sensitive_skip_level": f.sensitive_skip_level.json(), "cases": asdict(f.cases),
        "key_persons": asdict(f.key_persons)}


def cmd_screening_ledger(args: argparse.Namespace) -> int:
    period = parse_period(PeriodKind.MONTH, args.month)
    with cli_unit_of_work(args) as uow:
        found = [r for r in screening.rounds(uow) if r.month == period.start]
        if not found:
            raise NotFound("screening_round", f"排查月份：{args.month} 尚未开启排查", field="month")
        result = export_screening_ledger(uow, found[0].id, args.output)
    print(f"已导出矛盾纠纷排查台账 {result.rows} 条：{args.output}")
    return 0


def cmd_case_ledger(args: argparse.Namespace) -> int:
    with cli_unit_of_work(args) as uow:
        result = export_case_ledger(uow, args.output)
    print(f"已导出领导包案台账 {result.rows} 件：{args.output}")
    return 0


def cmd_key_person_ledger(args: argparse.Namespace) -> int:
    with cli_unit_of_work(args) as uow:
        result = export_key_person_ledger(uow, args.output)
    print(f"已导出重点人员台账 {result.rows} 人：{args.output}")
    return 0


def cmd_village_ledger(args: argparse.Namespace) -> int:
    return _export_over_range(args, export_village_reception_ledger, "村级接访台账", "条")


def cmd_proxy_ledger(args: argparse.Namespace) -> int:
    return _export_over_range(args, export_proxy_ledger, "信访代办台账", "件")


def _export_over_range(args: argparse.Namespace, export: Callable[[UnitOfWork, date, date, str], ExportResult],
                       name: str, unit: str) -> int:
    period = parse_period(PeriodKind.RANGE, args.date_from, args.date_to)
    with cli_unit_of_work(args) as uow:
        result = export(uow, period.start, period.end, args.output)
    print(f"已导出{name} {result.rows} {unit}：{args.output}")
    return 0


def _range_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="date_from", required=True, help="起始日期 YYYY-MM-DD（含）")
    p.add_argument("--to", dest="date_to", required=True, help="截止日期 YYYY-MM-DD（含）")
    p.add_argument("-o", "--output", required=True)


SCHEDULE_HELP = "导出领导干部接访安排表（公示表）PDF"


def schedule_arguments(p: argparse.ArgumentParser) -> None:
    """The 公示表 command's arguments: also ``xinfang notice reception-schedule``, with the other notices."""
    p.add_argument("kind", choices=[PeriodKind.WEEK.value, PeriodKind.MONTH.value])
    p.add_argument("period", help="2026-W48 或 2026-11")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(handler=cmd_schedule)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    leader = sub.add_parser("leader", help="领导接访、积案、矛盾纠纷排查").add_subparsers(
        dest="leader_command", metavar="ACTION", required=True)
    schedule_arguments(leader.add_parser("schedule", parents=[common], help=SCHEDULE_HELP))
    p = leader.add_parser("backlog-rule", parents=[common], help="按积案规则标记积案")
    p.set_defaults(handler=cmd_backlog_rule)
    p = leader.add_parser("figures", parents=[common], help="领导接访、排查、敏感节点的统计数（JSON）")
    p.add_argument("kind", choices=[k.value for k in PeriodKind if k is not PeriodKind.RANGE])
    p.add_argument("period")
    p.add_argument("--by-township", action="store_true", help="县级：全县及各乡镇分别统计（来自各乡镇的同步包）")
    p.set_defaults(handler=cmd_figures)
    p = leader.add_parser("screening-ledger", parents=[common], help="导出某月矛盾纠纷排查台账")
    p.add_argument("--month", required=True, help="2026-11")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(handler=cmd_screening_ledger)
    p = leader.add_parser("case-ledger", parents=[common], help="导出领导包案台账（含已化解）")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(handler=cmd_case_ledger)
    p = leader.add_parser("key-person-ledger", parents=[common], help="导出重点人员台账")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(handler=cmd_key_person_ledger)
    p = leader.add_parser("village-ledger", parents=[common], help="导出某期间的村级接访台账")
    _range_arguments(p)
    p.set_defaults(handler=cmd_village_ledger)
    p = leader.add_parser("proxy-ledger", parents=[common], help="导出某期间点单的信访代办台账")
    _range_arguments(p)
    p.set_defaults(handler=cmd_proxy_ledger)
