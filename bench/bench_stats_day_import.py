"""Benchmark: what the day tables' statement triggers (revision stats_day) add to a county's sync import.

Run by hand (needs the PostgreSQL binaries the tests use)::

    .venv/bin/python bench/bench_stats_day_import.py --townships 4 --rows-per-township 30000

Fills the townships (bench_sync.fill: their own day-table triggers off during the fill), then imports
their packages into one county on PostgreSQL, alternately with the triggers off and on (so both
halves meet a similarly filled county), and prints each import's wall time and the PostgreSQL
server's CPU time. With the triggers back on, the day tables are checked against a fresh grouping.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import text  # noqa: E402

from app.domain.enums import OfficeLevel  # noqa: E402
from app.sync.importing import import_package  # noqa: E402
from bench_sync import COUNTY_CODE, office, server_cpu, timed, township_packages  # noqa: E402
from db import stats_day  # noqa: E402

TABLES = ("SELECT count(*), sum(batches), sum(person_visits) FROM stats_day_class",
          "SELECT dimension, count(*), sum(batches), sum(person_visits) FROM stats_day_key GROUP BY 1 ORDER BY 1")


def snapshot(connection) -> list[object]:  # type: ignore[no-untyped-def]
    return [connection.execute(text(q)).all() for q in TABLES]


def run(work: Path, url: str, townships: int, rows_each: int) -> None:
    county = office(work / "county", "某某县信访局", COUNTY_CODE, OfficeLevel.COUNTY, url)
    packages = township_packages(county, work, townships, rows_each)
    actor = county.system_actor()
    for n, (path, rows) in enumerate(packages):
        on = n % 2 == 1
        with county.database.engine.begin() as connection:
            stats_day.drop_triggers(connection)
            if on:
                stats_day.rebuild_all(connection)
                stats_day.install_triggers(connection)
        before = server_cpu(county)
        report, seconds, cpu = timed(import_package, county, actor, path)
        server = server_cpu(county) - before if before is not None else float("nan")
        assert report.status == "imported", report
        print(f"| {rows:,} rows, triggers {'on ' if on else 'off'} | {seconds:.1f} s | {cpu:.1f} s | {server:.1f} s | "
              f"{os.getloadavg()[0]:.1f} |", flush=True)
    with county.database.engine.begin() as connection:
        stats_day.drop_triggers(connection)
        stats_day.install_triggers(connection)
        kept = snapshot(connection)
        stats_day.rebuild_all(connection)
        assert snapshot(connection) == kept, "the day tables differ from a fresh grouping"
    county.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--townships", type=int, default=4)
    parser.add_argument("--rows-per-township", type=int, default=30_000)
    args = parser.parse_args()
    print("| import | wall | program CPU | PostgreSQL CPU | load |")
    print("|---|---|---|---|---|")
    from tests.support.postgres import PostgresServer

    with tempfile.TemporaryDirectory(prefix="bench-stats-day-") as tmp, PostgresServer() as server:
        run(Path(tmp), server.create_database("bench_stats_day"), args.townships, args.rows_per_township)


if __name__ == "__main__":
    main()
