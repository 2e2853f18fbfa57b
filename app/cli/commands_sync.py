"""``xinfang sync ...``: enrolment of the county and its townships (keys and identities by file)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import commands_sync_data
from app.cli.output import print_json, print_table
from app.cli.unit_of_work import cli_unit_of_work
from app.domain.enums import OfficeLevel
from app.sync.enrolment import (
    EnrolmentCard, admit_township_file, deactivate_partner, join_county_file, write_county_card,
)
from app.sync.keys import active_partners, fingerprint, partner_by_code

LEVEL_LABELS = {OfficeLevel.COUNTY.value: "县级", OfficeLevel.TOWNSHIP.value: "乡镇"}


def _show(label: str, card: EnrolmentCard) -> None:
    print(f"{label}：{card.name}（{card.division_code}）")
    print(f"  指纹：{card.fingerprint}")


CHECK_BY_PHONE = "请与对方经办人电话核对指纹，一致后再使用；不一致说明文件被换过，请停止并重新登记。"


def cmd_enrolment(args: argparse.Namespace) -> int:
    with cli_unit_of_work(args, write=True) as uow:
        card = write_county_card(uow, Path(args.out))
    _show("已写出本单位登记文件", card)
    print(f"  文件：{args.out}（交给各乡镇，用 xinfang sync join 导入）")
    print(CHECK_BY_PHONE)
    return 0


def cmd_join(args: argparse.Namespace) -> int:
    with cli_unit_of_work(args, write=True) as uow:
        county_card, own = join_county_file(uow, Path(args.file), Path(args.out))
    _show("已登记县级单位", county_card)
    _show("已写出本单位登记文件", own)
    print(f"  文件：{args.out}（交回县信访局，用 xinfang sync admit 导入）")
    print(CHECK_BY_PHONE)
    return 0


def cmd_admit(args: argparse.Namespace) -> int:
    with cli_unit_of_work(args, write=True) as uow:
        card = admit_township_file(uow, Path(args.file))
    _show("已登记乡镇", card)
    print(CHECK_BY_PHONE)
    return 0


def cmd_partners(args: argparse.Namespace) -> int:
    with cli_unit_of_work(args) as uow:
        rows = [{"name": p.name, "division_code": p.division_code, "level": p.level,
                 "fingerprint": fingerprint(p.signing_public, p.encryption_public),
                 "enrolled_at": p.enrolled_at.isoformat(timespec="seconds")}
                for p in active_partners(uow.session)]
    if args.format == "json":
        print_json(rows)
    else:
        print_table(["单位", "区划代码", "级别", "指纹", "登记时间"],
                    [[r["name"], r["division_code"], LEVEL_LABELS.get(r["level"], r["level"]), r["fingerprint"],
                      r["enrolled_at"]] for r in rows])
    return 0


def cmd_deactivate(args: argparse.Namespace) -> int:
    with cli_unit_of_work(args, write=True) as uow:
        partner = partner_by_code(uow.session, args.code)
        deactivate_partner(uow, partner.id)
        name = partner.name
    print(f"已停用：{name}（{args.code}），今后不再接受其同步包")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    sync = sub.add_parser("sync", help="与县信访局（或乡镇）交换加密同步包：登记、导出、导入")
    actions = sync.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    p = actions.add_parser("enrolment", parents=[common], help="县级：写出本单位的登记文件（身份和公钥）")
    p.add_argument("--out", required=True, help="登记文件路径，如 县信访局.json")
    p.set_defaults(handler=cmd_enrolment)
    p = actions.add_parser("join", parents=[common], help="乡镇：导入县级登记文件，写出本镇登记文件")
    p.add_argument("file", help="县级登记文件")
    p.add_argument("--out", required=True, help="本镇登记文件路径（交回县信访局）")
    p.set_defaults(handler=cmd_join)
    p = actions.add_parser("admit", parents=[common], help="县级：导入乡镇登记文件，登记该乡镇")
    p.add_argument("file", help="乡镇登记文件")
    p.set_defaults(handler=cmd_admit)
    p = actions.add_parser("partners", parents=[common], help="列出已登记的同步单位及其指纹")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=cmd_partners)
    p = actions.add_parser("deactivate", parents=[common], help="停用一个同步单位（如其电脑丢失）")
    p.add_argument("code", help="该单位的 12 位区划代码")
    p.set_defaults(handler=cmd_deactivate)
    commands_sync_data.register(actions, common)
