"""Leader-work figures on real data: 领导接访 批次/人次 and 化解率, screening per risk, sensitive-period
skip-level contacts, each checked against the records written through the services."""

from __future__ import annotations

from datetime import date, datetime

from app.domain.enums import Channel, MatterType, Role, Satisfaction, SkipLevel
from app.domain.leader_work import ConflictStatus, ReceptionKind, Risk
from app.services import case_ownership as co, key_persons as kp, leader_receptions as lr, screening as sc
from app.services.contacts import NewContact, register_contact
from app.services.persons import PersonInput
from app.statistics import periods
from app.statistics.figures import Count
from app.statistics.leader_work import leader_work_figures

D = date.fromisoformat


def contact(ws, actor, name, at, *, leader="", headcount=1, skip=None):
    with ws.write(actor) as uow:
        return register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=at, content="反映宅基地纠纷", persons=(PersonInput(name=name),),
            headcount=headcount, subject_code="0101", matter_type=MatterType.CLAIM, leader_reception=bool(leader),
            leader_name=leader, skip_level=skip, new_matter=True, new_matter_reason="测试"))


def build(ws, clerk, leader, admin, clock) -> None:  # type: ignore[no-untyped-def]
    """Contacts, receptions, a settled package, two screening rounds, a sensitive period."""
    first = contact(ws, clerk, "张三", datetime(2026, 11, 9, 9, 0), leader=leader.display_name, headcount=6)
    contact(ws, clerk, "李四", datetime(2026, 11, 9, 10, 0), leader=leader.display_name)
    contact(ws, clerk, "王五", datetime(2026, 10, 30, 10, 0), leader=leader.display_name)  # October
    contact(ws, clerk, "赵六", datetime(2026, 11, 10, 9, 0))
    with ws.write(clerk) as uow:
        lr.record_reception(uow, lr.NewReception(ReceptionKind.RECEPTION, D("2026-11-09"), leader.user_id))
        lr.record_reception(uow, lr.NewReception(ReceptionKind.APPOINTMENT, D("2026-11-12"), leader.user_id,
                                                 persons="钱七", headcount=1))
    clock.now = datetime(2026, 11, 10, 9, 0)
    with ws.write(admin) as uow:
        ownership = co.assign_case(uow, first.matter_id, co.NewOwnership(leader.user_id, "李某", "调解",
                                                                          D("2026-12-31")))
    clock.now = datetime(2026, 11, 23, 10, 0)
    with ws.write(leader) as uow:
        co.settle_case(uow, ownership, co.Settlement(D("2026-11-20"), "调解成功", Satisfaction.SATISFIED))
    # screening: two found in November (one carried from October is not counted again)
    clock.now = datetime(2026, 10, 20, 9, 0)
    with ws.write(clerk) as uow:
        october = sc.open_round(uow, D("2026-10-01")).id
        sc.add_conflict(uow, october, sc.NewConflict(D("2026-10-20"), "甲、乙", "土地纠纷", Risk.HIGH, "主任"))
    clock.now = datetime(2026, 11, 23, 10, 0)
    with ws.write(clerk) as uow:
        november = sc.open_round(uow, D("2026-11-01")).id
        high = sc.add_conflict(uow, november, sc.NewConflict(D("2026-11-05"), "丙、丁", "婚姻家庭", Risk.HIGH, "主任"))
        sc.add_conflict(uow, november, sc.NewConflict(D("2026-11-06"), "戊、己", "邻里纠纷", Risk.LOW, "主任"))
    with ws.write(clerk) as uow:
        sc.set_status(uow, high, ConflictStatus.RESOLVED, on=D("2026-11-10"), note="已调解")
        kp.save_period(uow, name="县两会", starts_on=D("2026-11-15"), ends_on=D("2026-11-18"))
    contact(ws, clerk, "孙八", datetime(2026, 11, 16, 9, 0), skip=SkipLevel.COUNTY, headcount=2)
    contact(ws, clerk, "周九", datetime(2026, 11, 19, 9, 0), skip=SkipLevel.CITY)  # after the period


def check(ws, admin) -> None:  # type: ignore[no-untyped-def]
    with ws.read(admin) as uow:
        f = leader_work_figures(uow, periods.month(2026, 11))
        october_figures = leader_work_figures(uow, periods.month(2026, 10))
    assert f.leader_contacts == Count(2, 7)
    assert f.receptions == {ReceptionKind.RECEPTION: 1, ReceptionKind.VILLAGE_VISIT: 0, ReceptionKind.APPOINTMENT: 1}
    assert (f.reception_resolution.numerator, f.reception_resolution.denominator) == (1, 2)
    assert f.screened == {Risk.HIGH: 1, Risk.MEDIUM: 0, Risk.LOW: 1}
    assert (f.screened_settled.numerator, f.screened_settled.denominator) == (1, 2)
    assert f.sensitive_skip_level == Count(1, 2)
    assert october_figures.leader_contacts == Count(1, 1)
    assert october_figures.screened[Risk.HIGH] == 1
    assert october_figures.screened_settled.display() == "0.0%"
    with ws.read(admin) as uow:  # a cut-off before the settling: not yet resolved
        early = leader_work_figures(uow, periods.month(2026, 11), cutoff=datetime(2026, 11, 15))
    assert (early.reception_resolution.numerator, early.reception_resolution.denominator) == (0, 2)


def test_leader_work_figures_count_what_was_recorded(ws, actors, admin, clock):
    build(ws, actors[Role.RECEPTIONIST], actors[Role.LEADER], admin, clock)
    check(ws, admin)


def test_the_same_figures_on_postgres(postgres_url, tmp_path):  # type: ignore[no-untyped-def]
    from app.services.offices import initialise
    from app.services.workspace import Workspace
    from db.models import UserAccount
    from tests.conftest import Clock, _actor
    from tests.db.conftest import SETUP

    clock = Clock()
    ws = Workspace.open(tmp_path / "pg", postgres_url, clock=clock)
    try:
        initialise(ws, SETUP)
        with ws.database.write() as session:
            session.add(UserAccount(office_id=ws.local_office_id(), login="lingdao", display_name="李镇长",
                                    role=Role.LEADER.value))
        admin = _actor(ws, "admin")
        build(ws, admin, _actor(ws, "lingdao"), admin, clock)
        check(ws, admin)
    finally:
        ws.close()
