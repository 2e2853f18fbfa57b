"""A small hand-built township history around October 2026, made through the real services.

Every contact and every matter step is listed here with its date, so each expected number in the
tests can be checked by hand against this file. Deadlines count plain calendar days (the office
setting that rolls a deadline off a rest day is switched off), so decision deadlines are
registration + 15 days and reply deadlines acceptance + 60 (+ extension).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from app.domain.enums import Channel, DeliveryMethod, MatterType, ReplyResult, Satisfaction, SkipLevel
from app.services import matter_steps as st, matters
from app.services.contacts import NewContact, RegisteredContact, register_contact
from app.services.context import Actor
from app.services.persons import PersonInput
from app.services.workspace import Workspace
from db.models import Matter, ResponsibleUnit, Setting, Village

D = date.fromisoformat


@dataclass
class Built:
    contacts: dict[str, RegisteredContact] = field(default_factory=dict)
    matters: dict[str, uuid.UUID] = field(default_factory=dict)
    villages: dict[str, uuid.UUID] = field(default_factory=dict)
    unit_id: uuid.UUID | None = None


def villages(ws: Workspace) -> dict[str, uuid.UUID]:
    with ws.database.read() as session:
        return {name: vid for vid, name in session.execute(select(Village.id, Village.name))}


def no_rolling(ws: Workspace, office_id: uuid.UUID) -> None:
    with ws.database.write() as session:
        session.merge(Setting(office_id=office_id, key="roll_to_working_day", value=False))


def contact(ws: Workspace, actor: Actor, at: datetime, channel: Channel = Channel.VISIT, *,
            persons: tuple[PersonInput | uuid.UUID, ...] = (), headcount: int = 1,
            subject: str = "0101", matter_type: MatterType = MatterType.CLAIM,
            matter_id: uuid.UUID | None = None, **extra: object) -> RegisteredContact:
    with ws.write(actor) as uow:
        return register_contact(uow, NewContact(
            channel=channel, contact_at=at, content="反映问题", persons=persons, headcount=headcount,
            subject_code=subject, matter_type=matter_type, matter_id=matter_id, **extra))  # type: ignore[arg-type]


def steps(ws: Workspace, actor: Actor, matter_id: uuid.UUID, *todo: st.Step) -> None:
    for step in todo:
        with ws.write(actor) as uow:
            matters.perform(uow, matter_id, step)


def accept(on: str) -> st.Step:
    return st.Accept(on=D(on))


def reply(on: str) -> st.Step:
    return st.Reply(on=D(on), result=ReplyResult.SUPPORT, summary="答复意见")


def deliver(on: str) -> st.Step:
    return st.DeliverReply(on=D(on), method=DeliveryMethod.DIRECT, receiver="本人")


def evaluate(on: str, rating: Satisfaction) -> st.Step:
    return st.Evaluate(on=D(on), satisfaction=rating)


def close(on: str) -> st.Step:
    return st.Close(on=D(on))


def set_facts(ws: Workspace, matter_id: uuid.UUID, **facts: object) -> None:
    """Facts no service records yet (积案 listing, 化解): written straight to the matter row."""
    with ws.database.write() as session:
        matter = session.get(Matter, matter_id)
        assert matter is not None
        for key, value in facts.items():
            setattr(matter, key, value)


def build(ws: Workspace, actor: Actor) -> Built:
    b = Built(villages=villages(ws))
    no_rolling(ws, actor.office_id)
    v = b.villages
    with ws.database.read() as session:
        b.unit_id = session.scalars(select(ResponsibleUnit.id).where(ResponsibleUnit.name == "城建办")).one()
    _october_contacts(ws, actor, b, v)
    _earlier_matters(ws, actor, b)
    _backlog(ws, actor, b)
    _around(ws, actor, b)
    return b


def _october_contacts(ws: Workspace, actor: Actor, b: Built, v: dict[str, uuid.UUID]) -> None:
    c = b.contacts
    c["C1"] = contact(ws, actor, datetime(2026, 10, 5, 9, 0),
                      persons=(PersonInput(name="张三", village_id=v["东风村"]),),
                      problem_village_id=v["东风村"])
    zhang = c["C1"].person_ids[0]
    m1 = b.matters["M1"] = c["C1"].matter_id
    c["C2"] = contact(ws, actor, datetime(2026, 10, 8, 10, 0), headcount=30, subject="0201",
                      persons=(PersonInput(name="李四", village_id=v["红旗村"]),
                               PersonInput(name="王五", village_id=v["团结村"])),
                      problem_village_id=v["红旗村"], skip_level=SkipLevel.COUNTY)
    b.matters["M2"] = c["C2"].matter_id
    c["C3"] = contact(ws, actor, datetime(2026, 10, 10, 11, 0), Channel.LETTER, headcount=3,
                      subject="0301", matter_type=MatterType.SUGGESTION,
                      persons=(PersonInput(name="赵六"),), problem_village_id=v["幸福社区"])
    b.matters["M3"] = c["C3"].matter_id
    steps(ws, actor, m1, accept("2026-10-10"),
          st.Dispatch(on=D("2026-10-11"), responsible_unit_id=b.unit_id))
    c["C4"] = contact(ws, actor, datetime(2026, 10, 12, 9, 0), Channel.PHONE, persons=(zhang,),
                      matter_id=m1)
    c["C5"] = contact(ws, actor, datetime(2026, 10, 15, 9, 0), persons=(zhang,), headcount=2,
                      matter_id=m1, skip_level=SkipLevel.CITY, leader_reception=True,
                      leader_name="刘镇长")
    steps(ws, actor, m1, reply("2026-10-20"), deliver("2026-10-21"),
          evaluate("2026-10-25", Satisfaction.SATISFIED), close("2026-10-28"))
    c["C6"] = contact(ws, actor, datetime(2026, 10, 20, 15, 0), Channel.ONLINE, subject="1103",
                      matter_type=MatterType.ACCUSATION, anonymous=True)
    b.matters["M6"] = c["C6"].matter_id
    c["C7"] = contact(ws, actor, datetime(2026, 10, 31, 23, 30), Channel.FAX, subject="99",
                      matter_type=MatterType.SUGGESTION,
                      persons=(PersonInput(name="孙七", village_id=v["团结村"]),))
    b.matters["M7"] = c["C7"].matter_id
    steps(ws, actor, b.matters["M6"], st.Accept(on=D("2026-10-22"), issue_notice=False,
                                                  no_notice_reason="匿名"))
    steps(ws, actor, b.matters["M2"], accept("2026-10-25"))
    steps(ws, actor, b.matters["M3"], st.Decline(on=D("2026-11-02"), reason="已在办理"))


PETITIONERS = {"A1": "钱甲", "A2": "钱乙", "A3": "钱丙", "A4": "钱丁", "A5": "钱戊", "A6": "钱己",
               "A7": "钱庚", "A8": "钱辛", "B1": "孔甲", "B2": "孔乙", "B3": "孔丙", "B4": "孔丁",
               "B5": "孔戊", "B6": "孔己"}


def _matter(ws: Workspace, actor: Actor, b: Built, name: str, registered: str,
            matter_type: MatterType = MatterType.CLAIM) -> uuid.UUID:
    reg = contact(ws, actor, datetime.fromisoformat(registered + "T09:00"), Channel.LETTER,
                  persons=(PersonInput(name=PETITIONERS[name]),), subject="0801", matter_type=matter_type)
    b.contacts[name] = reg
    b.matters[name] = reg.matter_id
    return reg.matter_id


def _earlier_matters(ws: Workspace, actor: Actor, b: Built) -> None:
    a1 = _matter(ws, actor, b, "A1", "2026-08-03")
    steps(ws, actor, a1, accept("2026-08-05"), reply("2026-10-08"), deliver("2026-10-09"),
          evaluate("2026-11-05", Satisfaction.DISSATISFIED))
    a2 = _matter(ws, actor, b, "A2", "2026-08-03")
    steps(ws, actor, a2, accept("2026-08-06"),
          st.Extend(on=D("2026-09-01"), days=30, reason="情况复杂"), reply("2026-11-02"))
    a3 = _matter(ws, actor, b, "A3", "2026-08-10")
    steps(ws, actor, a3, accept("2026-08-12"))
    a4 = _matter(ws, actor, b, "A4", "2026-07-20")
    steps(ws, actor, a4, accept("2026-07-22"), reply("2026-09-18"), deliver("2026-10-02"),
          evaluate("2026-10-10", Satisfaction.BASICALLY), close("2026-10-12"))
    set_facts(ws, a4, resolution="resolved", resolved_on=D("2026-10-15"))
    a5 = _matter(ws, actor, b, "A5", "2026-07-01", MatterType.SUGGESTION)
    steps(ws, actor, a5, accept("2026-07-02"), reply("2026-08-20"), deliver("2026-10-03"))
    a6 = _matter(ws, actor, b, "A6", "2026-06-01")
    steps(ws, actor, a6, accept("2026-06-02"), reply("2026-07-20"), deliver("2026-07-25"),
          evaluate("2026-07-30", Satisfaction.DISSATISFIED), close("2026-10-20"))
    a7 = _matter(ws, actor, b, "A7", "2026-06-03")
    steps(ws, actor, a7, accept("2026-06-04"), reply("2026-07-10"), deliver("2026-07-12"),
          close("2026-10-25"))
    a8 = _matter(ws, actor, b, "A8", "2026-06-05", MatterType.SUGGESTION)
    steps(ws, actor, a8, accept("2026-06-06"), reply("2026-07-10"), deliver("2026-07-12"),
          close("2026-10-26"))
    # A repeat contact on A7 after October's cut-off does not spoil its 一次性化解 in October.
    b.contacts["A7-repeat"] = contact(ws, actor, datetime(2026, 11, 3, 9, 0), Channel.LETTER,
                                      persons=(b.contacts["A7"].person_ids[0],), matter_id=a7)


def _backlog(ws: Workspace, actor: Actor, b: Built) -> None:
    b1 = _matter(ws, actor, b, "B1", "2025-03-01")
    steps(ws, actor, b1, accept("2025-03-03"))
    set_facts(ws, b1, is_backlog=True, backlog_since=D("2026-03-01"), resolution="resolved",
              resolved_on=D("2026-10-18"))
    b2 = _matter(ws, actor, b, "B2", "2025-05-01")
    set_facts(ws, b2, is_backlog=True, backlog_since=D("2026-05-01"))
    b3 = _matter(ws, actor, b, "B3", "2025-06-01")
    set_facts(ws, b3, is_backlog=True, backlog_since=D("2026-06-01"), resolution="resolved",
              resolved_on=D("2026-09-10"))
    b4 = _matter(ws, actor, b, "B4", "2025-08-01")
    set_facts(ws, b4, is_backlog=True, backlog_since=D("2026-10-15"), resolution="resolved",
              resolved_on=D("2026-11-05"))
    b5 = _matter(ws, actor, b, "B5", "2025-02-01")
    set_facts(ws, b5, is_backlog=True)
    b6 = _matter(ws, actor, b, "B6", "2025-09-01")
    set_facts(ws, b6, is_backlog=True, backlog_since=D("2026-11-10"))


def _around(ws: Workspace, actor: Actor, b: Built) -> None:
    """Contacts just outside October, and those of October 2025 (同比) and September 2026 (环比)."""
    b.contacts["C8"] = contact(ws, actor, datetime(2026, 11, 1, 0, 0), persons=(PersonInput(name="周八"),))
    b.contacts["C9"] = contact(ws, actor, datetime(2026, 9, 30, 23, 59), persons=(PersonInput(name="吴九"),))
    b.contacts["C12"] = contact(ws, actor, datetime(2026, 9, 15, 9, 0), Channel.LETTER,
                                persons=(PersonInput(name="郑十"),))
    b.contacts["C10"] = contact(ws, actor, datetime(2025, 10, 10, 9, 0), headcount=4,
                                persons=(PersonInput(name="冯一"),))
    b.contacts["C11"] = contact(ws, actor, datetime(2025, 10, 11, 9, 0), headcount=5,
                                persons=(PersonInput(name="陈二"),))
