"""Time the 一人一档 person list on a big office: the id list per search/filter/sort, page fetches, one archive.

    .venv/bin/python bench/bench_person_list.py [--persons 200000] [--contacts 1000000] [--repeat 5]

Builds a throwaway database (deleted afterwards; --keep DIR keeps it and later runs reuse it): an office with 20
villages, then ``--persons`` archives (demo names with their pinyin, ID numbers for ~75 %, phones,
tags for ~6 %), ``--persons``×0.75 matters and ``--contacts`` contacts (90 % spread evenly, 10 %
on 2,000 frequent petitioners, 3,000 on one long-standing petitioner) in one transaction of bulk
inserts. The full-text triggers are dropped first: content search is not what this measures.

Prints medians of ``--repeat`` runs and the machine. ``person_list_ids`` runs on a worker thread
in the program; ``person_rows`` (≤ 100 ids) runs on the UI thread while painting, so it must stay
well under a frame or two.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.domain.identity import Gender  # noqa: E402
from app.domain.names import name_initials, name_pinyin  # noqa: E402
from app.services import demo_names as dn  # noqa: E402

NOW = datetime(2026, 11, 23, 10, 0)
TODAY = NOW.date()
STAMP = "2026-11-23 02:00:00.000000"
VILLAGES = dn.VILLAGE_NAMES[:20]
TAGS = ("重点人员", "信访老户", "困难群众", "退役军人")
STATES = (("closed", 80), ("concluded", 4), ("declined", 3), ("forwarded", 3), ("in_handling", 4),
          ("accepted", 2), ("registered", 2), ("replied", 1), ("evaluated", 1))
BATCH = 20_000


def _hex() -> str:
    return uuid.uuid4().hex


def _batched(con: sqlite3.Connection, sql: str, rows) -> int:  # type: ignore[no-untyped-def]
    count, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            con.executemany(sql, batch)
            count, batch = count + len(batch), []
    con.executemany(sql, batch)
    return count + len(batch)


def _person_rows(rng: random.Random, persons: int, office: str, villages: list[str],  # type: ignore[no-untyped-def]
                 out: list[str]):
    readings: dict[str, tuple[str, str]] = {}
    taken: set[str] = set()
    for i in range(persons):
        who = dn.person_name(rng)
        if who.name not in readings:
            readings[who.name] = (name_initials(who.name), name_pinyin(who.name))
        initials, pinyin = readings[who.name]
        born = dn.birth_date(rng, TODAY)
        number = dn.id_number_18("330106", born, who.gender, rng) if rng.random() < 0.75 else None
        if number in taken:
            number = None
        taken.add(number or "")
        pid = _hex()
        out.append(pid)
        created = (NOW - timedelta(minutes=persons - i)).strftime("%Y-%m-%d %H:%M:%S.000000")
        yield (who.name, initials, pinyin, (who.gender if number else rng.choice(list(Gender))).value,
               number, born.isoformat() if number else None, rng.choice(villages), who.ethnicity, office, pid,
               created, created)


def generate(db: Path, persons: int, contacts: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'content_fts%'"
                               ).fetchall():
        con.execute(f"DROP TRIGGER {name}")
    office, = con.execute("SELECT id FROM office LIMIT 1").fetchone()
    clerk, = con.execute("SELECT id FROM user_account WHERE is_system = 0 LIMIT 1").fetchone()
    villages = [r for (r,) in con.execute("SELECT id FROM village")]
    subjects = [r for (r,) in con.execute("SELECT code FROM subject WHERE parent_code IS NOT NULL")]
    started = time.perf_counter()
    con.execute("BEGIN")
    ids: list[str] = []
    _batched(con, "INSERT INTO person (name, name_initials, name_pinyin, gender, id_number, birth_date, village_id, "
                  "address, ethnicity, follow_up_officer, notes, office_id, id, created_at, updated_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, '', '', ?, ?, ?, ?)",
             _person_rows(rng, persons, office, villages, ids))
    _batched(con, "INSERT INTO person_phone (person_id, phone, position, office_id, id, created_at, updated_at) "
                  "VALUES (?, ?, 0, ?, ?, ?, ?)",
             ((pid, dn.mobile(rng), office, _hex(), STAMP, STAMP) for pid in ids if rng.random() < 0.85))
    _batched(con, "INSERT INTO person_tag (person_id, tag, office_id, id, created_at, updated_at) "
                  "VALUES (?, ?, ?, ?, ?, ?)",
             ((pid, rng.choice(TAGS), office, _hex(), STAMP, STAMP) for pid in ids if rng.random() < 0.06))
    print(f"  {persons:,} persons in {time.perf_counter() - started:.0f} s", flush=True)
    matters = _matters(con, rng, ids, office, villages, subjects, persons * 3 // 4)
    print(f"  {len(matters):,} matters in {time.perf_counter() - started:.0f} s", flush=True)
    _contacts(con, rng, ids, matters, office, clerk, contacts)
    con.execute("COMMIT")
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    con.close()


def _matters(con: sqlite3.Connection, rng: random.Random, ids: list[str], office: str, villages: list[str],
             subjects: list[str], count: int) -> list[tuple[str, str, date]]:
    states, weights = zip(*STATES)
    made = [(_hex(), rng.choice(ids), TODAY - timedelta(days=int(rng.expovariate(1 / 500)))) for _ in range(count)]
    _batched(con, "INSERT INTO matter (number, title, matter_type, subject_code, state, source, simplified, "
                  "confidential, problem_village_id, case_leader, registered_on, assigned_by, decision_reason, "
                  "referred_to, no_notice_reason, extension_reason, resolution, is_backlog, office_id, id, created_at, "
                  "updated_at) VALUES (?, '反映征地补偿问题', 'claim', ?, ?, 'contact', 0, 0, ?, '', ?, '', '', '', '', "
                  "'', 'unresolved', 0, ?, ?, ?, ?)",
             ((f"BX{i:08d}", rng.choice(subjects), rng.choices(states, weights)[0], rng.choice(villages),
               on.isoformat(), office, mid, STAMP, STAMP) for i, (mid, _p, on) in enumerate(made)))
    _batched(con, "INSERT INTO matter_petitioner (matter_id, person_id, position, office_id, id, created_at, "
                  "updated_at) VALUES (?, ?, 0, ?, ?, ?, ?)",
             ((mid, pid, office, _hex(), STAMP, STAMP) for mid, pid, _on in made))
    return made


def _contacts(con: sqlite3.Connection, rng: random.Random, ids: list[str], matters: list[tuple[str, str, date]],
              office: str, clerk: str, count: int) -> None:
    frequent, veteran = ids[1:2001], ids[0]
    links: list[tuple[str, str]] = []

    def rows():  # type: ignore[no-untyped-def]
        for i in range(count):
            if i < len(matters):  # every matter starts with a visit by its petitioner
                mid, pid, on = matters[i]
            else:
                mid, pid = None, (veteran if i % 333 == 0 else rng.choice(frequent) if rng.random() < 0.1
                                  else rng.choice(ids))
                on = TODAY - timedelta(days=int(rng.expovariate(1 / 400)))
            at = datetime.combine(on, datetime.min.time()) + timedelta(hours=8, minutes=rng.randint(0, 540))
            cid = _hex()
            links.append((cid, pid))
            yield (f"BC{i:09d}", at.isoformat(sep=" "), int(mid is None and i % 3 == 0), clerk,
                   "反映问题（基准测试数据）", mid, office, cid, STAMP, STAMP)
            if i and i % 200_000 == 0:
                print(f"  {i:,} contacts", flush=True)

    _batched(con, "INSERT INTO contact (number, channel, contact_at, headcount, is_repeat, repeat_suggested, "
                  "repeat_override_reason, receiving_clerk_id, leader_reception, leader_name, content, matter_id, "
                  "anonymous, threat, confidential, purpose, office_id, id, created_at, updated_at) "
                  "VALUES (?, 'visit', ?, 1, ?, 0, '', ?, 0, '', ?, ?, 0, 0, 0, '', ?, ?, ?, ?)", rows())
    _batched(con, "INSERT INTO contact_person (contact_id, person_id, position, office_id, id, created_at, updated_at) "
                  "VALUES (?, ?, 0, ?, ?, ?, ?)", ((c, p, office, _hex(), STAMP, STAMP) for c, p in links))


# -- measuring ------------------------------------------------------------------------------------
def timed(label: str, fn, repeat: int):  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    print(f"{label:<58} median {statistics.median(times) * 1000:8.1f} ms   max {max(times) * 1000:8.1f} ms")
    return result


def measure(data_dir: Path, repeat: int) -> None:
    from sqlalchemy import select

    from app.services.listing import unpack_ids
    from app.services.person_archive import PersonFilter, PersonSort, load_archive, person_list_ids, person_rows
    from app.services.workspace import Workspace, actor_for
    from db.models import UserAccount, Village

    ws = Workspace.open(data_dir, clock=lambda: NOW)
    with ws.database.read() as session:
        actor = actor_for(session.scalars(select(UserAccount).where(UserAccount.login == "admin")).one())
        village = session.scalars(select(Village.id).order_by(Village.name)).first()
    specs = {
        "all, by pinyin": PersonFilter(),
        "all, recent contact first": PersonFilter(sort=PersonSort.RECENT_CONTACT),
        "all, newest first": PersonFilter(sort=PersonSort.NEWEST),
        "text 'z' (initials)": PersonFilter(text="z"),
        "text 'zw' (initials)": PersonFilter(text="zw"),
        "text '张' (surname)": PersonFilter(text="张"),
        "text '张伟' (name)": PersonFilter(text="张伟"),
        "text '138' (phone prefix)": PersonFilter(text="138"),
        "text '3301061970' (ID prefix)": PersonFilter(text="3301061970"),
        "village filter": PersonFilter(village_id=village),
        "tag 重点人员": PersonFilter(tag="重点人员"),
        "village + text 'w', recent contact first": PersonFilter(text="w", village_id=village,
                                                                  sort=PersonSort.RECENT_CONTACT),
    }
    with ws.read(actor) as uow:
        run = uow.session.connection().exec_driver_sql
        counts = {t: run(f"SELECT count(*) FROM {t}").scalar() for t in ("person", "contact", "matter")}
        print("persons {person:,} · contacts {contact:,} · matters {matter:,}".format(**counts))
        print("\nperson_list_ids (worker thread)")
        packed = b""
        for label, spec in specs.items():
            found = timed(f"  {label}", lambda s=spec: person_list_ids(uow, s), repeat)
            print(f"  {'':<56} {len(found) // 16:>9,} ids")
            packed = found if spec == PersonFilter() else packed
        total = len(packed) // 16
        print("\nperson_rows, one page of 100 ids (UI thread)")
        for where, start in (("first page", 0), ("middle page", total // 2), ("last page", max(total - 100, 0))):
            ids = unpack_ids(packed, start, start + 100)
            timed(f"  {where}", lambda i=ids: person_rows(uow, i), repeat)
        rng = random.Random(7)
        pages = [unpack_ids(packed, s, s + 100) for s in (rng.randrange(0, max(total - 100, 1)) for _ in range(40))]
        page_times = []
        for ids in pages:
            started = time.perf_counter()
            person_rows(uow, ids)
            page_times.append(time.perf_counter() - started)
        page_times.sort()
        print(f"  {'40 random pages (scrolling)':<56} median {statistics.median(page_times) * 1000:8.1f} ms   "
              f"p95 {page_times[int(len(page_times) * 0.95) - 1] * 1000:8.1f} ms")
        veteran = run("SELECT person_id FROM contact_person GROUP BY person_id ORDER BY count(*) DESC LIMIT 1").scalar()
        archive = timed("\nload_archive of the busiest petitioner (worker thread)",
                        lambda: load_archive(uow, uuid.UUID(hex=veteran), ws.attachments_dir), max(2, repeat // 2))
        print(f"  {'':<56} {archive.counts.contacts:,} contacts, {len(archive.timeline):,} timeline entries")
    size = sum(p.stat().st_size for p in data_dir.glob("xinfang.db*"))
    print(f"\ndatabase {size / 1e6:.0f} MB")
    ws.close()


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import sqlalchemy

    return (f"{platform.platform()} · {cpu} · {os.cpu_count()} logical CPUs · Python {platform.python_version()} · "
            f"SQLite {sqlite3.sqlite_version} · SQLAlchemy {sqlalchemy.__version__}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path,
                        help="build the database in this new folder and keep it; later runs measure it again")
    args = parser.parse_args()
    print(machine())
    from app.services.offices import OfficeSetup, initialise
    from app.services.workspace import Workspace

    with tempfile.TemporaryDirectory(prefix="bench_persons_") as scratch:
        folder = args.keep or Path(scratch) / "data"
        if (folder / "xinfang.db").is_file():
            print(f"measuring the database already in {folder}")
        elif folder.exists() and any(folder.iterdir()):
            sys.exit(f"{folder} holds other files; give a new or empty folder")
        else:
            ws = Workspace.open(folder, clock=lambda: NOW)
            initialise(ws, OfficeSetup(name="某某县某某镇人民政府", short_name="某某镇", division_code="330106101000",
                                       admin_login="admin", admin_name="王管理", admin_password="bench1234a",
                                       villages=VILLAGES))
            ws.close()
            generate(folder / "xinfang.db", args.persons, args.contacts)
        measure(folder, args.repeat)


if __name__ == "__main__":
    main()
