"""The rates of docs/statistics.md as SQL.

Each rate is three expressions over a matter row (with its decision and reply clocks joined as
``DECISION`` and ``HANDLING``): the *candidates*, a superset of its denominator that an index can
find quickly; the *denominator* condition; and the *numerator* condition. One query computes all
rates of a period in a single pass over the candidates; the drill-down lists the matters of any
denominator or numerator with the same expressions, so a number and its list never disagree.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, case, false, func, literal, not_, null, or_, select, true, union, union_all
from sqlalchemy.orm import aliased
from sqlalchemy.sql.expression import ColumnElement

from app.domain.enums import Clock, MatterType, Resolution, Satisfaction
from app.statistics.periods import Window
from app.statistics.sql import days_between
from db.models import Contact, Matter, MatterDeadline


class Rate(StrEnum):
    TIMELY_ACCEPTANCE = "timely_acceptance"  # 及时受理率
    ON_TIME_REPLY = "on_time_reply"  # 按期答复率（按期办结率）
    EVALUATION = "evaluation"  # 参评率
    SATISFACTION = "satisfaction"  # 满意率（参评满意率）
    FIRST_CONTACT_RESOLUTION = "first_contact_resolution"  # 一次性化解率
    BACKLOG_RESOLUTION = "backlog_resolution"  # 积案化解率
    CLOSURE = "closure"  # 办结率
    RESOLUTION = "resolution"  # 化解率


class SatisfactionVariant(StrEnum):
    SATISFIED = "satisfied"  # 满意 only
    SATISFIED_OR_BASICALLY = "satisfied_or_basically"  # 满意 + 基本满意


@dataclass(frozen=True)
class RateSettings:
    """The office settings the definitions depend on."""

    evaluation_window_days: int = 30
    satisfaction_variant: SatisfactionVariant = SatisfactionVariant.SATISFIED


@dataclass(frozen=True)
class RateSpec:
    candidates: tuple[str, ...]  # keys of CANDIDATES whose union holds the denominator
    denominator: ColumnElement[bool]
    numerator: ColumnElement[bool]


Offices = Sequence[uuid.UUID]
SpecBuilder = Callable[[Window, Offices, RateSettings], RateSpec]

DECISION = aliased(MatterDeadline, name="clock_decision")
HANDLING = aliased(MatterDeadline, name="clock_handling")


def with_clocks(stmt: Select[Any]) -> Select[Any]:
    """Outer-join the matter's decision and reply clocks the conditions refer to."""
    return (stmt.outerjoin(DECISION, and_(DECISION.matter_id == Matter.id, DECISION.clock == Clock.DECISION.value))
            .outerjoin(HANDLING, and_(HANDLING.matter_id == Matter.id, HANDLING.clock == Clock.HANDLING.value)))


def _dated(column: Any, lower: Any, upper: Any) -> ColumnElement[bool]:
    return and_(column.is_not(None), column >= lower, column <= upper)


def _in_period(window: Window, column: Any) -> ColumnElement[bool]:
    """A step recorded in the period, by the cut-off."""
    return _dated(column, window.period.start, window.upper)


def _ids_due_in(window: Window, offices: Offices) -> Select[tuple[uuid.UUID]]:
    """Matters whose reply deadline ran out in the period, by the cut-off."""
    return select(MatterDeadline.matter_id).where(
        MatterDeadline.clock == Clock.HANDLING.value, MatterDeadline.office_id.in_(offices),
        MatterDeadline.due_on >= window.period.start, MatterDeadline.due_on <= window.due_upper,
    ).correlate(None)


def _reply_due_in(window: Window) -> ColumnElement[bool]:
    return _dated(HANDLING.due_on, window.period.start, window.due_upper)


def _by(column: Any, window: Window) -> ColumnElement[bool]:
    return and_(column.is_not(None), column <= window.through)


def timely_acceptance(window: Window, offices: Offices, settings: RateSettings) -> RateSpec:
    """Registered in the period; decided by the cut-off or past the decision deadline."""
    decided = _by(Matter.decided_on, window)
    return RateSpec(
        ("registered_on",),
        and_(_in_period(window, Matter.registered_on), or_(decided, DECISION.due_on <= window.elapsed)),
        and_(decided, Matter.decided_on <= DECISION.due_on))


def on_time_reply(window: Window, offices: Offices, settings: RateSettings) -> RateSpec:
    """Accepted matters due in the period (a proper extension included) or replied in it."""
    return RateSpec(
        ("reply_due", "replied_on"),
        and_(Matter.accepted_on.is_not(None),
             or_(_reply_due_in(window), _in_period(window, Matter.replied_on))),
        and_(_by(Matter.replied_on, window), Matter.replied_on <= HANDLING.due_on))


def _evaluated(window: Window, settings: RateSettings) -> ColumnElement[bool]:
    return and_(
        Matter.satisfaction.is_not(None), _by(Matter.evaluated_on, window),
        days_between(Matter.reply_delivered_on, Matter.evaluated_on) <= settings.evaluation_window_days,
    )


