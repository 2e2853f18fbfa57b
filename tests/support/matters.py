"""Test helpers for matter lists, dossiers and the deadline board: register matters through the real
services, and a demo database (``load_demo``, 400 contacts) built once per test run and copied."""

from __future__ import annotations

import os
import pickle
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select, text

from app.domain.enums import Channel, MatterType
from app.services import matter_steps as st, matters
from app.services.context import Actor
from app.services.contacts import NewContact, register_contact
from app.services.demo import DemoSummary
from app.services.persons import PersonInput
from app.services.workspace import Workspace, actor_for
from db.models import ResponsibleUnit, UserAccount, Village

DEMO_CONTACTS = 400
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明"


def person_name(i: int) -> str:
    """A distinct valid name for the i-th test person (names may not hold digits)."""
    return SURNAMES[i % 16] + GIVEN[(i // 16) % 16] + ("" if i < 256 else GIVEN[(i // 256) % 16])


def register(ws: Workspace, actor: Actor, content: str, *, on: date = date(2026, 11, 2), name: str = "张三",
             subject: str = "0101", matter_type: MatterType = MatterType.CLAIM, title: str = "",
             village: uuid.UUID | None = None) -> uuid.UUID:
    """A first visit by a new person about ``content``; returns the new matter's id."""
    with ws.write(actor) as uow:
        return register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=datetime.combine(on, time(9, 0)), content=content,
            persons=(PersonInput(name=name),), subject_code=subject, matter_type=matter_type, title=title,
            problem_village_id=village, new_matter=True, new_matter_reason="测试：另立事项")).matter_id


def repeat(ws: Workspace, actor: Actor, matter_id: uuid.UUID, content: str, on: date) -> uuid.UUID:
    """Another contact about an existing matter; returns the contact's id."""
    with ws.write(actor) as uow:
        return register_contact(uow, NewContact(
            channel=Channel.PHONE, contact_at=datetime.combine(on, time(10, 0)), content=content,
            anonymous=True, matter_id=matter_id)).contact_id


def step(ws: Workspace, actor: Actor, matter_id: uuid.UUID, *steps: st.Step) -> None:
    for s in steps:
        with ws.write(actor) as uow:
            matters.perform(uow, matter_id, s)


def village_id(ws: Workspace, name: str) -> uuid.UUID:
    with ws.database.read() as session:
        return session.scalars(select(Village.id).where(Village.name == name)).one()


def add_unit(ws: Workspace, actor: Actor, name: str) -> uuid.UUID:
    """The responsible unit called ``name`` (the template office may have it already)."""
    with ws.write(actor) as uow:
        found = uow.session.scalars(select(ResponsibleUnit.id).where(ResponsibleUnit.name == name)).first()
        if found is not None:
            return found
        unit = ResponsibleUnit(id=uuid.uuid4(), office_id=uow.office_id, name=name)
        uow.session.add(unit)
        return unit.id


@dataclass(frozen=True)
class DemoBuild:
    """The demo database as ``load_demo`` left it, with what it returned and reported on the way."""

    folder: Path
    summary: DemoSummary
    progress: list[tuple[int, int]]


_DEMO: dict[str, DemoBuild] = {}


def run_temp_dir(basetemp: Path) -> Path:
    """The temporary folder the whole test run shares: pytest-xdist gives each worker a subfolder."""
    return basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp


@contextmanager
def _run_lock(path: Path) -> Iterator[None]:
    """Only one worker at a time (the others wait); without fcntl (Windows) each may build its own."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def demo_build(template_dir: Path, basetemp: Path) -> DemoBuild:
    """``load_demo`` (400 contacts, as the administrator, at the tests' fixed now) on a copy of the test
    template: built by the first test process of the run that needs it, then only copied."""
    if "build" not in _DEMO:
        folder = run_temp_dir(basetemp) / "demo_template"
        with _run_lock(folder.with_suffix(".lock")):
            if not folder.exists():
                _build_demo(template_dir, folder)
        summary, progress = pickle.loads(folder.with_suffix(".pickle").read_bytes())
        _DEMO["build"] = DemoBuild(folder, summary, progress)
    return _DEMO["build"]


def _build_demo(template_dir: Path, folder: Path) -> None:
    from app.services.demo import load_demo
    from tests.conftest import Clock

    building = folder.with_name(f"{folder.name}.{os.getpid()}")
    shutil.copytree(template_dir, building)
    ws = Workspace.open(building, clock=Clock())
    with ws.database.read() as session:
        admin = actor_for(session.scalars(select(UserAccount).where(UserAccount.login == "admin")).one())
    progress: list[tuple[int, int]] = []
    summary = load_demo(ws, admin, contacts=DEMO_CONTACTS, progress=lambda done, total: progress.append((done, total)))
    ws.close()
    folder.with_suffix(".pickle").write_bytes(pickle.dumps((summary, progress)))
    building.rename(folder)  # last: a worker never sees a half-built folder


def demo_workspace(template_dir: Path, scratch: Path, target: Path, clock: object) -> Workspace:
    """A copy of the demo database (``demo_build``) opened at ``clock``."""
    shutil.copytree(demo_build(template_dir, scratch).folder, target)
    return Workspace.open(target, clock=clock)  # type: ignore[arg-type]


FINISHED = ("declined", "routed", "forwarded", "returned", "closed", "concluded")
DUTIES = ("decision", "objection", "handling", "assigned_result", "assignment_report", "review_decision",
           "rereview_decision")


def direct_board_counts(ws: Workspace, today: date) -> Counter[tuple[str, str]]:
    """The deadline board's contents counted straight from the tables, without the services:
    (clock, overdue|soon|week) -> number of unmet office clocks of unfinished matters due by today + 7."""
    sql = text(
        "SELECT d.clock, d.due_on FROM matter_deadline d JOIN matter m ON m.id = d.matter_id "
        f"WHERE d.met_on IS NULL AND d.clock IN {DUTIES} AND m.state NOT IN {FINISHED} AND d.due_on <= :last")
    counts: Counter[tuple[str, str]] = Counter()
    with ws.database.read() as session:
        for clock, due in session.execute(sql, {"last": today + timedelta(days=7)}):
            days = (date.fromisoformat(str(due)) - today).days
            counts[(clock, "overdue" if days < 0 else "soon" if days <= 3 else "week")] += 1
    return counts
