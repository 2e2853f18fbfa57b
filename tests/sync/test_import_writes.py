"""How the county hub writes imported rows: derived columns stay exact, the checks on staged rows hold.

Both back ends (the ``hub`` fixture): on PostgreSQL the import suspends the person.last_contact_at
triggers for its transaction and recomputes the persons it touched at the end (db/last_contact.py).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text, update

from app.services.workspace import Workspace
from app.sync.envelope import write_package
from db.models import Contact, ContactPerson, Person
from db.row_codec import TableCodec
from tests.support.matters import register
from tests.sync.conftest import partner
from tests.sync.exchange_support import receive, send
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
