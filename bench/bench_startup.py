"""Cold start, run by hand: a bare PySide6 floor, the login window and the main window, in one run.

    .venv/bin/python bench/bench_startup.py --data-dir DIR [--login admin --password abc12345] [--runs 7]

Every figure is a whole new process, from spawn to exit, that leaves right after its window's first
paint once the event loop is idle (the program's own ``--quit-when-ready``; the floor and the
main-window probe do the same with their own event filter), so interpreter start, imports and
teardown are all counted. The operating system's file cache is warm after the first run ("cold"
means a new process, not a new boot). Runs are interleaved (floor, login, main, floor, ...) so a load
change on the shared machine hits all three alike. Peak resident memory is each child's own
``ru_maxrss``.

- floor: ``python -c`` showing one QTableView over a 100 × 8 model;
- login shown: ``python -m ui.entry --data-dir COPY --quit-when-ready`` (the product, unchanged): the
  login window painted, before the database layer is imported;
- login usable: ``--quit-when-ready=usable``: also the workspace opened on its worker thread (schema
  checked, SQLAlchemy and the password check's modules imported), 登录 enabled;
- login window, built program (``--frozen``): the first of these from the PyInstaller build;
- main window: the product's own start (``ui.entry.main`` with ``--quit-when-ready=main``) with a probe
  that types --login/--password into the login window the moment it shows (Enter before the database
  is open is queued, as for a clerk), until the main window is painted and idle; the first page's
  lists, loaded in the background, are waited for at exit as in any run. No backups in that mode.

Children run with bytecode caching on (PYTHONDONTWRITEBYTECODE removed), as an installed program has
its .pyc files: the warm-up run writes them.

The data folder is copied first (logging in writes an audit row); ``--source`` picks the source tree
to measure (default: this checkout), e.g. another branch's worktree on the same database.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO = 1.5  # issue 9: login and main window within 1.5x of the floor

QUIT_ON_PAINT = """
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

class QuitOnPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, QApplication.quit)
        return False
"""

FLOOR = QUIT_ON_PAINT + """
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QTableView
app = QApplication(["floor"])
model = QStandardItemModel(100, 8)
view = QTableView()
view.setModel(model)
view.resize(1000, 700)
spy = QuitOnPaint(view)
view.installEventFilter(spy)
view.show()
app.exec()
"""

MAIN_WINDOW = """
import sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
app = QApplication(["xinfang"])
from ui.login import LoginDialog

class Typist(QObject):  # a clerk who types at once: Enter before the database is open is queued
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Show and isinstance(watched, LoginDialog):
            watched.login.setText(sys.argv[2])
            watched.password.setText(sys.argv[3])
            watched.try_login()
        return False

typist = Typist()
app.installEventFilter(typist)
from ui.entry import main
sys.exit(main(["--data-dir", sys.argv[1], "--quit-when-ready=main"]))
"""


Sample = tuple[float, float, float]  # wall seconds, CPU seconds (user + system), peak RSS in MB


def run_child(args: list[str], env: dict[str, str]) -> Sample:
    """Wall seconds from spawn to exit, the child's CPU seconds (less sensitive than wall time to
    the other processes on a shared machine), and its peak resident memory in MB."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, cwd=env["PYTHONPATH"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{args[1:3]} exited {process.returncode}: {process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}, load {load}"


def describe_folder(folder: Path) -> str:
    db = folder / "xinfang.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        contacts = connection.execute("SELECT count(*) FROM contact").fetchone()[0]
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    return f"{db.stat().st_size / 2**20:,.0f} MB, {contacts:,} contacts, schema {revision}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="an initialised data folder (copied)")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="abc12345")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--source", type=Path, default=ROOT, help="source tree to measure")
    parser.add_argument("--work", type=Path, help="where to put the copy (default: a temporary folder)")
    parser.add_argument("--frozen", type=Path,
                        help="also time this built program's login window, e.g. dist/xinfang-desk/xinfang-desk")
    args = parser.parse_args()

    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               PYTHONPATH=str(args.source.resolve()))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    work = Path(tempfile.mkdtemp(prefix="bench-startup-", dir=args.work))
    folder = work / "data"
    try:
        started = time.perf_counter()
        shutil.copytree(args.data_dir, folder)
        print(f"copied {args.data_dir} in {time.perf_counter() - started:.0f} s: {describe_folder(folder)}",
              file=sys.stderr)
        commands = {
            "floor: bare PySide6 window with a table": [sys.executable, "-c", FLOOR],
            "login window shown (xinfang --quit-when-ready)":
                [sys.executable, "-m", "ui.entry", "--data-dir", str(folder), "--quit-when-ready"],
            "login window usable (--quit-when-ready=usable)":
                [sys.executable, "-m", "ui.entry", "--data-dir", str(folder), "--quit-when-ready=usable"],
            "main window (logged in, --quit-when-ready=main)":
                [sys.executable, "-c", MAIN_WINDOW, str(folder), args.login, args.password],
        }
        if args.frozen:
            commands["login window, built program"] = [
                str(args.frozen.resolve()), "--data-dir", str(folder), "--quit-when-ready"]
        for command in commands.values():  # warm the file cache and migrate the copy if it is older
            run_child(command, env)
        samples: dict[str, list[Sample]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                samples[name].append(run_child(command, env))
        report(samples, args, describe_folder(folder))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def report(samples: dict[str, list[Sample]], args: argparse.Namespace, data: str) -> None:
    floor_wall, floor_cpu = (statistics.median(s[i] for s in next(iter(samples.values()))) for i in (0, 1))
    print(f"\nmachine: {machine()}\nsource: {args.source.resolve()}\ndata: {data}; {args.runs} runs each\n")
    print("| what | wall median (min – max) | × floor | CPU median | × floor | peak RSS |")
    print("|---|---|---|---|---|---|")
    for index, (name, values) in enumerate(samples.items()):
        wall, cpu, rss = (statistics.median(s[i] for s in values) for i in range(3))
        walls = [s[0] for s in values]
        ratios = ("—", "—") if index == 0 else (f"{wall / floor_wall:.2f}", f"{cpu / floor_cpu:.2f}")
        print(f"| {name} | {wall * 1000:.0f} ms ({min(walls) * 1000:.0f} – {max(walls) * 1000:.0f})"
              f" | {ratios[0]} | {cpu * 1000:.0f} ms | {ratios[1]} | {rss:.0f} MB |")
    print(f"\ngoal: login and main window within {GOAL_RATIO}× the floor")


if __name__ == "__main__":
    sys.exit(main())
