"""``xinfang backup [--to DIR]`` and ``xinfang restore FILE`` (see docs/backups.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.errors import ValidationError
from app.machine_settings import MachineSettings
from app.paths import resolve_data_dir
from app.services.context import system_clock


def _data_dir(args: argparse.Namespace) -> Path:
    """Backups work on the data folder's SQLite file; a county PostgreSQL server has its own tools."""
    if args.db:
        raise ValidationError("backup_sqlite_only", "备份与恢复：只适用于数据文件夹中的 SQLite 数据库；"
                              "县级 PostgreSQL 数据库请用 pg_dump 备份", field="db")
    return resolve_data_dir(args.data_dir)


def cmd_backup(args: argparse.Namespace) -> int:
    from app.services.backup import Reason, backup_details, create_backup, record_file_event

    data_dir, now = _data_dir(args), system_clock()
    target = Path(args.to) if args.to else None
    mirror_dir = MachineSettings.load(data_dir).backup_mirror_dir
    mirror = Path(mirror_dir) if mirror_dir and target is None else None
    result = create_backup(data_dir, Reason.MANUAL, now, target=target, mirror=mirror,
                           rotate=target is None)
    for sha in result.missing_attachments:
        sys.stderr.write(f"提示：附件文件缺失，未备份：{sha}\n")
    for sha in result.damaged_attachments:
        sys.stderr.write(f"提示：附件内容与哈希不符，未备份：{sha}\n")
    if result.mirror_error:
        sys.stderr.write(f"提示：{result.mirror_error}\n")
    record_file_event(data_dir, now, "backup", **backup_details(result))
    print(result.backup.path)
    if result.mirror:
        print(result.mirror)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from app.services.restore import record_restore, restore_backup

    data_dir, now = _data_dir(args), system_clock()
    result = restore_backup(data_dir, Path(args.file), now)
    record_restore(data_dir, now, result)
    print(f"已恢复：{result.restored_from}")
    if result.safety_backup:
        print(f"恢复前的数据已备份到：{result.safety_backup}")
    if result.upgraded_from:
        print(f"数据库已从版本 {result.upgraded_from} 升级到当前版本")
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("backup", parents=[common], help="立即备份数据库和附件，打印备份位置",
                       description="默认写入数据文件夹的 backups/ 并按 7 日、4 周、12 月轮换；"
                                   "设置了镜像文件夹时同时复制一份")
    p.add_argument("--to", metavar="DIR", help="写入此文件夹（不轮换、不镜像），如 U 盘")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", parents=[common], help="从备份恢复（先校验备份，并先备份当前数据）",
                       description="FILE 为备份文件夹，或其中的 manifest.json / xinfang.db；"
                                   "请先关闭正在运行的程序")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=cmd_restore)

