"""Matters driven through the real services on a fresh workspace: events, clocks, notices, audit."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select

from app.domain.enums import (
    Channel,
    DeliveryMethod,
    LegalChannel,
    MatterSource,
    MatterType,
    ReplyResult,
    Role,
    Satisfaction,
)
from app.errors import IllegalTransition, PermissionDenied, ValidationError
from app.services import audit, documents, matter_steps as st, matters
from app.services.context import Actor
from app.services.contacts import NewContact, RegisteredContact, register_contact
from app.services.persons import PersonInput
from app.services.workspace import Workspace
from db.models import (
    AuditEvent,
    Contact,
    Document,
    Matter,
    MatterDeadline,
    MatterEvent,
    NumberSeries,
    Person,
    ResponsibleUnit,
)

D = date.fromisoformat
PREFIX = "某某镇信"


# --- helpers ---------------------------------------------------------------------------------


def register(ws: Workspace, actor: Actor, *, at: datetime = datetime(2026, 6, 1, 9, 0),
             name: str = "张三", subject: str = "0101") -> RegisteredContact:
    with ws.write(actor) as uow:
        return register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=at, content="反映征地补偿款未按时发放",
            persons=(PersonInput(name=name),), subject_code=subject, matter_type=MatterType.CLAIM))


def do(ws: Workspace, actor: Actor, matter_id: uuid.UUID, step: st.Step) -> str:
    with ws.write(actor) as uow:
        return matters.perform(uow, matter_id, step).state


def matter_row(ws: Workspace, matter_id: uuid.UUID) -> SimpleNamespace:
    """The matter's stored columns (a plain snapshot: the read session expires ORM objects)."""
    with ws.database.read() as session:
        matter = session.get(Matter, matter_id)
        assert matter is not None
        return SimpleNamespace(**{c.key: getattr(matter, c.key) for c in Matter.__table__.columns})


def events(ws: Workspace, matter_id: uuid.UUID) -> list[tuple[int, str, str | None, str, date]]:
    with ws.database.read() as session:
        rows = session.scalars(select(MatterEvent).where(MatterEvent.matter_id == matter_id)
                               .order_by(MatterEvent.seq))
        return [(e.seq, e.action, e.from_state, e.to_state, e.occurred_on) for e in rows]


def clocks(ws: Workspace, matter_id: uuid.UUID) -> dict[str, tuple[date, int, str, date, date | None]]:
    with ws.database.read() as session:
        rows = session.scalars(select(MatterDeadline).where(MatterDeadline.matter_id == matter_id))
        return {d.clock: (d.starts_on, d.days, d.unit, d.due_on, d.met_on) for d in rows}


def docs(ws: Workspace, matter_id: uuid.UUID) -> list[tuple[str, str | None, date]]:
    with ws.database.read() as session:
        rows = session.scalars(select(Document).where(Document.matter_id == matter_id)
                               .order_by(Document.created_at))
        return [(d.kind, d.number, d.issued_on) for d in rows]


COUNTED = (Person, Contact, Matter, MatterEvent, MatterDeadline, Document, AuditEvent)


def counts(ws: Workspace) -> dict[str, Any]:
    with ws.database.read() as session:
        rows: dict[str, Any] = {m.__tablename__: session.scalar(select(func.count()).select_from(m))
                                for m in COUNTED}
        rows["series"] = sorted(tuple(row) for row in session.execute(
            select(NumberSeries.series, NumberSeries.year, NumberSeries.last_value)))
        return rows


def assert_audit_chain_intact(ws: Workspace) -> int:
    with ws.database.read() as session:
        rows = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        previous = audit.GENESIS
        for n, row in enumerate(rows, 1):
            assert row.seq == n
            assert row.prev_hash == previous, f"chain broken before seq {row.seq}"
            assert audit.event_hash(row) == row.hash, f"audit event {row.seq} altered"
            previous = row.hash
        return len(rows)


def audit_actions(ws: Workspace, entity_id: uuid.UUID) -> list[str]:
    with ws.database.read() as session:
        return list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.entity_id == str(entity_id)).order_by(AuditEvent.seq)))


def unit_id(ws: Workspace, name: str = "城建办") -> uuid.UUID:
    with ws.database.read() as session:
        return session.scalars(select(ResponsibleUnit.id).where(ResponsibleUnit.name == name)).one()


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


