"""How the county hub writes imported rows: derived columns stay exact, the checks on staged rows hold.

Both back ends (the ``hub`` fixture): on PostgreSQL the import sets the flags that make the triggers
keeping person.last_contact_at and the day tables stand aside for its transaction, and recomputes the
persons and office-days it touched at the end (db/deferred.py); on SQLite the triggers run.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text, update

from app.domain.enums import Channel, MatterType
from app.errors import PackageRejected
from app.services.persons import PersonInput
from app.services.workspace import Workspace
from app.sync.envelope import write_package
from db import stats_day
from db.last_contact import LAST_CONTACT_FLAG
from db.models import Contact, ContactPerson, Document, Matter, Person
from db.row_codec import TableCodec
from tests.conftest import VILLAGES
from tests.statistics.dataset import contact
from tests.support.matters import register, village_id
from tests.sync.conftest import partner
from tests.sync.exchange_support import count, derived_exact, receive, send
from tests.sync.test_exchange import hub, pair  # noqa: F401  (the county hub on both back ends)


def _last_contacts(ws: Workspace) -> dict[str, datetime | None]:
    with ws.database.read() as session:
        return {name: at for name, at in session.execute(select(Person.name, Person.last_contact_at))}


def _encoded(ws: Workspace, model: Any, row_id: uuid.UUID) -> dict[str, Any]:
    table = model.__table__
    with ws.database.read() as session:
        return TableCodec(table).encode(session.execute(select(table).where(table.c.id == row_id)).mappings().one())


def _forged(township: Workspace, county: Workspace, folder: Path, sequence: int,
            tables: dict[str, list[dict[str, Any]]]) -> Path:
    """A package of the township's own rows as given (as a later package carrying only these changes)."""
    folder.mkdir()
    with township.write(township.system_actor()) as uow:
        return write_package(uow.session, folder, receiver=partner(township, county), sequence=sequence,
                             acked_sequence=0, tables=tables)


def _contact_of(ws: Workspace, name: str) -> uuid.UUID:
    with ws.database.read() as session:
        return session.scalars(select(ContactPerson.contact_id).join(Person, Person.id == ContactPerson.person_id)
                               .where(Person.name == name)).one()


def test_last_contact_is_recomputed_from_the_hubs_links_and_its_triggers_work_afterwards(pair, tmp_path):  # noqa: F811
    county, township = pair
    actor = township.system_actor()
    register(township, actor, "反映噪音扰民", on=date(2026, 11, 2))
    register(township, actor, "反映村道损坏", on=date(2026, 11, 5), name="李四")
    assert receive(county, send(township, tmp_path / "s1")[0].path).status == "imported"
    assert _last_contacts(county) == {"张三": datetime(2026, 11, 2, 9, 0), "李四": datetime(2026, 11, 5, 9, 0)}

    # A corrected contact time arrives without the person row: the hub works the person's date out itself.
    li_contact = _contact_of(township, "李四")
    corrected = _encoded(township, Contact, li_contact) | {"contact_at": "2026-11-20T10:00:00"}
    assert receive(county, _forged(township, county, tmp_path / "s2", 2, {"contact": [corrected]})).status == "imported"
    assert _last_contacts(county)["李四"] == datetime(2026, 11, 20, 10, 0)

    # 张三 named on 李四's contact too, in a package whose person row says "never contacted": the link wins.
    zhang = _encoded(township, Person, _person_id(township, "张三")) | {"last_contact_at": None}
    link = {"id": str(uuid.uuid4()), "office_id": str(township.local_office_id()), "contact_id": str(li_contact),
            "person_id": zhang["id"], "position": 1, "created_at": "2026-11-20T02:00:00+00:00",
            "updated_at": "2026-11-20T02:00:00+00:00"}
    third = receive(county, _forged(township, county, tmp_path / "s3", 3, {"person": [zhang], "contact_person": [link]}))
    assert third.tables["person"]["updated"] == 1 and third.tables["contact_person"]["new"] == 1
    assert _last_contacts(county) == {"张三": datetime(2026, 11, 20, 10, 0), "李四": datetime(2026, 11, 20, 10, 0)}

    # After the import the triggers keep the column exact again for the hub's own writes.
    with county.write(county.system_actor()) as uow:
        uow.session.execute(update(Contact).where(Contact.id == li_contact).values(contact_at=datetime(2026, 11, 25, 8, 0)))
    assert _last_contacts(county) == {"张三": datetime(2026, 11, 25, 8, 0), "李四": datetime(2026, 11, 25, 8, 0)}
    if county.database.engine.dialect.name == "postgresql":
        with county.database.read() as session:
            states = {tuple(r) for r in session.execute(text("SELECT tgname, tgenabled FROM pg_trigger "
                                                         "WHERE tgname LIKE 'person_last_contact%'"))}
        assert states == {("person_last_contact_cp", "O"), ("person_last_contact_c", "O")}


def _person_id(ws: Workspace, name: str) -> uuid.UUID:
    with ws.database.read() as session:
        return session.scalars(select(Person.id).where(Person.name == name)).one()


