"""The 15-day decision: accept, decline, route to a legal channel, forward/assign, objection (第二十三条)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest

from app.domain.enums import LegalChannel, MatterSource, MatterType, Role
from app.errors import IllegalTransition, ValidationError
from app.services import matter_steps as st, matters
from app.services.context import Actor
from app.services.workspace import Workspace
from tests.support.matter_road import D, clocks, counts, do, docs, events, matter_row, register


# --- short roads -------------------------------------------------------------------------------


def test_decline_with_notice_numbers(ws: Workspace, actors: dict[Role, Actor]) -> None:
    clerk = actors[Role.RECEPTIONIST]
    first = register(ws, clerk, name="张三").matter_id
    second = register(ws, clerk, name="李四", at=datetime(2026, 6, 2, 9, 0)).matter_id
    assert do(ws, clerk, first, st.Decline(on=D("2026-06-05"), reason="已在法院诉讼中")) == "declined"
    assert do(ws, clerk, second, st.Decline(on=D("2026-06-06"), reason="同一事项正在办理")) == "declined"
    assert docs(ws, first) == [("decline", "某某镇信不受〔2026〕1号", D("2026-06-05"))]
    assert docs(ws, second) == [("decline", "某某镇信不受〔2026〕2号", D("2026-06-06"))]
    m = matter_row(ws, first)
    assert (m.decision, m.decided_on, m.decision_reason) == ("decline", D("2026-06-05"), "已在法院诉讼中")
    assert clocks(ws, first) == {
        "decision": (D("2026-06-01"), 15, "calendar", D("2026-06-16"), D("2026-06-05"))}
    assert events(ws, first)[-1] == (2, "decline", "registered", "declined", D("2026-06-05"))


def test_decline_concluded_matter_issues_no_longer_accepted(ws: Workspace, admin: Actor) -> None:
    mid = register(ws, admin).matter_id
    do(ws, admin, mid, st.Decline(on=D("2026-06-05"), reason="已经复核终结，无新的事实和理由",
                                  no_longer_accepted=True))
    assert docs(ws, mid) == [("no-longer-accepted", "某某镇信不再受〔2026〕1号", D("2026-06-05"))]


def test_decline_without_notice_needs_reason(ws: Workspace, admin: Actor) -> None:
    mid = register(ws, admin).matter_id
    before = counts(ws)
    with pytest.raises(IllegalTransition) as caught:
        do(ws, admin, mid, st.Decline(on=D("2026-06-05"), reason="重复", issue_notice=False))
    assert caught.value.field == "notice" and "告知书" in caught.value.message
    assert counts(ws) == before
    do(ws, admin, mid, st.Decline(on=D("2026-06-05"), reason="重复", issue_notice=False,
                                  no_notice_reason="地址不详，无法送达"))
    assert docs(ws, mid) == []
    assert matter_row(ws, mid).no_notice_reason == "地址不详，无法送达"


def test_route_legal(ws: Workspace, admin: Actor) -> None:
    mid = register(ws, admin).matter_id
    assert do(ws, admin, mid, st.RouteLegal(on=D("2026-06-04"), channel=LegalChannel.LITIGATION,
                                            body="某某县人民法院")) == "routed"
    m = matter_row(ws, mid)
    assert (m.decision, m.legal_channel, m.referred_to) == ("route_legal", "litigation", "某某县人民法院")
    assert docs(ws, mid) == [("legal-channel", "某某镇信导〔2026〕1号", D("2026-06-04"))]
    assert clocks(ws, mid)["decision"][4] == D("2026-06-04")


def test_forward_and_assign_with_report(ws: Workspace, actors: dict[Role, Actor]) -> None:
    clerk, handler = actors[Role.RECEPTIONIST], actors[Role.HANDLER]
    forwarded = register(ws, clerk, name="张三").matter_id
    assigned = register(ws, clerk, name="李四").matter_id
    assert do(ws, clerk, forwarded, st.Forward(on=D("2026-06-02"), to="某某县自然资源局")) == "forwarded"
    assert do(ws, clerk, assigned, st.Assign(on=D("2026-06-03"), to="某某县住建局")) == "assigned"
    assert docs(ws, forwarded) == [("referral", "某某镇信转〔2026〕1号", D("2026-06-02"))]
    assert docs(ws, assigned) == [("referral", "某某镇信转〔2026〕2号", D("2026-06-03"))]
    assert matter_row(ws, forwarded).referred_to == "某某县自然资源局"
    # A forwarded matter needs no report; an assigned one waits for it.
    with pytest.raises(IllegalTransition):
        do(ws, handler, forwarded, st.ReceiveReport(on=D("2026-07-01"), summary="已处理"))
    assert do(ws, handler, assigned, st.ReceiveReport(on=D("2026-07-01"), summary="已解决并答复")) == "closed"
    assert matter_row(ws, assigned).closed_on == D("2026-07-01")
    assert [e[1:4] for e in events(ws, assigned)] == [
        ("register", None, "registered"), ("assign", "registered", "assigned"),
        ("receive_report", "assigned", "closed")]


def test_assigned_out_matter_has_a_report_clock_forwarded_has_none(ws: Workspace, admin: Actor) -> None:
    from db.models import Setting

    forwarded = register(ws, admin, name="张三").matter_id
    assigned = register(ws, admin, name="李四").matter_id
    do(ws, admin, forwarded, st.Forward(on=D("2026-06-02"), to="某某县自然资源局"))
    do(ws, admin, assigned, st.Assign(on=D("2026-06-03"), to="城建办"))
    assert "assignment_report" not in clocks(ws, forwarded)
    # The office rule (60 days by default): Wed 3 Jun + 60 = Sun 2 Aug -> Mon 3 Aug.
    assert clocks(ws, assigned)["assignment_report"] == (D("2026-06-03"), 60, "calendar", D("2026-08-03"), None)
    assert matter_row(ws, assigned).report_days == 60
    do(ws, admin, assigned, st.ReceiveReport(on=D("2026-07-01"), summary="已解决并答复"))
    assert clocks(ws, assigned)["assignment_report"][4] == D("2026-07-01")

    # A shorter deadline for one matter; a changed office rule for the next ones only.
    quick = register(ws, admin, name="王五").matter_id
    do(ws, admin, quick, st.Assign(on=D("2026-06-03"), to="城建办", report_days=20))  # Tue 23 Jun
    assert clocks(ws, quick)["assignment_report"][3] == D("2026-06-23")
    with ws.database.write() as session:
        session.add(Setting(office_id=admin.office_id, key="assignment_report_days", value=30))
    later = register(ws, admin, name="赵六").matter_id
    do(ws, admin, later, st.Assign(on=D("2026-06-03"), to="城建办"))  # Fri 3 Jul
    assert clocks(ws, later)["assignment_report"][3] == D("2026-07-03")
    assert clocks(ws, quick)["assignment_report"][3] == D("2026-06-23")


def test_report_days_out_of_range_refused(ws: Workspace, admin: Actor) -> None:
    mid = register(ws, admin).matter_id
    before = counts(ws)
    with pytest.raises(IllegalTransition) as caught:
        do(ws, admin, mid, st.Assign(on=D("2026-06-03"), to="城建办", report_days=91))
    assert (caught.value.code, caught.value.field) == ("report_days", "report_days")
    assert "1 至 90" in caught.value.message
    assert counts(ws) == before


def _assigned_down(ws: Workspace, actor: Actor, *, registered_on: date = D("2026-11-18"),
                   due: date | None = D("2026-12-18")) -> uuid.UUID:
    with ws.write(actor) as uow:
        return matters.open_matter(uow, matters.NewMatter(
            title="某村道路硬化问题", matter_type=MatterType.CLAIM, subject_code="0107",
            registered_on=registered_on, source=MatterSource.ASSIGNED_DOWN, assigned_by="某某县信访局",
            assigned_due_on=due)).id


def test_assigned_down_matter_objection_within_five_working_days(ws: Workspace, admin: Actor) -> None:
    mid = _assigned_down(ws, admin)
    # Wed 18 Nov: 19, 20, 23, 24, 25 Nov.
    assert clocks(ws, mid) == {
        "decision": (D("2026-11-18"), 15, "calendar", D("2026-12-03"), None),
        "objection": (D("2026-11-18"), 5, "working", D("2026-11-25"), None),
        "assigned_result": (D("2026-11-18"), 30, "calendar", D("2026-12-18"), None),
    }
    assert do(ws, admin, mid, st.Object(on=D("2026-11-20"), reason="属县自然资源局职权")) == "returned"
    stored = clocks(ws, mid)
    assert stored["objection"][4] == stored["decision"][4] == D("2026-11-20")
    # Returned to the county: its result deadline is no longer owed by the township.
    assert stored["assigned_result"][4] == D("2026-11-20")
    m = matter_row(ws, mid)
    assert (m.decision, m.decision_reason, m.assigned_by) == ("object", "属县自然资源局职权", "某某县信访局")


def test_object_refused_for_matter_from_a_contact(ws: Workspace, admin: Actor) -> None:
    mid = register(ws, admin).matter_id
    before = counts(ws)
    with pytest.raises(IllegalTransition) as caught:
        do(ws, admin, mid, st.Object(on=D("2026-06-03"), reason="不属本镇职权"))
    assert (caught.value.code, caught.value.field) == ("object_not_assigned", "decision")
    assert counts(ws) == before
    assert matter_row(ws, mid).state == "registered"


def test_assigned_down_result_met_by_reply(ws: Workspace, admin: Actor) -> None:
    mid = _assigned_down(ws, admin)
    do(ws, admin, mid, st.Accept(on=D("2026-11-19")))
    do(ws, admin, mid, st.Reply(on=D("2026-11-23"), summary="已硬化完成"))
    stored = clocks(ws, mid)
    assert stored["assigned_result"][4] == D("2026-11-23")
    assert stored["objection"][4] == D("2026-11-19")


def test_assigned_due_must_follow_receipt(ws: Workspace, admin: Actor) -> None:
    before = counts(ws)
    with pytest.raises(ValidationError) as caught:
        _assigned_down(ws, admin, due=D("2026-11-18"))
    assert caught.value.field == "assigned_due_on" and "交办期限" in caught.value.message
    assert counts(ws) == before
