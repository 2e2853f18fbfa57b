"""The same use cases give the same answers on a township's SQLite file and the county's PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError, StatementError

from app.domain.enums import Channel, MatterState, MatterType
from app.services import matter_steps as st, matters
from app.services.context import Actor
from app.services.contacts import NewContact, RegisteredContact, register_contact
from app.services.matter_queries import list_matters
from app.services.offices import initialise
from app.services.person_search import find_persons
from app.services.persons import PersonInput
from app.services.workspace import Workspace
from db.models import AuditEvent, Contact, MatterEvent, Office, Person, Setting, UserAccount
from tests.db.conftest import SETUP, actor_named, chain_breaks, fixed_clock
from tests.support.ids import valid_id

WANG_ID = valid_id("33010619800101123")
JI_ID = valid_id("33010619920215202")
OUYANG_ID = valid_id("11010519491231002")
BEIJING = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Scenario:
    ws: Workspace
    admin: Actor
    contacts: tuple[RegisteredContact, ...]


def _register_all(ws: Workspace, admin: Actor) -> tuple[RegisteredContact, ...]:
    """Two new matters with new persons, a repeat visit, an anonymous letter; the first is accepted."""
    def register(**fields: object) -> RegisteredContact:
        with ws.write(admin) as uow:
            return register_contact(uow, NewContact(**fields))  # type: ignore[arg-type]

    first = register(channel=Channel.VISIT, contact_at=datetime(2026, 11, 18, 9, 30),
                     content="反映征地补偿款未发放（东风村𠮷姓村民）", subject_code="0101",
                     matter_type=MatterType.CLAIM, headcount=2, persons=(
                         PersonInput(name="王𠮷", id_number=WANG_ID, phones=("138 0013 8000",)),
                         PersonInput(name="𠮷祥", id_number=JI_ID, phones=("13912345678",))))
    second = register(channel=Channel.LETTER, contact_at=datetime(2026, 11, 19, 14, 0),
                      content="低保申请材料已提交，至今未获答复", subject_code="0202",
                      matter_type=MatterType.CLAIM,
                      persons=(PersonInput(name="欧阳娜娜", id_number=OUYANG_ID,
                                           phones=("0571-88886666",)),))
    repeat = register(channel=Channel.VISIT, contact_at=datetime(2026, 11, 20, 8, 45),
                      content="再次反映补偿款问题", subject_code="0101", persons=(first.person_ids[0],))
    anonymous = register(channel=Channel.LETTER, contact_at=datetime(2026, 11, 20, 16, 0),
                         content="举报某村干部优亲厚友", subject_code="0302",
                         matter_type=MatterType.SUGGESTION, anonymous=True)
    with ws.write(admin) as uow:
        matters.perform(uow, first.matter_id, st.Accept(on=date(2026, 11, 20)))
    return first, second, repeat, anonymous


@pytest.fixture(scope="module")
def scenario(module_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """One registered office per back end, shared by the tests that only read."""
    ws = Workspace.open(tmp_path_factory.mktemp("data"), module_db_url, clock=fixed_clock)
    initialise(ws, SETUP)
    admin = actor_named(ws, "admin")
    yield Scenario(ws, admin, _register_all(ws, admin))
    ws.close()


def test_registration_numbers_and_repeat_decision(scenario):
    assert [(r.number, r.matter_number, r.is_repeat) for r in scenario.contacts] == [
        ("DJ2026-000001", "SX2026-00001", False),
        ("DJ2026-000002", "SX2026-00002", False),
        ("DJ2026-000003", "SX2026-00001", True),
        ("DJ2026-000004", "SX2026-00003", False),
    ]


def test_list_matters(scenario):
    with scenario.ws.read(scenario.admin) as uow:
        rows = [(r.number, r.state, r.subject_code, r.petitioners, r.registered_on)
                for r in list_matters(uow)]
        accepted = [r.number for r in list_matters(uow, state=MatterState.ACCEPTED)]
        page = [r.number for r in list_matters(uow, limit=1, offset=1)]
    assert rows == [
        ("SX2026-00003", MatterState.REGISTERED, "0302", (), date(2026, 11, 20)),
        ("SX2026-00002", MatterState.REGISTERED, "0202", ("欧阳娜娜",), date(2026, 11, 19)),
        ("SX2026-00001", MatterState.ACCEPTED, "0101", ("王𠮷", "𠮷祥"), date(2026, 11, 18)),
    ]
    assert accepted == ["SX2026-00001"]
    assert page == ["SX2026-00002"]


SEARCHES = {
    # names, by prefix (𠮷 lies outside the BMP: SQLite's range must be built per code point)
    "王": ["王𠮷"], "王𠮷": ["王𠮷"], "𠮷": ["𠮷祥"], "欧阳": ["欧阳娜娜"], "李": [],
    "王%": [], "王_": [],  # wildcards are literal
    # ID numbers, by prefix
    "330106": ["王𠮷", "𠮷祥"], "3301061980": ["王𠮷"], OUYANG_ID: ["欧阳娜娜"],
    # phones, by prefix, however typed
    "１３８００１": ["王𠮷"], "0571-888": ["欧阳娜娜"], "139": ["𠮷祥"],
    # pinyin initials and full pinyin
    "oynn": ["欧阳娜娜"], "OY": ["欧阳娜娜"], "ouyang": ["欧阳娜娜"], "w": ["王𠮷"], "x": ["𠮷祥"],
}


def test_find_persons(scenario):
    with scenario.ws.read(scenario.admin) as uow:
        found = {query: [hit.person.name for hit in find_persons(uow, query)] for query in SEARCHES}
    assert found == SEARCHES


def test_person_hit_details(scenario):
    with scenario.ws.read(scenario.admin) as uow:
        (hit,) = find_persons(uow, WANG_ID)
    assert (hit.person.id_number, hit.person.birth_date, hit.person.phones) == (
        WANG_ID, date(1980, 1, 1), ("13800138000",))
    assert hit.age == 46
    assert hit.open_matters == ("SX2026-00001",)


def test_audit_chain_is_intact(scenario):
    with scenario.ws.database.read() as session:
        assert chain_breaks(session) == []
        assert len(session.scalars(select(AuditEvent.seq)).all()) >= 10


def test_contact_time_stays_local_wall_clock(scenario):
    with scenario.ws.database.read() as session:
        if not scenario.ws.database.is_sqlite:
            session.execute(text("SET TIME ZONE 'Asia/Shanghai'"))
        times = session.scalars(select(Contact.contact_at).order_by(Contact.number)).all()
    assert times == [datetime(2026, 11, 18, 9, 30), datetime(2026, 11, 19, 14, 0),
                     datetime(2026, 11, 20, 8, 45), datetime(2026, 11, 20, 16, 0)]


def test_audit_and_event_json_keep_chinese_text(scenario):
    first = scenario.contacts[0]
    with scenario.ws.database.read() as session:
        person_events = session.scalars(select(AuditEvent.after).where(AuditEvent.entity_type == "person")
                                        .order_by(AuditEvent.seq)).all()
        contact_event = session.scalars(select(AuditEvent.after).where(AuditEvent.entity_type == "contact")
                                        .order_by(AuditEvent.seq)).first()
        event_data = session.scalars(select(MatterEvent.data).order_by(MatterEvent.created_at)).all()
    assert [e["name"] for e in person_events] == ["王𠮷", "𠮷祥", "欧阳娜娜"]
    assert person_events[0]["phones"] == ["13800138000"]
    assert contact_event["persons"] == [str(pid) for pid in first.person_ids]
    assert all(isinstance(data, dict) for data in event_data)


# --- tests that write get a fresh database ------------------------------------------------------

def test_duplicate_live_id_number_is_refused_by_the_index(office_ws, admin):
    """The partial unique index itself, beneath the service's friendly check."""
    with office_ws.database.write() as session:
        first = Person(id=uuid.uuid4(), office_id=admin.office_id, name="王𠮷", id_number=WANG_ID)
        session.add(first)
    with pytest.raises(IntegrityError, match="uq_person_office_id_number|UNIQUE constraint failed"):
        with office_ws.database.write() as session:
            session.add(Person(office_id=admin.office_id, name="王吉", id_number=WANG_ID))
    other_office = uuid.uuid4()
    with office_ws.database.write() as session:
        # A merged-away archive keeps its number; archives without one and other offices may repeat.
        session.add(Person(office_id=admin.office_id, name="王吉", id_number=WANG_ID,
                           merged_into_id=first.id))
        session.add_all([Person(office_id=admin.office_id, name="张三", id_number=None) for _ in range(2)])
        session.add(Office(id=other_office, name="某某乡人民政府", short_name="某某乡",
                           division_code="330106102000", level="township"))
        session.flush()
        session.add(Person(office_id=other_office, name="王𠮷", id_number=WANG_ID))
    with office_ws.database.read() as session:
        assert len(session.scalars(select(Person.id).where(Person.id_number == WANG_ID)).all()) == 3


