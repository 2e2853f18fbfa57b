"""The day tables (revision stats_day) stay exact under every write that moves a figure.

After each edit the report's figures — whole days from the day tables, the cut day live — must equal
the figures grouped live from the contacts, for several periods and cut-offs (one in the middle of
a day), and the tables must hold exactly what grouping every contact afresh gives. Each edit must
also change the live figures, so a missing trigger cannot pass unnoticed. Both back ends: row
triggers on SQLite, statement triggers with transition tables on PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, text

from app.domain.enums import Channel, MatterType, SkipLevel
from app.services.context import Actor
from app.services.person_merge import merge_persons
from app.services.persons import PersonInput
from app.services.workspace import Workspace
from app.statistics import periods
from app.statistics.compute import compute_many
from db import stats_day
from db.models import Contact, ContactPerson, Document, Matter, Person, ResponsibleUnit, Village
from tests.statistics.dataset import contact

PERIODS = (periods.month(2026, 10), periods.year(2026), periods.date_range(date(2026, 10, 11), date(2026, 11, 30)))
# None: the period's end or now (2026-11-23 10:00, in the middle of a day); then a cut in the middle of
# 12 October and one at midnight.
CUTOFFS = (None, datetime(2026, 10, 12, 12, 0), datetime(2026, 10, 13, 0, 0))
TABLES = ("SELECT office_id, day, channel, big, multi, is_repeat, skip_level, leader_reception, batches, "
          "person_visits FROM stats_day_class",
          "SELECT office_id, day, dimension, key, batches, person_visits FROM stats_day_key")


def _tables(connection: Any) -> list[list[tuple[Any, ...]]]:
    return [sorted((tuple(str(v) for v in row) for row in connection.execute(text(q))), key=str) for q in TABLES]


def assert_exact(ws: Workspace, actor: Actor) -> dict[str, int]:
    """Check the day tables against live grouping; the live figures of every period and cut-off."""
    live_all: dict[str, int] = {}
    with ws.read(actor) as uow:
        for period in PERIODS:
            for cutoff in CUTOFFS:
                fast = compute_many(uow, [period], cutoff=cutoff)[0].flat()
                live = compute_many(uow, [period], cutoff=cutoff, day_tables=False)[0].flat()
                wrong = {k: (fast.get(k), live.get(k)) for k in fast.keys() | live.keys() if fast.get(k) != live.get(k)}
                assert not wrong, (period.key(), cutoff, wrong)
                live_all |= {f"{period.key()}@{cutoff}:{k}": v for k, v in live.items()}
    with ws.database.engine.connect() as connection, connection.begin() as transaction:
        kept = _tables(connection)
        stats_day.rebuild_all(connection)
        assert _tables(connection) == kept
        transaction.rollback()
    return live_all


def _edit(ws: Workspace, change: Callable[[Any], None]) -> None:
    with ws.database.write() as session:
        change(session)


def _contact(session: Any, contact_id: uuid.UUID) -> Contact:
    row = session.get(Contact, contact_id)
    assert row is not None
    return row


def test_day_tables_follow_every_edit(office_ws: Workspace, admin: Actor) -> None:
    ws = office_ws
    with ws.database.read() as session:
        village = {name: vid for name, vid in session.execute(select(Village.name, Village.id))}
        units = list(session.scalars(select(ResponsibleUnit.id).order_by(ResponsibleUnit.name)))
    east, red = village["东风村"], village["红旗村"]
    before = assert_exact(ws, admin)

    def step(name: str, change: Callable[[], None]) -> None:
        nonlocal before
        change()
        after = assert_exact(ws, admin)
        assert after != before, f"{name}: the edit moved no figure, so it proves nothing"
        before = after

    made: dict[str, Any] = {}

    def insert() -> None:
        made["c1"] = contact(ws, admin, datetime(2026, 10, 5, 9, 0), persons=(
            PersonInput(name="张三", village_id=east),), problem_village_id=east)
        made["c2"] = contact(ws, admin, datetime(2026, 10, 12, 10, 0), headcount=6, subject="0201", persons=(
            PersonInput(name="李四", village_id=red), PersonInput(name="王五", village_id=east)),
            skip_level=SkipLevel.COUNTY)
        made["c3"] = contact(ws, admin, datetime(2026, 10, 12, 15, 0), Channel.LETTER, headcount=3,
                             subject="0301", matter_type=MatterType.SUGGESTION,
                             persons=(PersonInput(name="赵六"),))
        made["c4"] = contact(ws, admin, datetime(2026, 10, 20, 9, 0), Channel.PHONE,
                             persons=(made["c1"].person_ids[0],), matter_id=made["c1"].matter_id)
        made["c5"] = contact(ws, admin, datetime(2026, 11, 23, 8, 0), persons=(PersonInput(name="孙七"),))
        made["c6"] = contact(ws, admin, datetime(2026, 3, 1, 9, 0), Channel.ONLINE, subject="1103",
                             matter_type=MatterType.ACCUSATION, anonymous=True)

    step("contact insert", insert)
    c1, c2, c3, c4 = (made[k] for k in ("c1", "c2", "c3", "c4"))
    zhang, li, wang = c1.person_ids[0], c2.person_ids[0], c2.person_ids[1]

    def update_contact(session: Any) -> None:
        row = _contact(session, c3.contact_id)
        row.contact_at = datetime(2026, 10, 13, 8, 0)  # to another day, after the mid-day cut
        row.headcount, row.channel, row.skip_level = 5, Channel.VISIT.value, SkipLevel.CITY.value
        row.is_repeat, row.leader_reception, row.problem_village_id = True, True, red

    step("contact update", lambda: _edit(ws, update_contact))

    def matter_change(session: Any) -> None:
        matter = session.get(Matter, c1.matter_id)
        matter.matter_type, matter.subject_code = MatterType.SUGGESTION.value, "0301"
        matter.responsible_unit_id, matter.problem_village_id = units[0], red

    step("matter type, subject, unit, village", lambda: _edit(ws, matter_change))

    def swap_main(session: Any) -> None:
        rows = {r.person_id: r for r in session.scalars(
            select(ContactPerson).where(ContactPerson.contact_id == c2.contact_id))}
        rows[li].position, rows[wang].position = 1, 0

    step("main petitioner change", lambda: _edit(ws, swap_main))
    step("person village change",
         lambda: _edit(ws, lambda s: setattr(s.get(Person, wang), "village_id", red)))

    def merge() -> None:
        with ws.write(admin) as uow:
            merge_persons(uow, zhang, wang, "同一人")

    step("person merge", merge)
    step("contact moved to another matter",
         lambda: _edit(ws, lambda s: setattr(_contact(s, c3.contact_id), "matter_id", c1.matter_id)))

    def main_link_replaced(session: Any) -> None:
        session.execute(delete(ContactPerson).where(ContactPerson.contact_id == c2.contact_id,
                                                    ContactPerson.position == 0))
        session.add(ContactPerson(office_id=_contact(session, c2.contact_id).office_id,
                                  contact_id=c2.contact_id, person_id=c3.person_ids[0], position=0))

    step("main petitioner link deleted and inserted", lambda: _edit(ws, main_link_replaced))

    def delete_contact(session: Any) -> None:
        session.execute(delete(Document).where(Document.contact_id == c4.contact_id))
        session.delete(_contact(session, c4.contact_id))

    step("contact delete", lambda: _edit(ws, delete_contact))
