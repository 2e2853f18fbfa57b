"""Demo data: reproducible, complete at today (every state, live clocks), refusing a loaded database,
and cancellable between batches.

One 400-contact load on a copy of the prepared template is shared by the test run (tests/support/matters.py,
also the deadline board's demo database); the determinism test loads a second one on the ``ws`` fixture itself.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.deadlines import OFFICE_DUTIES
from app.domain.enums import Channel, MatterSource, MatterState
from app.domain.identity import parse_id_number
from app.errors import Conflict
from app.services import demo
from app.services.context import Actor
from app.services.demo import DemoSummary, load_demo
from app.services.workspace import Workspace, actor_for
from db.models import (Contact, ContactPerson, Matter, MatterDeadline, MatterEvent, Office, Person,
                       UserAccount)
from tests.conftest import FIXED_NOW, Clock
from tests.support.matters import DEMO_CONTACTS as CONTACTS, demo_build


def _admin(ws: Workspace) -> Actor:
    with ws.database.read() as session:
        return actor_for(session.scalars(select(UserAccount).where(UserAccount.login == "admin")).one())


def _contact_rows(ws: Workspace) -> list[tuple[object, ...]]:
    with ws.database.read() as session:
        return [tuple(r) for r in session.execute(select(Contact.number, Contact.channel, Contact.headcount,
                                           Contact.contact_at).order_by(Contact.number))]


def _matter_rows(ws: Workspace) -> list[tuple[object, ...]]:
    with ws.database.read() as session:
        return [tuple(r) for r in session.execute(select(Matter.number, Matter.state, Matter.subject_code,
                                           Matter.registered_on).order_by(Matter.number))]


@pytest.fixture(scope="module")
def loaded(template_dir: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[Workspace, Actor, DemoSummary, list[tuple[int, int]]]]:
    build = demo_build(template_dir, tmp_path_factory.getbasetemp())
    folder = tmp_path_factory.mktemp("demo") / "data"
    shutil.copytree(build.folder, folder)
    ws = Workspace.open(folder, clock=Clock())
    yield ws, _admin(ws), build.summary, build.progress
    ws.close()


def test_same_seed_and_today_give_the_same_data(loaded, ws, admin) -> None:
    first_ws, _, first, _ = loaded
    second = load_demo(ws, admin, contacts=CONTACTS)
    assert second == first
    assert second.matters_by_state == first.matters_by_state
    assert _contact_rows(ws) == _contact_rows(first_ws)
    assert _matter_rows(ws) == _matter_rows(first_ws)


def test_summary_matches_the_database_and_progress_is_per_batch(loaded) -> None:
    ws, _, summary, calls = loaded
    assert calls == [(200, CONTACTS), (400, CONTACTS)]
    assert summary.contacts == CONTACTS and not summary.cancelled
    assert summary.villages == 20
    assert summary.users == 4 + 1 + len(demo.nm.DEMO_USERS)  # template's 4 role users + admin
    assert summary.matters == sum(summary.matters_by_state.values())
    assert summary.persons > CONTACTS // 3
    with ws.database.read() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == CONTACTS
        assert session.scalar(select(func.count()).select_from(Person)) == summary.persons


def test_every_state_occurs_at_today(loaded) -> None:
    ws, _, summary, _ = loaded
    assert set(summary.matters_by_state) == set(MatterState)
    with ws.database.read() as session:
        states = set(session.scalars(select(Matter.state).distinct()))
        assert states == {s.value for s in MatterState}
        returned = session.scalars(select(Matter).where(Matter.state == MatterState.RETURNED.value)).one()
        assert returned.source == MatterSource.ASSIGNED_DOWN.value and returned.assigned_by.endswith("信访局")
        assert session.scalar(select(func.count()).select_from(MatterEvent)
                              .where(MatterEvent.action == "reopen")) >= 1


def test_open_clocks_overdue_and_due_soon(loaded) -> None:
    ws, _, summary, _ = loaded
    today = FIXED_NOW.date()
    assert summary.overdue >= 1 and summary.due_within_3 >= 1 and summary.due_within_7 > summary.due_within_3
    with ws.database.read() as session:
        overdue = session.scalars(select(MatterDeadline).where(
            MatterDeadline.met_on.is_(None), MatterDeadline.due_on < today,
            MatterDeadline.clock.in_([c.value for c in OFFICE_DUTIES]))).all()
        assert overdue
        assert session.scalar(select(func.max(MatterEvent.occurred_on))) <= today


def test_contacts_are_realistic(loaded) -> None:
    ws, _, summary, _ = loaded
    assert summary.collective >= 1 and summary.skip_level >= 1 and summary.repeat >= 1
    assert summary.leader_receptions >= 1 and summary.assigned_down >= 3
    with ws.database.read() as session:
        channels = dict(session.execute(select(Contact.channel, func.count()).group_by(Contact.channel)).all())
        assert set(channels) == {c.value for c in Channel}
        assert channels["visit"] > channels["letter"] > channels["fax"]
        collective = session.scalars(select(Contact).where(Contact.channel == "visit", Contact.headcount >= 5)).all()
        for c in collective:
            reps = session.scalar(select(func.count()).select_from(ContactPerson)
                                  .where(ContactPerson.contact_id == c.id))
            assert 1 <= reps <= 5 and 5 <= c.headcount <= 60
        assert any(len(c.persons) >= 2 for c in collective)
        assert all(c.channel == "visit" for c in session.scalars(
            select(Contact).where(Contact.skip_level.is_not(None))))
        assert session.scalar(select(func.max(Contact.contact_at))) <= FIXED_NOW
        assert session.scalar(select(func.min(Contact.contact_at))).date() >= date(2023, 11, 23)
        lengths = [len(t) for t in session.scalars(select(Contact.content))]
        assert 30 <= min(lengths) and max(lengths) <= 300
        assert all(c.leader_name for c in session.scalars(select(Contact).where(Contact.leader_reception)))


def test_petitioners_names_and_id_numbers(loaded) -> None:
    ws, _, _, _ = loaded
    with ws.database.read() as session:
        county = session.scalars(select(Office.division_code)).one()[:6]
        people = [(p.name, p.id_number) for p in session.scalars(select(Person))]
    names = [name for name, _ in people]
    assert any("𠮷" in n for n in names)
    assert any("·" in n for n in names)
    numbers = [number for _, number in people if number]
    assert len(numbers) == len(set(numbers))
    assert len(people) * 0.7 < len(numbers) < len(people)  # most have one, some do not
    for number in numbers:
        info = parse_id_number(number, today=FIXED_NOW.date())
        assert info.number == number and number.startswith(county)


def test_refuses_a_database_that_has_contacts(loaded) -> None:
    ws, admin, summary, _ = loaded
    with pytest.raises(Conflict) as error:
        load_demo(ws, admin, contacts=10)
    assert error.value.code == "demo_not_empty"
    with ws.database.read() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == summary.contacts


def test_cancel_after_the_first_batch_keeps_whole_batches(ws, admin, monkeypatch) -> None:
    monkeypatch.setattr(demo, "BATCH_CONTACTS", 50)
    calls: list[tuple[int, int]] = []
    summary = load_demo(ws, admin, contacts=CONTACTS, progress=lambda d, t: calls.append((d, t)),
                        cancelled=lambda: bool(calls))
    assert summary.cancelled and calls == [(50, CONTACTS)]
    assert summary.contacts == 50
    numbers = [row[0] for row in _contact_rows(ws)]
    assert len(numbers) == len(set(numbers)) == 50
    with ws.database.read() as session:
        orphans = session.scalar(select(func.count()).select_from(Matter).where(
            Matter.source == MatterSource.CONTACT.value,
            ~select(Contact.id).where(Contact.matter_id == Matter.id).exists()))
        assert orphans == 0
    with pytest.raises(Conflict):  # a cancelled load is not resumed: the database is no longer empty
        load_demo(ws, admin, contacts=CONTACTS)


def test_leader_work_is_in_the_demo(loaded) -> None:
    from app.domain.leader_work import ConflictStatus, ReceptionKind
    from db.models import (CaseOwnership, CaseProgress, KeyPerson, KeyPersonContact, LeaderReception,
                           LeaderReceptionContact, PetitionProxy, ReceptionSchedule, ScreenedConflict,
                           ScreeningRound, SensitivePeriod, VillageReception)

    ws, _, summary, _ = loaded
    today = FIXED_NOW.date()
    with ws.database.read() as session:
        slots = list(session.scalars(select(ReceptionSchedule)))
        assert any(s.held_on > today and s.published_on is not None for s in slots)  # published ahead
        assert any(s.held_on > today and s.published_on is None for s in slots)  # the last week not yet
        assert all(s.published_on is not None for s in slots if s.held_on <= today)
        kinds = Counter(session.scalars(select(LeaderReception.kind)))
        assert kinds[ReceptionKind.RECEPTION.value] >= 5 and kinds[ReceptionKind.VILLAGE_VISIT.value] == 4
        assert kinds[ReceptionKind.APPOINTMENT.value] == 3
        assert summary.reception_records == sum(kinds.values())
        # a reception links that day's contacts received by that leader, and only those
        for reception, contact, leader_name in session.execute(
                select(LeaderReception, Contact, UserAccount.display_name)
                .join(LeaderReceptionContact, LeaderReceptionContact.reception_id == LeaderReception.id)
                .join(Contact, Contact.id == LeaderReceptionContact.contact_id)
                .join(UserAccount, UserAccount.id == LeaderReception.leader_id)):
            assert contact.contact_at.date() == reception.held_on and contact.leader_name == leader_name
        assert session.scalar(select(func.count()).select_from(LeaderReceptionContact)) > 0
        packages = list(session.scalars(select(CaseOwnership)))
        assert len(packages) == summary.case_ownerships >= 3
        assert all(p.staff and p.measures and p.target_on > p.assigned_on for p in packages)
        settled = [p for p in packages if p.settled_on is not None]
        assert len(settled) == 2 and all(p.outcome for p in settled)
        assert {p.evaluation is not None for p in settled} == {True, False}  # one rated, one with a reason
        assert all(p.no_evaluation_reason for p in settled if p.evaluation is None)
        assert any(p.settled_on is None and p.target_on < today for p in packages)  # past its target
        assert session.scalar(select(func.count()).select_from(CaseProgress)) >= 5
        months = list(session.scalars(select(ScreeningRound.month).order_by(ScreeningRound.month)))
        assert len(months) == 6 and months[-1] == today.replace(day=1)
        statuses = Counter(session.scalars(select(ScreenedConflict.status)))
        assert statuses[ConflictStatus.CARRIED.value] > 0 and statuses[ConflictStatus.RESOLVED.value] > 0
        assert statuses[ConflictStatus.CONVERTED.value] == 1
        converted = session.scalars(select(ScreenedConflict).where(
            ScreenedConflict.status == ConflictStatus.CONVERTED.value)).one()
        assert session.get(Matter, converted.matter_id) is not None
        keys = list(session.scalars(select(KeyPerson)))
        assert len(keys) == summary.key_persons >= 1
        assert session.scalar(select(func.count()).select_from(KeyPersonContact)) >= len(keys)
        periods = list(session.scalars(select(SensitivePeriod)))
        assert any(p.starts_on <= today <= p.ends_on for p in periods)
        assert session.scalar(select(func.count()).select_from(VillageReception)) == 24
        stages = [(p.accepted_on is not None, p.rating) for p in session.scalars(select(PetitionProxy))]
        assert sorted(stages, key=str) == sorted([(True, "satisfied"), (False, None)], key=str)