def test_simplified_track_clocks(ws: Workspace, admin: Actor) -> None:
    mid = register(ws, admin, at=datetime(2026, 9, 29, 9, 0)).matter_id
    do(ws, admin, mid, st.Accept(on=D("2026-09-30"), simplified=True))
    # 3 working days after Tue 29 Sep: 30 Sep, 8 Oct, 9 Oct; 10 working days after 30 Sep: 20 Oct.
    assert clocks(ws, mid) == {
        "decision": (D("2026-09-29"), 3, "working", D("2026-10-09"), D("2026-09-30")),
        "handling": (D("2026-09-30"), 10, "working", D("2026-10-20"), None),
    }


def test_working_day_office_setting_drives_stored_clocks(ws: Workspace, admin: Actor) -> None:
    from db.models import Setting

    with ws.database.write() as session:
        office_id = admin.office_id
        session.add(Setting(office_id=office_id, key="day_unit", value="working"))
    mid = register(ws, admin, at=datetime(2026, 11, 23, 9, 0)).matter_id
    assert clocks(ws, mid) == {"decision": (D("2026-11-23"), 15, "working", D("2026-12-14"), None)}


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


def _replied_and_delivered(ws: Workspace, actor: Actor) -> uuid.UUID:
    mid = register(ws, actor).matter_id
    do(ws, actor, mid, st.Accept(on=D("2026-06-03")))
    do(ws, actor, mid, st.Reply(on=D("2026-08-20"), summary="已按标准补发"))
    do(ws, actor, mid, st.DeliverReply(on=D("2026-08-21"), receiver="张三"))
    return mid


def test_conclude_only_after_review_window(ws: Workspace, admin: Actor) -> None:
    mid = _replied_and_delivered(ws, admin)
    do(ws, admin, mid, st.Close(on=D("2026-08-22")))
    before = counts(ws)
    for on in (D("2026-09-01"), D("2026-09-20")):  # the window runs to Sun 20 Sep (a working day)
        with pytest.raises(IllegalTransition) as caught:
            do(ws, admin, mid, st.Conclude(on=on))
        assert (caught.value.code, caught.value.field) == ("window_open", "occurred_on")
        assert "2026-09-20" in caught.value.message
    assert counts(ws) == before
    assert do(ws, admin, mid, st.Conclude(on=D("2026-09-21"))) == "concluded"
    assert matter_row(ws, mid).concluded_on == D("2026-09-21")
    assert clocks(ws, mid)["review_request"][4] is None  # the petitioner let it pass


def test_conclude_after_review_waits_for_rereview_window(ws: Workspace, admin: Actor) -> None:
    mid = _replied_and_delivered(ws, admin)
    do(ws, admin, mid, st.RequestReview(on=D("2026-09-01"), body="某某县人民政府"))
    do(ws, admin, mid, st.DecideReview(on=D("2026-09-25"), outcome="维持"))
    # Fri 25 Sep + 30 = Sun 25 Oct -> Mon 26 Oct.
    assert clocks(ws, mid)["rereview_request"][3] == D("2026-10-26")
    with pytest.raises(IllegalTransition):
        do(ws, admin, mid, st.Conclude(on=D("2026-10-26")))
    assert do(ws, admin, mid, st.Conclude(on=D("2026-10-27"))) == "concluded"


def test_close_needs_delivery(ws: Workspace, admin: Actor) -> None:
    mid = register(ws, admin).matter_id
    do(ws, admin, mid, st.Accept(on=D("2026-06-03")))
    do(ws, admin, mid, st.Reply(on=D("2026-08-20"), summary="已按标准补发"))
    before = counts(ws)
    for step in (st.Close(on=D("2026-08-21")), st.Evaluate(on=D("2026-08-21"))):
        with pytest.raises(IllegalTransition) as caught:
            do(ws, admin, mid, step)
        assert caught.value.field == "reply_delivered_on" and "送达" in caught.value.message
    assert counts(ws) == before


