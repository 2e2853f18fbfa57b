"""Benchmark: a month's and a year's report, and a 100,000-row ledger export (time and peak memory).

Run by hand; prints medians and the machine. Either point it at an existing data folder or
database file::

    .venv/bin/python bench/bench_reports.py --db /path/to/data-folder-or/xinfang.db

or let it fill a fresh database quickly with bulk SQL inserts (about 200,000 contacts by default)::

    .venv/bin/python bench/bench_reports.py --generate 200000 --folder /tmp/bench200k

Goals (issue 5, at 1,000,000 contacts): month ≤ 2 s, year ≤ 5 s; export of 100,000 rows ≤ 30 s and
≤ 600 MB peak memory. The export runs in a child process so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.services.offices import OfficeSetup, initialise  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402
from db import stats_day  # noqa: E402

FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2026, 11, 22)
VILLAGES = tuple(f"{n}村" for n in "东南西北中前后左右上下新老大小高低长青红白金石") + ("幸福社区", "团结社区")


# --- generating a database -------------------------------------------------------------------


def _hex() -> str:
    return uuid.uuid4().hex


def _ts(d: datetime) -> str:
    return d.strftime("%Y-%m-%d %H:%M:%S.000000")


def generate(folder: Path, contacts: int, seed: int = 7) -> Path:
    """An initialised township with ``contacts`` contacts over three years, matters in every state."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "xinfang.db"
    if db.exists():
        raise SystemExit(f"{db} exists; choose another --folder")
    ws = Workspace.open(folder)
    initialise(ws, OfficeSetup(name="某某县某某镇人民政府", short_name="某某镇", division_code="330106101000",
                               admin_login="admin", admin_name="管理员", admin_password="abc12345",
                               villages=VILLAGES))
    office = ws.local_office_id()
    ws.close()
    assert office is not None
    started = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    # The day tables' triggers would regroup a day per inserted row: off for the load, filled once after.
    triggers = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                           "AND name LIKE 'stats_day_%'").fetchall()
    for name, _sql in triggers:
        con.execute(f"DROP TRIGGER {name}")
    _fill(con, office.hex, contacts, random.Random(seed))
    for statement in stats_day.rebuild_sql("sqlite"):
        con.execute(statement)
    for _name, sql in triggers:
        con.execute(sql)
    con.commit()
    con.close()  # no ANALYZE: the program never runs one, so plans are those a clerk's PC gets
    print(f"generated {contacts:,} contacts in {time.perf_counter() - started:.1f} s → {db}", file=sys.stderr)
    return db


