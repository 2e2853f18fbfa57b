"""A township's leader and stability work done through the real services, for the exchange tests:
reception schedule and records (linked to contacts and matters), 领导包案 with progress, village
receptions, 信访代办, a screening round with conflicts carried over, key persons with their follow-ups,
sensitive periods."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from app.domain.enums import Satisfaction
from app.domain.leader_work import ConflictStatus, ReceptionKind, Risk
from app.services import case_ownership as co, key_persons as kp, leader_receptions as lr, screening as sc
from app.services import village_work as vw
from app.services.workspace import Workspace
from db.models import MatterPetitioner, UserAccount, Village
from tests.support.matters import register

BASE = date(2026, 11, 2)


def admin_id(ws: Workspace) -> uuid.UUID:
    with ws.database.read() as session:
        return session.scalars(select(UserAccount.id).where(UserAccount.login == "admin")).one()


def first_village(ws: Workspace) -> uuid.UUID:
    with ws.database.read() as session:
        return session.scalars(select(Village.id).where(Village.office_id == ws.local_office_id())
                               .order_by(Village.name)).first()


def do_stability_work(ws: Workspace, round_no: int) -> dict[str, uuid.UUID]:
    """One round of leader and stability work; returns the ids made (to change or delete later)."""
    actor = ws.system_actor()
    leader = admin_id(ws)
    village = first_village(ws)
    day = BASE + timedelta(days=round_no)
    matter = register(ws, actor, f"第 {round_no} 轮：反映宅基地纠纷", on=day, name="郑明")
    made: dict[str, uuid.UUID] = {"matter": matter}
    with ws.write(actor) as uow:
        made["slot"] = lr.add_slot(uow, lr.NewSlot(leader, uow.today() + timedelta(days=round_no), "上午",
                                                   "镇信访接待室", "征地拆迁"))
        lr.publish(uow, uow.today(), uow.today() + timedelta(days=30))
        made["spare_slot"] = lr.add_slot(uow, lr.NewSlot(leader, uow.today() + timedelta(days=round_no),
                                                         "下午", "镇信访接待室"))
    with ws.write(actor) as uow:
        made["reception"] = lr.record_reception(uow, lr.NewReception(
            ReceptionKind.APPOINTMENT, day, leader, place="镇政府", persons="郑明", headcount=1,
            note="约访当事人", matter_ids=(matter,)))
        made["ownership"] = co.assign_case(uow, matter, co.NewOwnership(leader, "经办人李某", "约谈双方",
                                                                        uow.today() + timedelta(days=40)))
    with ws.write(actor) as uow:
        co.add_progress(uow, made["ownership"], uow.today(), f"第 {round_no} 轮：已约谈")
        made["village_reception"] = vw.record_village_reception(uow, vw.NewVillageReception(
            day, village, "村支书、调解主任", contacts_registered=2, cases_discussed=1, screening_done=True))
        made["proxy"] = vw.order_proxy(uow, matter, on=day, request="请代办宅基地确权")
    with ws.write(actor) as uow:
        vw.dispatch_proxy(uow, made["proxy"], on=day, proxy_user_id=leader)
        vw.accept_proxy(uow, made["proxy"], on=day)
        vw.rate_proxy(uow, made["proxy"], on=uow.today(), rating=Satisfaction.SATISFIED)
        month = date(2026, 8 + round_no, 1)  # the demo may have opened the month's round already
        round_ = next((r for r in sc.rounds(uow) if r.month == month), None) or sc.open_round(uow, month)
        made["conflict"] = sc.add_conflict(uow, round_.id, sc.NewConflict(
            day, f"第 {round_no} 轮 甲、乙两户", "邻里纠纷", Risk.MEDIUM, "调解主任", village_id=village))
        person = uow.session.scalars(select(MatterPetitioner.person_id)
                                     .where(MatterPetitioner.matter_id == matter)).one()
        made["key_person"] = kp.list_key_person(uow, person, officer_id=leader, reason="多次越级上访")
    with ws.write(actor) as uow:
        if round_no > 1:  # the conflict carried over from the last round settles here
            sc.set_status(uow, made["conflict"], ConflictStatus.IN_PROGRESS, on=uow.today(), note="调解中")
        kp.log_follow_up(uow, made["key_person"], on=uow.today(), way="电话", note="情绪稳定")
        made["period"] = kp.save_period(uow, name=f"第 {round_no} 个敏感节点", starts_on=uow.today(),
                                        ends_on=uow.today() + timedelta(days=5))
    return made
