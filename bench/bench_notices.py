"""Benchmark notices: issue one with fonts warm, the first one in a fresh process, PDF size per page.

    .venv/bin/python bench/bench_notices.py [--runs 15] [--fresh-runs 5]

Goals (issue 4): warm ≤ 150 ms, first after start ≤ 1.5 s, ≤ 300 KB per page. Prints medians.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FRESH = r"""
import sys, time
started = time.perf_counter()
sys.path.insert(0, {root!r})
import uuid
from datetime import datetime
from sqlalchemy import select
from app.domain.enums import DocumentKind
from app.services.workspace import Workspace, actor_for
from db.models import UserAccount
ws = Workspace.open({folder!r}, clock=lambda: datetime(2026, 11, 23, 10, 0))
with ws.database.read() as session:
    admin = actor_for(session.scalars(select(UserAccount).where(UserAccount.login == "admin")).one())
opened = time.perf_counter()
from app.services import notices
with ws.write(admin) as uow:
    issued = notices.issue_notice(uow, ws, DocumentKind.ACCEPTANCE, uuid.UUID({matter!r}))
assert not issued.reissued
print(opened - started, time.perf_counter() - opened)
"""


def _prepare(folder: Path, count: int) -> list[str]:
    """A workspace with ``count`` matters accepted without a notice, ready to issue one each."""
    from app.services import matter_steps as st, matters
    from app.services.workspace import Workspace
    from tests.conftest import Clock, _actor, _build_template
    from tests.notices import builders

    _build_template(folder)
    ws = Workspace.open(folder, clock=Clock())
    admin = _actor(ws, "admin")
    ids = []
    for i in range(count):
        matter_id = builders.register(ws, admin, name="测试" + "甲乙丙丁戊己庚辛壬癸"[i % 10],
                                      sequence=i).matter_id
        with ws.write(admin) as uow:
            matters.perform(uow, matter_id, st.Accept(on=date(2026, 8, 5), issue_notice=False,
                                                      no_notice_reason="基准测试"))
        ids.append(str(matter_id))
    ws.close()
    return ids


def warm(folder: Path, ids: list[str]) -> list[float]:
    import uuid

    from app.domain.enums import DocumentKind
    from app.services import notices
    from app.services.workspace import Workspace
    from tests.conftest import Clock, _actor

    ws = Workspace.open(folder, clock=Clock())
    admin = _actor(ws, "admin")
    times = []
    for matter_id in ids:
        started = time.perf_counter()
        with ws.write(admin) as uow:
            notices.issue_notice(uow, ws, DocumentKind.ACCEPTANCE, uuid.UUID(matter_id))
        times.append(time.perf_counter() - started)
    ws.close()
    return times[1:]  # the first one loads the fonts


def fresh(folder: Path, ids: list[str]) -> tuple[list[float], list[float], list[float]]:
    """Per new process: opening the workspace, then its first notice, and the whole wall time."""
    opening, first, wall = [], [], []
    for matter_id in ids:
        started = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", FRESH.format(root=str(ROOT), folder=str(folder),
                                                                 matter=matter_id)],
                             capture_output=True, text=True, check=True).stdout
        wall.append(time.perf_counter() - started)
        a, b = out.strip().splitlines()[-1].split()
        opening.append(float(a))
        first.append(float(b))
    return opening, first, wall


def sizes() -> dict[str, float]:
    """KB per page of every kind, from the documentation samples."""
    from app.services.notice_archive import pdf_pages
    from app.services.workspace import Workspace
    from docs.notices.make_images import samples
    from tests.conftest import Clock, _build_template

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        _build_template(folder)
        ws = Workspace.open(folder, clock=Clock())
        try:
            return {kind: len(pdf) / 1024 / pdf_pages(pdf) for kind, pdf in samples(ws).items()}
        finally:
            ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--fresh-runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        ids = _prepare(folder, args.runs + 1 + args.fresh_runs)
        opening, first, wall = fresh(folder, ids[:args.fresh_runs])
        times = warm(folder, ids[args.fresh_runs:])
    ms = [t * 1000 for t in times]
    print(f"issue one notice, fonts warm:   median {statistics.median(ms):6.1f} ms "
          f"(min {min(ms):.1f}, max {max(ms):.1f}, n={len(ms)})   goal ≤ 150 ms")
    print(f"first notice in a new process:  median {statistics.median(first):6.2f} s after the workspace "
          f"is open (n={len(first)})   goal ≤ 1.5 s")
    print(f"  (imports + opening the workspace {statistics.median(opening):.2f} s; whole process incl. "
          f"interpreter start {statistics.median(wall):.2f} s)")
    per_page = sizes()
    for kind, kb in sorted(per_page.items()):
        print(f"  {kind:20s} {kb:6.1f} KB/page")
    print(f"PDF size per page:              median {statistics.median(per_page.values()):6.1f} KB, "
          f"max {max(per_page.values()):.1f} KB   goal ≤ 300 KB")


if __name__ == "__main__":
    main()