def test_timestamps_come_back_aware_utc(office_ws, admin):
    with office_ws.database.write() as session:
        user = session.get(UserAccount, admin.user_id)
        user.locked_until = datetime(2026, 11, 23, 18, 30, 15, 123456, tzinfo=BEIJING)
    with office_ws.database.read() as session:
        if not office_ws.database.is_sqlite:
            # A county server set to Beijing time hands timestamptz back in +08:00.
            session.execute(text("SET TIME ZONE 'Asia/Shanghai'"))
        user = session.get(UserAccount, admin.user_id)
        office = session.get(Office, admin.office_id)
        first_event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).first()
        values = [user.locked_until, user.created_at, user.updated_at, office.created_at, first_event.at]
        locked_later = session.scalars(select(UserAccount.login).where(
            UserAccount.locked_until > datetime(2026, 11, 23, 10, 30, 15, tzinfo=timezone.utc))).all()
    assert values[0] == datetime(2026, 11, 23, 10, 30, 15, 123456, tzinfo=timezone.utc)
    assert all(value.tzinfo == timezone.utc for value in values), values
    assert abs(datetime.now(timezone.utc) - values[3]) < timedelta(minutes=5)
    assert locked_later == ["admin"]


def test_naive_timestamp_is_refused(office_ws, admin):
    with pytest.raises(StatementError, match="naive datetime"):
        with office_ws.database.write() as session:
            session.get(UserAccount, admin.user_id).locked_until = datetime(2026, 11, 23, 18, 30)


