"""Benchmark: each statement of one period's figures on its own, wall and CPU time, with its plan.

Run by hand against a data folder or database file (it is opened as is; nothing is written
unless the folder needs migrating)::

    .venv/bin/python bench/bench_report_statements.py --db /path/to/xinfang.db --year 2025 --runs 3

The report builds these statements for the period, 同比 and 环比 and runs them on parallel read
connections (compute.py); this script runs one period's statements one after another on one
connection, so each CPU time is that statement's own. ``--live`` times the statements that group
every contact live (what the day tables replace) instead.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.services.workspace import Workspace  # noqa: E402
from app.statistics import counts, periods, rates  # noqa: E402
from app.statistics.compute import tuned_for_scans  # noqa: E402
from app.statistics.filters import ContactFilter, offices_of, rate_settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--month", type=int, help="a month of --year instead of the whole year")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--plans", action="store_true", help="print each statement's query plan")
    parser.add_argument("--live", action="store_true", help="group every contact live, not from the day tables")
    args = parser.parse_args()
    path = Path(args.db)
    folder = path if path.is_dir() else path.parent
    url = None if path.is_dir() else f"sqlite:///{path}"
    ws = Workspace.open(folder, url, clock=lambda: datetime(2026, 11, 23, 10, 0))
    period = periods.month(args.year, args.month) if args.month else periods.year(args.year)
    with ws.read(ws.system_actor()) as uow, tuned_for_scans(uow.session):
        offices = offices_of(uow, ())
        window = periods.Window.at(period, uow.now(), None)
        plan = counts.statements(uow, ContactFilter.for_window(window, offices), day_tables=not args.live)
        plan["rates"] = rates.all_rates(window, offices, rate_settings(uow))
        print(f"{period}; load average {os.getloadavg()[0]:.2f}")
        for key, stmt in plan.items():
            if args.plans:
                compiled = stmt.compile(uow.session.get_bind(), compile_kwargs={"literal_binds": True})
                for row in uow.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"):
                    print("   ", row[-1])
            walls, cpus = [], []
            for _ in range(args.runs):
                wall, cpu = time.perf_counter(), time.process_time()
                uow.session.execute(stmt).all()
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
            print(f"{key:15} wall {statistics.median(walls):6.3f} s   cpu {statistics.median(cpus):6.3f} s")
    ws.close()


if __name__ == "__main__":
    main()
