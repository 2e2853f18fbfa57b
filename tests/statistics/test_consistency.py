"""The consistency rules of docs/statistics.md: breakdowns add up, county figures are township sums."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.domain.enums import Channel, MatterType, Role
from app.services.context import Actor
from app.services.persons import PersonInput
from app.services.workspace import Workspace
from app.statistics import Count, Figures, Ratio, compute_figures, monthly_trend, periods
from app.statistics.figures import SECTIONS
from db.models import Office, UserAccount, Village
from tests.statistics import dataset

SINGLE_VALUED = ["by_channel", "by_matter_type", "by_subject", "by_subject_level2", "by_village",
                 "by_residence_village", "by_responsible_unit"]
PERIODS = [periods.month(2026, 10), periods.month(2026, 9), periods.quarter(2026, 4),
           periods.year(2026), periods.year(2025), periods.week(date(2026, 10, 14)),
           periods.day(date(2026, 10, 8)), periods.date_range(date(2025, 1, 1), date(2026, 11, 22))]


def _sum(items: list) -> Count:  # type: ignore[type-arg]
    total = Count()
    for item in items:
        total += item.count
    return total


def assert_consistent(f: Figures) -> None:
    total, s = f.totals, f.singles
    for name in SINGLE_VALUED:
        assert _sum(f.sections[name]) == total, name
    assert s["collective"] + s["individual"] == total
    assert s["first"] + s["repeat"] == total
    assert s["leader_reception"] + s["not_leader_reception"] == total
    assert _sum(f.sections["skip_level_by_target"]) == s["skip_level"]
    assert s["collective"] + s["individual_visits"] == f.section("by_channel")["visit"].count
    assert s["repeat_visits"].batches <= s["repeat"].batches
    for rate, ratio in f.rates.items():
        assert 0 <= ratio.numerator <= ratio.denominator, rate


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.key())
def test_breakdowns_add_up_to_the_total(october, period: periods.Period) -> None:  # type: ignore[no-untyped-def]
    ws, admin, _ = october
    with ws.read(admin) as uow:
        assert_consistent(compute_figures(uow, period))


def test_months_add_up_to_the_year(october) -> None:  # type: ignore[no-untyped-def]
    ws, admin, _ = october
    with ws.read(admin) as uow:
        year = compute_figures(uow, periods.year(2026))
        months = [compute_figures(uow, periods.month(2026, m)) for m in range(1, 13)]
        trend = monthly_trend(uow, date(2026, 1, 1), date(2026, 12, 31))
    total = Count()
    for m in months:
        total += m.totals
    assert total == year.totals
    assert [p.count for p in trend] == [m.totals for m in months]
    assert [p.period.key() for p in trend][:2] == ["2026-01", "2026-02"]
    for name in SECTIONS:
        for key, item in year.section(name).items():
            assert sum((m.section(name)[key].count for m in months if key in m.section(name)),
                       Count()) == item.count, (name, item.label)


def _second_township(ws: Workspace) -> Actor:
    office_id, user_id = uuid.uuid4(), uuid.uuid4()
    with ws.database.write() as session:
        session.add(Office(id=office_id, name="某某县另一镇人民政府", short_name="另一镇",
                           division_code="330106102000", level="township"))
        session.flush()
        session.add(UserAccount(id=user_id, office_id=office_id, login="other", display_name="另一镇管理员",
                                role=Role.ADMIN.value))
        session.add(Village(office_id=office_id, name="东风村"))  # same name as in the first township
    return Actor(user_id, "other", "另一镇管理员", Role.ADMIN, office_id)


def test_county_figures_are_the_sum_of_the_townships(october) -> None:  # type: ignore[no-untyped-def]
    ws, admin, _ = october
    other = _second_township(ws)
    dataset.no_rolling(ws, other.office_id)
    with ws.database.read() as session:
        other_village = session.scalars(select(Village.id).where(Village.office_id == other.office_id)).one()
    first = dataset.contact(ws, other, datetime(2026, 10, 9, 9, 0), headcount=12,
                            persons=(PersonInput(name="何一", village_id=other_village),),
                            problem_village_id=other_village)
    dataset.contact(ws, other, datetime(2026, 10, 19, 9, 0), Channel.LETTER,
                    persons=(first.person_ids[0],), matter_id=first.matter_id)
    dataset.contact(ws, other, datetime(2026, 10, 21, 9, 0), Channel.ONLINE, subject="0401",
                    matter_type=MatterType.SUGGESTION, persons=(PersonInput(name="何二"),))
    dataset.steps(ws, other, first.matter_id, dataset.accept("2026-10-12"))
    both = (admin.office_id, other.office_id)
    with ws.read(admin) as uow:
        a = compute_figures(uow, periods.month(2026, 10), office_ids=(admin.office_id,))
        b = compute_figures(uow, periods.month(2026, 10), office_ids=(other.office_id,))
        county = compute_figures(uow, periods.month(2026, 10), office_ids=both)
    assert b.totals == Count(3, 14)
    assert_consistent(county)
    for name in a.singles:
        assert county.singles[name] == a.singles[name] + b.singles[name], name
    for name in SECTIONS:
        ca, cb, cc = a.section(name), b.section(name), county.section(name)
        for key, item in cc.items():
            expected = (ca[key].count if key in ca else Count()) + (cb[key].count if key in cb else Count())
            assert item.count == expected, (name, item.label)
    labels = {item.label for item in county.sections["by_village"]}
    assert {"某某镇/东风村", "另一镇/东风村"} <= labels  # same village name, told apart by township
    # Rates are recomputed from the summed numerators and denominators, not averaged.
    for rate in county.rates:
        assert county.rates[rate] == a.rates[rate] + b.rates[rate], rate
    assert county.rates[next(iter(county.rates))] == Ratio(3, 5)  # timely acceptance: 2/4 + 1/1
