"""What the 统计报表 page shows for a period: the report, the monthly trend around it, the offices.

One call per refresh, on a worker thread with its own read unit of work; it reports progress
between its two steps and stops between them when the user cancels.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.domain.enums import OfficeLevel
from app.domain.permissions import Permission
from app.excel.common import CancelCheck, Progress, check_cancel
from app.services.context import UnitOfWork
from app.excel.ledgers import LedgerKind
from app.statistics.figures import SINGLES
from app.statistics.filters import ContactFilter, MatterFilter
from app.statistics.periods import Period
from app.statistics.report import Report, TrendPoint, build_report, monthly_trend
from db.models import Office

TREND_MONTHS = 12
MAX_TREND_MONTHS = 36


@dataclass(frozen=True)
class OfficeChoice:
    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class ReportScreen:
    report: Report
    trend: tuple[TrendPoint, ...]
    office_ids: tuple[uuid.UUID, ...]  # () = the default scope of the acting user's office


def report_offices(uow: UnitOfWork) -> list[OfficeChoice]:
    """The townships a report can be narrowed to: all in a county database, else none to choose."""
    uow.actor.require(Permission.READ)
    own = uow.session.get(Office, uow.office_id)
    if own is None or own.level != OfficeLevel.COUNTY.value:
        return []
    rows = uow.session.execute(select(Office.id, Office.short_name, Office.name)
                               .where(Office.level == OfficeLevel.TOWNSHIP.value).order_by(Office.division_code))
    return [OfficeChoice(i, short or name) for i, short, name in rows]


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def trend_span(period: Period) -> tuple[date, date]:
    """The months the trend chart shows: the period's own months, at least the 12 up to its end."""
    first = min(period.start, _months_back(period.end, TREND_MONTHS))
    return max(first, _months_back(period.end, MAX_TREND_MONTHS)), period.end


def load_report_screen(uow: UnitOfWork, period: Period, *, office_ids: tuple[uuid.UUID, ...] = (),
                       progress: Progress | None = None, cancelled: CancelCheck | None = None) -> ReportScreen:
    if progress is not None:
        progress(0, 2)
    report = build_report(uow, period, office_ids=office_ids)
    check_cancel(cancelled)
    if progress is not None:
        progress(1, 2)
    first, last = trend_span(period)
    trend = monthly_trend(uow, first, last, office_ids=office_ids)
    if progress is not None:
        progress(2, 2)
    return ReportScreen(report, tuple(trend), office_ids)


@dataclass(frozen=True)
class Behind:
    """The ledger listing what one number on the page counts."""

    kind: LedgerKind
    title: str
    contacts: ContactFilter | None = None
    matters: MatterFilter | None = None


def behind(report: Report, key: str, label: str, part: str = "denominator") -> Behind:
    """``key`` is a count ("totals", "repeat", "by_village:<id>") or a rate ("on_time_reply",
    "average_days"); ``part`` picks a rate's numerator or denominator."""
    f = report.figures
    if key in SINGLES:
        return Behind(LedgerKind.CONTACTS, label, contacts=f.contacts_behind(key))
    if ":" in key:
        section, item = key.split(":", 1)
        return Behind(LedgerKind.CONTACTS, label, contacts=f.contacts_behind(section, item))
    part_label = "分子" if part == "numerator" else "分母"
    return Behind(LedgerKind.MATTERS, f"{label}（{part_label}）", matters=f.matters_behind(key, part))


def ledger_filters(uow: UnitOfWork, period: Period, *, backlog: bool,
                   office_ids: tuple[uuid.UUID, ...] = ()) -> tuple[ContactFilter, MatterFilter]:
    """The ledgers of a period: contacts made in it, matters registered in it, or for the backlog
    ledger the matters still backlogged at its end (today for a period not over yet)."""
    if backlog:
        return ContactFilter(office_ids=office_ids), MatterFilter(
            office_ids=office_ids, backlog_on=min(period.end, uow.today()))
    return (ContactFilter(start=period.start, end=period.end, office_ids=office_ids),
            MatterFilter(registered_from=period.start, registered_to=period.end, office_ids=office_ids))
