"""Reporting periods (day, week, month, quarter, year, custom range) and the cut-off of a report.

A period is a run of whole local days, both ends inclusive. Every figure is computed for a period
and a cut-off moment: the end of the period, or now if that is earlier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from app.errors import ValidationError

MAX_RANGE_DAYS = 366 * 20


class PeriodKind(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError("period_order", "统计期间：结束日期早于开始日期", field="period")
        if (self.end - self.start).days > MAX_RANGE_DAYS:
            raise ValidationError("period_length", "统计期间：不能超过 20 年", field="period")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def begins_at(self) -> datetime:
        return datetime.combine(self.start, time())

    @property
    def ends_at(self) -> datetime:
        """The moment just after the period (exclusive upper bound of contact times)."""
        return datetime.combine(self.end + timedelta(days=1), time())

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def label(self) -> str:
        """The period as a report title names it: 2026年10月, 2026年第3季度, ..."""
        s, e = self.start, self.end
        if self.kind is PeriodKind.DAY:
            return f"{s.year}年{s.month}月{s.day}日"
        if self.kind is PeriodKind.MONTH:
            return f"{s.year}年{s.month}月"
        if self.kind is PeriodKind.QUARTER:
            return f"{s.year}年第{(s.month - 1) // 3 + 1}季度"
        if self.kind is PeriodKind.YEAR:
            return f"{s.year}年"
        return f"{s.year}年{s.month}月{s.day}日至{e.year}年{e.month}月{e.day}日"

    def key(self) -> str:
        """A short stable text for the period: 2026-10, 2026-Q3, 2026, 2026-W47, 2026-10-01..2026-10-15."""
        s = self.start
        if self.kind is PeriodKind.DAY:
            return s.isoformat()
        if self.kind is PeriodKind.WEEK:
            iso = s.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        if self.kind is PeriodKind.MONTH:
            return f"{s.year}-{s.month:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.YEAR:
            return str(s.year)
        return f"{s.isoformat()}..{self.end.isoformat()}"

    # --- comparisons ------------------------------------------------------------------------

    def previous(self) -> Period:
        """环比: the immediately preceding period of the same type (equal length for a range)."""
        if self.kind is PeriodKind.DAY:
            return day(self.start - timedelta(days=1))
        if self.kind is PeriodKind.WEEK:
            return week(self.start - timedelta(days=7))
        if self.kind is PeriodKind.MONTH:
            prev = self.start - timedelta(days=1)
            return month(prev.year, prev.month)
        if self.kind is PeriodKind.QUARTER:
            prev = self.start - timedelta(days=1)
            return quarter(prev.year, (prev.month - 1) // 3 + 1)
        if self.kind is PeriodKind.YEAR:
            return year(self.start.year - 1)
        return Period(PeriodKind.RANGE, self.start - timedelta(days=self.days),
                      self.start - timedelta(days=1))

    def year_earlier(self) -> Period:
        """同比: the same period one year earlier (29 February falls back to the 28th)."""
        if self.kind is PeriodKind.WEEK:
            iso = self.start.isocalendar()
            return iso_week(iso.year - 1, min(iso.week, _weeks_in(iso.year - 1)))
        if self.kind is PeriodKind.MONTH:
            return month(self.start.year - 1, self.start.month)
        if self.kind is PeriodKind.QUARTER:
            return quarter(self.start.year - 1, (self.start.month - 1) // 3 + 1)
        if self.kind is PeriodKind.YEAR:
            return year(self.start.year - 1)
        return Period(self.kind, _shift_year(self.start), _shift_year(self.end))

    # --- cut-off ----------------------------------------------------------------------------

    def cutoff(self, now: datetime) -> datetime:
        """The end of the period, or now if that is earlier."""
        return min(self.ends_at, now)


def _shift_year(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def _weeks_in(iso_year: int) -> int:
    return date(iso_year, 12, 28).isocalendar().week


def day(d: date) -> Period:
    return Period(PeriodKind.DAY, d, d)


def week(d: date) -> Period:
    """The ISO week (Monday to Sunday) containing ``d``."""
    monday = d - timedelta(days=d.weekday())
    return Period(PeriodKind.WEEK, monday, monday + timedelta(days=6))


def iso_week(iso_year: int, number: int) -> Period:
    return week(date.fromisocalendar(iso_year, number, 1))


def month(y: int, m: int) -> Period:
    _check_year(y)
    if not 1 <= m <= 12:
        raise ValidationError("period_month", f"统计期间：月份 {m} 不存在", field="period")
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return Period(PeriodKind.MONTH, date(y, m, 1), nxt - timedelta(days=1))


def quarter(y: int, q: int) -> Period:
    _check_year(y)
    if not 1 <= q <= 4:
        raise ValidationError("period_quarter", f"统计期间：季度 {q} 不存在", field="period")
    first = month(y, 3 * q - 2)
    return Period(PeriodKind.QUARTER, first.start, month(y, 3 * q).end)


def year(y: int) -> Period:
    _check_year(y)
    return Period(PeriodKind.YEAR, date(y, 1, 1), date(y, 12, 31))


def date_range(start: date, end: date) -> Period:
    return Period(PeriodKind.RANGE, start, end)


def _check_year(y: int) -> None:
    if not 1990 <= y <= 2200:
        raise ValidationError("period_year", f"统计期间：年份 {y} 超出范围", field="period")


def _fail(text: str, what: str) -> ValidationError:
    return ValidationError("period_text", f"统计期间：“{text}”不是有效的{what}", field="period")


_MONTH_RE = re.compile(r"(\d{4})[-/.年]?(\d{1,2})月?")
_QUARTER_RE = re.compile(r"(\d{4})[-/ ]?(?:Q|q|第)?([1-4])(?:季度)?")
_WEEK_RE = re.compile(r"(\d{4})-?W(\d{1,2})")


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise _fail(text, "日期（YYYY-MM-DD）") from None


def parse_period(kind: PeriodKind, text: str, end_text: str | None = None) -> Period:
    """A period from command-line text: 2026-10, 2026-Q3, 2026, 2026-W47, 2026-10-05."""
    text = text.strip()
    if kind is PeriodKind.DAY:
        return day(parse_date(text))
    if kind is PeriodKind.WEEK:
        m = _WEEK_RE.fullmatch(text)
        if m is None:
            return week(parse_date(text))
        try:
            return iso_week(int(m[1]), int(m[2]))
        except ValueError:
            raise _fail(text, "周（YYYY-Www）") from None
    if kind is PeriodKind.MONTH:
        m = _MONTH_RE.fullmatch(text)
        if m is None:
            raise _fail(text, "月份（YYYY-MM）")
        return month(int(m[1]), int(m[2]))
    if kind is PeriodKind.QUARTER:
        m = _QUARTER_RE.fullmatch(text)
        if m is None:
            raise _fail(text, "季度（YYYY-Qn）")
        return quarter(int(m[1]), int(m[2]))
    if kind is PeriodKind.YEAR:
        if not re.fullmatch(r"\d{4}年?", text):
            raise _fail(text, "年份（YYYY）")
        return year(int(text[:4]))
    if end_text is None:
        raise ValidationError("period_end", "统计期间：自定义期间需要开始和结束日期", field="period")
    return date_range(parse_date(text), parse_date(end_text))


@dataclass(frozen=True)
class Window:
    """A period seen from its cut-off: which recorded days count as done, which deadlines have passed.

    Steps are recorded as dates. A step dated on or before ``through`` happened by the cut-off; a
    deadline on or before ``elapsed`` has run out by the cut-off (its whole day is over).
    """

    period: Period
    cutoff: datetime

    @classmethod
    def at(cls, period: Period, now: datetime, cutoff: datetime | None = None) -> Window:
        return cls(period, min(cutoff, period.ends_at) if cutoff else period.cutoff(now))

    @property
    def through(self) -> date:
        midnight = self.cutoff.time() == time()
        return self.cutoff.date() - timedelta(days=1) if midnight else self.cutoff.date()

    @property
    def elapsed(self) -> date:
        return self.cutoff.date() - timedelta(days=1)

    @property
    def upper(self) -> date:
        """The last day of the period on which steps can have been recorded."""
        return min(self.period.end, self.through)

    @property
    def due_upper(self) -> date:
        """The last day of the period whose deadlines have run out."""
        return min(self.period.end, self.elapsed)

    @property
    def contacts_before(self) -> datetime:
        return min(self.period.ends_at, self.cutoff)
