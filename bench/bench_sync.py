"""Benchmark: sync export and import (issue 6). Run by hand; prints one table and the machine.

    .venv/bin/python bench/bench_sync.py                       # full sizes (needs PostgreSQL binaries)
    .venv/bin/python bench/bench_sync.py --townships 5 --rows-per-township 20000   # a smaller run

1. Export of ``--export-rows`` changed rows (persons, contacts, their links) from a township (SQLite).
2. Import of ``--townships`` × ``--rows-per-township`` rows into a county hub on PostgreSQL (a throwaway
   server like the tests', or ``--db URL``), one package per township, each in its own transaction,
   all given to one ``import_packages`` call as the import page and ``xinfang sync import`` do
   (townships side by side, one connection per core).
3. Package size per 1,000 contacts, from a township filled with ``load_demo`` (realistic content:
   persons, matters with events and clocks, documents) and exported in full.

Goals: export of 100,000 rows ≤ 5 s; import of 1,000,000 rows from 20 townships ≤ 60 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from app.domain.enums import OfficeLevel  # noqa: E402
from app.services.offices import OfficeSetup, initialise  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402
from app.sync.enrolment import admit_township, join_county, own_card  # noqa: E402
from app.sync.exporting import export_packages  # noqa: E402
from app.sync.import_queue import import_packages  # noqa: E402
from db.change_log import stamp  # noqa: E402
from db.ids import new_id  # noqa: E402
from db.models import Contact, ContactPerson, Person, UserAccount  # noqa: E402
from generate import recency_suspended  # noqa: E402

COUNTY_CODE = "330106000000"
PASSWORD = "bench-12345"
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张"
CONTENT = "反映本村土地承包经营权流转后租金长期未兑付，多次找村委会未果，请求协调解决。"


def office(folder: Path, name: str, code: str, level: OfficeLevel, url: str | None = None) -> Workspace:
    ws = Workspace.open(folder, url)
    initialise(ws, OfficeSetup(name=name, division_code=code, admin_login="admin", admin_name="管理员",
                               admin_password=PASSWORD, level=level))
    return ws


def enrol(county: Workspace, township: Workspace) -> None:
    with county.write(county.system_actor()) as uow:
        card = own_card(uow.session)
    with township.write(township.system_actor()) as uow:
        back = join_county(uow, card)
    with county.write(county.system_actor()) as uow:
        admit_township(uow, back)


def fill(ws: Workspace, rows: int, seed: int) -> int:
    """About ``rows`` rows as a third each of persons, contacts and links, stamped as changed; returns
    contacts. A bulk load: the recency and day-table triggers are off during it, as in generate.py."""
    contacts = rows // 3
    office_id = ws.local_office_id()
    with ws.database.write() as session, recency_suspended(session.connection().connection.driver_connection):
        clerk = session.scalars(select(UserAccount.id).where(UserAccount.office_id == office_id)).first()
        start = datetime(2026, 1, 1, 8, 0)
        for first in range(0, contacts, 5000):
            chunk = range(first, min(first + 5000, contacts))
            people = [{"id": new_id(), "office_id": office_id, "name": SURNAMES[(i + seed) % 24] + "某某",
                       "name_initials": "mm", "name_pinyin": "moumou", "address": f"某某村 {i} 号",
                       "ethnicity": "", "follow_up_officer": "", "notes": ""} for i in chunk]
            visits = [{"id": new_id(), "office_id": office_id, "number": f"DJ2026-{i + 1:06d}",
                       "channel": "visit", "contact_at": start + timedelta(minutes=7 * i), "headcount": 1,
                       "receiving_clerk_id": clerk, "content": CONTENT, "is_repeat": False,
                       "repeat_suggested": False, "repeat_override_reason": "", "leader_reception": False,
                       "leader_name": "", "anonymous": False, "threat": False, "confidential": False,
                       "purpose": ""} for i in chunk]
            links = [{"id": new_id(), "office_id": office_id, "contact_id": c["id"], "person_id": p["id"],
                      "position": 0} for c, p in zip(visits, people)]
            for table, batch in ((Person.__table__, people), (Contact.__table__, visits),
                                 (ContactPerson.__table__, links)):
                session.execute(table.insert(), batch)
                stamp(session.connection(), [(table.name, r["id"], False, office_id) for r in batch])
    return contacts


def timed(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    """(result, wall seconds, this process's CPU seconds): the CPU figure shows what the work costs
    when other programs share the two cores."""
    started, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started, time.process_time() - cpu


def bench_export(work: Path, rows: int) -> list[str]:
    county = office(work / "x-county", "某某县信访局", COUNTY_CODE, OfficeLevel.COUNTY)
    township = office(work / "x-town", "某某县某某镇人民政府", "330106101000", OfficeLevel.TOWNSHIP)
    enrol(county, township)
    fill(township, rows, 0)
    stick = work / "x-stick"
    stick.mkdir()
    [result], seconds, cpu = timed(export_packages, township, township.system_actor(), stick)
    total = sum(result.rows.values())
    size = result.path.stat().st_size
    county.close()
    township.close()
    return [f"export {total:,} changed rows (township, SQLite)", f"{seconds:.1f} s (CPU {cpu:.1f} s)",
            f"{total / seconds:,.0f} rows/s; 100,000 rows ≈ {seconds * 100_000 / total:.0f} s; "
            f"package {size / 1e6:.1f} MB", "≤ 5 s (100,000)"]


def server_cpu(county: Workspace) -> float | None:
    """CPU seconds the PostgreSQL server has used (the postmaster, its live backends and those that
    ended): the work moved into SQL shows here, not in the program's own CPU time. None if the
    server is not on this machine."""
    from sqlalchemy import text

    with county.database.engine.connect() as connection:
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    try:
        postmaster = int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
        tick = os.sysconf("SC_CLK_TCK")
        used = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            pid = int(stat.parent.name)
            if pid == postmaster:
                used += sum(int(f) for f in fields[11:15])  # its own time and its reaped children's
            elif int(fields[1]) == postmaster:
                used += int(fields[11]) + int(fields[12])
        return used / tick
    except (OSError, ValueError, IndexError):
        return None


def township_packages(county: Workspace, work: Path, townships: int, rows_each: int,
                      prefix: str = "") -> list[tuple[Path, int]]:
    """Enrolled townships filled with ``rows_each`` rows, each exported once: (package, rows) per township."""
    packages = []
    for n in range(townships):
        code = f"330106{101 + n:03d}000"
        ws = office(work / f"{prefix}town-{n}", f"某某县第{n + 1}镇人民政府", code, OfficeLevel.TOWNSHIP)
        enrol(county, ws)
        fill(ws, rows_each, n)
        stick = work / f"{prefix}stick-{n}"
        stick.mkdir()
        [result] = export_packages(ws, ws.system_actor(), stick)
        packages.append((result.path, sum(result.rows.values())))
        ws.close()
    return packages


def bench_import(work: Path, townships: int, rows_each: int, url: str,
                 copies: Callable[[int], str] | None = None, repeat: int = 1) -> list[str]:
    """The townships' packages imported into the county at ``url``; with ``copies`` (a fresh copy of
    that county database per run, same keys) ``repeat`` times, the median reported."""
    county = office(work / "i-county", "某某县信访局", COUNTY_CODE, OfficeLevel.COUNTY, url)
    packages = township_packages(county, work, townships, rows_each, "i-")
    county.close()
    runs = []
    for run in range(repeat if copies is not None else 1):
        folder = work / f"i-county-{run}"
        shutil.copytree(work / "i-county", folder)
        hub = Workspace.open(folder, copies(run) if copies is not None else url)
        server_before = server_cpu(hub)
        reports, seconds, cpu = timed(import_packages, hub, hub.system_actor(), [path for path, _ in packages])
        assert {r.status for r in reports} == {"imported"}, reports
        server = server_cpu(hub) - server_before if server_before is not None else None
        hub.close()
        runs.append((seconds, cpu, server, os.getloadavg()[0]))
        print(f"  import run {run + 1}: {seconds:.1f} s, CPU {cpu:.1f} s + {server or 0:.1f} s in PostgreSQL, "
              f"load {runs[-1][3]:.1f}", flush=True)
    seconds, cpu, server, _ = sorted(runs)[len(runs) // 2]
    total = sum(n for _, n in packages)
    projected = seconds * 1_000_000 / total
    in_server = f" + {server:.1f} s in PostgreSQL" if server is not None else ""
    spread = f", runs {' / '.join(f'{r[0]:.1f}' for r in runs)} s" if len(runs) > 1 else ""
    return [f"import {total:,} rows from {townships} townships (county, PostgreSQL)",
            f"{'median ' if len(runs) > 1 else ''}{seconds:.1f} s (CPU {cpu:.1f} s in the program{in_server}){spread}",
            f"{total / seconds:,.0f} rows/s; 1,000,000 rows ≈ {projected:.0f} s at this rate", "≤ 60 s (1,000,000)"]


def bench_size(work: Path, contacts: int) -> list[str]:
    from app.services.demo import load_demo

    county = office(work / "s-county", "某某县信访局", COUNTY_CODE, OfficeLevel.COUNTY)
    township = office(work / "s-town", "某某县某某镇人民政府", "330106101000", OfficeLevel.TOWNSHIP)
    enrol(county, township)
    load_demo(township, township.system_actor(), seed=7, contacts=contacts)
    stick = work / "s-stick"
    stick.mkdir()
    [result] = export_packages(township, township.system_actor(), stick, full=True)
    size = result.path.stat().st_size
    county.close()
    township.close()
    rows = sum(result.rows.values())
    return [f"package size, demo township ({contacts} contacts, {rows:,} rows, full)",
            f"{size / contacts:,.0f} KB / 1,000 contacts",
            f"{size / 1024:,.0f} KB in all", "—"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--townships", type=int, default=20)
    parser.add_argument("--rows-per-township", type=int, default=50_000)
    parser.add_argument("--demo-contacts", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3,
                        help="imports into fresh copies of the county (throwaway server only); the median is reported")
    parser.add_argument("--db", help="PostgreSQL URL of an empty database for the county (default: a throwaway server)")
    args = parser.parse_args()
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average at start {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        work = Path(tmp)
        results = [bench_export(work, args.export_rows)]
        if args.db:
            results.append(bench_import(work, args.townships, args.rows_per_township, args.db))
        else:
            from tests.support.postgres import PostgresServer

            with PostgresServer() as server:
                results.append(bench_import(work, args.townships, args.rows_per_township,
                                            server.create_database("bench_sync"),
                                            lambda run: server.copy_database("bench_sync", f"bench_sync_{run}"),
                                            args.repeat))
        results.append(bench_size(work, args.demo_contacts))
    print(f"load average at end {os.getloadavg()[0]:.1f}")
    print("| measurement | time | detail | goal |")
    print("|---|---|---|---|")
    for row in results:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
