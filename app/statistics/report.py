"""A periodic report: the period's figures with 同比 and 环比, its submission state, and its JSON.

A submitted period shows the figures the office reported (with recorded corrections), never silently
recomputed ones; when the data has changed since, the report says so and lists the differences.
The JSON keys are documented in docs/statistics.md and stay stable.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from app.domain.permissions import Permission
from app.services.context import UnitOfWork
from app.statistics import submissions
from app.statistics.compare import count_change, rate_change
from app.statistics.compute import compute_many, scope
from app.statistics.figures import RATE_ORDER, SECTIONS, SINGLES, Count, Figures, period_json
from app.statistics.leader_report import LeaderWorkReport, build_leader_work, leader_work_json
from app.statistics.periods import Period, month
from app.statistics.rates import Rate
from app.statistics.sql import month_key
from db.models import Office, StatsDayClass

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class OfficeInfo:
    name: str
    short_name: str
    parent_name: str


@dataclass
class Report:
    office: OfficeInfo
    figures: Figures
    yoy: Figures  # same period one year earlier (同比)
    pop: Figures  # preceding period of the same type (环比)
    submission: submissions.SubmissionInfo | None
    corrections_in_period: tuple[submissions.CorrectionInfo, ...] = ()  # recorded during the period
    leader_work: LeaderWorkReport | None = None  # always live, never part of a submission

    @property
    def period(self) -> Period:
        return self.figures.period


def build_report(uow: UnitOfWork, period: Period, *, office_ids: tuple[uuid.UUID, ...] = (),
                 cutoff: datetime | None = None, live: bool = False, parallel: bool = True) -> Report:
    """The report of ``period``; ``live`` recomputes even a submitted period.

    A submitted period of this office shows its reported figures (as corrected), and the live
    figures are computed alongside only to tell whether a correction is due. ``parallel`` runs the
    statements on several read connections: use it only from a read unit of work.
    """
    uow.actor.require(Permission.READ)
    offices = scope(uow, office_ids)
    own = offices == (uow.office_id,)
    wanted = [period, period.year_earlier(), period.previous()]
    stored = {p: submissions.reported_figures(uow, p) if own and not live else None for p in wanted}
    submitted = own and stored[period] is not None
    # The live figures of a submitted period are compared at its reported cut-off.
    first_cutoff = stored[period].cutoff if submitted else cutoff  # type: ignore[union-attr]
    missing = list(dict.fromkeys(p for p in wanted if stored[p] is None))
    if submitted:
        missing.insert(0, period)
    computed = dict(zip(missing, compute_many(uow, missing, office_ids=offices, cutoff=first_cutoff,
                                              parallel=parallel)))
    figures = stored[period] or computed[period]
    yoy = stored[wanted[1]] or computed[wanted[1]]
    pop = stored[wanted[2]] or computed[wanted[2]]
    state = submissions.submission(uow, period, live=computed[period]) if submitted else None
    recorded: tuple[submissions.CorrectionInfo, ...] = ()
    if own:
        recorded = tuple(submissions.corrections(
            uow, recorded_from=period.begins_at, recorded_before=period.ends_at))
    office = uow.session.get(Office, uow.office_id)
    info = OfficeInfo(office.name, office.short_name, office.parent_name) if office else OfficeInfo("", "", "")
    backlog = tuple(f.rates[Rate.BACKLOG_RESOLUTION] for f in (figures, yoy, pop))
    leader = build_leader_work(uow, (period, wanted[1], wanted[2]), backlog,  # type: ignore[arg-type]
                               office_ids=offices, cutoff=first_cutoff)
    return Report(info, figures, yoy, pop, state, recorded, leader)  # type: ignore[arg-type]


# --- JSON ------------------------------------------------------------------------------------


def _with_changes(data: dict[str, Any], current: Count, yoy: Count, pop: Count) -> dict[str, Any]:
    return data | {"yoy": count_change(current, yoy).json(), "pop": count_change(current, pop).json()}


def report_json(report: Report) -> dict[str, Any]:
    f, yoy, pop = report.figures, report.yoy, report.pop
    data = {"schema_version": SCHEMA_VERSION,
            "office": {"name": report.office.name, "short_name": report.office.short_name}}
    data |= f.to_json()
    for name in SINGLES:
        data[name] = _with_changes(data[name], f.singles[name], yoy.singles[name], pop.singles[name])
    for name in SECTIONS:
        before_y, before_p = yoy.section(name), pop.section(name)
        for json_key, item_json in data[name].items():
            key = item_json["key"]
            current = f.section(name)[key].count
            data[name][json_key] = _with_changes(
                item_json, current, _count_of(before_y, key), _count_of(before_p, key))
    for rate in RATE_ORDER:
        data["rates"][rate.value]["yoy"] = rate_change(f.rates[rate], yoy.rates[rate]).json()
        data["rates"][rate.value]["pop"] = rate_change(f.rates[rate], pop.rates[rate]).json()
    data["comparison_periods"] = {"yoy": period_json(yoy.period), "pop": period_json(pop.period)}
    data["submission"] = _submission_json(report.submission)
    data["corrections_recorded_in_period"] = [_correction_json(c) for c in report.corrections_in_period]
    data["leader_work"] = leader_work_json(report.leader_work) if report.leader_work else None
    return data


def _count_of(items: dict[str, Any], key: str) -> Count:
    item = items.get(key)
    return item.count if item is not None else Count()


def _change_json(c: submissions.FigureChange) -> dict[str, Any]:
    return {"key": c.key, "label": c.label, "before": c.before, "after": c.after}


def _correction_json(c: submissions.CorrectionInfo) -> dict[str, Any]:
    return {"period": period_json(c.period), "seq": c.seq,
            "recorded_at": c.recorded_at.isoformat(timespec="minutes"), "recorded_by": c.recorded_by,
            "reason": c.reason, "changes": [_change_json(x) for x in c.changes]}


def _submission_json(s: submissions.SubmissionInfo | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"submitted_at": s.submitted_at.isoformat(timespec="minutes"), "submitted_by": s.submitted_by,
            "note": s.note, "corrections": [_correction_json(c) for c in s.corrections],
            "flagged": s.flagged, "pending_changes": [_change_json(c) for c in s.pending]}


# --- trend -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    count: Count


def monthly_trend(uow: UnitOfWork, first: date, last: date, *,
                  office_ids: tuple[uuid.UUID, ...] = ()) -> list[TrendPoint]:
    """批次 and 人次 per month from the month of ``first`` to that of ``last``: whole days (no cut-off),
    so one GROUP BY over the day table of contact classes."""
    uow.actor.require(Permission.READ)
    offices = scope(uow, office_ids)
    start, end = month(first.year, first.month), month(last.year, last.month)
    day = StatsDayClass.day
    key = month_key(day)
    stmt = (select(key, func.sum(StatsDayClass.batches), func.sum(StatsDayClass.person_visits))
            .where(StatsDayClass.office_id.in_(offices), day >= start.start, day <= end.end).group_by(key))
    got = {k: Count(int(b), int(p)) for k, b, p in uow.session.execute(stmt)}
    points, current = [], start
    while current.start <= end.start:
        points.append(TrendPoint(current, got.get(current.key(), Count())))
        nxt = current.end + timedelta(days=1)
        current = month(nxt.year, nxt.month)
    return points


__all__ = ["Report", "TrendPoint", "build_report", "monthly_trend", "report_json"]