def _triggers_on(ws: Workspace) -> None:
    """Nothing of an import's deferral outlives its transaction: every trigger enabled, no flag set."""
    if ws.database.engine.dialect.name != "postgresql":
        return
    with ws.database.read() as session:
        states = dict(session.execute(text("SELECT tgname, tgenabled FROM pg_trigger "
                                           "WHERE tgname LIKE 'person_last_contact%' OR tgname LIKE 'stats_day%'")).all())
        flags = session.execute(text("SELECT current_setting(:a, true), current_setting(:b, true)"),
                                {"a": LAST_CONTACT_FLAG, "b": stats_day.STATS_DAY_FLAG}).one()
    assert len(states) == 10 and set(states.values()) == {"O"}, states
    assert set(flags) <= {None, ""}, flags


def test_day_tables_and_last_contacts_equal_a_recount_after_imports_and_the_triggers_work_afterwards(pair, tmp_path):  # noqa: F811
    county, township = pair
    actor = township.system_actor()
    east, red = village_id(township, VILLAGES[0]), village_id(township, VILLAGES[1])
    first = contact(township, actor, datetime(2026, 11, 2, 9, 0), persons=(PersonInput(name="张三", village_id=east),),
                    problem_village_id=east)
    second = contact(township, actor, datetime(2026, 11, 3, 9, 0), Channel.LETTER, headcount=6, subject="0201",
                     persons=(PersonInput(name="李四", village_id=red), PersonInput(name="王五", village_id=east)))
    repeat = contact(township, actor, datetime(2026, 11, 4, 15, 0), Channel.PHONE, persons=(first.person_ids[0],),
                     matter_id=first.matter_id)
    assert receive(county, send(township, tmp_path / "s1")[0].path).status == "imported"
    before = derived_exact(county)
    assert before[0], "the package brought no counted contact"

    # Every cause the day tables' triggers follow, each in its own package (so each must be made up
    # for by itself; the packages carry every unacknowledged row again, unchanged ones included): a
    # contact moved to another day and channel, the main petitioner swapped, a matter's type and
    # subject changed, a main petitioner's village changed, a contact deleted, a new one.
    zhang, li, wang = first.person_ids[0], *second.person_ids

    def move(session: Any) -> None:
        moved = session.get(Contact, second.contact_id)
        moved.contact_at, moved.channel, moved.headcount = datetime(2026, 11, 6, 10, 0), Channel.VISIT.value, 2

    def swap(session: Any) -> None:
        links = {r.person_id: r for r in session.scalars(
            select(ContactPerson).where(ContactPerson.contact_id == second.contact_id))}
        links[li].position, links[wang].position = 1, 0

    def retype(session: Any) -> None:
        matter = session.get(Matter, first.matter_id)
        matter.matter_type, matter.subject_code = MatterType.SUGGESTION.value, "0301"

    def resettle(session: Any) -> None:
        session.get(Person, zhang).village_id = red

    def delete_repeat(session: Any) -> None:
        for model in (Document, ContactPerson):
            for row in session.scalars(select(model).where(model.contact_id == repeat.contact_id)):
                session.delete(row)
        session.flush()
        session.delete(session.get(Contact, repeat.contact_id))

    def add(_session: Any) -> None:
        contact(township, actor, datetime(2026, 11, 9, 9, 0), persons=(li,), matter_id=second.matter_id)

    for n, (table, kind, change) in enumerate((("contact", "updated", move), ("contact_person", "updated", swap),
                                               ("matter", "updated", retype), ("person", "updated", resettle),
                                               ("contact", "deleted", delete_repeat), ("contact", "new", add)), 2):
        if change is add:
            add(None)
        else:
            with township.write(actor) as uow:
                change(uow.session)
        report = receive(county, send(township, tmp_path / f"s{n}")[0].path)
        assert report.status == "imported" and report.tables[table][kind] >= 1, (change.__name__, report.tables)
        after = derived_exact(county)
        assert after != before, f"{change.__name__} moved no figure, so it proves nothing"
        before = after
    _triggers_on(county)

    # The hub's own writes are followed by the triggers again.
    with county.write(county.system_actor()) as uow:
        uow.session.execute(update(Contact).where(Contact.id == first.contact_id)
                            .values(contact_at=datetime(2026, 11, 12, 8, 0), channel=Channel.ONLINE.value))
    assert derived_exact(county) != before
    _triggers_on(county)


def test_a_refused_package_leaves_the_triggers_on(pair, tmp_path):  # noqa: F811
    """The suspension is part of the import's transaction: a package refused after the triggers were
    switched off (a contact naming a matter the hub lacks) is rolled back with them switched on."""
    county, township = pair
    actor = township.system_actor()
    registered = contact(township, actor, datetime(2026, 11, 2, 9, 0), persons=(PersonInput(name="张三"),))
    path = _forged(township, county, tmp_path / "s1", 1,
                   {"contact": [_encoded(township, Contact, registered.contact_id)]})
    with pytest.raises(PackageRejected, match="引用了本库中没有的记录"):
        receive(county, path)
    _triggers_on(county)
    assert count(county, Contact) == 0
    # The hub's next write is followed by the triggers (its connection may be the refused import's).
    contact(county, county.system_actor(), datetime(2026, 11, 3, 9, 0), persons=(PersonInput(name="李四"),))
    assert derived_exact(county) != [[], []]