def _fill(con: sqlite3.Connection, office: str, n: int, rnd: random.Random) -> None:
    villages = [r[0] for r in con.execute("SELECT id FROM village")]
    units = [r[0] for r in con.execute("SELECT id FROM responsible_unit")]
    clerk = con.execute("SELECT id FROM user_account WHERE login='admin'").fetchone()[0]
    subjects = [r[0] for r in con.execute("SELECT code FROM subject WHERE parent_code IS NOT NULL")]
    now = _ts(datetime(2026, 11, 23, 8, 0))
    span = (LAST_DAY - FIRST_DAY).days * 86400
    times = sorted(datetime.combine(FIRST_DAY, datetime.min.time()) + timedelta(seconds=rnd.randrange(span))
                   for _ in range(n))
    persons: list[tuple] = []  # type: ignore[type-arg]
    contacts: list[tuple] = []  # type: ignore[type-arg]
    links: list[tuple] = []  # type: ignore[type-arg]
    matters: list[tuple] = []  # type: ignore[type-arg]
    deadlines: list[tuple] = []  # type: ignore[type-arg]
    open_matters: list[tuple[str, str, str]] = []  # (matter id, person id, village)
    today = date(2026, 11, 23)
    for i, at in enumerate(times):
        channel = rnd.choices(["visit", "letter", "phone", "online", "fax"], [45, 15, 20, 18, 2])[0]
        collective = channel == "visit" and rnd.random() < 0.05
        headcount = rnd.randint(5, 40) if collective else rnd.choice([1, 1, 1, 1, 2])
        repeat = open_matters and rnd.random() < 0.35
        if repeat:
            matter_id, person_id, village = open_matters[rnd.randrange(max(0, len(open_matters) - 5000),
                                                                         len(open_matters))]
        else:
            person_id, village = _hex(), rnd.choice(villages)
            persons.append((person_id, office, f"人{i}", "r", "", village, now))
            matter_id = _hex()
            matters.extend(_matter(matter_id, office, i, at.date(), village, rnd, units, subjects, today,
                                   deadlines, now))
            open_matters.append((matter_id, person_id, village))
        contact_id = _hex()
        skip = rnd.choice(["county", "city", "province", "beijing"]) if channel == "visit" and rnd.random() < 0.03 else None
        contacts.append((contact_id, office, f"DJ{at.year}-{i:07d}", channel, _ts(at), headcount, skip,
                         int(bool(repeat)), int(bool(repeat)), "", clerk, int(rnd.random() < 0.05), "",
                         "反映问题内容", village, None, matter_id, 0, 0, 0, "", now, now))
        links.append((_hex(), office, contact_id, person_id, 0, now, now))
    con.executemany("INSERT INTO person (id, office_id, name, name_initials, name_pinyin, village_id, created_at,"
                    " updated_at, address, ethnicity, follow_up_officer, notes) VALUES (?,?,?,?,?,?,?,?,'','','','')",
                    [(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[6]) for p in persons])
    con.executemany(
        "INSERT INTO matter (id, office_id, number, title, matter_type, subject_code, state, source, simplified,"
        " confidential, problem_village_id, responsible_unit_id, case_leader, registered_on, assigned_by,"
        " decision, decided_on, decision_reason, referred_to, no_notice_reason, accepted_on, extension_reason,"
        " replied_on, reply_delivered_on, satisfaction, evaluated_on, closed_on, resolution, resolved_on,"
        " is_backlog, backlog_since, created_at, updated_at) VALUES"
        " (?,?,?,?,?,?,?, 'contact', 0, 0, ?,?, '', ?, '', ?,?, '', '', '', ?, '', ?,?,?,?,?,?,?,?,?,?,?)", matters)
    con.executemany("INSERT INTO matter_deadline (id, office_id, matter_id, clock, starts_on, days, unit, due_on,"
                    " met_on, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)", deadlines)
    con.executemany(
        "INSERT INTO contact (id, office_id, number, channel, contact_at, headcount, skip_level, is_repeat,"
        " repeat_suggested, repeat_override_reason, receiving_clerk_id, leader_reception, leader_name, content,"
        " problem_village_id, problem_division_code, matter_id, anonymous, threat, confidential, purpose,"
        " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", contacts)
    con.executemany("INSERT INTO contact_person (id, office_id, contact_id, person_id, position, created_at,"
                    " updated_at) VALUES (?,?,?,?,?,?,?)", links)


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _matter(mid: str, office: str, i: int, reg: date, village: str, rnd: random.Random, units: list[str],
            subjects: list[str], today: date, deadlines: list[tuple], now: str) -> list[tuple]:  # type: ignore[type-arg]
    decided = reg + timedelta(days=rnd.randint(1, 20))
    decided = decided if decided < today else None
    accept = decided is not None and rnd.random() < 0.8
    accepted = decided if accept else None
    replied = accepted + timedelta(days=rnd.randint(10, 80)) if accepted else None
    replied = replied if replied and replied < today else None
    delivered = replied + timedelta(days=rnd.randint(1, 5)) if replied else None
    delivered = delivered if delivered and delivered < today else None
    evaluated = delivered + timedelta(days=rnd.randint(1, 40)) if delivered and rnd.random() < 0.7 else None
    evaluated = evaluated if evaluated and evaluated < today else None
    satisfaction = rnd.choices(["satisfied", "basically", "dissatisfied"], [70, 20, 10])[0] if evaluated else None
    closed = delivered + timedelta(days=rnd.randint(1, 10)) if delivered else None
    closed = closed if closed and closed < today else None
    resolved = closed + timedelta(days=rnd.randint(0, 30)) if closed and rnd.random() < 0.6 else None
    resolved = resolved if resolved and resolved < today else None
    backlog = reg + timedelta(days=365) if not resolved and rnd.random() < 0.03 else None
    backlog = backlog if backlog and backlog < today else None
    state = ("closed" if closed else "replied" if replied else "in_handling" if accepted
             else "declined" if decided else "registered")
    deadlines.append((_hex(), office, mid, "decision", _d(reg), 15, "calendar", _d(reg + timedelta(days=15)),
                      _d(decided), now, now))
    if accepted:
        deadlines.append((_hex(), office, mid, "handling", _d(accepted), 60, "calendar",
                          _d(accepted + timedelta(days=60)), _d(replied), now, now))
    mtype = rnd.choices(["claim", "suggestion", "accusation"], [75, 15, 10])[0]
    return [(mid, office, f"SX{reg.year}-{i:07d}", "事项", mtype, rnd.choice(subjects), state, village,
             rnd.choice(units) if accepted else None, _d(reg), "accept" if accept else ("decline" if decided else None),
             _d(decided), _d(accepted), _d(replied), _d(delivered), satisfaction, _d(evaluated), _d(closed),
             "resolved" if resolved else "unresolved", _d(resolved), int(backlog is not None), _d(backlog), now, now)]


