"""Benchmark the leader-work reads on demo data: the leader page's one read, the screening page's
read, the leader-work figures of a year, and the 公示表 PDF.

    .venv/bin/python bench/bench_leader_work.py [--contacts 5000] [--runs 7]

Seeds leader work as docs/screenshots/shoot_leader.py does. Prints medians in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.services.demo import load_demo  # noqa: E402
from app.services.leader_desk import leader_desk  # noqa: E402
from app.services.offices import OfficeSetup, initialise  # noqa: E402
from app.services.schedule_notice import schedule_pdf  # noqa: E402
from app.services.screening import screening_view  # noqa: E402
from app.services.users import authenticate  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402
from app.statistics import periods  # noqa: E402
from app.statistics.leader_work import leader_work_figures  # noqa: E402
from docs.screenshots.shoot_leader import seed  # noqa: E402

NOW = datetime(2026, 11, 23, 10, 0)


def median_ms(ws, actor, work, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with ws.read(actor) as uow:
            work(uow)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(Path(tmp) / "data", clock=lambda: NOW)
        initialise(ws, OfficeSetup(name="某某县某某镇人民政府", short_name="某某镇", division_code="330106101000",
                                   parent_name="某某县信访局", admin_login="admin", admin_name="王管理",
                                   admin_password="abc12345"))
        started = time.perf_counter()
        load_demo(ws, ws.system_actor(), contacts=args.contacts)
        admin = authenticate(ws, "admin", "abc12345")
        seed(ws, admin)
        print(f"demo with {args.contacts} contacts and leader work: {time.perf_counter() - started:.1f} s")
        cases = {
            "leader page read (leader_desk)": leader_desk,
            "screening page read (screening_view)": screening_view,
            "leader-work figures, year 2026": lambda uow: leader_work_figures(uow, periods.year(2026)),
            "公示表 PDF, November": lambda uow: schedule_pdf(uow, date(2026, 11, 1), date(2026, 11, 30)),
        }
        for name, work in cases.items():
            print(f"{name}: {median_ms(ws, admin, work, args.runs):.1f} ms")
        ws.close()


if __name__ == "__main__":
    main()
