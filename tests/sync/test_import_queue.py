"""Several packages in one call (app/sync/import_queue.py): each sender's in the order given, senders
side by side on PostgreSQL, the first refusal raised after the others have stopped."""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path

import pytest

from app.errors import PackageRejected
from app.services.persons import PersonInput
from app.services.workspace import Workspace
from app.sync.import_queue import import_packages
from app.sync.importing import ImportReport
from db.models import Contact
from tests.statistics.dataset import contact
from tests.sync.conftest import enrol
from tests.sync.exchange_support import count, derived_exact, owned_rows, send
from tests.sync.test_exchange import hub  # noqa: F401  (the county hub on both back ends)


GIVEN = "明华强"


@pytest.fixture
def three(hub, township, office_factory) -> list[Workspace]:  # noqa: F811
    """Three townships enrolled at the hub, each with two packages' worth of visits."""
    towns = [township] + [office_factory(f"town-{n}", f"某某县第{n}镇人民政府", f"3301061{n:02d}000")
                          for n in (2, 3)]
    for ws in towns:
        enrol(hub, ws)
    return towns


def _visits(ws: Workspace, day: int, names: tuple[str, ...]) -> None:
    for hour, name in enumerate(names, 8):
        contact(ws, ws.system_actor(), datetime(2026, 11, day, hour), persons=(PersonInput(name=name),))


def _two_rounds(towns: list[Workspace], folder: Path) -> list[list[Path]]:
    """Per township its first and second package (visits, then more visits)."""
    rounds: list[list[Path]] = [[], []]
    for r, day in enumerate((2, 3)):
        for n, ws in enumerate(towns):
            _visits(ws, day, (f"张{GIVEN[n]}{GIVEN[r]}", f"李{GIVEN[n]}{GIVEN[r]}"))
            [package] = send(ws, folder / f"r{r}-{n}")
            rounds[r].append(package.path)
    return [[rounds[0][n], rounds[1][n]] for n in range(len(towns))]


def test_every_township_arrives_whole_and_the_derived_data_is_exact(hub, three, tmp_path):  # noqa: F811
    per_town = _two_rounds(three, tmp_path)
    given = [p for pair in zip(*per_town) for p in pair]  # round by round, townships interleaved
    threads: set[str] = set()
    reports = import_packages(hub, hub.system_actor(), given, done=lambda _r: threads.add(threading.current_thread().name))
    assert [(r.file, r.status) for r in reports] == [(p.name, "imported") for p in given]
    for ws in three:
        office_id = ws.local_office_id()
        assert owned_rows(hub, office_id) == owned_rows(ws, office_id)
    derived_exact(hub)
    side_by_side = hub.database.engine.dialect.name == "postgresql" and (os.cpu_count() or 1) > 1
    assert len(threads) == (2 if side_by_side else 1)


def test_one_townships_packages_keep_the_order_given(hub, three, tmp_path):  # noqa: F811
    """Given newest first, as one by one: without force the gap stops it, with force the older one
    arrives superseded after the newer; nothing is lost either way."""
    first, second = _two_rounds(three, tmp_path)[0]
    with pytest.raises(PackageRejected, match="之前的第 1 号尚未导入"):
        import_packages(hub, hub.system_actor(), [second, first])
    reports = import_packages(hub, hub.system_actor(), [second, first], force_gap=True)
    assert [(r.sequence, r.status, r.superseded_by) for r in reports] == [(2, "imported", None),
                                                                         (1, "superseded", 2)]
    office_id = three[0].local_office_id()
    assert owned_rows(hub, office_id) == owned_rows(three[0], office_id)


def test_a_refusal_is_raised_and_its_senders_later_packages_wait(hub, three, tmp_path):  # noqa: F811
    (a1, a2), (b1, b2), _ = _two_rounds(three, tmp_path)
    whole = b1.read_bytes()
    b1.write_bytes(b"")  # a package emptied on the stick
    imported: list[ImportReport] = []
    with pytest.raises(PackageRejected, match="空文件"):
        import_packages(hub, hub.system_actor(), [a1, b1, b2, a2], done=imported.append)
    assert b2.name not in {r.file for r in imported}  # never tried: the empty one came before it
    assert a1.name in {r.file for r in imported}
    assert count(hub, Contact, Contact.office_id == three[1].local_office_id()) == 0
    # Copied again, all of it goes in; what went in before is "already".
    b1.write_bytes(whole)
    reports = import_packages(hub, hub.system_actor(), [a1, b1, b2, a2])
    assert [r.status for r in reports][1:3] == ["imported", "imported"]
    assert {r.status for r in reports} <= {"imported", "already"}
    derived_exact(hub)


