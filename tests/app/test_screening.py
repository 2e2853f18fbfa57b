"""矛盾纠纷排查: register, monthly rounds carrying unresolved items over, turning an item into a matter."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.domain.enums import MatterType, Role
from app.domain.leader_work import ConflictStatus, Risk
from app.errors import Conflict, PermissionDenied, ValidationError
from app.services import screening as sc
from db.models import Matter
from tests.support.matters import village_id

D = date.fromisoformat


def conflict(ws, actor, round_id, parties, risk, on=D("2026-10-12"), **extra):
    with ws.write(actor) as uow:
        return sc.add_conflict(uow, round_id, sc.NewConflict(
            found_on=on, parties=parties, kind=extra.pop("kind", "邻里纠纷"), risk=risk,
            responsible=extra.pop("responsible", "东风村调解主任"), **extra))


def test_rounds_carry_unresolved_items_and_keep_their_history(ws, actors, clock):
    clerk = actors[Role.RECEPTIONIST]
    clock.now = datetime(2026, 10, 12, 9, 0)
    with ws.write(clerk) as uow:
        october = sc.open_round(uow, D("2026-10-01"))
    dongfeng = village_id(ws, "东风村")
    boundary = conflict(ws, clerk, october.id, "张三、李四", Risk.HIGH, village_id=dongfeng,
                        summary="宅基地边界争议", measures="组织丈量", due_on=D("2026-11-30"))
    water = conflict(ws, clerk, october.id, "王五、赵六", Risk.LOW, kind="用水纠纷")
    wage = conflict(ws, clerk, october.id, "某建筑队、务工人员12人", Risk.MEDIUM, kind="劳资纠纷")
    with ws.write(clerk) as uow:
        sc.set_status(uow, water, ConflictStatus.RESOLVED, on=D("2026-10-12"), note="双方达成协议")
        sc.set_status(uow, wage, ConflictStatus.IN_PROGRESS, on=D("2026-10-12"))
    clock.now = datetime(2026, 11, 2, 9, 0)
    with ws.write(clerk) as uow:
        november = sc.open_round(uow, D("2026-11-15"))
    assert (november.month, november.carried) == (D("2026-11-01"), 2)
    with ws.read(clerk) as uow:
        now = sc.conflict_register(uow, november.id)
        then = sc.conflict_register(uow, october.id)
        assert [r.carried for r in sc.rounds(uow)] == [2, 0]
    assert [(c.parties, c.risk_label, c.status) for c in now] == [
        ("张三、李四", "高", ConflictStatus.OPEN), ("某建筑队、务工人员12人", "中", ConflictStatus.IN_PROGRESS)]
    assert [c.status for c in then] == [ConflictStatus.CARRIED, ConflictStatus.CARRIED, ConflictStatus.RESOLVED]
    assert now[0].village == "东风村" and now[0].due_on == D("2026-11-30")
    with pytest.raises(Conflict), ws.write(clerk) as uow:  # the old copy no longer changes
        sc.set_status(uow, boundary, ConflictStatus.RESOLVED, on=D("2026-11-02"), note="x")
    with pytest.raises(Conflict), ws.write(clerk) as uow:
        sc.open_round(uow, D("2026-11-01"))
    with pytest.raises(ValidationError) as err, ws.write(clerk) as uow:
        sc.open_round(uow, D("2026-12-01"))
    assert err.value.field == "month"
    with pytest.raises(ValidationError) as err, ws.write(clerk) as uow:
        sc.open_round(uow, D("2026-09-01"))
    assert err.value.code == "later_round"
    with ws.read(clerk) as uow:
        chain = sc.history(uow, now[0].id)
    assert [(c.round_month, c.status) for c in chain] == [
        (D("2026-10-01"), ConflictStatus.CARRIED), (D("2026-11-01"), ConflictStatus.OPEN)]


def test_a_conflict_becomes_a_matter_with_one_action(ws, actors, admin, clock):
    clerk = actors[Role.RECEPTIONIST]
    with ws.write(clerk) as uow:
        rnd = sc.open_round(uow, D("2026-11-01"))
    item = conflict(ws, clerk, rnd.id, "张三、李四", Risk.HIGH, on=D("2026-11-20"),
                    village_id=village_id(ws, "红旗村"))
    with pytest.raises(PermissionDenied), ws.write(actors[Role.HANDLER]) as uow:
        sc.convert_to_matter(uow, item, title="宅基地纠纷", subject_code="0101", matter_type=MatterType.CLAIM)
    with ws.write(clerk) as uow:
        matter = sc.convert_to_matter(uow, item, title="宅基地边界纠纷", subject_code="0101",
                                      matter_type=MatterType.CLAIM)
    with ws.read(clerk) as uow:
        (info,) = sc.conflict_register(uow, rnd.id)
        m = uow.session.get(Matter, matter)
        registered = (m.registered_on, m.problem_village_id, m.title)
    assert (info.status, info.matter_id) == (ConflictStatus.CONVERTED, matter)
    assert registered == (D("2026-11-23"), village_id(ws, "红旗村"), "宅基地边界纠纷")
    with pytest.raises(Conflict), ws.write(clerk) as uow:
        sc.convert_to_matter(uow, item, title="再次", subject_code="0101", matter_type=MatterType.CLAIM)


def test_register_checks_name_the_field(ws, actors):
    clerk = actors[Role.RECEPTIONIST]
    with ws.write(clerk) as uow:
        rnd = sc.open_round(uow, D("2026-11-01"))
    base = dict(found_on=D("2026-11-20"), parties="张三", kind="邻里纠纷", risk=Risk.LOW, responsible="调解主任")
    for change, field in (({"parties": ""}, "parties"), ({"responsible": ""}, "responsible"),
                          ({"found_on": D("2026-11-24")}, "found_on"), ({"due_on": D("2026-11-19")}, "due_on"),
                          ({"risk": "urgent"}, "risk")):
        with pytest.raises(ValidationError) as err, ws.write(clerk) as uow:
            sc.add_conflict(uow, rnd.id, sc.NewConflict(**(base | change)))
        assert err.value.field == field
    item = conflict(ws, clerk, rnd.id, "张三", Risk.LOW, on=D("2026-11-20"))
    with pytest.raises(ValidationError) as err, ws.write(clerk) as uow:
        sc.set_status(uow, item, ConflictStatus.RESOLVED, on=D("2026-11-21"))
    assert err.value.field == "note"  # 已化解 says what settled it
    with pytest.raises(PermissionDenied), ws.write(actors[Role.COUNTY_READER]) as uow:
        sc.open_round(uow, D("2026-10-01"))
