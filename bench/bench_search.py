"""Benchmark: person search as you type, and full-text search in content, on a big database.

    .venv/bin/python bench/bench_search.py [DATA_DIR] [--queries 60] [--seed 1] [--no-fulltext]

DATA_DIR is a data folder made by bench/generate.py (default /tmp/bench1m). Queries are drawn from the
database itself (seeded), per kind:

* person search through ``app.services.person_search.find_persons`` — one read unit of work per
  keystroke, as the desk's person picker does — by name (first 1, 2, 3 characters), ID number prefix
  (6, 10, 14 digits), phone prefix (3, 7, 11 digits), pinyin initials (2, 3 letters) and full-pinyin
  prefix (5 letters). Goal (issue 9): p50 and p95 ≤ 50 ms.
* full-text search in content through ``app.services.content_search.search_matter_ids`` (every matching
  matter) and ``app.services.matter_list.matter_list_ids(..., limit=100)`` (the first screenful the
  信访事项 list shows): words of 3–4 characters (trigram index), and of 1–2 characters (a scan) apart.
  Goal: p95 ≤ 200 ms for indexed words.

Every query runs once to warm the caches, then once timed. Floors, in plain ``sqlite3`` on the same
file: for person search the index range scans ``find_persons`` starts with (its candidate queries, the
ones with LIMIT, captured from the service with their parameters); for indexed full-text words the
FTS5 MATCH alone; for 1–2 character words the LIKE scan of contact content and matter titles. "raw SQL"
replays every statement the service sent, in plain sqlite3: the gap to the service is Python/ORM time.
Prints a Markdown table, the machine, and EXPLAIN QUERY PLAN of the statements of one query per kind.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from app.services import content_search  # noqa: E402
from app.services.matter_list import MatterFilter, matter_list_ids  # noqa: E402
from app.services.person_search import find_persons  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402

PERSON_GOAL_MS = 50
FULLTEXT_GOAL_MS = 200
HAN = re.compile(r"^[\u4e00-\u9fff]+$")


@dataclass
class Result:
    kind: str
    goal: str
    times: list[float] = field(default_factory=list)  # service, ms
    floor: list[float] = field(default_factory=list)  # index floor, ms
    raw: list[float] = field(default_factory=list)  # every statement replayed raw, ms
    hits: list[int] = field(default_factory=list)
    example: str = ""
    plans: list[tuple[str, list[str]]] = field(default_factory=list)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class Capture:
    """Statements (with their DB-API parameters) an engine sends while ``on``."""

    def __init__(self, engine: Any) -> None:
        self.on = False
        self.statements: list[tuple[str, Any]] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
              _executemany: bool) -> None:
        if self.on and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            self.statements.append((statement, parameters))

    def run(self, fn: Callable[[], Any]) -> tuple[Any, list[tuple[str, Any]]]:
        self.statements, self.on = [], True
        try:
            return fn(), self.statements
        finally:
            self.on = False


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return (time.perf_counter() - start) * 1000, value


def replay(con: sqlite3.Connection, statements: list[tuple[str, Any]]) -> float:
    start = time.perf_counter()
    for sql, params in statements:
        con.execute(sql, params).fetchall()
    return (time.perf_counter() - start) * 1000


def plan_of(con: sqlite3.Connection, sql: str, params: Any) -> list[str]:
    return [row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql, params)]


# --- queries -----------------------------------------------------------------------------------

def person_queries(con: sqlite3.Connection, rng: random.Random, n: int) -> dict[str, list[str]]:
    top = con.execute("SELECT max(rowid) FROM person").fetchone()[0]
    people = []
    while len(people) < n * 6:
        row = con.execute("SELECT name, name_initials, name_pinyin, id_number FROM person WHERE rowid = ?",
                          (rng.randint(1, top),)).fetchone()
        if row:
            people.append(row)
    top = con.execute("SELECT max(rowid) FROM person_phone").fetchone()[0]
    phones = []
    while len(phones) < n * 3:
        row = con.execute("SELECT phone FROM person_phone WHERE rowid = ?", (rng.randint(1, top),)).fetchone()
        if row and len(row[0]) == 11:
            phones.append(row[0])

    def take(values: list[str]) -> list[str]:
        return values[:n]

    with_id = [p for p in people if p[3]]
    return {
        "name, 1 char": take([p[0][:1] for p in people]),
        "name, 2 chars": take([p[0][:2] for p in people if len(p[0]) >= 2]),
        "name, 3 chars": take([p[0][:3] for p in people if len(p[0]) >= 3]),
        "ID prefix, 6 digits": take([p[3][:6] for p in with_id]),
        "ID prefix, 10 digits": take([p[3][:10] for p in with_id]),
        "ID prefix, 14 digits": take([p[3][:14] for p in with_id]),
        "phone prefix, 3 digits": take([x[:3] for x in phones]),
        "phone prefix, 7 digits": take([x[:7] for x in phones]),
        "phone, 11 digits": take(phones),
        "pinyin initials, 2 letters": take([p[1][:2] for p in people if len(p[1]) >= 2]),
        "pinyin initials, 3 letters": take([p[1][:3] for p in people if len(p[1]) >= 3]),
        "full pinyin prefix, 5 letters": take([p[2][:5] for p in people if len(p[2]) >= 5]),
    }


def text_queries(con: sqlite3.Connection, rng: random.Random, n: int) -> dict[str, list[str]]:
    """Words as clerks type them: substrings of stored contents, Chinese characters only."""
    top = con.execute("SELECT max(rowid) FROM contact").fetchone()[0]
    words: dict[int, list[str]] = {1: [], 2: [], 3: [], 4: []}
    while min(len(v) for v in words.values()) < n:
        row = con.execute("SELECT content FROM contact WHERE rowid = ?", (rng.randint(1, top),)).fetchone()
        if not row:
            continue
        text = row[0]
        size = rng.choice([k for k, v in words.items() if len(v) < n])
        at = rng.randrange(max(1, len(text) - size))
        word = text[at:at + size]
        if len(word) == size and HAN.match(word) and word not in words[size]:
            words[size].append(word)
    half = n // 2
    return {
        "full text, 3–4 chars (index)": words[3][:half] + words[4][:n - half],
        "full text, 1–2 chars (scan)": words[1][:half] + words[2][:n - half],
    }


# --- runs ----------------------------------------------------------------------------------------

def bench_persons(ws: Workspace, capture: Capture, raw: sqlite3.Connection,
                  queries: dict[str, list[str]], log: Callable[[str], None]) -> list[Result]:
    actor = ws.system_actor()

    def search(text: str) -> list[Any]:
        with ws.read(actor) as uow:
            return find_persons(uow, text)

    results = []
    for kind, texts in queries.items():
        for text in texts:  # warm-up
            search(text)
        r = Result(kind, f"≤ {PERSON_GOAL_MS} ms", example=texts[0])
        for text in texts:
            ms, hits = timed(lambda t=text: search(t))
            r.times.append(ms)
            r.hits.append(len(hits))
        for text in texts:
            _, statements = capture.run(lambda t=text: search(t))
            candidates = [s for s in statements if " LIMIT " in s[0]]
            replay(raw, candidates)  # warm
            r.floor.append(replay(raw, candidates))
            r.raw.append(replay(raw, statements))
            if text == texts[0]:
                r.plans = [(sql, plan_of(raw, sql, params)) for sql, params in statements]
        log(f"{kind}: p50 {pct(r.times, .5):.1f} ms, p95 {pct(r.times, .95):.1f} ms")
        results.append(r)
    return results


def bench_fulltext(ws: Workspace, capture: Capture, raw: sqlite3.Connection,
                   queries: dict[str, list[str]], log: Callable[[str], None]) -> list[Result]:
    actor = ws.system_actor()
    results = []
    for kind, words in queries.items():
        indexed = "index" in kind
        goal = f"p95 ≤ {FULLTEXT_GOAL_MS} ms" if indexed else "(scan; off the UI thread)"
        for label, run in (
            ("search_matter_ids", lambda uow, w: len(content_search.search_matter_ids(uow, w))),
            ("matter_list_ids, first 100", lambda uow, w: len(matter_list_ids(uow, MatterFilter(text=w), limit=100)) // 16),
        ):
            def call(w: str, run: Any = run) -> int:
                with ws.read(actor) as uow:
                    return run(uow, w)

            for w in words:  # warm-up
                call(w)
            r = Result(f"{kind}: {label}", goal, example=words[0])
            for w in words:
                ms, hits = timed(lambda w=w: call(w))
                r.times.append(ms)
                r.hits.append(hits)
            for w in words:
                _, statements = capture.run(lambda w=w: call(w))
                if indexed:
                    floor = [("SELECT rowid FROM content_fts WHERE content_fts MATCH ?", (content_search.fts_phrase([w]),))]
                else:
                    like = f"%{w}%"
                    floor = [("SELECT matter_id FROM contact WHERE content LIKE ?", (like,)),
                             ("SELECT id FROM matter WHERE title LIKE ?", (like,))]
                r.floor.append(replay(raw, floor))
                r.raw.append(replay(raw, statements))
                if w == words[0]:
                    r.plans = [(sql, plan_of(raw, sql, params)) for sql, params in statements]
            log(f"{r.kind}: p50 {pct(r.times, .5):.1f} ms, p95 {pct(r.times, .95):.1f} ms")
            results.append(r)
    return results


# --- report -------------------------------------------------------------------------------------

def machine(db: Path) -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        ram = f"{mem / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        ram = "?"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("person", "contact", "matter")}
    con.close()
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    return [
        f"- machine: {os.cpu_count()} CPUs ({cpu}), RAM {ram}, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        f"- database: {db} ({size / 1e9:.2f} GB): {counts['person']:,} persons, {counts['contact']:,} "
        f"contacts, {counts['matter']:,} matters",
    ]


def table(results: list[Result]) -> list[str]:
    lines = ["| query | n | hits (median) | p50 ms | p95 ms | goal | floor p50 ms | p50 / floor | raw SQL p50 ms |",
             "|---|---:|---:|---:|---:|---|---:|---:|---:|"]
    for r in results:
        floor = pct(r.floor, .5)
        ratio = pct(r.times, .5) / floor if floor > 0 else float("inf")
        lines.append(f"| {r.kind} (e.g. `{r.example}`) | {len(r.times)} | {statistics.median(r.hits):g} | "
                     f"{pct(r.times, .5):.1f} | {pct(r.times, .95):.1f} | {r.goal} | {floor:.2f} | "
                     f"{ratio:.0f}× | {pct(r.raw, .5):.1f} |")
    return lines


def plans(results: list[Result]) -> list[str]:
    lines = []
    for r in results:
        lines.append(f"\n{r.kind} — `{r.example}`:")
        for sql, plan in r.plans:
            brief = " ".join(sql.split())
            lines.append(f"  {brief[:160]}{'…' if len(brief) > 160 else ''}")
            lines.extend(f"      {step}" for step in plan)
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description="person search and full-text search benchmark")
    parser.add_argument("data_dir", type=Path, nargs="?", default=Path("/tmp/bench1m"))
    parser.add_argument("--queries", type=int, default=60, help="queries per kind (default 60)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-fulltext", action="store_true")
    parser.add_argument("--plans", action="store_true", help="print EXPLAIN QUERY PLAN of each kind")
    args = parser.parse_args()
    db = args.data_dir / "xinfang.db"
    if not db.is_file():
        parser.error(f"{db} not found: make it with bench/generate.py")
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)

    load_before = os.getloadavg()
    rng = random.Random(args.seed)
    raw = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    ws = Workspace.open(args.data_dir)
    capture = Capture(ws.database.engine)
    try:
        results = bench_persons(ws, capture, raw, person_queries(raw, rng, args.queries), log)
        if not args.no_fulltext:
            results += bench_fulltext(ws, capture, raw, text_queries(raw, rng, args.queries), log)
    finally:
        ws.close()
        raw.close()
    load_after = os.getloadavg()
    print("\n".join(machine(db)))
    print(f"- load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f} "
          f"(over {os.cpu_count()} CPUs; other work on the machine slows every figure)")
    print(f"- {time.strftime('%Y-%m-%d %H:%M')}, bench/bench_search.py --queries {args.queries} --seed {args.seed}\n")
    print("\n".join(table(results)))
    if args.plans:
        print("\nEXPLAIN QUERY PLAN (one query per kind):")
        print("\n".join(plans(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
