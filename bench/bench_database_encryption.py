"""Benchmark: the cost of the SQLCipher database file (docs/security-at-rest.md).

Run by hand on a copy of a plain, initialised data folder (the folder given is never changed)::

    .venv/bin/python bench/bench_database_encryption.py /path/to/plain-data-folder --admin admin

(the administrator's password from XINFANG_PASSWORD or the terminal). It copies the folder twice,
encrypts one copy the way the program does (``encrypt_database``: export, check, swap), then runs the
same reads on both — a monthly report for two months and person searches (prefix of a name, pinyin
initials, ID-number prefix) — alternately, and prints CPU and wall medians with the load average.
"""

from __future__ import annotations

import argparse
import getpass
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.services import data_keys  # noqa: E402
from app.services.database_encryption import encrypt_database  # noqa: E402
from app.services.person_search import find_persons  # noqa: E402
from app.services.users import authenticate  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402
from app.statistics import build_report  # noqa: E402
from app.statistics.periods import month  # noqa: E402

ROUNDS = 5
SEARCHES = ("张", "zs", "1101", "王")


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    return time.process_time() - cpu, time.perf_counter() - wall


def _reads(ws: Workspace) -> dict[str, tuple[float, float]]:
    actor = ws.system_actor()

    def reports() -> None:
        with ws.read(actor) as uow:
            build_report(uow, month(2026, 10))
            build_report(uow, month(2025, 6))

    def searches() -> None:
        for text in SEARCHES:
            with ws.read(actor) as uow:
                find_persons(uow, text)

    return {"2 monthly reports": _timed(reports), f"{len(SEARCHES)} person searches": _timed(searches)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--admin", required=True)
    args = parser.parse_args()
    password = os.environ.get("XINFANG_PASSWORD") or getpass.getpass("管理员密码：")
    with tempfile.TemporaryDirectory(prefix="bench-cipher-") as tmp:
        plain, encrypted = Path(tmp) / "plain", Path(tmp) / "encrypted"
        for copy in (plain, encrypted):
            shutil.copytree(args.folder, copy, ignore=shutil.ignore_patterns("backups"))
        ws = Workspace.open(encrypted)
        admin = authenticate(ws, args.admin, password)
        if data_keys.public_key_of(ws) is None:
            data_keys.enable(ws, admin, password)
        size = (encrypted / "xinfang.db").stat().st_size
        cpu, wall = _timed(lambda: encrypt_database(ws, admin, password))
        ws.close()
        print(f"encrypt_database of a {size / 2**20:.0f} MB file: cpu {cpu:.2f} s, wall {wall:.2f} s")
        samples: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(ROUNDS):  # alternately, so both see the same load and page cache
            for label, folder in (("plain", plain), ("SQLCipher", encrypted)):
                ws = Workspace.open(folder)
                try:
                    for name, timing in _reads(ws).items():
                        samples.setdefault((label, name), []).append(timing)
                finally:
                    ws.close()
        for (label, name), timings in samples.items():
            print(f"{label:9} {name}: cpu median {statistics.median(t[0] for t in timings):.3f} s, "
                  f"wall median {statistics.median(t[1] for t in timings):.3f} s")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