def test_json_setting_round_trips_chinese_text(office_ws, admin):
    value = {"抬头": "某某镇信访办", "名单": ["王𠮷", "欧阳娜娜", "𠀀"], "空": None, "是": True, "数": 3,
             "嵌套": {"全角": "（１２３）", "引号": "“受理”"}}
    with office_ws.database.write() as session:
        session.add(Setting(office_id=admin.office_id, key="测试设置", value=value))
    with office_ws.database.read() as session:
        assert session.get(Setting, (admin.office_id, "测试设置")).value == value


def _last_contacts(ws: Workspace, admin: Actor) -> dict[str, datetime | None]:
    with ws.read(admin) as uow:
        return {name: at for name, at in uow.session.execute(select(Person.name, Person.last_contact_at))}


def test_last_contact_follows_contacts_merges_and_corrections(office_ws, admin):
    """The triggers of revision 0004 keep person.last_contact_at exact on both back ends."""
    from app.services.person_merge import merge_persons

    def register(at: datetime, person: PersonInput | uuid.UUID) -> RegisteredContact:
        with office_ws.write(admin) as uow:
            return register_contact(uow, NewContact(
                channel=Channel.VISIT, contact_at=at, content="反映道路积水", subject_code="0101",
                matter_type=MatterType.CLAIM, persons=(person,)))

    first = register(datetime(2026, 11, 2, 9, 0), PersonInput(name="张三"))
    zhang = first.person_ids[0]
    register(datetime(2026, 11, 9, 15, 30), zhang)
    li = register(datetime(2026, 11, 12, 8, 0), PersonInput(name="李四")).person_ids[0]
    assert _last_contacts(office_ws, admin) == {
        "张三": datetime(2026, 11, 9, 15, 30), "李四": datetime(2026, 11, 12, 8, 0)}

    with office_ws.write(admin) as uow:  # a corrected contact time moves the person's newest contact
        uow.session.execute(update(Contact).where(Contact.id == first.contact_id)
                            .values(contact_at=datetime(2026, 11, 20, 10, 0)))
    assert _last_contacts(office_ws, admin)["张三"] == datetime(2026, 11, 20, 10, 0)

    with office_ws.write(admin) as uow:  # the merge moves 张三's links to 李四, and with them the date
        merge_persons(uow, li, zhang, "同一人重复建档")
    assert _last_contacts(office_ws, admin) == {"张三": None, "李四": datetime(2026, 11, 20, 10, 0)}
