"""A matter driven along the whole statutory road through the real services; audit and permissions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain.enums import ReplyResult, Role, Satisfaction
from app.errors import PermissionDenied
from app.services import matter_steps as st
from app.services.context import Actor
from app.services.workspace import Workspace
from db.models import AuditEvent, Document
from tests.support.matter_road import (
    PREFIX,
    D,
    assert_audit_chain_intact,
    audit_actions,
    clocks,
    counts,
    do,
    docs,
    events,
    matter_row,
    register,
    unit_id,
)


# --- the full road -----------------------------------------------------------------------------


def test_full_road_registered_to_concluded(ws: Workspace, actors: dict[Role, Actor]) -> None:
    clerk, handler = actors[Role.RECEPTIONIST], actors[Role.HANDLER]
    r = register(ws, clerk)
    mid = r.matter_id
    assert (r.number, r.matter_number, r.is_repeat, r.opened_matter) == (
        "DJ2026-000001", "SX2026-00001", False, True)
    # Mon 1 Jun + 15 = Tue 16 Jun.
    expected = {"decision": (D("2026-06-01"), 15, "calendar", D("2026-06-16"), None)}
    assert clocks(ws, mid) == expected
    assert events(ws, mid) == [(1, "register", None, "registered", D("2026-06-01"))]

    assert do(ws, clerk, mid, st.Accept(on=D("2026-06-03"))) == "accepted"
    expected["decision"] = (D("2026-06-01"), 15, "calendar", D("2026-06-16"), D("2026-06-03"))
    # Wed 3 Jun + 60 = Sun 2 Aug -> Mon 3 Aug.
    expected["handling"] = (D("2026-06-03"), 60, "calendar", D("2026-08-03"), None)
    assert clocks(ws, mid) == expected

    assert do(ws, handler, mid, st.Dispatch(on=D("2026-06-05"), responsible_unit_id=unit_id(ws))) \
        == "in_handling"
    assert clocks(ws, mid) == expected

    assert do(ws, handler, mid, st.Extend(on=D("2026-07-20"), days=30, reason="涉及多部门，需补充测量")) \
        == "extended"
    # 3 Aug + 30 = Wed 2 Sep.
    expected["handling"] = (D("2026-06-03"), 90, "calendar", D("2026-09-02"), None)
    assert clocks(ws, mid) == expected

    assert do(ws, handler, mid, st.Reply(on=D("2026-08-20"), result=ReplyResult.NOT_SUPPORT,
                                         summary="补偿款已按标准发放")) == "replied"
    expected["handling"] = (D("2026-06-03"), 90, "calendar", D("2026-09-02"), D("2026-08-20"))
    assert clocks(ws, mid) == expected

    assert do(ws, handler, mid, st.DeliverReply(on=D("2026-08-21"), receiver="张三")) == "replied"
    # Fri 21 Aug + 30 = Sun 20 Sep, a 国庆节 make-up working day: stays.
    expected["review_request"] = (D("2026-08-21"), 30, "calendar", D("2026-09-20"), None)
    assert clocks(ws, mid) == expected

    assert do(ws, handler, mid, st.Evaluate(on=D("2026-08-25"), satisfaction=Satisfaction.DISSATISFIED)) \
        == "evaluated"
    assert do(ws, handler, mid, st.Close(on=D("2026-08-26"))) == "closed"
    assert clocks(ws, mid) == expected

    assert do(ws, handler, mid, st.RequestReview(on=D("2026-09-10"), body="某某县人民政府")) \
        == "under_review"
    expected["review_request"] = (D("2026-08-21"), 30, "calendar", D("2026-09-20"), D("2026-09-10"))
    # Thu 10 Sep + 30 = Sat 10 Oct, a make-up working day: stays.
    expected["review_decision"] = (D("2026-09-10"), 30, "calendar", D("2026-10-10"), None)
    assert clocks(ws, mid) == expected

    assert do(ws, handler, mid, st.DecideReview(on=D("2026-10-09"), outcome="维持原处理意见")) == "reviewed"
    expected["review_decision"] = (D("2026-09-10"), 30, "calendar", D("2026-10-10"), D("2026-10-09"))
    # Fri 9 Oct + 30 = Sun 8 Nov -> Mon 9 Nov.
    expected["rereview_request"] = (D("2026-10-09"), 30, "calendar", D("2026-11-09"), None)
    assert clocks(ws, mid) == expected

    assert do(ws, handler, mid, st.RequestRereview(on=D("2026-10-30"), body="某某市人民政府")) \
        == "under_rereview"
    expected["rereview_request"] = (D("2026-10-09"), 30, "calendar", D("2026-11-09"), D("2026-10-30"))
    # Fri 30 Oct + 30 = Sun 29 Nov -> Mon 30 Nov.
    expected["rereview_decision"] = (D("2026-10-30"), 30, "calendar", D("2026-11-30"), None)
    assert clocks(ws, mid) == expected

    assert do(ws, handler, mid, st.DecideRereview(on=D("2026-11-20"), outcome="维持复查意见",
                                                  hearing_days=5)) == "concluded"
    # The 5 hearing days are not counted: 30 Nov + 5 = Sat 5 Dec -> Mon 7 Dec.
    expected["rereview_decision"] = (D("2026-10-30"), 35, "calendar", D("2026-12-07"), D("2026-11-20"))
    assert clocks(ws, mid) == expected

    assert events(ws, mid) == [
        (1, "register", None, "registered", D("2026-06-01")),
        (2, "accept", "registered", "accepted", D("2026-06-03")),
        (3, "dispatch", "accepted", "in_handling", D("2026-06-05")),
        (4, "extend", "in_handling", "extended", D("2026-07-20")),
        (5, "reply", "extended", "replied", D("2026-08-20")),
        (6, "deliver_reply", "replied", "replied", D("2026-08-21")),
        (7, "evaluate", "replied", "evaluated", D("2026-08-25")),
        (8, "close", "evaluated", "closed", D("2026-08-26")),
        (9, "request_review", "closed", "under_review", D("2026-09-10")),
        (10, "decide_review", "under_review", "reviewed", D("2026-10-09")),
        (11, "request_rereview", "reviewed", "under_rereview", D("2026-10-30")),
        (12, "decide_rereview", "under_rereview", "concluded", D("2026-11-20")),
    ]
    m = matter_row(ws, mid)
    assert (m.decision, m.accepted_on, m.extension_days, m.extension_reason) == (
        "accept", D("2026-06-03"), 30, "涉及多部门，需补充测量")
    assert (m.replied_on, m.reply_result, m.reply_delivered_on, m.satisfaction) == (
        D("2026-08-20"), "not_support", D("2026-08-21"), "dissatisfied")
    assert (m.closed_on, m.concluded_on, m.rereview_decided_on) == (
        D("2026-08-26"), D("2026-11-20"), D("2026-11-20"))

    # One notice per kind, numbered in its own gap-free series.
    assert docs(ws, mid) == [
        ("acceptance", f"{PREFIX}受〔2026〕1号", D("2026-06-03")),
        ("extension", f"{PREFIX}延〔2026〕1号", D("2026-07-20")),
        ("reply", f"{PREFIX}复〔2026〕1号", D("2026-08-20")),
    ]
    with ws.database.read() as session:
        reply = session.scalars(select(Document).where(Document.matter_id == mid,
                                                       Document.kind == "reply")).one()
        assert (reply.delivery_method, reply.delivered_on, reply.delivery_receiver) == (
            "direct", D("2026-08-21"), "张三")

    # Audit: person, contact and matter created; one row per step; notices issued and delivered.
    assert audit_actions(ws, mid) == [
        "create", "accept", "dispatch", "extend", "reply", "deliver_reply", "evaluate", "close",
        "request_review", "decide_review", "request_rereview", "decide_rereview"]
    with ws.database.read() as session:
        by_type = {kind: n for kind, n in session.execute(
            select(AuditEvent.entity_type, func.count()).group_by(AuditEvent.entity_type))}
    assert (by_type["person"], by_type["contact"], by_type["matter"], by_type["document"]) == (1, 1, 12, 4)
    assert assert_audit_chain_intact(ws) == sum(by_type.values())


def test_step_audit_records_changed_fields_only(ws: Workspace, admin: Actor) -> None:
    mid = register(ws, admin).matter_id
    do(ws, admin, mid, st.Accept(on=D("2026-06-03")))
    with ws.database.read() as session:
        row = session.scalars(select(AuditEvent).where(AuditEvent.action == "accept")).one()
        session.expunge(row)
    assert row.before == {"state": "registered", "decision": None, "decided_on": None,
                          "accepted_on": None}
    assert row.after == {"state": "accepted", "decision": "accept", "decided_on": "2026-06-03",
                         "accepted_on": "2026-06-03"}
    assert (row.entity_type, row.entity_id, row.user_login) == ("matter", str(mid), "admin")

# --- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("role, step", [
    (Role.HANDLER, st.Accept(on=D("2026-06-03"))),
    (Role.HANDLER, st.Decline(on=D("2026-06-03"), reason="不属本镇")),
    (Role.RECEPTIONIST, st.Reply(on=D("2026-06-03"), summary="答复")),
    (Role.RECEPTIONIST, st.Extend(on=D("2026-06-03"), days=10, reason="复杂")),
    (Role.COUNTY_READER, st.Accept(on=D("2026-06-03"))),
    (Role.COUNTY_READER, st.Reply(on=D("2026-06-03"), summary="答复")),
    (Role.COUNTY_READER, st.Reopen(on=D("2026-06-03"), new_facts="新事实")),
    (Role.LEADER, st.Accept(on=D("2026-06-03"))),
], ids=lambda v: v.value if isinstance(v, Role) else type(v).__name__)
def test_permission_denied_writes_nothing(ws: Workspace, actors: dict[Role, Actor], role: Role,
                                          step: st.Step) -> None:
    mid = register(ws, actors[Role.ADMIN]).matter_id
    if isinstance(step, (st.Reply, st.Extend)):
        do(ws, actors[Role.ADMIN], mid, st.Accept(on=D("2026-06-02")))
    before = counts(ws)
    with pytest.raises(PermissionDenied) as caught:
        do(ws, actors[role], mid, step)
    assert caught.value.code == "permission_denied" and caught.value.message.startswith("权限不足：")
    assert counts(ws) == before


def test_county_reader_cannot_register(ws: Workspace, actors: dict[Role, Actor]) -> None:
    before = counts(ws)
    with pytest.raises(PermissionDenied, match="县级查阅不能登记来访"):
        register(ws, actors[Role.COUNTY_READER])
    assert counts(ws) == before
