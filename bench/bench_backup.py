"""Benchmark backups: a backup of a demo database, a second one (attachments linked), verify + restore.

    .venv/bin/python bench/bench_backup.py [--contacts 5000] [--attachments 200]

Prints seconds per step and the sizes; the database is built once in a temporary folder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.paths import DATABASE_FILE  # noqa: E402
from app.services import attachments as att  # noqa: E402
from app.services.backup import Reason, create_backup  # noqa: E402
from app.services.demo import load_demo  # noqa: E402
from app.services.offices import OfficeSetup, initialise  # noqa: E402
from app.services.persons import PersonInput, create_person  # noqa: E402
from app.services.restore import restore_backup  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402

NOW = datetime(2026, 11, 23, 10, 0)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--attachments", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        ws = Workspace.open(folder, clock=lambda: NOW)
        initialise(ws, OfficeSetup(name="某某县某某镇人民政府", short_name="某某镇", division_code="330106101000",
                                   parent_name="某某县信访局", admin_login="admin", admin_name="王管理",
                                   admin_password="abc12345", villages=("东风村",)))
        actor = ws.system_actor()
        load_demo(ws, actor, seed=2026, contacts=args.contacts)
        with ws.write(actor) as uow:
            person = create_person(uow, PersonInput(name="张三"))
            for n in range(args.attachments):  # 256 KB scans, each different
                att.store_bytes(uow, ws.attachments_dir, b"%PDF-1.4\n" + n.to_bytes(4, "big") * 65536,
                                f"{n}.pdf", "person", person)
        size = (folder / DATABASE_FILE).stat().st_size
        started = time.perf_counter()
        first = create_backup(folder, Reason.MANUAL, NOW)
        t_first = time.perf_counter() - started
        started = time.perf_counter()
        create_backup(folder, Reason.EXIT, NOW + timedelta(days=1))
        t_second = time.perf_counter() - started
        ws.close()
        started = time.perf_counter()
        restore_backup(folder, first.backup.path, NOW + timedelta(days=1, hours=1))
        t_restore = time.perf_counter() - started
    print(f"database {size / 1e6:.1f} MB, {args.contacts} contacts, {args.attachments} attachments "
          f"({first.backup.size / 1e6:.1f} MB backup)")
    print(f"first backup {t_first:.2f} s, next backup (attachments linked) {t_second:.2f} s, "
          f"verify + restore (includes the 恢复前 backup) {t_restore:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
