"""``xinfang sync export`` / ``import`` / ``conflicts``: what travels in the packages and what importing does."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.output import print_table
from app.cli.unit_of_work import cli_unit_of_work, cli_workspace
from app.sync.importing import KINDS, ImportReport

KIND_LABELS = {"new": "新增", "updated": "更新", "unchanged": "未变", "conflicting": "冲突", "deleted": "删除"}


def cmd_export(args: argparse.Namespace) -> int:
    from app.sync.exporting import export_packages

    directory = Path(args.to)
    if not directory.is_dir():
        from app.errors import ValidationError

        raise ValidationError("directory", f"导出目录：{directory} 不存在或不是文件夹", field="to")
    with cli_workspace(args) as workspace:
        actor = workspace.system_actor()
        if args.admin:  # a login unlocks the key that opens sealed attachments (docs/sync-data.md)
            from app.cli.commands_security import read_password
            from app.services.users import authenticate

            actor = authenticate(workspace, args.admin, read_password())
        results = export_packages(workspace, actor, directory, full=args.full, office_code=args.office)
    for result in results:
        print(result.path.relative_to(directory))
        detail = "，".join(f"{t} {n}" for t, n in result.rows.items()) or "无变化"
        sys.stderr.write(f"  → {result.receiver} 第 {result.sequence} 号{'（全量）' if result.full else ''}：{detail}\n")
    return 0


def _print_report(report: ImportReport, *, dry_run: bool = False) -> None:
    if report.status == "already":
        print(f"{report.file}：已导入（{report.sender} 第 {report.sequence} 号），未做任何更改")
        return
    if report.status == "superseded":
        outcome = "试导入（未写入）：导入时只记为已收到，不改动数据" if dry_run else "已记为已收到，未改动数据"
        print(f"{report.file}：较新的第 {report.superseded_by} 号同步包已导入，{report.sender} 第 {report.sequence} 号"
              f"晚于它到达，其内容已包含在后者中；{outcome}")
        return
    heading = "试导入（未写入）" if report.status == "dry_run" else "已导入"
    print(f"{report.file}：{heading}，{report.sender} 第 {report.sequence} 号")
    rows = [[table] + [str(counts.get(k, 0)) for k in KINDS]
            for table, counts in sorted(report.tables.items()) if sum(counts.values())]
    if rows:
        print_table(["表"] + [KIND_LABELS[k] for k in KINDS], rows)
    if report.forced:
        print(f"  已强制导入：缺少第 {'、'.join(map(str, report.missing))} 号（已记录）")
    if report.conflicts:
        print(f"  冲突 {report.conflicts} 处：本地值已保留，见 xinfang sync conflicts")
    if report.parallel:
        print(f"  并行修改 {report.parallel} 处：双方修改均已保留")
    if report.assigned_matters:
        print(f"  上级交办件 {report.assigned_matters} 件已登记")


def cmd_import(args: argparse.Namespace) -> int:
    from app.sync.import_queue import import_packages

    with cli_workspace(args) as workspace:
        import_packages(workspace, workspace.system_actor(), [Path(name) for name in args.files],
                        dry_run=args.dry_run, force_gap=args.force_gap,
                        done=lambda report: _print_report(report, dry_run=args.dry_run))
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    from app.sync.conflicts import open_conflicts

    with cli_unit_of_work(args) as uow:
        found = open_conflicts(uow)
    # The id's random end: its beginning is the time it was made (db/ids.py), shared by a package's conflicts.
    print_table(["编号", "表", "记录", "字段", "本地值", "对方值"],
                [[c.id.hex[-8:], c.table, str(c.row_id), c.field, str(c.local_value), str(c.incoming_value)]
                 for c in found])
    return 0


def register(actions: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = actions.add_parser("export", parents=[common], help="写出同步包（乡镇：发县局；县级：每个乡镇一个回执包）")
    p.add_argument("--to", required=True, help="目标文件夹，如 U 盘")
    p.add_argument("--full", action="store_true", help="全量导出（如县局换了新电脑）")
    p.add_argument("--office", help="县级：只为该乡镇（12 位区划代码）写回执包")
    p.add_argument("--admin", help="附件已加密时：以该管理员登录（密码从终端或标准输入读取），附件随包发出")
    p.set_defaults(handler=cmd_export)
    p = actions.add_parser("import", parents=[common], help="导入同步包（先验签、解密、逐项核对）")
    p.add_argument("files", nargs="+", help="同步包文件")
    p.add_argument("--dry-run", action="store_true", help="试导入：只列出新增/更新/未变/冲突行数，不写入")
    p.add_argument("--force-gap", action="store_true", help="缺少之前的同步包时仍然导入（会记录）")
    p.set_defaults(handler=cmd_import)
    p = actions.add_parser("conflicts", parents=[common], help="列出待处理的同步冲突（同一字段双方都改过）")
    p.set_defaults(handler=cmd_conflicts)
