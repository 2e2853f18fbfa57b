"""Crash safety: the real write paths killed with SIGKILL at random moments lose and corrupt nothing.

Each of the 20 kills lands while a child process registers contacts, repeat contacts and accepts matters
(with their notice PDFs) on a real SQLite file in WAL mode; after each kill the database is reopened and
checked (integrity, ``xinfang check``, gap-free numbers, every write journalled as committed present and
whole). ``bench/bench_crash.py`` runs 200 kills.
"""

from __future__ import annotations

import json
import shutil
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import update

from tests.support import crash_harness as harness
from db.models import Contact

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and forkserver are POSIX only")


@pytest.fixture
def data_dir(template_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(template_dir, folder)
    return folder


def test_twenty_kills_lose_and_corrupt_nothing(data_dir):
    report = harness.run_kills(data_dir, 20, seed=7, min_writes=3)
    assert report.kills == 20
    assert report.lost == [] and report.corrupt == []
    # Each kill waited for at least 3 of its child's writes: they landed among real writes of every kind.
    assert report.committed >= 60
    assert {"register", "repeat", "accept"} <= set(report.writes)


def test_kills_of_an_encrypted_database_lose_and_corrupt_nothing(data_dir):
    """The same with the database file encrypted (SQLCipher, WAL): each child unlocks it from the key
    file with a password; the parent verifies with the key it unlocked."""
    from app.services import data_keys
    from app.services.database_encryption import encrypt_database
    from app.services.users import authenticate
    from db import cipher
    from tests.conftest import PASSWORD

    ws = harness.Workspace.open(data_dir)
    admin = authenticate(ws, "admin", PASSWORD)
    data_keys.enable(ws, admin, PASSWORD)
    encrypt_database(ws, admin, PASSWORD)
    ws.close()
    report = harness.run_kills(data_dir, 5, seed=11, min_writes=3, unlock=("admin", PASSWORD))
    assert report.kills == 5 and report.lost == [] and report.corrupt == []
    assert report.committed >= 15 and cipher.is_encrypted(data_dir / "xinfang.db")


def test_the_checks_catch_a_lost_and_a_torn_write(data_dir):
    """The verification itself: a journalled write that is not there, or differs, is reported."""
    harness.run_kills(data_dir, 1, seed=3, min_writes=3)
    first = next(r for r in harness.journalled(data_dir) if r["kind"] == "register")
    with (data_dir / harness.JOURNAL).open("a", encoding="utf-8") as journal:
        journal.write(json.dumps({**first, "kind": "repeat", "contact": str(uuid.uuid4())}) + "\n")
    ws = harness.Workspace.open(data_dir)
    with ws.database.write() as session:
        session.execute(update(Contact).where(Contact.id == uuid.UUID(first["contact"])).values(content="改过"))
    ws.close()
    report = harness.CrashReport()
    harness.verify(data_dir, report)
    assert len(report.lost) == 1 and report.lost[0].startswith("missing contact")
    assert any(first["contact"] in problem for problem in report.corrupt)
