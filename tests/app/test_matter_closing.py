"""After the reply: delivery, closing, review and re-review windows, conclusion and reopening."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy import select

from app.domain.enums import DeliveryMethod
from app.errors import IllegalTransition, ValidationError
from app.services import matter_steps as st
from app.services.context import Actor
from app.services.workspace import Workspace
from db.models import Document
from tests.support.matter_road import PREFIX, D, assert_audit_chain_intact, clocks, counts, do, docs, events, matter_row, register


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


def test_rereview_window_runs_from_receipt_of_the_review_decision(ws: Workspace, admin: Actor) -> None:
    from app.services import matter_dossier

    mid = _replied_and_delivered(ws, admin)
    do(ws, admin, mid, st.RequestReview(on=D("2026-09-01"), body="某某县人民政府"))
    do(ws, admin, mid, st.DecideReview(on=D("2026-09-25"), outcome="维持"))
    # Receipt not recorded yet: shown from the decision, Fri 25 Sep + 30 = Sun 25 Oct -> Mon 26 Oct,
    # and the dossier says so.
    assert clocks(ws, mid)["rereview_request"][:4] == (D("2026-09-25"), 30, "calendar", D("2026-10-26"))
    with ws.read(admin) as uow:
        shown = {c.clock.value: c for c in matter_dossier.load_dossier(uow, mid, ws.attachments_dir).clocks}
    assert "暂按复查决定日期起算" in shown["rereview_request"].note
    # Nor can the matter be concluded while the window's real end is unknown.
    before = counts(ws)
    with pytest.raises(IllegalTransition) as caught:
        do(ws, admin, mid, st.Conclude(on=D("2026-10-27")))
    assert (caught.value.code, caught.value.field) == ("review_delivery_required", "review_delivered_on")
    assert counts(ws) == before

    # Received by post on Thu 1 Oct: + 30 = Sat 31 Oct -> Mon 2 Nov.
    assert do(ws, admin, mid, st.DeliverReview(on=D("2026-10-01"))) == "reviewed"
    assert clocks(ws, mid)["rereview_request"][:4] == (D("2026-10-01"), 30, "calendar", D("2026-11-02"))
    assert matter_row(ws, mid).review_delivered_on == D("2026-10-01")
    with ws.read(admin) as uow:
        shown = {c.clock.value: c for c in matter_dossier.load_dossier(uow, mid, ws.attachments_dir).clocks}
    assert shown["rereview_request"].note == ""
    with pytest.raises(IllegalTransition) as twice:
        do(ws, admin, mid, st.DeliverReview(on=D("2026-10-05")))
    assert twice.value.code == "delivered_twice"
    with pytest.raises(IllegalTransition):
        do(ws, admin, mid, st.Conclude(on=D("2026-11-02")))
    assert do(ws, admin, mid, st.Conclude(on=D("2026-11-03"))) == "concluded"


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


# --- satisfaction evaluation -------------------------------------------------------------------


def test_evaluation_recorded_after_closing_keeps_the_matter_closed(ws: Workspace, admin: Actor) -> None:
    from app.domain.enums import Satisfaction
    from app.statistics import Rate, Ratio, compute_figures, periods

    mid = _replied_and_delivered(ws, admin)  # delivered Fri 21 Aug
    assert do(ws, admin, mid, st.Close(on=D("2026-08-22"))) == "closed"
    assert do(ws, admin, mid, st.Evaluate(on=D("2026-09-04"), satisfaction=Satisfaction.BASICALLY)) == "closed"
    m = matter_row(ws, mid)
    assert (m.state, m.satisfaction, m.evaluated_on, m.closed_on) == (
        "closed", "basically", D("2026-09-04"), D("2026-08-22"))
    assert events(ws, mid)[-1] == (6, "evaluate", "closed", "closed", D("2026-09-04"))
    # 参评率 and 满意率 of the third quarter count it: delivered in it and rated within 30 days.
    with ws.read(admin) as uow:
        figures = compute_figures(uow, periods.quarter(2026, 3))
    assert figures.rates[Rate.EVALUATION] == Ratio(1, 1)
    assert figures.rates[Rate.SATISFACTION] == Ratio(0, 1)  # 基本满意 is not 满意 by default
    before = counts(ws)
    with pytest.raises(IllegalTransition) as caught:
        do(ws, admin, mid, st.Evaluate(on=D("2026-09-05"), satisfaction=Satisfaction.SATISFIED))
    assert caught.value.code == "evaluated_twice"
    assert counts(ws) == before


def test_evaluation_after_the_window_is_refused(ws: Workspace, admin: Actor) -> None:
    mid = _replied_and_delivered(ws, admin)
    do(ws, admin, mid, st.Close(on=D("2026-08-22")))
    before = counts(ws)
    # Delivered 21 Aug: the 30-day window (office setting) ends 20 Sep.
    with pytest.raises(IllegalTransition) as caught:
        do(ws, admin, mid, st.Evaluate(on=D("2026-09-21")))
    assert (caught.value.code, caught.value.field) == ("evaluation_late", "occurred_on")
    assert "2026-09-20" in caught.value.message
    assert counts(ws) == before
    assert matter_row(ws, mid).satisfaction is None


def test_notice_rounds_follow_the_event_order_not_timestamps(ws: Workspace, admin: Actor) -> None:
    from datetime import timezone

    from sqlalchemy import update

    from app.domain.enums import DocumentKind
    from app.services import documents, matters
    from db.models import MatterEvent

    mid = register(ws, admin).matter_id
    do(ws, admin, mid, st.Decline(on=D("2026-06-05"), reason="材料不全"))
    do(ws, admin, mid, st.Reopen(on=D("2026-06-10"), new_facts="补齐了征地协议"))
    do(ws, admin, mid, st.Accept(on=D("2026-06-10")))
    # Everything written in one instant (a script, a sync import, a PC clock set back): only the
    # order of the matter's events can tell the first round's notice from the second's.
    instant = datetime(2026, 6, 10, 2, 0, tzinfo=timezone.utc)
    with ws.database.write() as session:
        session.execute(update(Document).where(Document.matter_id == mid).values(created_at=instant))
        session.execute(update(MatterEvent).where(MatterEvent.matter_id == mid).values(created_at=instant))
    with ws.write(admin) as uow:
        matter = matters.load_matter(uow, mid)
        current = documents.find_document(uow, DocumentKind.ACCEPTANCE, matter)
        assert current is not None and current.number == f"{PREFIX}受〔2026〕1号"
        assert documents.find_document(uow, DocumentKind.DECLINE, matter) is None  # the first round's
    # A later step of the second round finds its own notices through the same order.
    do(ws, admin, mid, st.Reply(on=D("2026-06-20"), summary="已补发"))
    with ws.database.write() as session:
        session.execute(update(Document).where(Document.matter_id == mid).values(created_at=instant))
    with ws.write(admin) as uow:
        reply = documents.find_document(uow, DocumentKind.REPLY, matters.load_matter(uow, mid))
        assert reply is not None and reply.number == f"{PREFIX}复〔2026〕1号"
    assert sorted(d[:2] for d in docs(ws, mid)) == [
        ("acceptance", f"{PREFIX}受〔2026〕1号"), ("decline", f"{PREFIX}不受〔2026〕1号"),
        ("reply", f"{PREFIX}复〔2026〕1号")]
