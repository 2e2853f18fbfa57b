"""Each definition of docs/statistics.md on the hand-built October 2026 data set (dataset.py).

The expected numbers are worked out by hand from the dates listed in dataset.py; the comment next
to each names the contacts or matters it counts.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from app.statistics import Count, Figures, Rate, Ratio, build_report, compute_figures, periods, report_json
from app.statistics.filters import NONE, count_contacts, count_matters
from db.models import Setting

OCTOBER = periods.month(2026, 10)


@pytest.fixture
def oct_figures(october) -> Figures:  # type: ignore[no-untyped-def]
    ws, admin, _ = october
    with ws.read(admin) as uow:
        return compute_figures(uow, OCTOBER)


def test_cutoff_is_the_end_of_a_past_period(oct_figures: Figures) -> None:
    assert oct_figures.cutoff == datetime(2026, 11, 1, 0, 0)


def test_batches_and_person_visits(oct_figures: Figures) -> None:
    # C1 1 + C2 30 + C3 3 + C4 1 + C5 2 + C6 1 + C7 1 (23:30 on the 31st); not C8 (1 Nov 00:00), C9 (30 Sep)
    assert oct_figures.totals == Count(7, 39)


def test_by_channel(oct_figures: Figures) -> None:
    channels = {k: item.count for k, item in oct_figures.section("by_channel").items()}
    assert channels == {"visit": Count(3, 33), "letter": Count(1, 3), "phone": Count(1, 1),
                        "online": Count(1, 1), "fax": Count(1, 1)}


def test_collective_is_a_visit_of_five_or_more(oct_figures: Figures) -> None:
    s = oct_figures.singles
    assert s["collective"] == Count(1, 30)  # C2; the letter C3 signed by 3 is a joint letter
    assert s["individual"] == Count(6, 9)
    assert s["individual_visits"] == Count(2, 3)  # C1, C5
    assert s["joint_letters"] == Count(1, 3)  # C3


def test_first_and_repeat(oct_figures: Figures) -> None:
    s = oct_figures.singles
    assert s["first"] == Count(5, 36)  # C1 C2 C3 C6 C7 opened their matters
    assert s["repeat"] == Count(2, 3)  # C4 (phone) and C5 (visit) on M1
    assert s["repeat_visits"] == Count(1, 2)  # C5
    assert oct_figures.repeat_matters == 1  # M1


def test_skip_level_by_target(oct_figures: Figures) -> None:
    assert oct_figures.singles["skip_level"] == Count(2, 32)
    targets = {k: item.count for k, item in oct_figures.section("skip_level_by_target").items()}
    assert targets == {"county": Count(1, 30), "city": Count(1, 2), "province": Count(), "beijing": Count()}


def test_leader_reception(oct_figures: Figures) -> None:
    assert oct_figures.singles["leader_reception"] == Count(1, 2)  # C5
    assert oct_figures.singles["not_leader_reception"] == Count(6, 37)


def test_by_matter_type(oct_figures: Figures) -> None:
    types = {k: item.count for k, item in oct_figures.section("by_matter_type").items()}
    assert types == {"claim": Count(4, 34), "suggestion": Count(2, 4), "accusation": Count(1, 1)}


def test_by_subject_both_levels(oct_figures: Figures) -> None:
    level1 = {item.label: item.count for item in oct_figures.sections["by_subject"] if item.count.batches}
    assert level1 == {"城乡建设": Count(3, 4), "劳动和社会保障": Count(1, 30), "农业农村": Count(1, 3),
                      "纪检监察": Count(1, 1), "其他": Count(1, 1)}
    assert len(oct_figures.sections["by_subject"]) == 14  # every top subject is listed
    level2 = {item.label: item.count for item in oct_figures.sections["by_subject_level2"]}
    assert level2 == {"城乡建设/征地拆迁": Count(3, 4), "劳动和社会保障/拖欠工资": Count(1, 30),
                      "农业农村/土地承包经营": Count(1, 3), "纪检监察/村干部问题": Count(1, 1),
                      "其他（未细分）": Count(1, 1)}


def test_by_village_of_problem_and_of_residence(oct_figures: Figures) -> None:
    problem = {item.label: item.count for item in oct_figures.sections["by_village"]}
    # C4 and C5 inherit M1's problem village; C6 and C7 recorded none.
    assert problem == {"东风村": Count(3, 4), "红旗村": Count(1, 30), "幸福社区": Count(1, 3),
                       "团结村": Count(), "（未填写）": Count(2, 2)}
    residence = {item.label: item.count for item in oct_figures.sections["by_residence_village"]}
    # The main petitioner counts: 李四 (红旗村) for C2, not 王五 (团结村); 赵六 and C6 have none.
    assert residence == {"东风村": Count(3, 4), "红旗村": Count(1, 30), "幸福社区": Count(),
                         "团结村": Count(1, 1), "（未填写）": Count(2, 4)}


def test_by_responsible_unit(oct_figures: Figures) -> None:
    units = {item.label: item.count for item in oct_figures.sections["by_responsible_unit"]
             if item.count.batches}
    assert units == {"城建办": Count(3, 4), "（未交办）": Count(4, 35)}


def test_timely_acceptance(oct_figures: Figures) -> None:
    # Registered in October: M1 decided on time, M2 late, M3 undecided past its 25 Oct deadline
    # (declined 2 Nov, after the cut-off), M6 on time; M7 (31 Oct) is neither decided nor due.
    assert oct_figures.rates[Rate.TIMELY_ACCEPTANCE] == Ratio(2, 4)


def test_on_time_reply(oct_figures: Figures) -> None:
    # M1 replied in time; A1 due 4 Oct replied 8 Oct; A3 due 11 Oct unreplied. A2's extension
    # moved its deadline from 5 Oct to 4 Nov, so it is not counted in October.
    assert oct_figures.rates[Rate.ON_TIME_REPLY] == Ratio(1, 3)


def test_evaluation_and_satisfaction(oct_figures: Figures) -> None:
    # Delivered in October: M1 (满意), A4 (基本满意), A1 (rated 5 Nov, after the cut-off), A5 (never).
    assert oct_figures.rates[Rate.EVALUATION] == Ratio(2, 4)
    assert oct_figures.rates[Rate.SATISFACTION] == Ratio(1, 2)
    assert oct_figures.satisfaction_variant.value == "satisfied"


def test_satisfaction_variant_and_evaluation_window_are_office_settings(october) -> None:  # type: ignore[no-untyped-def]
    ws, admin, _ = october
    with ws.database.write() as session:
        session.merge(Setting(office_id=admin.office_id, key="satisfaction_counts_basically", value=True))
        session.merge(Setting(office_id=admin.office_id, key="evaluation_window_days", value=5))
    with ws.read(admin) as uow:
        figures = compute_figures(uow, OCTOBER)
    # A4 was rated 8 days after delivery: outside a 5-day window. M1 (4 days) still counts.
    assert figures.rates[Rate.EVALUATION] == Ratio(1, 4)
    assert figures.rates[Rate.SATISFACTION] == Ratio(1, 1)
    assert figures.satisfaction_variant.value == "satisfied_or_basically"
    with ws.database.write() as session:
        session.merge(Setting(office_id=admin.office_id, key="evaluation_window_days", value=30))
    with ws.read(admin) as uow:
        assert compute_figures(uow, OCTOBER).rates[Rate.SATISFACTION] == Ratio(2, 2)


def test_first_contact_resolution(oct_figures: Figures) -> None:
    # Claims closed in October: M1 (had repeat contacts), A4 (yes), A6 (rated 不满意), A7 (its repeat
    # contact came on 3 Nov, after the cut-off: yes). A8 is a suggestion.
    assert oct_figures.rates[Rate.FIRST_CONTACT_RESOLUTION] == Ratio(2, 4)


def test_backlog_resolution(oct_figures: Figures) -> None:
    # B1 (resolved 18 Oct), B2 (open), B4 (became backlog 15 Oct, resolved 5 Nov), B5 (listed, no
    # date). B3 was resolved in September, B6 became backlog in November.
    assert oct_figures.rates[Rate.BACKLOG_RESOLUTION] == Ratio(1, 4)


def test_closure_and_resolution(oct_figures: Figures) -> None:
    # Due in October: A1, A3; closed in October: M1, A4, A6, A7, A8.
    assert oct_figures.rates[Rate.CLOSURE] == Ratio(5, 7)
    # Due in October: A1, A3; resolved in October: A4, B1.
    assert oct_figures.rates[Rate.RESOLUTION] == Ratio(2, 4)


def test_average_days_to_close(oct_figures: Figures) -> None:
    # Replied in October: M1 accepted 10 Oct delivered 21 Oct (11 days), A1 5 Aug → 9 Oct (65).
    avg = oct_figures.average_days
    assert (avg.matters, avg.total_days, avg.value) == (2, 76, 38.0)


def test_zero_denominator_shows_a_dash(october) -> None:  # type: ignore[no-untyped-def]
    ws, admin, _ = october
    with ws.read(admin) as uow:
        data = report_json(build_report(uow, periods.month(2024, 1)))
    for rate in data["rates"].values():
        assert rate["denominator"] == 0 and rate["value"] is None and rate["display"] == "—"
    assert data["average_days_to_close"]["display"] == "—"
    assert data["totals"]["yoy"]["batches"]["relative"] is None


def test_year_on_year_and_period_on_period(october) -> None:  # type: ignore[no-untyped-def]
    ws, admin, _ = october
    with ws.read(admin) as uow:
        data = report_json(build_report(uow, OCTOBER))
    # October 2025: C10 (4 people) and C11 (5). September 2026: C9 (1) and C12 (1).
    assert data["totals"]["yoy"] == {
        "batches": {"previous": 2, "change": 5, "relative": 2.5},
        "person_visits": {"previous": 9, "change": 30, "relative": 3.333333}}
    assert data["totals"]["pop"] == {
        "batches": {"previous": 2, "change": 5, "relative": 2.5},
        "person_visits": {"previous": 2, "change": 37, "relative": 18.5}}
    assert data["comparison_periods"]["yoy"]["key"] == "2025-10"
    assert data["comparison_periods"]["pop"]["key"] == "2026-09"
    # C11 was a collective visit in October 2025; October 2026 has C2.
    assert data["collective"]["yoy"]["person_visits"] == {"previous": 5, "change": 25, "relative": 5.0}


def test_a_running_period_is_cut_off_now(october, clock) -> None:  # type: ignore[no-untyped-def]
    ws, admin, _ = october
    clock.now = datetime(2026, 10, 20, 12, 0)
    with ws.read(admin) as uow:
        figures = compute_figures(uow, OCTOBER)
    assert figures.cutoff == datetime(2026, 10, 20, 12, 0)
    # Contacts up to the cut-off only: C1 C2 C3 C4 C5 (C6 came at 15:00).
    assert figures.totals == Count(5, 37)
    # M1 decided on time, M2 not decided and not yet due (23 Oct), M3 not yet due (25 Oct).
    assert figures.rates[Rate.TIMELY_ACCEPTANCE] == Ratio(1, 1)


def test_drill_down_lists_exactly_what_each_number_counts(october, oct_figures: Figures) -> None:  # type: ignore[no-untyped-def]
    ws, admin, _ = october
    with ws.read(admin) as uow:
        for name, count in oct_figures.singles.items():
            assert count_contacts(uow, oct_figures.contacts_behind(name)) == (count.batches, count.person_visits), name
        for name, items in oct_figures.sections.items():
            for item in items:
                got = count_contacts(uow, oct_figures.contacts_behind(name, item.key))
                assert got == (item.count.batches, item.count.person_visits), (name, item.label)
        for rate, ratio in oct_figures.rates.items():
            assert count_matters(uow, oct_figures.matters_behind(rate, "denominator")) == ratio.denominator
            assert count_matters(uow, oct_figures.matters_behind(rate, "numerator")) == ratio.numerator
        assert count_matters(uow, oct_figures.matters_behind("average_days")) == 2


def test_none_bucket_filters(october, oct_figures: Figures) -> None:  # type: ignore[no-untyped-def]
    ws, admin, built = october
    with ws.read(admin) as uow:
        from app.statistics.filters import contact_select
        from db.models import Contact

        f = oct_figures.base_filter().narrowed(problem_village_id=NONE)
        numbers = set(uow.session.scalars(contact_select(uow, f, Contact.number)))
    assert numbers == {built.contacts["C6"].number, built.contacts["C7"].number}
