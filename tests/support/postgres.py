"""A throwaway PostgreSQL server for tests.

    with PostgresServer() as pg:
        url = pg.create_database("demo")   # postgresql+psycopg://postgres@127.0.0.1:PORT/demo
        ...

The server lives in a fresh temporary directory, listens on a free loopback
TCP port (and a Unix socket inside that directory), trusts every local
connection as superuser ``postgres`` and runs with fsync off.  On exit it is
stopped (``pg_ctl -m immediate stop``) and the directory is removed.  A small
watchdog process does the same if the test process dies without running its
clean-up (segfault, SIGKILL, CI timeout), so no server outlives the tests.

The binaries (initdb, pg_ctl) are looked up in ``$XINFANG_PG_BIN``, then the
highest ``/usr/lib/postgresql/*/bin`` (Debian), then ``PATH``.  PostgreSQL
refuses to run as root, so when the tests run as root the server runs as the
``postgres`` system user, owning the temporary directory.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

__all__ = [
    "PG_BIN_ENV",
    "PostgresError",
    "PostgresNotFound",
    "PostgresServer",
    "find_pg_bin",
]

PG_BIN_ENV = "XINFANG_PG_BIN"
SUPERUSER = "postgres"
_EXE = ".exe" if os.name == "nt" else ""


class PostgresError(RuntimeError):
    """The server could not be set up, started or used."""


class PostgresNotFound(PostgresError):
    """``$XINFANG_PG_BIN`` is set but does not hold initdb and pg_ctl."""


def _has_tools(bindir: Path) -> bool:
    return all((bindir / f"{tool}{_EXE}").is_file() for tool in ("initdb", "pg_ctl"))


def find_pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl, or None when there is none.

    Raises PostgresNotFound when $XINFANG_PG_BIN is set to a wrong folder.
    """
    configured = os.environ.get(PG_BIN_ENV)
    if configured:
        bindir = Path(configured).expanduser()
        if _has_tools(bindir):
            return bindir
        raise PostgresNotFound(
            f"{PG_BIN_ENV}={configured!r} does not contain initdb{_EXE} and pg_ctl{_EXE}"
        )

    found = []
    for folder in glob.glob("/usr/lib/postgresql/*/bin"):
        bindir = Path(folder)
        if _has_tools(bindir):
            version = tuple(int(n) for n in re.findall(r"\d+", bindir.parent.name))
            found.append((version, str(bindir)))
    if found:
        return Path(max(found)[1])

    initdb = shutil.which("initdb")
    if initdb:
        bindir = Path(initdb).resolve().parent
        if _has_tools(bindir):
            return bindir
    return None


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"({path.name} is unreadable)"
    return "\n".join(text.splitlines()[-lines:])


# Runs beside the test process.  It blocks on a pipe from that process; when the
# pipe closes without the word "done" first (the test process died before its
# clean-up), it stops the server and removes the directory.
_WATCHDOG = r"""
import shutil, signal, subprocess, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
pg_ctl, datadir, tmpdir, uid, gid = sys.argv[1:6]
if sys.stdin.buffer.read() != b"done":
    kwargs = {} if uid == "-" else {"user": int(uid), "group": int(gid), "extra_groups": []}
    try:
        subprocess.run([pg_ctl, "-D", datadir, "-m", "immediate", "-w", "-t", "30", "stop"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, cwd=tmpdir, timeout=60, **kwargs)
    except Exception:
        pass
    shutil.rmtree(tmpdir, ignore_errors=True)
"""