def test_reopen_with_new_facts_restarts_decision_clock(ws: Workspace, admin: Actor) -> None:
    mid = _replied_and_delivered(ws, admin)
    do(ws, admin, mid, st.Close(on=D("2026-08-22")))
    do(ws, admin, mid, st.Conclude(on=D("2026-09-21")))
    with pytest.raises(ValidationError) as caught:
        do(ws, admin, mid, st.Reopen(on=D("2026-11-02")))
    assert caught.value.field == "new_facts" and "新的事实和理由" in caught.value.message

    assert do(ws, admin, mid, st.Reopen(on=D("2026-11-02"), new_facts="发现补偿标准计算有误")) == "registered"
    m = matter_row(ws, mid)
    assert (m.reopened_on, m.registered_on, m.decision, m.accepted_on, m.replied_on,
            m.reply_delivered_on, m.closed_on, m.concluded_on) == (
        D("2026-11-02"), D("2026-06-01"), None, None, None, None, None, None)
    # Only the decision clock runs again, from the reopening: Mon 2 Nov + 15 = Tue 17 Nov.
    assert clocks(ws, mid) == {"decision": (D("2026-11-02"), 15, "calendar", D("2026-11-17"), None)}
    assert events(ws, mid)[-1] == (7, "reopen", "concluded", "registered", D("2026-11-02"))

    # The new round gets its own notices; the first round's stay on file with their delivery.
    do(ws, admin, mid, st.Accept(on=D("2026-11-05")))
    do(ws, admin, mid, st.Reply(on=D("2026-11-20"), summary="按新标准补发差额"))
    do(ws, admin, mid, st.DeliverReply(on=D("2026-11-23"), method=DeliveryMethod.POST))
    assert docs(ws, mid) == [
        ("acceptance", f"{PREFIX}受〔2026〕1号", D("2026-06-03")),
        ("reply", f"{PREFIX}复〔2026〕1号", D("2026-08-20")),
        ("acceptance", f"{PREFIX}受〔2026〕2号", D("2026-11-05")),
        ("reply", f"{PREFIX}复〔2026〕2号", D("2026-11-20")),
    ]
    with ws.database.read() as session:
        delivered = sorted(tuple(row) for row in session.execute(
            select(Document.number, Document.delivered_on, Document.delivery_method)
            .where(Document.kind == "reply")))
    assert delivered == [(f"{PREFIX}复〔2026〕1号", D("2026-08-21"), "direct"),
                         (f"{PREFIX}复〔2026〕2号", D("2026-11-23"), "post")]
    assert clocks(ws, mid) == {
        "decision": (D("2026-11-02"), 15, "calendar", D("2026-11-17"), D("2026-11-05")),
        "handling": (D("2026-11-05"), 60, "calendar", D("2027-01-04"), D("2026-11-20")),
        "review_request": (D("2026-11-23"), 30, "calendar", D("2026-12-23"), None),
    }
    assert_audit_chain_intact(ws)


def test_reopen_declined_matter(ws: Workspace, admin: Actor) -> None:
    mid = register(ws, admin).matter_id
    do(ws, admin, mid, st.Decline(on=D("2026-06-05"), reason="材料不全"))
    do(ws, admin, mid, st.Reopen(on=D("2026-06-10"), new_facts="补齐了征地协议"))
    do(ws, admin, mid, st.Decline(on=D("2026-06-10"), reason="已过诉讼时效，请依法起诉"))
    assert [d[1] for d in docs(ws, mid)] == [f"{PREFIX}不受〔2026〕1号", f"{PREFIX}不受〔2026〕2号"]


# --- extensions through the service ------------------------------------------------------------


def _accepted(ws: Workspace, actor: Actor) -> uuid.UUID:
    mid = register(ws, actor).matter_id
    do(ws, actor, mid, st.Accept(on=D("2026-06-03")))  # handling due Mon 3 Aug
    return mid


@pytest.mark.parametrize("days, code", [(0, "extension_days"), (31, "extension_days")])
def test_extension_days_refused(ws: Workspace, admin: Actor, days: int, code: str) -> None:
    mid = _accepted(ws, admin)
    before = counts(ws)
    with pytest.raises(IllegalTransition) as caught:
        do(ws, admin, mid, st.Extend(on=D("2026-07-01"), days=days, reason="复杂"))
    assert (caught.value.code, caught.value.field) == (code, "extension_days")
    assert "延期天数" in caught.value.message
    assert counts(ws) == before


def test_extension_after_original_deadline_refused(ws: Workspace, admin: Actor) -> None:
    mid = _accepted(ws, admin)
    before = counts(ws)
    with pytest.raises(IllegalTransition) as caught:
        do(ws, admin, mid, st.Extend(on=D("2026-08-04"), days=10, reason="复杂"))
    assert (caught.value.code, caught.value.field) == ("extension_late", "occurred_on")
    assert "2026-08-03" in caught.value.message
    assert counts(ws) == before
    assert do(ws, admin, mid, st.Extend(on=D("2026-08-03"), days=10, reason="复杂")) == "extended"


def test_extension_twice_refused(ws: Workspace, admin: Actor) -> None:
    mid = _accepted(ws, admin)
    do(ws, admin, mid, st.Extend(on=D("2026-07-01"), days=10, reason="复杂"))
    before = counts(ws)
    with pytest.raises(IllegalTransition) as caught:
        do(ws, admin, mid, st.Extend(on=D("2026-07-02"), days=10, reason="再延"))
    assert "已延期" in caught.value.message and "延期办理" in caught.value.message
    assert counts(ws) == before


