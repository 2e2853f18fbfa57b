"""Benchmark crash safety: 200 SIGKILLs at random moments during the program's real writes.

    .venv/bin/python bench/bench_crash.py [--kills 200] [--seed 1] [--max-writes 12] [--max-delay 0.15] [--keep DIR]

A child process registers contacts, repeat contacts and accepts matters with their notice PDFs on a real
SQLite file (WAL) and journals each write after its commit; the parent kills it with SIGKILL at a random
moment, reopens the database and checks integrity, ``xinfang check``, gap-free numbers and every
journalled write (tests/support/crash_harness.py). Goal (issue 7): lost = 0, corrupt = 0. Linux only.
"""

from __future__ import annotations

import argparse
import platform
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import crash_harness as harness  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-writes", type=int, default=12, help="most writes a child makes before its kill")
    parser.add_argument("--max-delay", type=float, default=0.15, help="longest wait after those writes (seconds)")
    parser.add_argument("--keep", type=Path, help="data folder to use and keep (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-crash-") as scratch:
        folder = args.keep or Path(scratch) / "data"
        harness.prepare(folder)
        started = time.perf_counter()

        def progress(report: harness.CrashReport) -> None:
            if report.kills % 20 == 0:
                print(f"  {report.kills} kills, {report.committed} writes, lost {len(report.lost)}, "
                      f"corrupt {len(report.corrupt)}", flush=True)

        report = harness.run_kills(folder, args.kills, seed=args.seed, max_writes=args.max_writes,
                                   max_delay=args.max_delay, on_kill=progress)
        elapsed = time.perf_counter() - started
    print(f"\nPython {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.machine()}, "
          f"{elapsed:.0f} s in all\n")
    print(report.table())
    for problem in (report.lost + report.corrupt)[:20]:
        print("  ", problem)
    return 0 if not (report.lost or report.corrupt) else 1


if __name__ == "__main__":
    raise SystemExit(main())
