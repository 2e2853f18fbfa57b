"""Build the one-folder program into dist/xinfang-desk/, the same way on Linux and on Windows.

    python build_scripts/build.py              # Linux (Python 3.11+)
    py -3.11 build_scripts\\build.py            # Windows (64-bit Python 3.11)

1. creates or refreshes the build venv ``.venv-build`` (requirements.lock + the ``build`` extra of
   pyproject.toml, i.e. the pinned pyinstaller), only when those files changed; the everyday
   ``.venv`` is never touched;
2. runs PyInstaller on build_scripts/xinfang-desk.spec;
3. checks the bundle: nothing from tests/, bench/ or a venv inside, then (``--self-test``) runs the
   built ``xinfang --self-test`` and ``xinfang-desk --quit-when-ready`` (offscreen on Linux).

``--if-changed`` skips 1–3 when dist/xinfang-desk/BUILD-INPUTS holds the hash of the current build
inputs (sources, resources, migrations, spec, lock) and the last build passed its self-test: that is
how ./scripts/test keeps the frozen check within CI's time when nothing that goes into the build changed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD_VENV = ROOT / ".venv-build"
DIST = ROOT / "dist" / "xinfang-desk"
WORK = ROOT / "build" / "pyinstaller"
SPEC = ROOT / "build_scripts" / "xinfang-desk.spec"
WINDOWS = sys.platform == "win32"
EXE_SUFFIX = ".exe" if WINDOWS else ""
INPUTS_FILE = "BUILD-INPUTS"
# Everything whose change can change the bundle.
INPUT_FOLDERS = ("app", "db", "ui", "resources", "build_scripts")
INPUT_FILES = ("requirements.lock", "pyproject.toml")
# Folder names that would mean developer material leaked into the bundle.
FORBIDDEN_PARTS = {"tests", "bench", ".venv", ".venv-build", "site-packages", "__pycache__", "_pytest"}
SELF_TEST_TIMEOUT = 300


def say(message: str) -> None:
    print(f"build: {message}", file=sys.stderr, flush=True)


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if WINDOWS else "bin/python")


def build_requirements() -> list[str]:
    """The pinned ``build`` extra (pyinstaller, ...) from pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["optional-dependencies"]["build"])


def digest(paths: list[Path], extra: str = "") -> str:
    h = hashlib.sha256(extra.encode())
    for path in sorted(paths):
        h.update(str(path.relative_to(ROOT).as_posix()).encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def build_inputs_digest() -> str:
    files = [ROOT / name for name in INPUT_FILES]
    for folder in INPUT_FOLDERS:
        files += [p for p in (ROOT / folder).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    return digest(files, extra=f"{sys.platform} {sys.version_info[:2]}")


def ensure_build_venv() -> Path:
    python = venv_python(BUILD_VENV)
    stamp = BUILD_VENV / ".xinfang-build-stamp"
    wanted = digest([ROOT / "requirements.lock", ROOT / "pyproject.toml"])
    if python.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return python
    if not python.exists():
        say(f"creating {BUILD_VENV.name} with {sys.executable}")
        subprocess.run([sys.executable, "-m", "venv", str(BUILD_VENV)], check=True)
    say(f"installing requirements.lock and {', '.join(build_requirements())} into {BUILD_VENV.name}")
    pip = [str(python), "-m", "pip", "--no-input", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--progress-bar", "off", "-r", str(ROOT / "requirements.lock"),
                    *build_requirements()], check=True)
    stamp.write_text(wanted + "\n")
    return python


def run_pyinstaller(python: Path, clean: bool) -> None:
    shutil.rmtree(DIST, ignore_errors=True)
    subprocess.run([str(python), "-m", "PyInstaller", "--noconfirm", *(["--clean"] if clean else []),
                    "--log-level", "WARN",
                    "--distpath", str(DIST.parent), "--workpath", str(WORK), str(SPEC)],
                   check=True, cwd=ROOT)


def check_bundle_contents() -> None:
    """Nothing from the developer's machine: no tests, no benchmarks, no venv paths."""
    leaked = [p for p in DIST.rglob("*") if FORBIDDEN_PARTS & set(p.relative_to(DIST).parts)]
    if leaked:
        raise SystemExit(f"build: developer files in the bundle, e.g. {leaked[0]}")
    for needed in ("resources/fonts", "resources/templates/notices", "resources/dictionaries",
                   "resources/calendar", "resources/qss", "resources/icons", "db/migrations/versions"):
        if not any((DIST / "_internal" / needed).glob("*")):
            raise SystemExit(f"build: {needed} is missing from the bundle")


def run_frozen_checks() -> None:
    """The built program's own self-test, and a start of the window up to the first idle moment."""
    env = dict(os.environ)
    if not WINDOWS:
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    cli = DIST / f"xinfang{EXE_SUFFIX}"
    desk = DIST / f"xinfang-desk{EXE_SUFFIX}"
    started = time.monotonic()
    result = subprocess.run([str(cli), "--self-test"], env=env, timeout=SELF_TEST_TIMEOUT)
    if result.returncode != 0:
        raise SystemExit(f"build: the built program failed its self-test (exit {result.returncode})")
    with tempfile.TemporaryDirectory(prefix="xinfang-build-") as folder:
        result = subprocess.run([str(desk), "--data-dir", folder, "--quit-when-ready"], env=env,
                                timeout=SELF_TEST_TIMEOUT)
    if result.returncode != 0:
        raise SystemExit(f"build: the built program did not start its window (exit {result.returncode})")
    say(f"frozen self-test and window start passed ({time.monotonic() - started:.1f} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--self-test", action="store_true", help="run the built program's self-test")
    parser.add_argument("--clean", action="store_true",
                        help="ignore PyInstaller's analysis cache in build/ (release builds)")
    parser.add_argument("--if-changed", action="store_true",
                        help="skip everything when the inputs match the last passing build")
    args = parser.parse_args(argv)
    inputs = build_inputs_digest()
    marker = DIST / INPUTS_FILE
    if args.if_changed and marker.exists() and marker.read_text().strip() == inputs:
        say(f"build inputs unchanged since the last passing build: {DIST} kept")
        return 0
    started = time.monotonic()
    python = ensure_build_venv()
    run_pyinstaller(python, args.clean)
    check_bundle_contents()
    say(f"built {DIST} in {time.monotonic() - started:.0f} s")
    if args.self_test or args.if_changed:
        run_frozen_checks()
        marker.write_text(inputs + "\n")  # only a build that passed its checks may be reused
    return 0


if __name__ == "__main__":
    sys.exit(main())
