"""Handling an accepted matter: the simplified track, the office counting rule, dispatch, extension."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from app.errors import IllegalTransition, ValidationError
from app.services import matter_steps as st
from app.services.context import Actor
from app.services.workspace import Workspace
from tests.support.matter_road import D, clocks, counts, do, events, matter_row, register, unit_id


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


# --- dispatch (交责任单位办理) ---------------------------------------------------------------------


def test_dispatch_again_while_handled_and_after_extension(ws: Workspace, admin: Actor) -> None:
    mid = _accepted(ws, admin)
    assert do(ws, admin, mid, st.Dispatch(on=D("2026-06-05"), responsible_unit_id=unit_id(ws))) == "in_handling"
    # The unit was the wrong one: the matter goes to the handler instead, still 办理中.
    assert do(ws, admin, mid, st.Dispatch(on=D("2026-06-10"), handler_id=admin.user_id)) == "in_handling"
    assert do(ws, admin, mid, st.Extend(on=D("2026-07-20"), days=20, reason="需补充测量")) == "extended"
    # Handing an extended matter to another unit keeps it 已延期 (the extension stays visible).
    assert do(ws, admin, mid, st.Dispatch(on=D("2026-07-21"), responsible_unit_id=unit_id(ws))) == "extended"
    m = matter_row(ws, mid)
    assert (m.responsible_unit_id, m.handler_id, m.extension_days) == (unit_id(ws), None, 20)
    assert [e[1:4] for e in events(ws, mid)][-3:] == [
        ("dispatch", "in_handling", "in_handling"), ("extend", "in_handling", "extended"),
        ("dispatch", "extended", "extended")]


def test_dispatch_refused_before_acceptance(ws: Workspace, admin: Actor) -> None:
    mid = register(ws, admin).matter_id
    before = counts(ws)
    with pytest.raises(IllegalTransition) as caught:
        do(ws, admin, mid, st.Dispatch(on=D("2026-06-02"), responsible_unit_id=unit_id(ws)))
    assert caught.value.code == "illegal_transition" and "已登记" in caught.value.message
    assert counts(ws) == before
