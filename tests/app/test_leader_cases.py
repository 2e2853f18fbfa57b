"""领导包案 with the four fixes and settling, 督办 on the deadline board, 积案 by rule and by hand."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.domain.enums import MatterType, Resolution, Role, Satisfaction
from app.errors import Conflict, PermissionDenied, ValidationError
from app.services import backlog, case_ownership as co, deadline_board, matter_oversight as mo
from app.services.office_settings import set_setting
from app.statistics import Rate, compute_figures, periods
from db.models import AuditEvent, Matter
from tests.support.matters import register

D = date.fromisoformat
TODAY = D("2026-11-23")


def own(ws, actor, matter, leader, target=D("2026-12-31")):
    with ws.write(actor) as uow:
        return co.assign_case(uow, matter, co.NewOwnership(leader.user_id, "经办人李某、东风村书记",
                                                           "约谈双方，组织现场丈量", target))


def test_leader_owns_a_matter_with_four_fixes_and_progress(ws, actors, admin):
    leader = actors[Role.LEADER]
    matter = register(ws, admin, "反映征地补偿款未到位", on=D("2026-11-02"))
    ownership = own(ws, leader, matter, leader)
    with ws.write(leader) as uow:
        co.add_progress(uow, ownership, TODAY, "已约谈村委会，补偿款下周拨付")
    with ws.read(leader) as uow:
        (case,) = co.leader_cases(uow, leader.user_id)
        assert uow.session.get(Matter, matter).case_leader == leader.display_name
    assert (case.matter_id, case.leader, case.staff, case.target_on, case.days_left) == (
        matter, leader.display_name, "经办人李某、东风村书记", D("2026-12-31"), 38)
    assert case.next_due_on == D("2026-11-17")  # the decision clock still open
    assert [(p.noted_on, p.note, p.author) for p in case.progress] == [
        (TODAY, "已约谈村委会，补偿款下周拨付", leader.display_name)]


def test_handing_over_ends_the_earlier_package(ws, actors, admin):
    leader = actors[Role.LEADER]
    matter = register(ws, admin, "反映拖欠工资", on=D("2026-11-02"))
    first = own(ws, admin, matter, leader)
    own(ws, admin, matter, admin)  # the administrator takes it over
    with ws.read(admin) as uow:
        assert co.leader_cases(uow, leader.user_id) == ()
        assert [c.leader for c in co.leader_cases(uow)] == [admin.display_name]
    with pytest.raises(Conflict), ws.write(leader) as uow:
        co.add_progress(uow, first, TODAY, "已不再负责")


def test_four_fixes_are_checked_and_only_leaders_own(ws, actors, admin):
    leader, handler = actors[Role.LEADER], actors[Role.HANDLER]
    matter = register(ws, admin, "反映噪声扰民", on=D("2026-11-02"))
    bad = [
        (co.NewOwnership(handler.user_id, "李某", "约谈", D("2026-12-31")), "leader_id"),
        (co.NewOwnership(leader.user_id, "", "约谈", D("2026-12-31")), "staff"),
        (co.NewOwnership(leader.user_id, "李某", " ", D("2026-12-31")), "measures"),
        (co.NewOwnership(leader.user_id, "李某", "约谈", TODAY), "target_on"),
    ]
    for data, field in bad:
        with pytest.raises(ValidationError) as err, ws.write(admin) as uow:
            co.assign_case(uow, matter, data)
        assert err.value.field == field
    with pytest.raises(PermissionDenied), ws.write(handler) as uow:
        co.assign_case(uow, matter, co.NewOwnership(leader.user_id, "李某", "约谈", D("2026-12-31")))
    with ws.read(admin) as uow:
        assert uow.session.get(Matter, matter).case_leader == ""  # nothing half-written


def test_settling_a_claim_needs_the_evaluation_or_a_reason(ws, actors, admin):
    leader = actors[Role.LEADER]
    matter = register(ws, admin, "反映低保待遇", on=D("2026-11-02"))
    ownership = own(ws, leader, matter, leader)
    with pytest.raises(ValidationError) as err, ws.write(leader) as uow:
        co.settle_case(uow, ownership, co.Settlement(TODAY, "已落实低保"))
    assert (err.value.field, err.value.message.startswith("信访人评价")) == ("evaluation", True)
    with pytest.raises(ValidationError) as err, ws.write(leader) as uow:
        co.settle_case(uow, ownership, co.Settlement(TODAY, "  ", Satisfaction.SATISFIED))
    assert err.value.field == "outcome"
    with ws.write(leader) as uow:
        co.settle_case(uow, ownership, co.Settlement(TODAY, "已落实低保，信访人签字息诉罢访",
                                                     no_evaluation_reason="信访人外出务工，电话无法接通"))
    with ws.read(leader) as uow:
        m = uow.session.get(Matter, matter)
        assert (m.resolution, m.resolved_on) == (Resolution.RESOLVED.value, TODAY)
        assert co.leader_cases(uow, leader.user_id) == ()
        (settled,) = co.leader_cases(uow, leader.user_id, include_settled=True)
        actions = list(uow.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == str(matter))))
    assert settled.settled_on == TODAY and "settle_case" in actions
    suggestion = register(ws, admin, "建议修建文化广场", on=D("2026-11-02"), matter_type=MatterType.SUGGESTION,
                          name="李四")
    second = own(ws, leader, suggestion, leader)
    with ws.write(leader) as uow:  # a suggestion is settled on its outcome alone
        co.settle_case(uow, second, co.Settlement(TODAY, "已纳入明年计划"))


def test_overdue_supervision_shows_on_the_deadline_board(ws, actors, admin):
    matter = register(ws, admin, "反映道路损毁", on=D("2026-11-02"))
    with ws.write(admin) as uow:
        late = mo.add_supervision(uow, matter, mo.NewSupervision(
            "upper", "某某县信访局", "请于11月20日前报送化解进展", D("2026-11-10"), D("2026-11-20")))
        mo.add_supervision(uow, matter, mo.NewSupervision(
            "township", "党委书记", "本周内约谈", D("2026-11-23"), D("2026-11-27")))
        mo.add_supervision(uow, matter, mo.NewSupervision(
            "township", "镇长", "月底前答复", D("2026-11-23"), D("2026-12-15")))  # not yet near
    with ws.read(actors[Role.RECEPTIONIST]) as uow:
        board = deadline_board.load_board(uow)
        assert deadline_board.needs_attention(uow)
    assert [(s.supervisor, s.days_left) for s in board.supervisions] == [("某某县信访局", -3), ("党委书记", 4)]
    assert [s.source_label for s in board.overdue_supervisions] == ["上级督办"]
    with ws.write(admin) as uow:
        mo.reply_supervision(uow, late, TODAY, "已报送进展")
    with ws.read(admin) as uow:
        assert deadline_board.load_board(uow).overdue_supervisions == ()


def test_backlog_rule_follows_the_office_setting(ws, actors, admin, clock):
    clock.now = datetime(2025, 6, 1, 9, 0)
    old = register(ws, admin, "反映宅基地确权", on=D("2025-05-10"), name="张三")
    clock.now = datetime(2025, 12, 1, 9, 0)
    middling = register(ws, admin, "反映林地纠纷", on=D("2025-12-01"), name="李四")
    clock.now = datetime(2026, 11, 23, 10, 0)
    register(ws, admin, "反映路灯", on=D("2026-11-02"), name="王五")
    with ws.write(actors[Role.RECEPTIONIST]) as uow:
        assert backlog.apply_backlog_rule(uow) == 1
        assert backlog.apply_backlog_rule(uow) == 0  # already flagged
    with ws.read(admin) as uow:
        m = uow.session.get(Matter, old)
        assert (m.is_backlog, m.backlog_since) == (True, D("2026-05-10"))
    with ws.write(admin) as uow:
        set_setting(uow, "backlog_months", 6)
    with ws.write(admin) as uow:
        assert backlog.apply_backlog_rule(uow) == 1
    with ws.read(admin) as uow:
        assert uow.session.get(Matter, middling).backlog_since == D("2026-06-01")


def test_backlog_by_hand_list_and_resolution_rate(ws, actors, admin):
    leader = actors[Role.LEADER]
    listed = register(ws, admin, "县交办积案：土地承包纠纷", on=D("2026-03-02"), name="张三")
    other = register(ws, admin, "县交办积案：拆迁安置", on=D("2026-03-05"), name="李四")
    with ws.write(leader) as uow:
        backlog.flag_backlog(uow, listed, D("2026-04-01"), "县信访局第一批积案清单")
        backlog.flag_backlog(uow, other, D("2026-04-01"), "县信访局第一批积案清单")
    with pytest.raises(Conflict), ws.write(leader) as uow:
        backlog.flag_backlog(uow, listed, D("2026-04-01"), "重复")
    third = register(ws, admin, "反映水渠", on=D("2026-03-02"), name="王五")
    for since, reason, field in ((D("2026-04-01"), "", "reason"), (D("2026-03-01"), "清单", "backlog_since"),
                                 (D("2026-11-24"), "清单", "backlog_since")):
        with pytest.raises(ValidationError) as err, ws.write(leader) as uow:
            backlog.flag_backlog(uow, third, since, reason)
        assert err.value.field == field
    ownership = own(ws, leader, listed, leader)
    with ws.write(leader) as uow:
        co.add_progress(uow, ownership, TODAY, "已达成调解协议")
        co.settle_case(uow, ownership, co.Settlement(TODAY, "调解协议已履行", Satisfaction.SATISFIED))
    with ws.read(leader) as uow:
        items = backlog.backlog_list(uow)
    assert [(i.matter_id, i.resolved_on, i.case_leader) for i in items] == [
        (other, None, ""), (listed, TODAY, leader.display_name)]
    assert items[1].last_progress == "已达成调解协议" and items[0].months_open == 8
    with ws.read(admin) as uow:
        figures = compute_figures(uow, periods.month(2026, 11))
    rate = figures.rates[Rate.BACKLOG_RESOLUTION]
    assert (rate.numerator, rate.denominator) == (1, 2)


def test_the_dossier_shows_the_package_and_the_proxy(ws, actors, admin):
    from app.services import village_work as vw
    from app.services.matter_dossier import load_dossier

    leader = actors[Role.LEADER]
    matter = register(ws, admin, "反映医保报销", on=D("2026-11-02"))
    ownership = own(ws, leader, matter, leader)
    with ws.write(leader) as uow:
        co.add_progress(uow, ownership, TODAY, "已协调医保站")
    with ws.write(admin) as uow:
        vw.order_proxy(uow, matter, on=D("2026-11-03"), request="代为办理异地报销")
    with ws.read(admin) as uow:
        dossier = load_dossier(uow, matter, ws.attachments_dir)
    assert (dossier.case.staff, dossier.case.progress[0].note) == ("经办人李某、东风村书记", "已协调医保站")
    assert [p.stage_label for p in dossier.proxies] == ["已点单"]
