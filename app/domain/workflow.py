"""The statutory road of a matter: which action is legal in which state, and where it leads.

This module only knows states and actions. The preconditions that need the matter's recorded facts
(a notice issued before acceptance, the extension rules, delivery before closing) are checked by the
matter service with the helpers at the bottom, so each rule exists in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.domain.enums import Clock, MatterSource, MatterState as S
from app.errors import IllegalTransition


class Action(StrEnum):
    REGISTER = "register"
    ACCEPT = "accept"
    DECLINE = "decline"
    ROUTE_LEGAL = "route_legal"
    FORWARD = "forward"
    ASSIGN = "assign"
    OBJECT = "object"
    RECEIVE_REPORT = "receive_report"
    DISPATCH = "dispatch"
    EXTEND = "extend"
    REPLY = "reply"
    DELIVER_REPLY = "deliver_reply"
    EVALUATE = "evaluate"
    CLOSE = "close"
    REQUEST_REVIEW = "request_review"
    DECIDE_REVIEW = "decide_review"
    DELIVER_REVIEW = "deliver_review"  # the petitioner received the review decision
    REQUEST_REREVIEW = "request_rereview"
    DECIDE_REREVIEW = "decide_rereview"
    CONCLUDE = "conclude"
    REOPEN = "reopen"
    IMPORT_LEDGER = "import_ledger"  # registered from an old Excel ledger; never offered as a step


@dataclass(frozen=True)
class Transition:
    sources: frozenset[S]
    target: S | None  # None: the action records facts and keeps the state
    keeps: frozenset[S] = frozenset()  # sources in which the action records facts and keeps the state


def _t(sources: set[S], target: S | None, keeps: set[S] = set()) -> Transition:
    return Transition(frozenset(sources | keeps), target, frozenset(keeps))


_HANDLING = {S.ACCEPTED, S.IN_HANDLING, S.EXTENDED}
_ANSWERED = {S.REPLIED, S.EVALUATED}

TRANSITIONS: dict[Action, Transition] = {
    Action.ACCEPT: _t({S.REGISTERED}, S.ACCEPTED),
    Action.DECLINE: _t({S.REGISTERED}, S.DECLINED),
    Action.ROUTE_LEGAL: _t({S.REGISTERED}, S.ROUTED),
    Action.FORWARD: _t({S.REGISTERED}, S.FORWARDED),
    Action.ASSIGN: _t({S.REGISTERED}, S.ASSIGNED),
    Action.OBJECT: _t({S.REGISTERED}, S.RETURNED),
    Action.RECEIVE_REPORT: _t({S.ASSIGNED}, S.CLOSED),
    # 交责任单位办理 is the internal hand-over of an accepted matter: a matter may go to another unit
    # (or handler) at any time while it is handled; an extended matter stays 已延期.
    Action.DISPATCH: _t({S.ACCEPTED, S.IN_HANDLING}, S.IN_HANDLING, {S.EXTENDED}),
    Action.EXTEND: _t({S.ACCEPTED, S.IN_HANDLING}, S.EXTENDED),
    Action.REPLY: _t(_HANDLING, S.REPLIED),
    Action.DELIVER_REPLY: _t(_ANSWERED, None),
    # The petitioner's evaluation usually comes after the reply was delivered and the matter closed:
    # recorded on a closed matter it keeps the matter closed.
    Action.EVALUATE: _t({S.REPLIED}, S.EVALUATED, {S.CLOSED}),
    Action.CLOSE: _t(_ANSWERED, S.CLOSED),
    Action.REQUEST_REVIEW: _t(_ANSWERED | {S.CLOSED}, S.UNDER_REVIEW),
    Action.DECIDE_REVIEW: _t({S.UNDER_REVIEW}, S.REVIEWED),
    Action.DELIVER_REVIEW: _t({S.REVIEWED}, None),
    Action.REQUEST_REREVIEW: _t({S.REVIEWED}, S.UNDER_REREVIEW),
    Action.DECIDE_REREVIEW: _t({S.UNDER_REREVIEW}, S.CONCLUDED),
    Action.CONCLUDE: _t({S.CLOSED, S.REVIEWED}, S.CONCLUDED),
    Action.REOPEN: _t({S.DECLINED, S.CLOSED, S.CONCLUDED, S.ROUTED}, S.REGISTERED),
}

# Decision outcomes: the matter leaves the 15-day decision clock.
DECISION_ACTIONS = frozenset(
    {Action.ACCEPT, Action.DECLINE, Action.ROUTE_LEGAL, Action.FORWARD, Action.ASSIGN, Action.OBJECT}
)
# States in which nothing is owed any more unless the petitioner or a new fact reopens it.
FINISHED_STATES = frozenset({S.DECLINED, S.ROUTED, S.FORWARDED, S.RETURNED, S.CLOSED, S.CONCLUDED})

STATE_LABELS: dict[S, str] = {
    S.REGISTERED: "已登记", S.ACCEPTED: "已受理", S.DECLINED: "不予受理", S.ROUTED: "已依法分类处理",
    S.FORWARDED: "已转送", S.ASSIGNED: "已交办", S.RETURNED: "已退回", S.IN_HANDLING: "办理中",
    S.EXTENDED: "已延期", S.REPLIED: "已答复", S.EVALUATED: "已评价", S.CLOSED: "已办结",
    S.UNDER_REVIEW: "复查中", S.REVIEWED: "已复查", S.UNDER_REREVIEW: "复核中", S.CONCLUDED: "已终结",
}
ACTION_LABELS: dict[Action, str] = {
    Action.REGISTER: "登记", Action.ACCEPT: "受理", Action.DECLINE: "不予受理",
    Action.ROUTE_LEGAL: "依法分类处理", Action.FORWARD: "转送", Action.ASSIGN: "交办",
    Action.OBJECT: "提出异议退回", Action.RECEIVE_REPORT: "收到办结报告", Action.DISPATCH: "交责任单位办理",
    Action.EXTEND: "延期办理", Action.REPLY: "出具答复意见", Action.DELIVER_REPLY: "送达答复意见",
    Action.EVALUATE: "满意度评价", Action.CLOSE: "办结", Action.REQUEST_REVIEW: "申请复查",
    Action.DECIDE_REVIEW: "复查决定", Action.DELIVER_REVIEW: "登记复查意见送达", Action.REQUEST_REREVIEW: "申请复核",
    Action.DECIDE_REREVIEW: "复核决定", Action.CONCLUDE: "终结", Action.REOPEN: "依新事实重新登记",
    Action.IMPORT_LEDGER: "台账导入",
}


def target_state(action: Action, state: S) -> S:
    """The state after ``action``; raises IllegalTransition naming both when it is not legal."""
    transition = TRANSITIONS.get(action)
    if transition is None or state not in transition.sources:
        raise IllegalTransition(
            "illegal_transition",
            f"事项状态为“{STATE_LABELS[state]}”，不能进行“{ACTION_LABELS[action]}”",
            field="state",
            state=state.value,
            action=action.value,
        )
    if state in transition.keeps:
        return state
    return transition.target or state


def legal_actions(state: S, source: MatterSource = MatterSource.CONTACT) -> list[Action]:
    """Actions offered for a matter in ``state``, in the order of the statutory road."""
    actions = [a for a, t in TRANSITIONS.items() if state in t.sources]
    if source is not MatterSource.ASSIGNED_DOWN:
        actions = [a for a in actions if a is not Action.OBJECT]
    return actions


def require_notice_or_reason(notice_issued: bool, no_notice_reason: str) -> None:
    """An acceptance decision needs its written notice, or a recorded reason (anonymous, no address)."""
    if not notice_issued and not no_notice_reason.strip():
        raise IllegalTransition(
            "notice_required",
            "告知书：须出具书面告知书，或填写不出具的理由（如匿名、地址不详）",
            field="notice",
        )


MAX_EXTENSION_DAYS = 30


def check_extension(days: int, already_extended: bool, on: date, handling_due: date) -> None:
    """One extension only, of at most 30 days, decided before the original limit runs out."""
    if already_extended:
        raise IllegalTransition("extension_twice", "延期：每件事项只能延期一次", field="extension_days")
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise IllegalTransition(
            "extension_days", f"延期天数：须为 1 至 {MAX_EXTENSION_DAYS} 天，现为 {days} 天", field="extension_days"
        )
    if on > handling_due:
        raise IllegalTransition(
            "extension_late",
            f"延期：办理期限已于 {handling_due.isoformat()} 届满，不能再延期",
            field="occurred_on",
        )


MAX_REPORT_DAYS = 90  # 交办: at most the unit's own 60 days to handle plus one 30-day extension


def check_report_days(days: int) -> None:
    if not 1 <= days <= MAX_REPORT_DAYS:
        raise IllegalTransition(
            "report_days", f"交办报告期限：须为 1 至 {MAX_REPORT_DAYS} 天，现为 {days} 天", field="report_days")


def require_reply_delivered(reply_delivered_on: date | None, doing: str = "办结或评价") -> None:
    if reply_delivered_on is None:
        raise IllegalTransition(
            "delivery_required", f"送达：答复意见尚未送达信访人，不能{doing}", field="reply_delivered_on"
        )


def check_evaluation(already_rated: bool, delivered_on: date, window_days: int, on: date) -> None:
    """One evaluation per reply, recorded within the office's evaluation window after delivery (the same
    window 参评率 counts, so every recorded evaluation is counted)."""
    if already_rated:
        raise IllegalTransition("evaluated_twice", "满意度评价：该答复已有评价，不能重复登记", field="satisfaction")
    last = delivered_on + timedelta(days=window_days)
    if on > last:
        raise IllegalTransition(
            "evaluation_late",
            f"满意度评价：须在答复送达后 {window_days} 日内（{last.isoformat()} 前）登记，已超过",
            field="occurred_on")


def check_assigned_down(source: MatterSource) -> None:
    if source is not MatterSource.ASSIGNED_DOWN:
        raise IllegalTransition(
            "object_not_assigned", "异议：只有上级交办的事项才能提出异议退回", field="decision"
        )


def require_review_delivered(review_delivered_on: date | None) -> None:
    """The re-review window runs from the petitioner's receipt of the review decision (第三十六条): until
    that date is known the window's end is not, and the matter cannot be concluded."""
    if review_delivered_on is None:
        raise IllegalTransition(
            "review_delivery_required",
            "终结：请先登记信访人收到复查意见的日期（申请复核的期限自收到之日起算）",
            field="review_delivered_on")


def check_window_passed(window_due: date | None, on: date) -> None:
    """A matter is concluded only after the petitioner's review window has run out unused."""
    if window_due is not None and on <= window_due:
        raise IllegalTransition(
            "window_open",
            f"终结：信访人申请复查（复核）的期限至 {window_due.isoformat()} 尚未届满",
            field="occurred_on",
        )