def test_extension_needs_reason(ws: Workspace, admin: Actor) -> None:
    mid = _accepted(ws, admin)
    before = counts(ws)
    with pytest.raises(ValidationError) as caught:
        do(ws, admin, mid, st.Extend(on=D("2026-07-01"), days=10))
    assert caught.value.field == "reason" and caught.value.message.startswith("延期理由：")
    assert counts(ws) == before


# --- notices: once per kind, gap-free ----------------------------------------------------------


def test_notice_issued_once_per_kind(ws: Workspace, admin: Actor) -> None:
    mid = _accepted(ws, admin)
    before = counts(ws)
    with ws.write(admin) as uow:
        again = documents.issue_document(uow, documents.DocumentKind.ACCEPTANCE,
                                         matters.load_matter(uow, mid), D("2026-06-10"))
        assert (again.number, again.issued_on) == (f"{PREFIX}受〔2026〕1号", D("2026-06-03"))
    assert counts(ws) == before
    other = register(ws, admin, name="李四").matter_id
    do(ws, admin, other, st.Accept(on=D("2026-06-04")))
    assert docs(ws, other) == [("acceptance", f"{PREFIX}受〔2026〕2号", D("2026-06-04"))]


def test_failed_step_does_not_consume_a_number(ws: Workspace, admin: Actor) -> None:
    mid = register(ws, admin).matter_id
    before = counts(ws)
    # The notice is issued, then the note (control character) fails: all of it rolls back.
    with pytest.raises(ValidationError) as caught:
        do(ws, admin, mid, st.Accept(on=D("2026-06-03"), note="备注\x07"))
    assert caught.value.field == "note" and "备注" in caught.value.message
    assert counts(ws) == before
    do(ws, admin, mid, st.Accept(on=D("2026-06-03")))
    assert docs(ws, mid) == [("acceptance", f"{PREFIX}受〔2026〕1号", D("2026-06-03"))]


def test_document_prefix_setting(ws: Workspace, admin: Actor) -> None:
    from db.models import Setting

    with ws.database.write() as session:
        session.add(Setting(office_id=admin.office_id, key="document_prefix", value="某镇信访"))
    mid = register(ws, admin).matter_id
    do(ws, admin, mid, st.Accept(on=D("2026-06-03")))
    assert docs(ws, mid)[0][1] == "某镇信访受〔2026〕1号"


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


def test_hearing_days_of_an_earlier_round_do_not_count(ws: Workspace, admin: Actor) -> None:
    mid = register(ws, admin, at=datetime(2026, 3, 2, 9, 0)).matter_id

    def answered_and_rereview_requested(accept: str, reply: str, deliver: str,
                                        review: str, decided: str, rereview: str) -> None:
        do(ws, admin, mid, st.Accept(on=D(accept)))
        do(ws, admin, mid, st.Reply(on=D(reply), summary="答复"))
        do(ws, admin, mid, st.DeliverReply(on=D(deliver), receiver="张三"))
        do(ws, admin, mid, st.RequestReview(on=D(review), body="某某县人民政府"))
        do(ws, admin, mid, st.DecideReview(on=D(decided), outcome="维持"))
        do(ws, admin, mid, st.RequestRereview(on=D(rereview), body="某某市人民政府"))

    answered_and_rereview_requested("2026-03-03", "2026-03-10", "2026-03-11",
                                    "2026-03-20", "2026-04-10", "2026-04-20")
    do(ws, admin, mid, st.DecideRereview(on=D("2026-05-20"), outcome="维持", hearing_days=7))
    # Mon 20 Apr + 30 = Wed 20 May; + 7 hearing days = Wed 27 May.
    assert clocks(ws, mid)["rereview_decision"] == (
        D("2026-04-20"), 37, "calendar", D("2026-05-27"), D("2026-05-20"))

    do(ws, admin, mid, st.Reopen(on=D("2026-06-01"), new_facts="新的测量结果"))
    answered_and_rereview_requested("2026-06-02", "2026-06-10", "2026-06-11",
                                    "2026-06-20", "2026-07-10", "2026-07-20")
    # The first round's hearing is not this round's: Mon 20 Jul + 30 = Wed 19 Aug.
    assert clocks(ws, mid)["rereview_decision"] == (D("2026-07-20"), 30, "calendar", D("2026-08-19"), None)
    do(ws, admin, mid, st.DecideRereview(on=D("2026-08-10"), outcome="维持", hearing_days=2))
    assert clocks(ws, mid)["rereview_decision"] == (
        D("2026-07-20"), 32, "calendar", D("2026-08-21"), D("2026-08-10"))