class PostgresServer:
    """A PostgreSQL server in a temporary directory; use it as a context manager."""

    host = "127.0.0.1"
    user = SUPERUSER

    def __init__(self, bindir: str | os.PathLike[str] | None = None, *, start_timeout: int = 60,
                 settings: dict[str, str] | None = None):
        if bindir is None:
            bindir = find_pg_bin()
            if bindir is None:
                raise PostgresError(
                    "PostgreSQL server binaries (initdb, pg_ctl) not found in "
                    f"${PG_BIN_ENV}, /usr/lib/postgresql/*/bin or PATH"
                )
        self.bindir = Path(bindir)
        self.start_timeout = start_timeout
        self.settings = settings or {}  # more server settings (-c name=value), e.g. a county hub's memory
        self.port: int | None = None
        self.tmpdir: Path | None = None
        self.datadir: Path | None = None
        self._owner_pid = os.getpid()
        self._account = None  # pwd entry of the system user running the server, when root
        self._watchdog: subprocess.Popen[bytes] | None = None

    # ----------------------------------------------------------------- lifecycle
    def __enter__(self) -> PostgresServer:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        if self.port is not None:
            raise PostgresError("server already started")
        try:
            self._make_tmpdir()
            self._start_watchdog()
            self._initdb()
            self._start_postmaster()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the server and remove its directory; safe to call more than once."""
        if os.getpid() != self._owner_pid:  # a forked child must not tear it down
            return
        try:
            if self.datadir is not None and (self.datadir / "postmaster.pid").exists():
                self._stop_postmaster()
        finally:
            if self.tmpdir is not None:
                shutil.rmtree(self.tmpdir, ignore_errors=True)
            self._dismiss_watchdog()
            self.port = self.tmpdir = self.datadir = None

    # ----------------------------------------------------------------- databases
    def url(self, dbname: str = "postgres") -> str:
        """SQLAlchemy URL of database ``dbname`` on this server."""
        self._require_running()
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{quote(dbname, safe='')}"

    def conninfo(self, dbname: str = "postgres") -> str:
        """libpq connection string (for psycopg.connect) of database ``dbname``."""
        self._require_running()
        from psycopg.conninfo import make_conninfo

        return make_conninfo(
            host=self.host, port=self.port, user=self.user, dbname=dbname, connect_timeout=10
        )

    def create_database(self, name: str) -> str:
        """Create an empty UTF-8 database and return its SQLAlchemy URL."""
        from psycopg import sql

        with self._admin_connection() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                    sql.Identifier(name)
                )
            )
        return self.url(name)

    def copy_database(self, source: str, name: str) -> str:
        """A new database copied from ``source`` (nobody may be connected to it); returns its URL."""
        from psycopg import sql

        with self._admin_connection() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(source)))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, disconnecting whoever is still connected to it."""
        from psycopg import sql

        with self._admin_connection() as conn:
            if conn.info.server_version >= 130000:
                stmt = "DROP DATABASE IF EXISTS {} WITH (FORCE)"
            else:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    (name,),
                )
                stmt = "DROP DATABASE IF EXISTS {}"
            conn.execute(sql.SQL(stmt).format(sql.Identifier(name)))

    # ----------------------------------------------------------------- internals
    def _require_running(self) -> None:
        if self.port is None:
            raise PostgresError("the server is not running (use PostgresServer as a context manager)")

    def _admin_connection(self):
        import psycopg

        return psycopg.connect(self.conninfo("postgres"), autocommit=True)

    def _tool(self, name: str) -> str:
        return str(self.bindir / f"{name}{_EXE}")

    def _make_tmpdir(self) -> None:
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            import pwd

            try:
                self._account = pwd.getpwnam(SUPERUSER)
            except KeyError:
                raise PostgresError(
                    "running as root, but there is no 'postgres' system user to run the "
                    "server as (PostgreSQL refuses to run as root); install the Debian "
                    "package 'postgresql' or run the tests as an ordinary user"
                ) from None
        self.tmpdir = Path(tempfile.mkdtemp(prefix="xinfang-pg-"))
        self.datadir = self.tmpdir / "data"
        if self._account is not None:
            os.chown(self.tmpdir, self._account.pw_uid, self._account.pw_gid)
            blocked = self._first_blocked_parent(self.tmpdir)
            if blocked is not None:
                raise PostgresError(
                    f"the 'postgres' user cannot reach {self.tmpdir} ({blocked} is closed "
                    "to it); set TMPDIR to a directory such as /tmp"
                )

    def _first_blocked_parent(self, path: Path) -> Path | None:
        uid, gid = self._account.pw_uid, self._account.pw_gid
        for parent in path.parents:
            st = parent.stat()
            if st.st_uid == uid:
                ok = st.st_mode & 0o100
            elif st.st_gid == gid:
                ok = st.st_mode & 0o010
            else:
                ok = st.st_mode & 0o001
            if not ok:
                return parent
        return None

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        if os.name != "nt":
            env.update(LC_ALL="C", LANG="C", HOME=str(self.tmpdir))
        return env

    def _run(self, args: list[str], log_name: str, **kwargs) -> subprocess.CompletedProcess:
        """Run a PostgreSQL tool as the server's user, output appended to tmpdir/log_name."""
        if self._account is not None:
            kwargs.update(
                user=self._account.pw_uid, group=self._account.pw_gid, extra_groups=[]
            )
        with open(self.tmpdir / log_name, "ab") as log:
            return subprocess.run(
                args,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.tmpdir,
                env=self._env(),
                check=False,
                **kwargs,
            )

    def _start_watchdog(self) -> None:
        uid, gid = ("-", "-") if self._account is None else (
            str(self._account.pw_uid), str(self._account.pw_gid))
        kwargs = (
            {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
            if os.name == "nt"
            else {"start_new_session": True}
        )
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, self._tool("pg_ctl"),
             str(self.datadir), str(self.tmpdir), uid, gid],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **kwargs,
        )

    def _dismiss_watchdog(self) -> None:
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is None:
            return
        try:
            watchdog.stdin.write(b"done")
            watchdog.stdin.close()
            watchdog.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            watchdog.kill()

    def _initdb(self) -> None:
        base = [
            self._tool("initdb"), "-D", str(self.datadir), "-A", "trust", "-U", SUPERUSER,
            "--encoding=UTF8", "--no-sync",
        ]
        # C.UTF-8 where the C library has it (Debian does), else plain C order.
        for locale in ("--locale=C.UTF-8", "--no-locale"):
            if self._run(base + [locale], "initdb.log").returncode == 0:
                return
            shutil.rmtree(self.datadir, ignore_errors=True)
        raise PostgresError(f"initdb failed:\n{_tail(self.tmpdir / 'initdb.log')}")

    def _start_postmaster(self) -> None:
        logfile = self.tmpdir / "postgres.log"
        for attempt in range(5):
            port = _free_port(self.host)
            options = [
                "-p", str(port),
                "-c", f"listen_addresses={self.host}",
                "-c", "fsync=off",
                "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off",
                *(arg for name, value in self.settings.items() for arg in ("-c", f"{name}={value}")),
            ]
            if os.name == "nt":
                opts = subprocess.list2cmdline(options)
            else:
                opts = shlex.join(["-k", str(self.tmpdir), *options])
            start = [
                self._tool("pg_ctl"), "-D", str(self.datadir), "-l", str(logfile),
                "-w", "-t", str(self.start_timeout), "-o", opts, "start",
            ]
            # Own session: a Ctrl-C in the terminal reaches pytest, not the server.
            extra = {} if os.name == "nt" else {"start_new_session": True}
            if self._run(start, "pg_ctl.log", **extra).returncode == 0:
                self.port = port
                return
            log = _tail(logfile)
            if "could not bind" in log and attempt < 4:  # someone took the port meanwhile
                continue
            raise PostgresError(
                f"pg_ctl start failed:\n{_tail(self.tmpdir / 'pg_ctl.log')}\n--- postgres.log ---\n{log}"
            )

    def _stop_postmaster(self) -> None:
        stop = [self._tool("pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "-w", "-t", "30", "stop"]
        try:
            if self._run(stop, "pg_ctl.log", timeout=60).returncode == 0:
                return
        except subprocess.TimeoutExpired:
            pass
        # pg_ctl could not stop it: kill the postmaster outright.
        try:
            pid = int((self.datadir / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM)
        except (OSError, ValueError, IndexError):
            pass
