"""Time the matter list, full-text search and deadline board on a big synthetic database.

    python bench/matter_search_bench.py DATA_DIR [--matters 300000] [--contacts 1000000]

DATA_DIR must hold a demo database (``xinfang demo`` or app.services.demo.load_demo): its matters,
contacts and people are the pattern the generator copies, with new numbers, dates, villages and
amounts, straight into SQLite in one transaction with the full-text triggers live. Then it times
the services the 信访事项 and 到期提醒 pages call, on the clock of 2026-11-23 10:00.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = date(2026, 11, 23)
STATES = (("closed", 80), ("concluded", 4), ("declined", 3), ("forwarded", 3), ("in_handling", 4),
          ("accepted", 2), ("registered", 2), ("replied", 1), ("evaluated", 1))


def _hex() -> str:
    return uuid.uuid4().hex


def generate(db: Path, matters: int, contacts: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    office, = con.execute("SELECT id FROM office LIMIT 1").fetchone()
    clerk, = con.execute("SELECT id FROM user_account WHERE is_system = 0 LIMIT 1").fetchone()
    villages = [r for (r,) in con.execute("SELECT id FROM village")]
    names = [r for (r,) in con.execute("SELECT name FROM person")]
    titles = [r for (r,) in con.execute("SELECT title FROM matter")]
    texts = [r for (r,) in con.execute("SELECT content FROM contact")]
    subjects = [r for (r,) in con.execute("SELECT code FROM subject WHERE parent_code IS NOT NULL")]
    states, weights = zip(*STATES)
    stamp = "2026-11-23 02:00:00.000000"
    con.execute("BEGIN")
    started = time.perf_counter()
    person_ids = []
    for i in range(matters * 2 // 3):
        pid = _hex()
        person_ids.append(pid)
        con.execute("INSERT INTO person (name, name_initials, name_pinyin, address, ethnicity, follow_up_officer, "
                    "notes, office_id, id, created_at, updated_at) VALUES (?, '', '', '', '', '', '', ?, ?, ?, ?)",
                    (rng.choice(names), office, pid, stamp, stamp))
    matter_ids = []
    for i in range(matters):
        mid, registered = _hex(), TODAY - timedelta(days=int(rng.expovariate(1 / 500)))
        state = rng.choices(states, weights)[0]
        title = rng.choice(titles).replace("问题", f"问题（{rng.randint(1, 9999)}）", 1)
        matter_ids.append((mid, registered, state))
        con.execute(
            "INSERT INTO matter (number, title, matter_type, subject_code, state, source, simplified, confidential, "
            "problem_village_id, case_leader, registered_on, assigned_by, decision_reason, referred_to, "
            "no_notice_reason, extension_reason, resolution, is_backlog, office_id, id, created_at, updated_at) "
            "VALUES (?, ?, 'claim', ?, ?, 'contact', 0, 0, ?, '', ?, '', '', '', '', '', 'unresolved', 0, ?, ?, ?, ?)",
            (f"BX{i:08d}", title, rng.choice(subjects), state, rng.choice(villages), registered.isoformat(),
             office, mid, stamp, stamp))
        con.execute("INSERT INTO matter_petitioner (matter_id, person_id, position, office_id, id, created_at, "
                    "updated_at) VALUES (?, ?, 0, ?, ?, ?, ?)", (mid, rng.choice(person_ids), office, _hex(), stamp, stamp))
        _clocks(con, rng, office, mid, registered, state, stamp)
    for i in range(contacts):
        mid, registered, _state = matter_ids[i % matters] if i < matters else rng.choice(matter_ids)
        at = datetime.combine(registered, datetime.min.time()) + timedelta(hours=9, minutes=rng.randint(0, 480))
        text = rng.choice(texts).replace("信访人", rng.choice(names), 1) + f"（编号{rng.randint(1, 99999)}）"
        con.execute(
            "INSERT INTO contact (number, channel, contact_at, headcount, is_repeat, repeat_suggested, "
            "repeat_override_reason, receiving_clerk_id, leader_reception, leader_name, content, matter_id, "
            "anonymous, threat, confidential, purpose, office_id, id, created_at, updated_at) "
            "VALUES (?, 'visit', ?, 1, ?, 0, '', ?, 0, '', ?, ?, 0, 0, 0, '', ?, ?, ?, ?)",
            (f"BC{i:09d}", at.isoformat(sep=" "), int(i >= matters), clerk, text, mid, office, _hex(), stamp, stamp))
        if i and i % 100_000 == 0:
            print(f"  {i:,} contacts, {time.perf_counter() - started:.0f} s", flush=True)
    con.execute("COMMIT")
    print(f"generated {matters:,} matters and {contacts:,} contacts in {time.perf_counter() - started:.0f} s")
    con.close()


def _clocks(con: sqlite3.Connection, rng: random.Random, office: str, mid: str, registered: date, state: str,
            stamp: str) -> None:
    decided = None if state == "registered" else registered + timedelta(days=rng.randint(0, 14))
    rows = [("decision", registered, 15, registered + timedelta(days=15), decided)]
    if state in ("closed", "in_handling", "accepted", "replied", "evaluated", "concluded"):
        replied = None if state in ("in_handling", "accepted") else decided + timedelta(days=rng.randint(5, 60))
        rows.append(("handling", decided, 60, decided + timedelta(days=60), replied))
    for clock, start, days, due, met in rows:
        con.execute("INSERT INTO matter_deadline (matter_id, clock, starts_on, days, unit, due_on, met_on, office_id, "
                    "id, created_at, updated_at) VALUES (?, ?, ?, ?, 'calendar', ?, ?, ?, ?, ?, ?)",
                    (mid, clock, start.isoformat(), days, due.isoformat(), met.isoformat() if met else None,
                     office, _hex(), stamp, stamp))


def _timed(label: str, fn, repeat: int = 3):  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    print(f"{label:<52} {best * 1000:9.1f} ms")
    return result


def measure(data_dir: Path) -> None:
    from app.services import content_search as cs, deadline_board, matter_list as ml
    from app.services.listing import unpack_ids
    from app.services.workspace import Workspace

    ws = Workspace.open(data_dir, clock=lambda: datetime(2026, 11, 23, 10, 0))
    actor = ws.system_actor()
    with ws.read(actor) as uow:
        run = uow.session.connection().exec_driver_sql
        print("matters", run("SELECT count(*) FROM matter").scalar(), "contacts",
              run("SELECT count(*) FROM contact").scalar())
        for words in ("补偿款", "拖欠工资", "违法占用耕地", "宏达化工", "补偿款 发放", "补偿", "工资", "拆", "某某"):
            _timed(f"search_matter_ids {words!r} ({'scan' if cs.needs_scan(uow.session, words) else 'index'})",
                   lambda w=words: len(cs.search_matter_ids(uow, w)), repeat=2)
            hits = len(cs.search_matter_ids(uow, words))
            print(f"{'':<52} {hits:>9,} matters")
        for spec in (ml.MatterFilter(), ml.MatterFilter(sort=ml.MatterSort.DEADLINE),
                     ml.MatterFilter(open_only=True), ml.MatterFilter(due=ml.DueFilter.OVERDUE),
                     ml.MatterFilter(text="补偿款"), ml.MatterFilter(text="补偿"), ml.MatterFilter(backlog=True)):
            packed = _timed(f"matter_list_ids {_brief(spec)}", lambda s=spec: ml.matter_list_ids(uow, s), repeat=2)
            print(f"{'':<52} {len(packed) // 16:>9,} ids")
        for spec in (ml.MatterFilter(), ml.MatterFilter(open_only=True), ml.MatterFilter(text="宏达化工")):
            _timed(f"matter_list_ids first 200, {_brief(spec)}", lambda s=spec: ml.matter_list_ids(uow, s, limit=200))
        packed = ml.matter_list_ids(uow, ml.MatterFilter())
        for page in (0, len(packed) // 32 // 100):
            ids = unpack_ids(packed, page * 100, page * 100 + 100)
            _timed(f"matter_rows page {page}", lambda i=ids: ml.matter_rows(uow, i))
        _timed("needs_attention", lambda: deadline_board.needs_attention(uow))
        board = _timed("load_board", lambda: deadline_board.load_board(uow), repeat=2)
        print(f"{'':<52} {len(board.entries):>9,} entries")
    size = sum(p.stat().st_size for p in data_dir.glob("xinfang.db*"))
    print(f"database {size / 1e6:.0f} MB")
    ws.close()


def _brief(spec: object) -> str:
    from app.services.matter_list import MatterFilter

    default = MatterFilter()
    return ", ".join(f"{k}={v!r}" for k, v in vars(spec).items() if getattr(default, k) != v) or "(all)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--matters", type=int, default=300_000)
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--measure-only", action="store_true")
    args = parser.parse_args()
    if not args.measure_only:
        generate(args.data_dir / "xinfang.db", args.matters, args.contacts)
    measure(args.data_dir)


if __name__ == "__main__":
    main()
