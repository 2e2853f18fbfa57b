"""Statutory clocks (app.domain.deadlines) on real dates from the shipped holiday table.

Every expected date below was counted by hand on the calendar; the comment beside it shows how.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.domain.calendar import CountingRule, DayUnit, WorkCalendar, default_table
from app.domain.deadlines import (
    CLOCK_LABELS,
    DECISION_DAYS,
    HANDLING_DAYS,
    OFFICE_DUTIES,
    ClockDue,
    MatterDates,
    compute_clocks,
    handling_due,
    rereview_window_estimated,
)
from app.domain.enums import Clock, MatterSource

D = date.fromisoformat
CAL, WORK = DayUnit.CALENDAR, DayUnit.WORKING


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    """The default office: calendar days, a deadline on a rest day moves to the next working day."""
    return WorkCalendar(default_table())


@pytest.fixture(scope="module")
def no_roll() -> WorkCalendar:
    return WorkCalendar(default_table(), CountingRule(roll_to_working_day=False))


@pytest.fixture(scope="module")
def working() -> WorkCalendar:
    return WorkCalendar(default_table(), CountingRule(unit=WORK))


def clocks(calendar: WorkCalendar, facts: MatterDates) -> dict[Clock, ClockDue]:
    result = compute_clocks(calendar, facts)
    assert len({c.clock for c in result}) == len(result), "a clock appears once"
    return {c.clock: c for c in result}


def one(calendar: WorkCalendar, facts: MatterDates, clock: Clock) -> ClockDue:
    return clocks(calendar, facts)[clock]


# --- decision within 15 days (第二十三条) -------------------------------------------------------


def test_decision_start_day_not_counted(cal: WorkCalendar) -> None:
    # Registered Mon 2 Nov 2026: day 1 is 3 Nov, day 15 is Tue 17 Nov (a working day).
    c = one(cal, MatterDates(registered_on=D("2026-11-02")), Clock.DECISION)
    assert c == ClockDue(Clock.DECISION, D("2026-11-02"), DECISION_DAYS, CAL, D("2026-11-17"), None)
    assert c.is_open


def test_decision_rolls_over_weekend(cal: WorkCalendar, no_roll: WorkCalendar) -> None:
    # Fri 6 Nov + 15 = Sat 21 Nov -> Mon 23 Nov; without the roll it stays on the Saturday.
    facts = MatterDates(registered_on=D("2026-11-06"))
    assert one(cal, facts, Clock.DECISION).due_on == D("2026-11-23")
    assert one(no_roll, facts, Clock.DECISION).due_on == D("2026-11-21")


def test_decision_rolls_over_national_day_2025(cal: WorkCalendar, no_roll: WorkCalendar) -> None:
    # Tue 16 Sep 2025 + 15 = Wed 1 Oct, inside 国庆节、中秋节 1–8 Oct -> Thu 9 Oct.
    facts = MatterDates(registered_on=D("2025-09-16"))
    assert one(cal, facts, Clock.DECISION).due_on == D("2025-10-09")
    assert one(no_roll, facts, Clock.DECISION).due_on == D("2025-10-01")


def test_decision_in_working_day_mode(working: WorkCalendar) -> None:
    # Mon 23 Nov 2026: 4 + 5 + 5 working days to Fri 11 Dec, the 15th is Mon 14 Dec.
    c = one(working, MatterDates(registered_on=D("2026-11-23")), Clock.DECISION)
    assert (c.unit, c.days, c.due_on) == (WORK, 15, D("2026-12-14"))
    # Fri 26 Sep 2025: Sun 28 Sep is a make-up working day (1), 29, 30 Sep (3), 1–8 Oct off,
    # 9, 10 Oct (5), Sat 11 Oct make-up (6), 13–17 Oct (11), 20–23 Oct (15).
    c = one(working, MatterDates(registered_on=D("2025-09-26")), Clock.DECISION)
    assert c.due_on == D("2025-10-23")


def test_decision_met_when_decided(cal: WorkCalendar) -> None:
    facts = MatterDates(registered_on=D("2026-11-02"), decided_on=D("2026-11-10"))
    c = one(cal, facts, Clock.DECISION)
    assert c.met_on == D("2026-11-10") and not c.is_open


def test_reopened_matter_restarts_decision_clock(cal: WorkCalendar) -> None:
    # Registered in March, reopened on new facts Mon 2 Nov: the 15 days run from the reopening.
    facts = MatterDates(registered_on=D("2026-03-02"), reopened_on=D("2026-11-02"))
    c = one(cal, facts, Clock.DECISION)
    assert (c.starts_on, c.due_on, c.met_on) == (D("2026-11-02"), D("2026-11-17"), None)


# --- assigned-down matters: objection and the county's deadline ------------------------------


def test_objection_five_working_days_across_national_day(cal: WorkCalendar) -> None:
    # Fri 26 Sep 2025: Sun 28 Sep make-up (1), 29 (2), 30 (3), 1–8 Oct holiday, 9 (4), 10 Oct (5).
    facts = MatterDates(registered_on=D("2025-09-26"), source=MatterSource.ASSIGNED_DOWN)
    c = one(cal, facts, Clock.OBJECTION)
    assert c == ClockDue(Clock.OBJECTION, D("2025-09-26"), 5, WORK, D("2025-10-10"), None)


def test_objection_is_working_days_even_in_calendar_office(no_roll: WorkCalendar) -> None:
    # Mon 23 Nov 2026 + 5 working days = Mon 30 Nov (never "28 Nov" calendar days).
    facts = MatterDates(registered_on=D("2026-11-23"), source=MatterSource.ASSIGNED_DOWN,
                        decided_on=D("2026-11-25"))
    c = one(no_roll, facts, Clock.OBJECTION)
    assert (c.unit, c.due_on, c.met_on) == (WORK, D("2026-11-30"), D("2026-11-25"))


def test_objection_clock_only_for_assigned_down(cal: WorkCalendar) -> None:
    found = clocks(cal, MatterDates(registered_on=D("2026-11-23")))
    assert Clock.OBJECTION not in found and Clock.ASSIGNED_RESULT not in found


def test_objection_clock_restarts_when_reopened(cal: WorkCalendar) -> None:
    """A reopened assigned-down matter is decided again; its old objection window is long gone."""
    facts = MatterDates(registered_on=D("2026-03-02"), source=MatterSource.ASSIGNED_DOWN,
                        reopened_on=D("2026-11-23"))
    c = one(cal, facts, Clock.OBJECTION)
    assert (c.starts_on, c.due_on) == (D("2026-11-23"), D("2026-11-30"))


def test_county_fixed_result_deadline(cal: WorkCalendar) -> None:
    # The county's date is taken as given (Sun 22 Nov stays Sun 22 Nov): nobody recomputes it.
    facts = MatterDates(registered_on=D("2026-11-02"), source=MatterSource.ASSIGNED_DOWN,
                        assigned_due_on=D("2026-11-22"))
    c = one(cal, facts, Clock.ASSIGNED_RESULT)
    assert c == ClockDue(Clock.ASSIGNED_RESULT, D("2026-11-02"), 20, CAL, D("2026-11-22"), None)
    replied = replace(facts, decided_on=D("2026-11-03"), accepted_on=D("2026-11-03"),
                      replied_on=D("2026-11-20"))
    assert one(cal, replied, Clock.ASSIGNED_RESULT).met_on == D("2026-11-20")


def test_county_deadline_met_when_matter_returned(cal: WorkCalendar) -> None:
    """An objection sends the matter back: the township no longer owes the county a result."""
    facts = MatterDates(registered_on=D("2026-11-02"), source=MatterSource.ASSIGNED_DOWN,
                        assigned_due_on=D("2026-11-30"), decided_on=D("2026-11-05"),
                        returned_on=D("2026-11-05"))
    found = clocks(cal, facts)
    assert found[Clock.ASSIGNED_RESULT].met_on == D("2026-11-05")
    assert found[Clock.OBJECTION].met_on == D("2026-11-05")
    assert not any(c.is_open for c in found.values())


def test_no_county_deadline_without_assigned_due(cal: WorkCalendar) -> None:
    facts = MatterDates(registered_on=D("2026-11-02"), source=MatterSource.ASSIGNED_DOWN)
    assert Clock.ASSIGNED_RESULT not in clocks(cal, facts)


def test_report_clock_of_a_matter_assigned_out(cal: WorkCalendar, working: WorkCalendar) -> None:
    # Assigned Wed 3 Jun 2026 with 60 days: Sun 2 Aug -> Mon 3 Aug; met when the report came in.
    facts = MatterDates(registered_on=D("2026-06-01"), decided_on=D("2026-06-03"),
                        assigned_out_on=D("2026-06-03"), report_days=60)
    assert one(cal, facts, Clock.ASSIGNMENT_REPORT) == ClockDue(
        Clock.ASSIGNMENT_REPORT, D("2026-06-03"), 60, CAL, D("2026-08-03"), None)
    met = replace(facts, report_received_on=D("2026-07-01"))
    assert one(cal, met, Clock.ASSIGNMENT_REPORT).met_on == D("2026-07-01")
    # Follows the office rule: 60 working days after 3 Jun (端午 19 Jun off) = Thu 27 Aug.
    assert one(working, facts, Clock.ASSIGNMENT_REPORT).due_on == D("2026-08-27")
    assert Clock.ASSIGNMENT_REPORT in OFFICE_DUTIES
    assert Clock.ASSIGNMENT_REPORT not in clocks(cal, replace(facts, report_days=None))


# --- handling within 60 days (+ at most 30) --------------------------------------------------


def test_handling_sixty_days_rolls_over_labour_day(cal: WorkCalendar) -> None:
    # Accepted Mon 2 Mar 2026 + 60 = Fri 1 May, inside 劳动节 1–5 May -> Wed 6 May.
    facts = MatterDates(registered_on=D("2026-02-27"), decided_on=D("2026-03-02"),
                        accepted_on=D("2026-03-02"))
    c = one(cal, facts, Clock.HANDLING)
    assert c == ClockDue(Clock.HANDLING, D("2026-03-02"), HANDLING_DAYS, CAL, D("2026-05-06"), None)
    assert handling_due(cal, facts) == D("2026-05-06")


def test_handling_in_working_day_mode(working: WorkCalendar) -> None:
    # 60 working days after Mon 2 Mar 2026 (清明 6 Apr and 劳动节 off, Sat 9 May worked): Thu 28 May.
    facts = MatterDates(registered_on=D("2026-02-27"), accepted_on=D("2026-03-02"))
    c = one(working, facts, Clock.HANDLING)
    assert (c.unit, c.days, c.due_on) == (WORK, 60, D("2026-05-28"))


def test_no_handling_clock_before_acceptance(cal: WorkCalendar) -> None:
    facts = MatterDates(registered_on=D("2026-11-02"), decided_on=D("2026-11-03"))
    assert Clock.HANDLING not in clocks(cal, facts)
    assert handling_due(cal, facts) is None


def test_extension_days_added_after_original_limit(cal: WorkCalendar) -> None:
    # Accepted Mon 1 Jun 2026 + 60 = Fri 31 Jul; + 30 = Sun 30 Aug -> Mon 31 Aug.
    facts = MatterDates(registered_on=D("2026-05-29"), accepted_on=D("2026-06-01"), extension_days=30)
    c = one(cal, facts, Clock.HANDLING)
    assert (c.starts_on, c.days, c.due_on) == (D("2026-06-01"), 90, D("2026-08-31"))
    # The original limit (the one an extension must beat) ignores the extension.
    assert handling_due(cal, facts) == D("2026-07-31")
    assert one(cal, replace(facts, extension_days=10), Clock.HANDLING).due_on == D("2026-08-10")


def test_extension_counts_working_days_in_working_day_mode(working: WorkCalendar) -> None:
    # Original limit Thu 28 May 2026 (see above). 30 working days after it, 端午 19 Jun off:
    # 29 May (1), 1–5 Jun (6), 8–12 (11), 15–18 (15), 22–26 (20), 29 Jun–3 Jul (25), 6–10 Jul (30).
    facts = MatterDates(registered_on=D("2026-02-27"), accepted_on=D("2026-03-02"), extension_days=30)
    c = one(working, facts, Clock.HANDLING)
    assert (c.unit, c.days, c.due_on) == (WORK, 90, D("2026-07-10"))
    assert handling_due(working, facts) == D("2026-05-28")


def test_simplified_extension_counts_working_days(cal: WorkCalendar) -> None:
    # Simplified: 10 working days after Mon 1 Jun 2026 = Mon 15 Jun; + 5 working days
    # (16, 17, 18, 22, 23 Jun — 端午 19 Jun off) = Tue 23 Jun, even in a calendar-day office.
    facts = MatterDates(registered_on=D("2026-05-29"), simplified=True, accepted_on=D("2026-06-01"),
                        extension_days=5)
    c = one(cal, facts, Clock.HANDLING)
    assert (c.unit, c.days, c.due_on) == (WORK, 15, D("2026-06-23"))


def test_handling_met_by_reply(cal: WorkCalendar) -> None:
    facts = MatterDates(registered_on=D("2026-05-29"), accepted_on=D("2026-06-01"),
                        replied_on=D("2026-07-20"))
    assert one(cal, facts, Clock.HANDLING).met_on == D("2026-07-20")


# --- simplified track (简易办理) ------------------------------------------------------------


def test_simplified_decision_three_working_days(cal: WorkCalendar) -> None:
    # Tue 29 Sep 2026: 30 Sep (1), 1–7 Oct 国庆节, 8 Oct (2), 9 Oct (3).
    facts = MatterDates(registered_on=D("2026-09-29"), simplified=True)
    c = one(cal, facts, Clock.DECISION)
    assert (c.days, c.unit, c.due_on) == (3, WORK, D("2026-10-09"))


def test_simplified_handling_ten_working_days(cal: WorkCalendar) -> None:
    # Accepted Wed 30 Sep 2026: 8, 9 Oct (2), Sat 10 Oct make-up (3), 12–16 Oct (8), 19, 20 Oct (10).
    facts = MatterDates(registered_on=D("2026-09-29"), simplified=True, decided_on=D("2026-09-30"),
                        accepted_on=D("2026-09-30"))
    c = one(cal, facts, Clock.HANDLING)
    assert (c.days, c.unit, c.due_on) == (10, WORK, D("2026-10-20"))
    assert handling_due(cal, facts) == D("2026-10-20")


# --- review and re-review (第三十五条, 第三十六条) ----------------------------------------------


def _replied(**more: object) -> MatterDates:
    return MatterDates(registered_on=D("2026-05-29"), decided_on=D("2026-06-01"),
                       accepted_on=D("2026-06-01"), replied_on=D("2026-07-20"), **more)  # type: ignore[arg-type]


def test_no_review_window_until_reply_delivered(cal: WorkCalendar) -> None:
    assert Clock.REVIEW_REQUEST not in clocks(cal, _replied())


def test_review_window_thirty_days_from_delivery(cal: WorkCalendar, working: WorkCalendar) -> None:
    # Delivered Wed 5 Aug 2026 + 30 = Fri 4 Sep.
    c = one(cal, _replied(reply_delivered_on=D("2026-08-05")), Clock.REVIEW_REQUEST)
    assert c == ClockDue(Clock.REVIEW_REQUEST, D("2026-08-05"), 30, CAL, D("2026-09-04"), None)
    # The petitioner's window is calendar days even where the office counts working days.
    assert one(working, _replied(reply_delivered_on=D("2026-08-05")),
               Clock.REVIEW_REQUEST).due_on == D("2026-09-04")
    # Delivered Tue 1 Sep + 30 = Thu 1 Oct (国庆节) -> Thu 8 Oct.
    assert one(cal, _replied(reply_delivered_on=D("2026-09-01")),
               Clock.REVIEW_REQUEST).due_on == D("2026-10-08")


def test_review_decision_thirty_days(cal: WorkCalendar, working: WorkCalendar) -> None:
    # Requested Mon 7 Sep 2026 + 30 = Wed 7 Oct (国庆节) -> Thu 8 Oct; working mode: Fri 23 Oct.
    facts = _replied(reply_delivered_on=D("2026-08-20"), review_requested_on=D("2026-09-07"))
    found = clocks(cal, facts)
    assert found[Clock.REVIEW_REQUEST].met_on == D("2026-09-07")
    assert found[Clock.REVIEW_DECISION] == ClockDue(
        Clock.REVIEW_DECISION, D("2026-09-07"), 30, CAL, D("2026-10-08"), None)
    assert one(working, facts, Clock.REVIEW_DECISION).due_on == D("2026-10-23")
    decided = replace(facts, review_decided_on=D("2026-10-01"))
    assert one(cal, decided, Clock.REVIEW_DECISION).met_on == D("2026-10-01")


def test_rereview_window_thirty_days_from_review_decision(cal: WorkCalendar) -> None:
    # Review decided Fri 2 Oct 2026 + 30 = Sun 1 Nov -> Mon 2 Nov.
    facts = _replied(reply_delivered_on=D("2026-08-20"), review_requested_on=D("2026-09-07"),
                     review_decided_on=D("2026-10-02"))
    c = one(cal, facts, Clock.REREVIEW_REQUEST)
    assert c == ClockDue(Clock.REREVIEW_REQUEST, D("2026-10-02"), 30, CAL, D("2026-11-02"), None)


def test_rereview_window_thirty_days_from_receipt_of_the_review_decision(cal: WorkCalendar) -> None:
    # Decided Fri 2 Oct 2026, received Fri 9 Oct (国庆 holiday post) + 30 = Sun 8 Nov -> Mon 9 Nov.
    facts = _replied(reply_delivered_on=D("2026-08-20"), review_requested_on=D("2026-09-07"),
                     review_decided_on=D("2026-10-02"), review_delivered_on=D("2026-10-09"))
    c = one(cal, facts, Clock.REREVIEW_REQUEST)
    assert c == ClockDue(Clock.REREVIEW_REQUEST, D("2026-10-09"), 30, CAL, D("2026-11-09"), None)
    assert not rereview_window_estimated(facts)
    assert rereview_window_estimated(replace(facts, review_delivered_on=None))


def test_rereview_decision_with_hearing_days_not_counted(cal: WorkCalendar) -> None:
    # Requested Mon 2 Nov 2026 + 30 = Wed 2 Dec; a 10-day hearing adds 10: Sat 12 Dec -> Mon 14 Dec.
    facts = _replied(reply_delivered_on=D("2026-08-20"), review_requested_on=D("2026-09-07"),
                     review_decided_on=D("2026-10-02"), rereview_requested_on=D("2026-11-02"))
    c = one(cal, facts, Clock.REREVIEW_DECISION)
    assert (c.days, c.due_on) == (30, D("2026-12-02"))
    found = clocks(cal, replace(facts, hearing_days=10, rereview_decided_on=D("2026-12-10")))
    assert (found[Clock.REREVIEW_DECISION].days, found[Clock.REREVIEW_DECISION].due_on) == (
        40, D("2026-12-14"))
    assert found[Clock.REREVIEW_DECISION].met_on == D("2026-12-10")
    assert found[Clock.REREVIEW_REQUEST].met_on == D("2026-11-02")


# --- the whole set --------------------------------------------------------------------------


def test_full_road_clocks_in_statutory_order_all_met(cal: WorkCalendar) -> None:
    facts = MatterDates(
        registered_on=D("2026-05-29"), decided_on=D("2026-06-01"), accepted_on=D("2026-06-01"),
        extension_days=20, replied_on=D("2026-08-10"), reply_delivered_on=D("2026-08-12"),
        review_requested_on=D("2026-08-20"), review_decided_on=D("2026-09-10"),
        rereview_requested_on=D("2026-09-15"), rereview_decided_on=D("2026-10-12"), hearing_days=5,
    )
    result = compute_clocks(cal, facts)
    assert [c.clock for c in result] == [
        Clock.DECISION, Clock.HANDLING, Clock.REVIEW_REQUEST, Clock.REVIEW_DECISION,
        Clock.REREVIEW_REQUEST, Clock.REREVIEW_DECISION]
    assert not any(c.is_open for c in result)
    assert [c.met_on for c in result] == [
        D("2026-06-01"), D("2026-08-10"), D("2026-08-20"), D("2026-09-10"), D("2026-09-15"),
        D("2026-10-12")]


def test_open_and_met_clocks(cal: WorkCalendar) -> None:
    only_registered = compute_clocks(cal, MatterDates(registered_on=D("2026-11-23")))
    assert [(c.clock, c.is_open) for c in only_registered] == [(Clock.DECISION, True)]
    accepted = compute_clocks(cal, MatterDates(registered_on=D("2026-11-23"),
                                               decided_on=D("2026-11-23"), accepted_on=D("2026-11-23")))
    assert [(c.clock, c.is_open) for c in accepted] == [(Clock.DECISION, False), (Clock.HANDLING, True)]


def test_office_duties_exclude_petitioner_windows() -> None:
    assert OFFICE_DUTIES == {Clock.DECISION, Clock.OBJECTION, Clock.HANDLING, Clock.ASSIGNED_RESULT,
                             Clock.ASSIGNMENT_REPORT,
                             Clock.REVIEW_DECISION, Clock.REREVIEW_DECISION}
    assert set(Clock) - OFFICE_DUTIES == {Clock.REVIEW_REQUEST, Clock.REREVIEW_REQUEST}


def test_every_clock_has_a_chinese_label() -> None:
    assert set(CLOCK_LABELS) == set(Clock)
    assert CLOCK_LABELS[Clock.DECISION] == "受理告知期限"
