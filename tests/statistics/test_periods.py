"""Reporting periods, their comparisons and the cut-off window."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.errors import ValidationError
from app.statistics.periods import PeriodKind, Window, day, iso_week, month, parse_period, quarter, week, year

D = date.fromisoformat


@pytest.mark.parametrize(("kind", "text", "start", "end"), [
    (PeriodKind.MONTH, "2026-02", "2026-02-01", "2026-02-28"),
    (PeriodKind.MONTH, "2024年2月", "2024-02-01", "2024-02-29"),
    (PeriodKind.MONTH, "2026-12", "2026-12-01", "2026-12-31"),
    (PeriodKind.QUARTER, "2026-Q3", "2026-07-01", "2026-09-30"),
    (PeriodKind.QUARTER, "2026Q1", "2026-01-01", "2026-03-31"),
    (PeriodKind.YEAR, "2025", "2025-01-01", "2025-12-31"),
    (PeriodKind.WEEK, "2026-W48", "2026-11-23", "2026-11-29"),
    (PeriodKind.WEEK, "2026-11-25", "2026-11-23", "2026-11-29"),
    (PeriodKind.DAY, "2026-11-25", "2026-11-25", "2026-11-25"),
])
def test_parse_period(kind: PeriodKind, text: str, start: str, end: str) -> None:
    p = parse_period(kind, text)
    assert (p.start, p.end) == (D(start), D(end))


def test_range_needs_two_ordered_dates() -> None:
    p = parse_period(PeriodKind.RANGE, "2026-01-10", "2026-01-19")
    assert p.days == 10 and p.previous().start == D("2025-12-31") and p.previous().end == D("2026-01-09")
    with pytest.raises(ValidationError):
        parse_period(PeriodKind.RANGE, "2026-01-10", "2026-01-01")
    with pytest.raises(ValidationError):
        parse_period(PeriodKind.RANGE, "2026-01-10")
    with pytest.raises(ValidationError):
        parse_period(PeriodKind.MONTH, "2026-13")


def test_comparison_periods() -> None:
    assert month(2026, 1).previous() == month(2025, 12)
    assert month(2026, 3).year_earlier() == month(2025, 3)
    assert quarter(2026, 1).previous() == quarter(2025, 4)
    assert year(2026).previous() == year(2026).year_earlier() == year(2025)
    assert week(D("2026-01-01")).previous() == week(D("2025-12-25"))
    assert iso_week(2026, 1).year_earlier() == iso_week(2025, 1)
    leap = day(D("2024-02-29")).year_earlier()
    assert leap.start == D("2023-02-28")


def test_labels_and_keys() -> None:
    assert month(2026, 10).label() == "2026年10月" and month(2026, 10).key() == "2026-10"
    assert quarter(2026, 3).label() == "2026年第3季度" and quarter(2026, 3).key() == "2026-Q3"
    assert week(D("2026-11-23")).key() == "2026-W48"


def test_window_of_a_past_and_of_a_running_period() -> None:
    past = Window.at(month(2026, 10), datetime(2026, 11, 23, 10, 0))
    assert past.cutoff == datetime(2026, 11, 1)
    assert (past.through, past.elapsed, past.upper) == (D("2026-10-31"), D("2026-10-31"), D("2026-10-31"))
    running = Window.at(month(2026, 11), datetime(2026, 11, 23, 10, 0))
    # Steps recorded today count; a deadline falling today has not run out yet.
    assert (running.through, running.elapsed) == (D("2026-11-23"), D("2026-11-22"))
    explicit = Window.at(month(2026, 10), datetime(2026, 11, 23), cutoff=datetime(2026, 10, 15, 12))
    assert explicit.contacts_before == datetime(2026, 10, 15, 12)
