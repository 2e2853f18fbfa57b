"""Statutory limits on individual steps: objection window, simplified track, delivery before review."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.domain.enums import DeliveryMethod, MatterSource, MatterType, ReplyResult
from app.errors import IllegalTransition
from app.services import matter_steps as st, matters
from app.services.matters import NewMatter, register_assigned_down
from tests.support.matter_road import clocks, do, register

D = date.fromisoformat


def _assigned_down(ws, actor, on: date, due: date | None = D("2026-07-30")):
    with ws.write(actor) as uow:
        return register_assigned_down(uow, NewMatter(
            title="县局交办：拖欠农民工工资", matter_type=MatterType.CLAIM, subject_code="0201",
            registered_on=on, source=MatterSource.ASSIGNED_DOWN, assigned_by="某某县信访局",
            assigned_due_on=due)).id


def test_objection_only_within_five_working_days(ws, admin):
    mid = _assigned_down(ws, admin, D("2026-06-01"))  # Monday: due the following Monday
    with pytest.raises(IllegalTransition, match="5 个工作日内（2026-06-08 前）"):
        do(ws, admin, mid, st.Object(on=D("2026-06-09"), reason="不属本镇职权"))
    assert do(ws, admin, mid, st.Object(on=D("2026-06-08"), reason="不属本镇职权")) == "returned"


@pytest.mark.parametrize("decision", [
    st.Decline(on=D("2026-06-03"), reason="已在诉讼中"),
    st.Forward(on=D("2026-06-03"), to="县人社局"),
])
def test_handing_an_assigned_down_matter_on_meets_the_county_deadline(ws, admin, decision):
    mid = _assigned_down(ws, admin, D("2026-06-01"))
    do(ws, admin, mid, decision)
    assert clocks(ws, mid)["assigned_result"][4] == D("2026-06-03")


def test_simplified_track_chosen_at_acceptance_must_be_within_three_working_days(ws, admin):
    late = register(ws, admin, at=datetime(2026, 6, 1, 9, 0))
    with pytest.raises(IllegalTransition, match="3 个工作日内"):
        do(ws, admin, late.matter_id, st.Accept(on=D("2026-06-05"), simplified=True))
    assert do(ws, admin, late.matter_id, st.Accept(on=D("2026-06-04"), simplified=True)) == "accepted"


def test_reply_is_delivered_once_and_review_needs_delivery(ws, admin):
    r = register(ws, admin, at=datetime(2026, 6, 1, 9, 0))
    do(ws, admin, r.matter_id, st.Accept(on=D("2026-06-02")))
    do(ws, admin, r.matter_id, st.Reply(on=D("2026-06-20"), result=ReplyResult.SUPPORT, summary="予以支持"))
    with pytest.raises(IllegalTransition, match="不能登记复查申请"):
        do(ws, admin, r.matter_id, st.RequestReview(on=D("2026-06-21"), body="某某县人民政府"))
    do(ws, admin, r.matter_id, st.DeliverReply(on=D("2026-06-21"), method=DeliveryMethod.DIRECT,
                                               receiver="张三"))
    with pytest.raises(IllegalTransition, match="已于 2026-06-21 送达"):
        do(ws, admin, r.matter_id, st.DeliverReply(on=D("2026-06-25"), method=DeliveryMethod.POST))
    assert clocks(ws, r.matter_id)["review_request"][3] == D("2026-07-21")
    with ws.read(admin) as uow:
        assert matters.load_matter(uow, r.matter_id).reply_delivered_on == D("2026-06-21")