def evaluation(window: Window, offices: Offices, settings: RateSettings) -> RateSpec:
    """Reply delivered in the period; evaluated within the evaluation window."""
    return RateSpec(("reply_delivered_on",), _in_period(window, Matter.reply_delivered_on),
                    _evaluated(window, settings))


def satisfaction(window: Window, offices: Offices, settings: RateSettings) -> RateSpec:
    """Among the evaluated of 参评率: rated 满意 (or 满意 + 基本满意, by the office setting)."""
    counted = [Satisfaction.SATISFIED.value]
    if settings.satisfaction_variant is SatisfactionVariant.SATISFIED_OR_BASICALLY:
        counted.append(Satisfaction.BASICALLY.value)
    return RateSpec(("reply_delivered_on",),
                    and_(_in_period(window, Matter.reply_delivered_on), _evaluated(window, settings)),
                    Matter.satisfaction.in_(counted))


def _any(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """EXISTS (SELECT 1 ...): SQLite 3.40 reads the table row for ``EXISTS (SELECT * ...)`` even when
    an index holds every column the conditions name."""
    return select(literal(1)).where(*conditions).exists()


def first_contact_resolution(window: Window, offices: Offices, settings: RateSettings) -> RateSpec:
    """申诉求决类 opened by a first contact, closed in the period; no repeat contact, not 不满意."""
    first = aliased(Contact, name="opening_contact")
    repeat = aliased(Contact, name="repeat_contact")
    no_repeat = not_(_any(repeat.matter_id == Matter.id, repeat.is_repeat == true(),
                          repeat.contact_at < window.cutoff))
    return RateSpec(
        ("closed_on",),
        and_(Matter.matter_type == MatterType.CLAIM.value, _in_period(window, Matter.closed_on),
             _any(first.matter_id == Matter.id, first.is_repeat == false())),
        and_(or_(Matter.satisfaction.is_(None), Matter.satisfaction != Satisfaction.DISSATISFIED.value),
             no_repeat))


def backlog_start() -> ColumnElement[Any]:
    """The day a matter became 积案: recorded, or its registration for a listed one without a date."""
    return case((Matter.backlog_since.is_not(None), Matter.backlog_since),
                (Matter.is_backlog, Matter.registered_on), else_=None)


def resolved_by(window: Window) -> ColumnElement[bool]:
    return and_(Matter.resolution == Resolution.RESOLVED.value, _by(Matter.resolved_on, window))


def backlog_resolution(window: Window, offices: Offices, settings: RateSettings) -> RateSpec:
    """Backlog at the start of the period or becoming backlog in it; resolved by the cut-off."""
    listed = or_(Matter.backlog_since <= window.upper,
                 and_(Matter.backlog_since.is_(None), Matter.is_backlog, Matter.registered_on <= window.upper))
    unresolved_at_start = or_(Matter.resolution != Resolution.RESOLVED.value, Matter.resolved_on.is_(None),
                              Matter.resolved_on >= window.period.start)
    return RateSpec(
        ("backlog_since", "is_backlog"),
        and_(listed, unresolved_at_start), resolved_by(window))


def closure(window: Window, offices: Offices, settings: RateSettings) -> RateSpec:
    """办结率: accepted matters due in the period or closed in it; closed by the cut-off."""
    return RateSpec(
        ("reply_due", "closed_on"),
        and_(Matter.accepted_on.is_not(None), or_(_reply_due_in(window), _in_period(window, Matter.closed_on))),
        _by(Matter.closed_on, window))


def resolution(window: Window, offices: Offices, settings: RateSettings) -> RateSpec:
    """化解率: accepted matters due in the period or resolved in it; resolved by the cut-off."""
    return RateSpec(
        ("reply_due", "resolved_on"),
        and_(Matter.accepted_on.is_not(None),
             or_(_reply_due_in(window), _in_period(window, Matter.resolved_on))),
        resolved_by(window))


SPECS: dict[Rate, SpecBuilder] = {
    Rate.TIMELY_ACCEPTANCE: timely_acceptance,
    Rate.ON_TIME_REPLY: on_time_reply,
    Rate.EVALUATION: evaluation,
    Rate.SATISFACTION: satisfaction,
    Rate.FIRST_CONTACT_RESOLUTION: first_contact_resolution,
    Rate.BACKLOG_RESOLUTION: backlog_resolution,
    Rate.CLOSURE: closure,
    Rate.RESOLUTION: resolution,
}

RATE_LABELS: dict[Rate, str] = {
    Rate.TIMELY_ACCEPTANCE: "及时受理率",
    Rate.ON_TIME_REPLY: "按期答复率",
    Rate.EVALUATION: "参评率",
    Rate.SATISFACTION: "满意率",
    Rate.FIRST_CONTACT_RESOLUTION: "一次性化解率",
    Rate.BACKLOG_RESOLUTION: "积案化解率",
    Rate.CLOSURE: "办结率",
    Rate.RESOLUTION: "化解率",
}


AVERAGE_CANDIDATES = ("replied_on",)  # the matters of 平均办理天数 are replied in the period


def average_days_condition(window: Window) -> ColumnElement[bool]:
    """平均办理天数: matters replied in the period, accepted, reply delivered by the cut-off."""
    return and_(_in_period(window, Matter.replied_on), Matter.accepted_on.is_not(None),
                _by(Matter.reply_delivered_on, window))


def candidate_ids(key: str, window: Window, offices: Offices) -> Select[tuple[uuid.UUID]]:
    """An index-friendly id query: a step dated in the period, a reply deadline due in it, or 积案."""
    if key == "reply_due":
        return _ids_due_in(window, offices)
    if key == "backlog_since":  # a range, not IS NOT NULL, so that SQLite searches the index
        condition: ColumnElement[bool] = Matter.backlog_since <= window.upper
    elif key == "is_backlog":
        condition = Matter.is_backlog
    else:
        condition = _in_period(window, getattr(Matter, key))
    return select(Matter.id).where(Matter.office_id.in_(offices), condition).correlate(None)


def _union(keys: Sequence[str], window: Window, offices: Offices) -> Any:
    selects = [candidate_ids(k, window, offices) for k in dict.fromkeys(keys)]
    return selects[0] if len(selects) == 1 else union(*selects)


def matters_in(spec: RateSpec, part: str, window: Window, offices: Offices) -> Select[tuple[Matter]]:
    """The matters behind a rate's ``denominator`` or ``numerator``."""
    stmt = with_clocks(select(Matter)).where(Matter.id.in_(_union(spec.candidates, window, offices)),
                                             spec.denominator)
    return stmt.where(spec.numerator) if part == "numerator" else stmt


# Where a period's candidate matters are found, in order: each slice takes the matters of its range
# that no earlier slice took, so the slices are disjoint and their sums add up without de-duplication.
SLICES = ("registered_on", "replied_on", "reply_delivered_on", "closed_on", "resolved_on", "reply_due",
          "backlog_since", "is_backlog")


def _slice_condition(key: str, window: Window) -> ColumnElement[bool]:
    if key == "reply_due":
        return _reply_due_in(window)
    if key == "backlog_since":
        return and_(Matter.backlog_since.is_not(None), Matter.backlog_since <= window.upper)
    if key == "is_backlog":
        return Matter.is_backlog == true()
    return _in_period(window, getattr(Matter, key))


def _outcome(spec: RateSpec) -> ColumnElement[int]:
    """0: not in the denominator; 1: in the denominator only; 2: in the numerator too. The
    denominator is tested once per matter, not once for each of the two sums."""
    return case((spec.denominator, case((spec.numerator, 2), else_=1)), else_=0)


def _possible(keys: Sequence[str], position: int) -> bool:
    """Whether a matter of slice ``position`` can be a candidate of keys: it is in none of the
    earlier slices' ranges, so only a key of this slice or a later one can hold it."""
    return any(SLICES.index(k) >= position for k in keys)


def all_rates(window: Window, offices: Offices, settings: RateSettings) -> Select[Any]:
    """Every rate of the period in one statement: (denominator, numerator) of each rate in SPECS
    order, then the matters and total days of the average.

    Each disjoint slice of candidates is read through its own index; per matter it yields one
    outcome (0/1/2) per rate and the average's days, and the statement counts the outcomes. A rate
    whose candidates all lie in earlier slices is a constant 0 in a slice, so the slice neither
    tests it nor joins what only it reads (the decision clock, the contacts of 一次性化解率).
    """
    specs = [build(window, offices, settings) for build in SPECS.values()]
    assert {k for spec in specs for k in spec.candidates} <= set(SLICES)
    average = average_days_condition(window)
    days = days_between(Matter.accepted_on, Matter.reply_delivered_on)
    parts = []
    taken: list[ColumnElement[bool]] = []
    for position, key in enumerate(SLICES):
        columns: list[ColumnElement[Any]] = [
            (_outcome(spec) if _possible(spec.candidates, position) else literal(0)).label(f"rate_{i}")
            for i, spec in enumerate(specs)]
        # NULL outside the average: the condition makes both dates non-null, so its days never are.
        columns.append((case((average, days), else_=None) if _possible(AVERAGE_CANDIDATES, position)
                        else null()).label("days"))
        condition = _slice_condition(key, window)
        stmt = with_clocks(select(*columns).select_from(Matter)).where(Matter.office_id.in_(offices), condition)
        if key == "reply_due":
            stmt = stmt.where(HANDLING.office_id.in_(offices))
        if taken:
            stmt = stmt.where(not_(or_(*taken)))
        parts.append(stmt)
        taken.append(condition)
    outcomes = union_all(*parts).subquery("outcomes")
    counted: list[ColumnElement[Any]] = []
    for i in range(len(specs)):
        outcome = outcomes.c[f"rate_{i}"]
        counted += [func.count(case((outcome > 0, 1))), func.count(case((outcome == 2, 1)))]
    counted += [func.count(outcomes.c.days), func.coalesce(func.sum(outcomes.c.days), 0)]
    return select(*counted)


def average_days_matters(window: Window, offices: Offices) -> Select[tuple[Matter]]:
    return select(Matter).where(Matter.id.in_(_union(AVERAGE_CANDIDATES, window, offices)),
                                average_days_condition(window))
