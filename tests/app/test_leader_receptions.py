"""领导接访: schedule, publishing, today's receiving leader, reception records linking the day's contacts."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from app.domain.enums import Channel, MatterType, Role
from app.domain.leader_work import ReceptionKind
from app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.services import leader_receptions as lr
from app.services.contacts import NewContact, register_contact
from app.services.persons import PersonInput
from db.models import AuditEvent, LeaderReception
from tests.support.matters import register, village_id

D = date.fromisoformat
TODAY = D("2026-11-23")


def slot(ws, actor, leader, on, time_slot="上午 8:30—11:30", place="镇信访接待室", topics="征地拆迁"):
    with ws.write(actor) as uow:
        return lr.add_slot(uow, lr.NewSlot(leader.user_id, on, time_slot, place, topics))


def visit(ws, actor, name, leader_name, at, headcount=1):
    with ws.write(actor) as uow:
        return register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=at, content="反映宅基地纠纷", persons=(PersonInput(name=name),),
            headcount=headcount, subject_code="0101", matter_type=MatterType.CLAIM, leader_reception=bool(leader_name), leader_name=leader_name,
            new_matter=True, new_matter_reason="测试"))


def test_schedule_is_published_and_gives_todays_receiving_leader(ws, actors):
    clerk, leader = actors[Role.RECEPTIONIST], actors[Role.LEADER]
    slot(ws, clerk, leader, TODAY)
    slot(ws, clerk, leader, D("2026-11-30"), place="东风村村委会")
    with ws.read(clerk) as uow:
        assert lr.receiving_leader_today(uow) is None  # planned but not public yet
    with ws.write(clerk) as uow:
        assert lr.publish(uow, D("2026-11-23"), D("2026-11-30")) == 2
    with ws.read(clerk) as uow:
        today = lr.receiving_leader_today(uow)
        week = lr.schedule(uow, TODAY, D("2026-11-30"), published_only=True)
    assert (today.leader, today.place, today.published_on) == (leader.display_name, "镇信访接待室", TODAY)
    assert [s.place for s in week] == ["镇信访接待室", "东风村村委会"]
    with pytest.raises(ValidationError) as err, ws.write(clerk) as uow:
        lr.publish(uow, TODAY, D("2026-11-30"))
    assert err.value.code == "nothing_to_publish"
    with pytest.raises(Conflict), ws.write(clerk) as uow:
        lr.remove_slot(uow, week[0].id)


def test_slot_checks_name_the_field(ws, actors, admin):
    clerk, leader = actors[Role.RECEPTIONIST], actors[Role.LEADER]
    slot(ws, clerk, leader, TODAY)
    cases = [
        (lr.NewSlot(leader.user_id, TODAY, "上午 8:30—11:30", "接待室"), Conflict, "time_slot"),
        (lr.NewSlot(leader.user_id, D("2026-11-20"), "上午", "接待室"), ValidationError, "held_on"),
        (lr.NewSlot(clerk.user_id, TODAY, "下午", "接待室"), ValidationError, "leader_id"),
        (lr.NewSlot(leader.user_id, TODAY, "下午", " "), ValidationError, "place"),
    ]
    for data, error, field in cases:
        with pytest.raises(error) as err, ws.write(clerk) as uow:
            lr.add_slot(uow, data)
        assert err.value.field == field, data
        assert err.value.message.startswith(("接访", "领导")), err.value.message
    with pytest.raises(PermissionDenied), ws.write(actors[Role.COUNTY_READER]) as uow:
        lr.add_slot(uow, lr.NewSlot(leader.user_id, TODAY, "下午", "接待室"))


def test_reception_links_the_days_contacts_of_that_leader(ws, actors, clock):
    clerk, leader = actors[Role.RECEPTIONIST], actors[Role.LEADER]
    slot(ws, clerk, leader, TODAY)
    clock.now = datetime(2026, 11, 23, 11, 0)
    mine = visit(ws, clerk, "张三", leader.display_name, datetime.combine(TODAY, time(9, 0)), headcount=2)
    also = visit(ws, clerk, "李四", leader.display_name, datetime.combine(TODAY, time(10, 0)))
    visit(ws, clerk, "王五", "", datetime.combine(TODAY, time(10, 30)))  # not a leader reception
    visit(ws, clerk, "赵六", leader.display_name, datetime(2026, 11, 20, 9, 0))  # another day
    with ws.write(clerk) as uow:
        rid = lr.record_reception(uow, lr.NewReception(ReceptionKind.RECEPTION, TODAY, leader.user_id,
                                                       place="镇信访接待室", note="现场答复两起"))
    with ws.read(clerk) as uow:
        (info,) = lr.receptions(uow, TODAY, TODAY)
        schedule_id = uow.session.get(LeaderReception, rid).schedule_id
        audited = uow.session.scalars(select(AuditEvent.after).where(AuditEvent.entity_id == str(rid))).one()
    assert (info.kind, info.leader, info.batches, info.headcount) == (ReceptionKind.RECEPTION, leader.display_name,
                                                                      2, 3)
    assert set(info.matter_ids) == {mine.matter_id, also.matter_id}
    assert schedule_id is not None  # found the published slot of that day
    assert len(audited["contacts"]) == 2


def test_village_visit_and_appointment_need_their_facts(ws, actors):
    clerk, leader = actors[Role.RECEPTIONIST], actors[Role.LEADER]
    matter = register(ws, clerk, "反映灌溉水渠堵塞", on=D("2026-11-02"))
    with pytest.raises(ValidationError) as err, ws.write(clerk) as uow:
        lr.record_reception(uow, lr.NewReception(ReceptionKind.VILLAGE_VISIT, TODAY, leader.user_id))
    assert err.value.field == "village_id"
    with pytest.raises(ValidationError) as err, ws.write(clerk) as uow:
        lr.record_reception(uow, lr.NewReception(ReceptionKind.APPOINTMENT, TODAY, leader.user_id))
    assert err.value.field == "persons"
    with pytest.raises(NotFound), ws.write(clerk) as uow:
        lr.record_reception(uow, lr.NewReception(ReceptionKind.APPOINTMENT, TODAY, leader.user_id,
                                                 persons="张三", matter_ids=(leader.user_id,)))
    with ws.write(clerk) as uow:
        lr.record_reception(uow, lr.NewReception(ReceptionKind.VILLAGE_VISIT, D("2026-11-20"), leader.user_id,
                                                 village_id=village_id(ws, "东风村"), persons="村民代表", headcount=6,
                                                 matter_ids=(matter,)))
        lr.record_reception(uow, lr.NewReception(ReceptionKind.APPOINTMENT, TODAY, leader.user_id,
                                                 persons="张三", headcount=1, matter_ids=(matter,)))
    with ws.read(clerk) as uow:
        found = lr.receptions(uow, D("2026-11-01"), TODAY, leader_id=leader.user_id)
    assert [(r.kind, r.village, r.headcount, r.matter_ids) for r in found] == [
        (ReceptionKind.VILLAGE_VISIT, "东风村", 6, (matter,)), (ReceptionKind.APPOINTMENT, "", 1, (matter,))]


def test_a_saved_reception_is_edited_and_the_changed_fields_audited(ws, actors, admin, clock):
    clerk, leader = actors[Role.RECEPTIONIST], actors[Role.LEADER]
    clock.now = datetime(2026, 11, 23, 11, 0)
    first = visit(ws, clerk, "张三", leader.display_name, datetime.combine(TODAY, time(9, 0)), headcount=2)
    other = visit(ws, clerk, "李四", "", datetime(2026, 11, 20, 9, 0))
    with ws.write(clerk) as uow:
        rid = lr.record_reception(uow, lr.NewReception(ReceptionKind.RECEPTION, TODAY, leader.user_id, place="接待室"))
    with ws.read(clerk) as uow:
        before = lr.reception_detail(uow, rid)
    assert (before.contact_numbers, before.headcount) == ((first.number,), 2)
    edit = lr.ReceptionEdit(D("2026-11-20"), admin.user_id, place="东风村村委会", note="补记：现场答复",
                            contact_numbers=(other.number, " "), matter_numbers=(first.matter_number,))
    with ws.write(clerk) as uow:
        changed = lr.edit_reception(uow, rid, edit)
    assert set(changed) == {"held_on", "leader", "place", "note", "contacts", "matters", "headcount"}
    with ws.read(clerk) as uow:
        after = lr.reception_detail(uow, rid)
        (info,) = lr.receptions(uow, D("2026-11-20"), D("2026-11-20"))
        event = uow.session.execute(select(AuditEvent.before, AuditEvent.after).where(
            AuditEvent.entity_id == str(rid), AuditEvent.action == "update")).one()
    assert (after.held_on, after.leader_id, after.place, after.note) == (D("2026-11-20"), admin.user_id,
                                                                         "东风村村委会", "补记：现场答复")
    assert after.contact_numbers == (other.number,) and info.batches == 1 and info.headcount == 1
    assert set(after.matter_numbers) == {first.matter_number, other.matter_number}
    assert event.before["leader"] == leader.display_name and event.after["leader"] == admin.display_name
    assert event.before["contacts"] == [first.number] and event.after["contacts"] == [other.number]
    assert "persons" not in event.after and "village_id" not in event.after  # unchanged fields stay out
    with ws.write(clerk) as uow:  # the same values again: nothing changed, nothing audited
        assert lr.edit_reception(uow, rid, edit) == ()
    with ws.read(clerk) as uow:
        assert len(uow.session.scalars(select(AuditEvent.id).where(AuditEvent.entity_id == str(rid),
                                                                AuditEvent.action == "update")).all()) == 1


def test_reception_edit_refusals_name_the_field_and_write_nothing(ws, actors, clock):
    clerk, leader = actors[Role.RECEPTIONIST], actors[Role.LEADER]
    with ws.write(clerk) as uow:
        rid = lr.record_reception(uow, lr.NewReception(ReceptionKind.VILLAGE_VISIT, TODAY, leader.user_id,
                                                       village_id=village_id(ws, "东风村"), persons="村民代表"))
    good = dict(held_on=TODAY, leader_id=leader.user_id, village_id=village_id(ws, "东风村"), persons="村民代表")
    cases = [
        (good | {"village_id": None}, ValidationError, "village_id"),  # 下访 still needs its village
        (good | {"held_on": D("2026-11-24")}, ValidationError, "held_on"),
        (good | {"leader_id": clerk.user_id}, ValidationError, "leader_id"),
        (good | {"contact_numbers": ("X-0000",)}, NotFound, "contact_numbers"),
        (good | {"matter_numbers": ("1999-9999",), "note": "改了"}, NotFound, "number"),
    ]
    for values, error, field in cases:
        with pytest.raises(error) as err, ws.write(clerk) as uow:
            lr.edit_reception(uow, rid, lr.ReceptionEdit(**values))
        assert err.value.field == field, values
    with pytest.raises(PermissionDenied), ws.write(actors[Role.COUNTY_READER]) as uow:
        lr.edit_reception(uow, rid, lr.ReceptionEdit(**good | {"note": "越权"}))
    with pytest.raises(NotFound), ws.write(clerk) as uow:
        lr.edit_reception(uow, leader.user_id, lr.ReceptionEdit(**good))
    with ws.read(clerk) as uow:
        detail = lr.reception_detail(uow, rid)
        updates = uow.session.scalars(select(AuditEvent.id).where(AuditEvent.action == "update",
                                                                  AuditEvent.entity_type == "leader_reception")).all()
    assert (detail.note, detail.held_on, updates) == ("", TODAY, [])
