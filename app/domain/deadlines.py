"""Statutory clocks of a matter, derived from its recorded dates (nobody types a deadline).

Each clock says when it started, how many days it runs and in which unit, when it is due and when
(if ever) it was met. ``compute_clocks`` is the one place that turns 《信访工作条例》's limits into
dates; the matter service stores its result on every transition so the database can answer
"overdue" and "due within N days" queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.calendar import DayUnit, WorkCalendar
from app.domain.enums import Clock, MatterSource

DECISION_DAYS = 15  # 第二十三条
OBJECTION_WORKING_DAYS = 5  # 第二十三条: objection to an assigned-down matter outside competence
HANDLING_DAYS = 60  # 第三十四条
REVIEW_WINDOW_DAYS = 30  # 第三十五条
REVIEW_DECISION_DAYS = 30
REREVIEW_WINDOW_DAYS = 30  # 第三十六条
REREVIEW_DECISION_DAYS = 30
SIMPLIFIED_DECISION_WORKING_DAYS = 3  # 简易办理
SIMPLIFIED_HANDLING_WORKING_DAYS = 10

# Clocks the office must meet (the petitioner's windows are shown, never counted as our fault).
OFFICE_DUTIES = frozenset(
    {
        Clock.DECISION,
        Clock.OBJECTION,
        Clock.HANDLING,
        Clock.ASSIGNED_RESULT,
        Clock.ASSIGNMENT_REPORT,  # owed by the unit, but the township must chase it
        Clock.REVIEW_DECISION,
        Clock.REREVIEW_DECISION,
    }
)

CLOCK_LABELS: dict[Clock, str] = {
    Clock.DECISION: "受理告知期限",
    Clock.OBJECTION: "交办异议期限",
    Clock.HANDLING: "办理答复期限",
    Clock.ASSIGNED_RESULT: "上级交办期限",
    Clock.ASSIGNMENT_REPORT: "交办报告期限",
    Clock.REVIEW_REQUEST: "申请复查期限",
    Clock.REVIEW_DECISION: "复查决定期限",
    Clock.REREVIEW_REQUEST: "申请复核期限",
    Clock.REREVIEW_DECISION: "复核决定期限",
}


@dataclass(frozen=True)
class MatterDates:
    """The recorded facts of a matter that its clocks depend on."""

    registered_on: date
    source: MatterSource = MatterSource.CONTACT
    historical: bool = False  # imported from an old ledger: its decision was never recorded here
    simplified: bool = False
    reopened_on: date | None = None
    decided_on: date | None = None
    returned_on: date | None = None  # an objection sent the assigned-down matter back
    accepted_on: date | None = None
    assigned_out_on: date | None = None  # 交办: the township assigned the matter to a unit
    report_days: int | None = None  # the days the unit has for its result report (办结报告)
    report_received_on: date | None = None
    extension_days: int | None = None
    assigned_due_on: date | None = None
    replied_on: date | None = None
    reply_delivered_on: date | None = None
    review_requested_on: date | None = None
    review_decided_on: date | None = None
    review_delivered_on: date | None = None  # the petitioner received the review decision
    rereview_requested_on: date | None = None
    rereview_decided_on: date | None = None
    hearing_days: int = 0


@dataclass(frozen=True)
class ClockDue:
    clock: Clock
    starts_on: date
    days: int
    unit: DayUnit
    due_on: date
    met_on: date | None = None

    @property
    def is_open(self) -> bool:
        return self.met_on is None


def handling_due(calendar: WorkCalendar, facts: MatterDates) -> date | None:
    """The original 60-day (or simplified 10-working-day) reply deadline, before any extension."""
    if facts.accepted_on is None:
        return None
    days, unit = _handling_limit(facts.simplified)
    return calendar.deadline(facts.accepted_on, days, unit)


def handling_unit(calendar: WorkCalendar, simplified: bool) -> DayUnit:
    """The unit of the reply limit, and so of its extension: working days on the simplified track or
    in a working-day office, calendar days otherwise."""
    return _handling_limit(simplified)[1] or calendar.rule.unit


def _handling_limit(simplified: bool) -> tuple[int, DayUnit | None]:
    if simplified:
        return SIMPLIFIED_HANDLING_WORKING_DAYS, DayUnit.WORKING
    return HANDLING_DAYS, None


def compute_clocks(calendar: WorkCalendar, facts: MatterDates) -> list[ClockDue]:
    """Every clock that has started for this matter, in statutory order."""
    clocks: list[ClockDue] = []

    def add(clock: Clock, start: date | None, days: int, unit: DayUnit | None, met: date | None,
            extra_days: int = 0, extra_unit: DayUnit | None = None) -> None:
        if start is None:
            return
        resolved = unit or calendar.rule.unit
        due = calendar.deadline(start, days, resolved)
        if extra_days:
            # Added after the original limit; by default in the limit's own unit (see the callers).
            due = calendar.deadline(due, extra_days, extra_unit or resolved)
        clocks.append(ClockDue(clock, start, days + extra_days, resolved, due, met))

    decision_start = facts.reopened_on or facts.registered_on
    # An old ledger's matter was decided (or not) long ago outside the program: a decision clock from
    # its registration would only raise false overdue alarms. Later steps start their own clocks.
    decided_here = not facts.historical or facts.reopened_on is not None
    if decided_here and facts.simplified:
        add(Clock.DECISION, decision_start, SIMPLIFIED_DECISION_WORKING_DAYS, DayUnit.WORKING,
            facts.decided_on)
    elif decided_here:
        add(Clock.DECISION, decision_start, DECISION_DAYS, None, facts.decided_on)
    if facts.source is MatterSource.ASSIGNED_DOWN:
        # A reopened matter is decided afresh, so its objection window restarts with the decision's.
        add(Clock.OBJECTION, decision_start, OBJECTION_WORKING_DAYS, DayUnit.WORKING,
            facts.decided_on)
        if facts.assigned_due_on is not None:
            # Returned to the assigning office: the township owes it no result any more.
            clocks.append(_fixed(Clock.ASSIGNED_RESULT, facts.registered_on, facts.assigned_due_on,
                                 facts.replied_on or facts.returned_on))
    if facts.report_days:
        add(Clock.ASSIGNMENT_REPORT, facts.assigned_out_on, facts.report_days, None, facts.report_received_on)
    days, unit = _handling_limit(facts.simplified)
    # 延期 "延长办理期限不得超过30日": the 30 days are days of the same limit, so an office counting
    # working days (or the simplified track) extends by working days too.
    add(Clock.HANDLING, facts.accepted_on, days, unit, facts.replied_on, facts.extension_days or 0)
    add(Clock.REVIEW_REQUEST, facts.reply_delivered_on, REVIEW_WINDOW_DAYS, DayUnit.CALENDAR,
        facts.review_requested_on)
    add(Clock.REVIEW_DECISION, facts.review_requested_on, REVIEW_DECISION_DAYS, None,
        facts.review_decided_on)
    # 第三十六条: 30 days from receiving the review decision. Until the receipt is recorded the window is
    # shown from the decision date (the earliest possible receipt); see rereview_window_estimated.
    add(Clock.REREVIEW_REQUEST, facts.review_delivered_on or facts.review_decided_on, REREVIEW_WINDOW_DAYS,
        DayUnit.CALENDAR, facts.rereview_requested_on)
    add(Clock.REREVIEW_DECISION, facts.rereview_requested_on, REREVIEW_DECISION_DAYS, None,
        facts.rereview_decided_on, facts.hearing_days, DayUnit.CALENDAR)  # hearing: days it really took
    return clocks


def rereview_window_estimated(facts: MatterDates) -> bool:
    """The re-review window counts from the decision date because its receipt is not recorded yet."""
    return facts.review_decided_on is not None and facts.review_delivered_on is None


def _fixed(clock: Clock, start: date, due: date, met: date | None) -> ClockDue:
    return ClockDue(clock, start, (due - start).days, DayUnit.CALENDAR, due, met)


PETITIONER_WINDOWS = frozenset({Clock.REVIEW_REQUEST, Clock.REREVIEW_REQUEST})
