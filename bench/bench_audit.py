"""Benchmark the audit page's queries and export on a long trail, and what auditing an opening costs.

    .venv/bin/python bench/bench_audit.py [--events 200000] [--runs 5]

Fills a fresh database with ``--events`` audit events (through ``audit.record``, chained, spread
over a year and over six users), then times: the ids of the whole trail and of filtered views, one
page of 100 rows, the Excel export of everything, and opening a matter's dossier with and without
its audited opening. Prints medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from app.services import audit, audit_log as al  # noqa: E402
from app.services.context import UnitOfWork  # noqa: E402
from app.services.demo import load_demo  # noqa: E402
from app.services.listing import unpack_ids  # noqa: E402
from app.services.matter_dossier import load_dossier  # noqa: E402
from app.services.offices import OfficeSetup, initialise  # noqa: E402
from app.services.users import authenticate  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402
from db.models import Matter  # noqa: E402

NOW = datetime(2026, 11, 23, 10, 0)
ACTIONS = ("open", "update", "create", "login", "print", "export")
BATCH = 20_000


def median_ms(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def fill(ws: Workspace, admin, events: int) -> None:  # type: ignore[no-untyped-def]
    users = [replace(admin, user_id=uuid.uuid4(), login=f"user{i}") for i in range(6)]
    first = datetime.now(timezone.utc) - timedelta(days=365)
    done = 0
    while done < events:
        with ws.database.write() as session:
            for n in range(done, min(done + BATCH, events)):
                at = first + timedelta(seconds=n * 365 * 86400 // events)
                uow = UnitOfWork(session, users[n % 6], ws.clock)
                uow.utcnow = lambda at=at: at  # type: ignore[method-assign]
                audit.record(uow, ACTIONS[n % 6], "matter", uuid.uuid4(), after={"n": n, "note": f"第{n}号"})
        done = min(done + BATCH, events)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(Path(tmp) / "data", clock=lambda: NOW)
        initialise(ws, OfficeSetup(
            name="某某县某某镇人民政府", short_name="某某镇", division_code="330106101000",
            parent_name="某某县信访局", admin_login="admin", admin_name="王管理", admin_password="abc12345",
            villages=("东风村",)))
        admin = authenticate(ws, "admin", "abc12345")
        load_demo(ws, admin, contacts=300)
        started = time.perf_counter()
        fill(ws, admin, args.events)
        print(f"filled {args.events} events in {time.perf_counter() - started:.1f} s")

        def ids(f: al.AuditFilter) -> bytes:
            with ws.read(admin) as uow:
                return al.audit_ids(uow, f)

        everything = ids(al.AuditFilter())
        month = date.today() - timedelta(days=30)
        views = {
            "all events": al.AuditFilter(),
            "last 30 days": al.AuditFilter(start=month, end=date.today()),
            "one action": al.AuditFilter(action="export"),
            "free text": al.AuditFilter(text="第12345号"),
        }
        for label, f in views.items():
            print(f"ids, {label:14} {len(ids(f)) // 16:>8} rows  {median_ms(lambda f=f: ids(f), args.runs):8.1f} ms")

        def page() -> None:
            with ws.read(admin) as uow:
                al.audit_rows(uow, unpack_ids(everything, 5000, 5100))

        print(f"one page of 100 rows           {median_ms(page, args.runs):8.1f} ms")
        started = time.perf_counter()
        with ws.read(admin) as uow:
            result = al.export_audit(uow, al.AuditFilter(), Path(tmp) / "audit.xlsx")
        print(f"export {result.rows} rows to xlsx    {time.perf_counter() - started:8.1f} s "
              f"({(Path(tmp) / 'audit.xlsx').stat().st_size / 1e6:.1f} MB)")
        with ws.database.read() as session:
            matter_id = session.scalars(select(Matter.id).limit(1)).one()

        def open_dossier() -> None:
            with ws.read(admin) as uow:
                load_dossier(uow, matter_id, ws.attachments_dir)

        def dossier_without_audit() -> None:
            with ws.database.read() as session:
                uow = UnitOfWork(session, admin, ws.clock, writable=False)
                load_dossier(uow, matter_id, ws.attachments_dir)

        print(f"open a dossier, audited        {median_ms(open_dossier, args.runs * 4):8.1f} ms")
        print(f"open a dossier, not audited    {median_ms(dossier_without_audit, args.runs * 4):8.1f} ms")
        ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
