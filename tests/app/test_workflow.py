"""The statutory road (app.domain.workflow): every (action, state) pair and the precondition helpers."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.enums import MatterSource, MatterState as S
from app.domain.workflow import (
    ACTION_LABELS,
    DECISION_ACTIONS,
    FINISHED_STATES,
    STATE_LABELS,
    Action as A,
    check_assigned_down,
    check_evaluation,
    check_extension,
    check_window_passed,
    legal_actions,
    require_notice_or_reason,
    require_reply_delivered,
    target_state,
)
from app.errors import IllegalTransition

# The documented road (rules.md, GLOSSARY.md), written out independently of TRANSITIONS:
# (action, from state) -> state after. DELIVER_REPLY records facts and keeps the state.
ROAD: dict[tuple[A, S], S] = {
    (A.ACCEPT, S.REGISTERED): S.ACCEPTED,
    (A.DECLINE, S.REGISTERED): S.DECLINED,
    (A.ROUTE_LEGAL, S.REGISTERED): S.ROUTED,
    (A.FORWARD, S.REGISTERED): S.FORWARDED,
    (A.ASSIGN, S.REGISTERED): S.ASSIGNED,
    (A.OBJECT, S.REGISTERED): S.RETURNED,
    (A.RECEIVE_REPORT, S.ASSIGNED): S.CLOSED,
    (A.DISPATCH, S.ACCEPTED): S.IN_HANDLING,
    (A.DISPATCH, S.IN_HANDLING): S.IN_HANDLING,  # handed on to another unit
    (A.DISPATCH, S.EXTENDED): S.EXTENDED,
    (A.EXTEND, S.ACCEPTED): S.EXTENDED,
    (A.EXTEND, S.IN_HANDLING): S.EXTENDED,
    (A.REPLY, S.ACCEPTED): S.REPLIED,
    (A.REPLY, S.IN_HANDLING): S.REPLIED,
    (A.REPLY, S.EXTENDED): S.REPLIED,
    (A.DELIVER_REPLY, S.REPLIED): S.REPLIED,
    (A.DELIVER_REPLY, S.EVALUATED): S.EVALUATED,
    (A.EVALUATE, S.REPLIED): S.EVALUATED,
    (A.EVALUATE, S.CLOSED): S.CLOSED,  # the evaluation arrives after closing
    (A.CLOSE, S.REPLIED): S.CLOSED,
    (A.CLOSE, S.EVALUATED): S.CLOSED,
    (A.REQUEST_REVIEW, S.REPLIED): S.UNDER_REVIEW,
    (A.REQUEST_REVIEW, S.EVALUATED): S.UNDER_REVIEW,
    (A.REQUEST_REVIEW, S.CLOSED): S.UNDER_REVIEW,
    (A.DECIDE_REVIEW, S.UNDER_REVIEW): S.REVIEWED,
    (A.DELIVER_REVIEW, S.REVIEWED): S.REVIEWED,
    (A.REQUEST_REREVIEW, S.REVIEWED): S.UNDER_REREVIEW,
    (A.DECIDE_REREVIEW, S.UNDER_REREVIEW): S.CONCLUDED,
    (A.CONCLUDE, S.CLOSED): S.CONCLUDED,
    (A.CONCLUDE, S.REVIEWED): S.CONCLUDED,
    (A.REOPEN, S.DECLINED): S.REGISTERED,
    (A.REOPEN, S.ROUTED): S.REGISTERED,
    (A.REOPEN, S.CLOSED): S.REGISTERED,
    (A.REOPEN, S.CONCLUDED): S.REGISTERED,
}
ALL_PAIRS = [(a, s) for a in A for s in S]
LEGAL = [p for p in ALL_PAIRS if p in ROAD]
ILLEGAL = [p for p in ALL_PAIRS if p not in ROAD]


def _id(pair: tuple[A, S]) -> str:
    return f"{pair[0].value}@{pair[1].value}"


# --- every (action, state) pair ----------------------------------------------------------------


def test_pairs_cover_every_action_and_state() -> None:
    assert len(ALL_PAIRS) == len(A) * len(S) == 22 * 16
    assert len(LEGAL) == 34
    assert len(LEGAL) + len(ILLEGAL) == len(ALL_PAIRS)


@pytest.mark.parametrize("pair", LEGAL, ids=_id)
def test_legal_pair_gives_documented_target(pair: tuple[A, S]) -> None:
    action, state = pair
    assert target_state(action, state) is ROAD[pair]


@pytest.mark.parametrize("pair", ILLEGAL, ids=_id)
def test_illegal_pair_raises_naming_state_and_action(pair: tuple[A, S]) -> None:
    action, state = pair
    with pytest.raises(IllegalTransition) as caught:
        target_state(action, state)
    error = caught.value
    assert error.code == "illegal_transition"
    assert error.field == "state"
    assert error.params == {"state": state.value, "action": action.value}
    assert f"“{STATE_LABELS[state]}”" in error.message
    assert f"“{ACTION_LABELS[action]}”" in error.message
    assert str(error) == error.message


def test_illegal_message_reads_as_chinese_sentence() -> None:
    with pytest.raises(IllegalTransition, match="^事项状态为“已登记”，不能进行“出具答复意见”$"):
        target_state(A.REPLY, S.REGISTERED)
    with pytest.raises(IllegalTransition, match="^事项状态为“已终结”，不能进行“申请复查”$"):
        target_state(A.REQUEST_REVIEW, S.CONCLUDED)
    with pytest.raises(IllegalTransition, match="^事项状态为“已延期”，不能进行“延期办理”$"):
        target_state(A.EXTEND, S.EXTENDED)


def test_register_is_never_a_transition() -> None:
    """Registration creates the matter; no state leads anywhere by 'register'."""
    for state in S:
        with pytest.raises(IllegalTransition):
            target_state(A.REGISTER, state)


def test_every_state_and_action_has_a_chinese_label() -> None:
    assert set(STATE_LABELS) == set(S)
    assert set(ACTION_LABELS) == set(A)
    assert all(label and not label.isascii() for label in [*STATE_LABELS.values(), *ACTION_LABELS.values()])


def test_decision_actions_leave_registered() -> None:
    assert DECISION_ACTIONS == {A.ACCEPT, A.DECLINE, A.ROUTE_LEGAL, A.FORWARD, A.ASSIGN, A.OBJECT}
    for action in DECISION_ACTIONS:
        assert target_state(action, S.REGISTERED) is not S.REGISTERED


def test_finished_states_offer_nothing_but_reopen_review_or_a_late_evaluation() -> None:
    assert FINISHED_STATES == {S.DECLINED, S.ROUTED, S.FORWARDED, S.RETURNED, S.CLOSED, S.CONCLUDED}
    for state in FINISHED_STATES:
        assert set(legal_actions(state, MatterSource.ASSIGNED_DOWN)) <= {
            A.REOPEN, A.REQUEST_REVIEW, A.CONCLUDE, A.EVALUATE}
        if A.EVALUATE in legal_actions(state):
            assert target_state(A.EVALUATE, state) is state  # records the rating, stays finished


# --- legal_actions -----------------------------------------------------------------------------

OFFERED: dict[S, list[A]] = {
    S.REGISTERED: [A.ACCEPT, A.DECLINE, A.ROUTE_LEGAL, A.FORWARD, A.ASSIGN],
    S.ACCEPTED: [A.DISPATCH, A.EXTEND, A.REPLY],
    S.DECLINED: [A.REOPEN],
    S.ROUTED: [A.REOPEN],
    S.FORWARDED: [],
    S.ASSIGNED: [A.RECEIVE_REPORT],
    S.RETURNED: [],
    S.IN_HANDLING: [A.DISPATCH, A.EXTEND, A.REPLY],
    S.EXTENDED: [A.DISPATCH, A.REPLY],
    S.REPLIED: [A.DELIVER_REPLY, A.EVALUATE, A.CLOSE, A.REQUEST_REVIEW],
    S.EVALUATED: [A.DELIVER_REPLY, A.CLOSE, A.REQUEST_REVIEW],
    S.CLOSED: [A.EVALUATE, A.REQUEST_REVIEW, A.CONCLUDE, A.REOPEN],
    S.UNDER_REVIEW: [A.DECIDE_REVIEW],
    S.REVIEWED: [A.DELIVER_REVIEW, A.REQUEST_REREVIEW, A.CONCLUDE],
    S.UNDER_REREVIEW: [A.DECIDE_REREVIEW],
    S.CONCLUDED: [A.REOPEN],
}


@pytest.mark.parametrize("state", list(S), ids=lambda s: s.value)
def test_legal_actions_per_state_in_road_order(state: S) -> None:
    assert legal_actions(state) == OFFERED[state]
    assert legal_actions(state, MatterSource.CONTACT) == OFFERED[state]
    # Every offered action really is legal there, and nothing legal is hidden (except OBJECT).
    assert {a for (a, s) in ROAD if s is state} - {A.OBJECT} == set(OFFERED[state])


@pytest.mark.parametrize("state", list(S), ids=lambda s: s.value)
def test_object_offered_only_for_assigned_down_matters(state: S) -> None:
    assigned = legal_actions(state, MatterSource.ASSIGNED_DOWN)
    if state is S.REGISTERED:
        assert assigned == [A.ACCEPT, A.DECLINE, A.ROUTE_LEGAL, A.FORWARD, A.ASSIGN, A.OBJECT]
    else:
        assert assigned == OFFERED[state]
    assert A.OBJECT not in legal_actions(state, MatterSource.CONTACT)


def test_check_assigned_down() -> None:
    check_assigned_down(MatterSource.ASSIGNED_DOWN)
    with pytest.raises(IllegalTransition) as caught:
        check_assigned_down(MatterSource.CONTACT)
    assert (caught.value.code, caught.value.field) == ("object_not_assigned", "decision")
    assert caught.value.message.startswith("异议：")


# --- require_notice_or_reason ------------------------------------------------------------------


def test_notice_issued_is_enough() -> None:
    require_notice_or_reason(True, "")


def test_no_notice_needs_a_recorded_reason() -> None:
    require_notice_or_reason(False, "匿名来信，无法告知")
    for blank in ("", "   ", "\u3000\n"):
        with pytest.raises(IllegalTransition) as caught:
            require_notice_or_reason(False, blank)
        assert (caught.value.code, caught.value.field) == ("notice_required", "notice")
        assert caught.value.message.startswith("告知书：")


# --- check_extension ---------------------------------------------------------------------------

DUE = date(2026, 7, 31)


@pytest.mark.parametrize("days", [1, 15, 30])
def test_extension_within_limits(days: int) -> None:
    check_extension(days, False, date(2026, 7, 1), DUE)


def test_extension_on_the_last_day_is_still_in_time() -> None:
    check_extension(30, False, DUE, DUE)


def test_extension_twice_refused() -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_extension(10, True, date(2026, 7, 1), DUE)
    assert (caught.value.code, caught.value.field) == ("extension_twice", "extension_days")
    assert "延期" in caught.value.message and "一次" in caught.value.message


@pytest.mark.parametrize("days", [0, -1, 31, 60])
def test_extension_days_out_of_range(days: int) -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_extension(days, False, date(2026, 7, 1), DUE)
    assert (caught.value.code, caught.value.field) == ("extension_days", "extension_days")
    assert caught.value.message.startswith("延期天数：")
    assert f"现为 {days} 天" in caught.value.message


def test_extension_after_original_deadline_refused() -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_extension(10, False, date(2026, 8, 1), DUE)
    assert (caught.value.code, caught.value.field) == ("extension_late", "occurred_on")
    assert "2026-07-31" in caught.value.message


# --- require_reply_delivered / check_window_passed ---------------------------------------------


def test_reply_delivered() -> None:
    require_reply_delivered(date(2026, 8, 3))
    with pytest.raises(IllegalTransition) as caught:
        require_reply_delivered(None)
    assert (caught.value.code, caught.value.field) == ("delivery_required", "reply_delivered_on")
    assert caught.value.message.startswith("送达：")


def test_window_passed() -> None:
    window = date(2026, 9, 2)
    check_window_passed(window, date(2026, 9, 3))
    check_window_passed(None, date(2026, 9, 1))  # no window recorded: nothing to wait for
    for on in (date(2026, 8, 20), window):
        with pytest.raises(IllegalTransition) as caught:
            check_window_passed(window, on)
        assert (caught.value.code, caught.value.field) == ("window_open", "occurred_on")
        assert "2026-09-02" in caught.value.message and caught.value.message.startswith("终结：")


def test_evaluation_once_and_within_the_window() -> None:
    delivered = date(2026, 8, 21)
    check_evaluation(False, delivered, 30, date(2026, 9, 20))  # the 30th day after delivery
    with pytest.raises(IllegalTransition) as late:
        check_evaluation(False, delivered, 30, date(2026, 9, 21))
    assert (late.value.code, late.value.field) == ("evaluation_late", "occurred_on")
    assert "30 日内" in late.value.message and "2026-09-20" in late.value.message
    with pytest.raises(IllegalTransition) as twice:
        check_evaluation(True, delivered, 30, date(2026, 8, 25))
    assert twice.value.code == "evaluated_twice" and "重复" in twice.value.message