# --- measuring -------------------------------------------------------------------------------


def _open(db: str) -> Workspace:
    path = Path(db)
    folder = path if path.is_dir() else path.parent
    url = None if path.is_dir() else f"sqlite:///{path}"
    return Workspace.open(folder, url, clock=lambda: datetime(2026, 11, 23, 10, 0))


def _median(fn, runs: int) -> tuple[float, list[float], float]:  # type: ignore[no-untyped-def]
    """Median wall time, all wall times, and the median CPU time (all threads) of ``runs`` calls."""
    times, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return statistics.median(times), times, statistics.median(cpu)


def measure_reports(db: str, runs: int) -> dict[str, object]:
    from app.statistics import build_report, periods, report_json

    ws = _open(db)
    actor = ws.system_actor()
    results: dict[str, object] = {}
    with ws.read(actor) as uow:
        count = uow.session.execute(__import__("sqlalchemy").text("SELECT count(*) FROM contact")).scalar()
        results["contacts"] = count
        for label, period in (("month 2026-10", periods.month(2026, 10)), ("year 2025", periods.year(2025))):
            report = build_report(uow, period)  # warm the page cache once
            med, times, cpu = _median(lambda p=period: report_json(build_report(uow, p)), runs)
            results[label] = {"median_s": round(med, 3), "cpu_median_s": round(cpu, 3),
                              "runs_s": [round(t, 3) for t in times], "batches": report.figures.totals.batches}
    ws.close()
    return results


def measure_export(db: str, rows: int) -> dict[str, object]:
    """Runs in a child process: exports the newest ``rows`` contacts and reports time and peak RSS."""
    from sqlalchemy import select

    from app.excel.ledgers import LedgerKind, export_ledger
    from app.statistics import ContactFilter
    from db.models import Contact

    ws = _open(db)
    actor = ws.system_actor()
    with ws.read(actor) as uow:
        first = uow.session.scalar(select(Contact.contact_at).order_by(Contact.contact_at.desc())
                                   .offset(rows - 1).limit(1))
        out = Path(tempfile.mkdtemp(prefix="xinfang-bench-")) / "bench-export.xlsx"
        cpu = time.process_time()
        result = export_ledger(uow, LedgerKind.CONTACTS, out, contacts=ContactFilter(start=first.date()))
        cpu = time.process_time() - cpu
    ws.close()
    peak_mb = _peak_rss_mb()
    size = out.stat().st_size
    out.unlink()
    out.parent.rmdir()
    return {"rows": result.rows, "seconds": round(result.seconds, 2), "cpu_s": round(cpu, 2),
            "peak_rss_mb": round(peak_mb, 1), "file_mb": round(size / 1e6, 1)}


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: ru_maxrss survives exec and would report the parent's)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict[str, object]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        mem = 0
    return {"platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem,
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="a data folder or a xinfang.db file to measure")
    parser.add_argument("--generate", type=int, metavar="CONTACTS", help="fill a new database first")
    parser.add_argument("--folder", default="/tmp/xinfang-bench", help="where --generate puts it")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--export-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_only:
        print(json.dumps(measure_export(args.db, args.export_rows)))
        return
    db = args.db
    if args.generate:
        db = str(generate(Path(args.folder), args.generate))
    if not db:
        parser.error("give --db or --generate")
    results: dict[str, object] = {"machine": machine()}
    results["reports"] = measure_reports(db, args.runs)
    child = subprocess.run([sys.executable, __file__, "--db", db, "--export-only", "--export-rows",
                            str(args.export_rows)], capture_output=True, text=True, check=True)
    results["export"] = json.loads(child.stdout.strip().splitlines()[-1])
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
