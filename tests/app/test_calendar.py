"""Deadline calendar: counting rules on real dates from the shipped table, and the loader's checks."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calendar import (
    CountingRule,
    DayUnit,
    HolidayTable,
    WorkCalendar,
    default_table,
)
from app.errors import DataFileError, StorageError
from app.resources import resource_path

D = date.fromisoformat


@pytest.fixture(scope="module")
def table() -> HolidayTable:
    return default_table()


@pytest.fixture(scope="module")
def cal(table: HolidayTable) -> WorkCalendar:
    return WorkCalendar(table)


# --- the shipped table -------------------------------------------------------------------------


def test_shipped_table_covers_2023_to_2026(table: HolidayTable) -> None:
    assert table.years == frozenset({2023, 2024, 2025, 2026})
    assert all(table.covers(y) for y in (2023, 2024, 2025, 2026))
    assert not table.covers(2022) and not table.covers(2027)


@pytest.mark.parametrize(("year", "holidays", "workdays"), [(2023, 26, 7), (2024, 28, 8), (2025, 28, 5), (2026, 33, 6)])
def test_shipped_table_counts_per_year(table: HolidayTable, year: int, holidays: int, workdays: int) -> None:
    # Sums of the 共N天 of each notice (2023 元旦 minus 2022-12-31) and the 上班 days it lists.
    assert sum(d.year == year for d in table.holidays) == holidays
    assert sum(d.year == year for d in table.workdays) == workdays


def test_default_table_is_read_once() -> None:
    assert default_table() is default_table()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-02-14", True),  # 春节调休 Saturday
        ("2026-02-15", False),  # 春节 starts on a Sunday
        ("2026-02-23", False),  # 正月初七, a Monday off
        ("2026-02-24", True),
        ("2026-01-04", True),  # 元旦调休 Sunday
        ("2026-01-03", False),
        ("2025-10-08", False),  # last day of the 2025 National Day + Mid-Autumn week
        ("2025-10-11", True),  # make-up Saturday
        ("2025-10-12", False),  # ordinary Sunday
        ("2024-02-09", True),  # 除夕 2024 was only "encouraged" rest, not a holiday
        ("2024-02-18", True),
        ("2023-01-02", False),
        ("2023-06-23", False),
        ("2023-10-07", True),
        ("2025-03-05", True),  # ordinary Wednesday
        ("2022-10-03", True),  # 2022 is not in the table: plain Mon–Fri, even in National Day week
        ("2022-10-01", False),
        ("2027-01-01", True),  # 2027 not published yet: a Friday counts as working
        ("2027-01-02", False),
    ],
)
def test_is_working_day(cal: WorkCalendar, day: str, working: bool) -> None:
    assert cal.is_working_day(D(day)) is working


def test_uncovered_year_ignores_stray_dates() -> None:
    # Dates of a year the table does not claim to cover must not count, even if present.
    t = HolidayTable(holidays=frozenset({D("2030-01-02")}), workdays=frozenset({D("2030-01-05")}))
    assert t.is_working_day(D("2030-01-02")) and not t.is_working_day(D("2030-01-05"))


# --- deadlines ---------------------------------------------------------------------------------


def test_calendar_deadline_in_national_day_week_rolls_to_first_working_day(cal: WorkCalendar) -> None:
    # 15 days after Sat 2025-09-20 is Sun 2025-10-05, inside the 10-01..10-08 break.
    assert cal.deadline(D("2025-09-20"), 15) == D("2025-10-09")


def test_roll_switched_off_keeps_the_holiday(table: HolidayTable) -> None:
    cal = WorkCalendar(table, CountingRule(roll_to_working_day=False))
    assert cal.deadline(D("2025-09-20"), 15) == D("2025-10-05")
    assert cal.deadline(D("2025-09-20"), 15, DayUnit.WORKING) == D("2025-10-16")  # the rule does not touch working days


def test_calendar_deadline_on_a_weekend_rolls_to_monday(cal: WorkCalendar) -> None:
    assert cal.deadline(D("2025-03-01"), 14) == D("2025-03-17")  # Sat + 14 = Sat -> Mon


def test_calendar_deadline_on_makeup_sunday_stays(cal: WorkCalendar) -> None:
    # Crosses the year end; 2026-01-04 is a Sunday but a 调休 working day, so no roll.
    assert cal.deadline(D("2025-12-20"), 15) == D("2026-01-04")


def test_start_day_is_not_counted(cal: WorkCalendar) -> None:
    assert cal.deadline(D("2025-03-03"), 1) == D("2025-03-04")
    assert cal.deadline(D("2025-03-03"), 1, DayUnit.WORKING) == D("2025-03-04")
    # Starting on a holiday changes nothing for calendar days: day 1 is the next day.
    assert cal.deadline(D("2025-10-01"), 60) == D("2025-12-01")  # Sun 11-30 rolls to Mon


def test_working_days_cross_spring_festival_2026(cal: WorkCalendar) -> None:
    # After Thu 02-12: Fri 13 (1), Sat 14 调休 (2), 15–23 off, Tue 24 (3), 25 (4), 26 (5).
    assert cal.deadline(D("2026-02-12"), 5, DayUnit.WORKING) == D("2026-02-26")
    # ... 27 (6), Sat 28 调休 (7), Mon 03-02 (8).
    assert cal.deadline(D("2026-02-12"), 8, DayUnit.WORKING) == D("2026-03-02")
    assert cal.working_days_between(D("2026-02-12"), D("2026-03-02")) == 8


def test_working_day_clock_reaches_makeup_sunday_across_year_end(cal: WorkCalendar) -> None:
    # 2026-01-01..03 are off; the first working day after 2025-12-31 is Sunday 2026-01-04.
    assert cal.deadline(D("2025-12-31"), 1, DayUnit.WORKING) == D("2026-01-04")


def test_office_rule_in_working_days(table: HolidayTable) -> None:
    cal = WorkCalendar(table, CountingRule(unit=DayUnit.WORKING))
    assert cal.deadline(D("2026-02-12"), 5) == D("2026-02-26")
    # A statutory clock can still ask for calendar days explicitly; string values are accepted.
    assert cal.deadline(D("2026-02-12"), 5, DayUnit.CALENDAR) == D("2026-02-24")
    assert cal.deadline(D("2026-02-12"), 5, "calendar") == D("2026-02-24")  # type: ignore[arg-type]


def test_year_not_in_table_falls_back_to_weekends(cal: WorkCalendar) -> None:
    # 2027-01-01 (Friday) is surely a holiday, but no notice is shipped yet: only weekends roll.
    assert cal.deadline(D("2026-12-17"), 15) == D("2027-01-01")
    assert cal.deadline(D("2026-12-18"), 15) == D("2027-01-04")
    assert cal.deadline(D("2022-09-30"), 1, DayUnit.WORKING) == D("2022-10-03")


@pytest.mark.parametrize("days", [0, -1])
def test_deadline_rejects_non_positive_days(cal: WorkCalendar, days: int) -> None:
    with pytest.raises(ValueError):
        cal.deadline(D("2025-03-03"), days)


def test_days_left(cal: WorkCalendar) -> None:
    assert cal.days_left(D("2026-02-26"), D("2026-02-26")) == 0
    assert cal.days_left(D("2026-02-20"), D("2026-02-26")) == 6
    assert cal.days_left(D("2026-03-01"), D("2026-02-26")) == -3
    assert cal.days_left(D("2025-12-30"), D("2026-01-02")) == 3


def test_working_days_between(cal: WorkCalendar) -> None:
    assert cal.working_days_between(D("2025-09-30"), D("2025-10-11")) == 3  # 10-09, 10-10, Sat 10-11 调休
    assert cal.working_days_between(D("2025-03-03"), D("2025-03-03")) == 0
    assert cal.working_days_between(D("2025-03-10"), D("2025-03-03")) == 0
    assert cal.working_days_between(D("2025-03-02"), D("2025-03-09")) == 5


def test_missing_years(cal: WorkCalendar) -> None:
    assert cal.missing_years([2027, 2026, 2027, 2022]) == [2022, 2027]
    assert cal.missing_years(range(2023, 2027)) == []


# --- property test -----------------------------------------------------------------------------

_starts = st.dates(min_value=D("2022-06-01"), max_value=D("2027-06-30"))


@settings(max_examples=300, deadline=None)
@given(start=_starts, days=st.integers(1, 120), unit=st.sampled_from(DayUnit), roll=st.booleans())
def test_deadline_properties(start: date, days: int, unit: DayUnit, roll: bool) -> None:
    cal = WorkCalendar(default_table(), CountingRule(roll_to_working_day=roll))
    due = cal.deadline(start, days, unit)
    assert due > start
    if roll or unit is DayUnit.WORKING:
        assert cal.is_working_day(due)
    assert cal.deadline(start, days + 1, unit) >= due
    if unit is DayUnit.WORKING:
        assert cal.working_days_between(start, due) == days
    elif not roll:
        assert due == start + timedelta(days=days)
    else:
        # Rolling only ever skips non-working days.
        skipped = [start + timedelta(days=days + i) for i in range((due - start).days - days)]
        assert not any(cal.is_working_day(d) for d in skipped)


# --- the loader --------------------------------------------------------------------------------

GOOD: dict[str, Any] = {
    "format": 1,
    "source": "test",
    "years": {
        "2026": {
            "published": "国办发明电〔2025〕7号",
            "holidays": [
                {"name": "元旦", "from": "2026-01-01", "to": "2026-01-03"},
                {"name": "清明节", "from": "2026-04-04", "to": "2026-04-06", "note": "any extra key is ignored"},
            ],
            "workdays": [{"date": "2026-01-04", "name": "元旦调休上班"}],
        },
        "2027": {"holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-01"}]},
    },
}


def _write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "holidays-cn.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_load_good_file_with_bom(tmp_path: Path) -> None:
    path = _write(tmp_path, b"\xef\xbb\xbf" + json.dumps(GOOD, ensure_ascii=False).encode("utf-8"))
    t = HolidayTable.load(path)
    assert t.years == frozenset({2026, 2027})
    assert t.holidays == frozenset({D("2026-01-01"), D("2026-01-02"), D("2026-01-03"), D("2026-04-04"),
                                    D("2026-04-05"), D("2026-04-06"), D("2027-01-01")})
    assert t.workdays == frozenset({D("2026-01-04")})  # "workdays" may be omitted (2027)


def test_shipped_file_matches_resource_path(table: HolidayTable) -> None:
    assert HolidayTable.load(resource_path("calendar", "holidays-cn.json")) == table


def _broken(edit: Any) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    edit(data)
    return data


def _h(data: dict[str, Any], n: int = 0) -> dict[str, Any]:
    return data["years"]["2026"]["holidays"][n]


def _w(data: dict[str, Any], n: int = 0) -> dict[str, Any]:
    return data["years"]["2026"]["workdays"][n]


@pytest.mark.parametrize(
    ("edit", "code", "in_message", "field"),
    [
        (lambda d: d.update(format=2), "calendar.bad_format", "格式版本“2”", "format"),
        (lambda d: d.update(format=True), "calendar.bad_format", "格式版本", "format"),
        (lambda d: d.pop("format"), "calendar.bad_format", "格式版本“None”", "format"),
        (lambda d: d.pop("years"), "calendar.bad_format", "缺少“years”", "years"),
        (lambda d: d.update(years={}), "calendar.bad_format", "缺少“years”", "years"),
        (lambda d: d["years"].update({"26": d["years"].pop("2026")}), "calendar.bad_year", "年份“26”无效", "years.26"),
        (lambda d: d["years"].update({"2026": []}), "calendar.bad_entry", "2026 年：应为 JSON 对象", "years.2026"),
        (lambda d: d["years"]["2026"].pop("holidays"), "calendar.bad_entry", "2026 年：“holidays”应为非空列表",
         "years.2026.holidays"),
        (lambda d: d["years"]["2026"].update(holidays=[]), "calendar.bad_entry", "“holidays”应为非空列表",
         "years.2026.holidays"),
        (lambda d: d["years"]["2026"].update(workdays={}), "calendar.bad_entry", "“workdays”应为列表",
         "years.2026.workdays"),
        (lambda d: d["years"]["2026"]["holidays"].append("国庆"), "calendar.bad_entry", "2026 年放假第 3 项：",
         "years.2026.holidays[2]"),
        (lambda d: _h(d, 1).pop("name"), "calendar.bad_entry", "2026 年放假第 2 项：应为带“name”",
         "years.2026.holidays[1]"),
        (lambda d: _w(d).update(name="  "), "calendar.bad_entry", "2026 年调休上班第 1 项：应为带“name”",
         "years.2026.workdays[0]"),
        (lambda d: _h(d).pop("from"), "calendar.missing_field", "2026 年放假第 1 项：缺少“from”",
         "years.2026.holidays[0].from"),
        (lambda d: _h(d, 1).update(to="2026-13-01"), "calendar.bad_date", "2026 年放假第 2 项：日期“2026-13-01”无效",
         "years.2026.holidays[1].to"),
        (lambda d: _h(d).update({"from": "2026-1-1"}), "calendar.bad_date", "日期“2026-1-1”无效",
         "years.2026.holidays[0].from"),
        (lambda d: _w(d).update(date=20260104), "calendar.bad_date", "调休上班第 1 项：日期“20260104”无效",
         "years.2026.workdays[0].date"),
        (lambda d: _h(d, 1).update(to="2025-04-06"), "calendar.wrong_year", "日期“2025-04-06”不在 2026 年内",
         "years.2026.holidays[1].to"),
        (lambda d: _h(d).update({"from": "2026-01-05"}), "calendar.bad_range",
         "2026 年放假第 1 项：开始日期“2026-01-05”晚于结束日期“2026-01-03”", "years.2026.holidays[0].to"),
        (lambda d: _w(d).update(date="2026-01-03"), "calendar.conflict",
         "2026 年调休上班第 1 项：日期“2026-01-03”同时列为放假日和调休上班日", "years.2026.workdays[0].date"),
        (lambda d: _w(d).update(date="2026-01-05"), "calendar.not_weekend", "日期“2026-01-05”不是周六或周日",
         "years.2026.workdays[0].date"),
    ],
)
def test_malformed_entries(tmp_path: Path, edit: Any, code: str, in_message: str, field: str) -> None:
    path = _write(tmp_path, json.dumps(_broken(edit), ensure_ascii=False))
    with pytest.raises(DataFileError) as info:
        HolidayTable.load(path)
    assert info.value.code == code
    assert info.value.field == field
    assert in_message in info.value.message
    assert info.value.message.startswith(f"节假日表“{path}”")  # the admin is told which file


def test_from_mapping_rejects_non_object_and_non_string_year() -> None:
    with pytest.raises(DataFileError) as info:
        HolidayTable.from_mapping([1, 2])  # type: ignore[arg-type]
    assert info.value.code == "calendar.bad_format"
    assert info.value.message == "节假日表：内容应为 JSON 对象（{ … }）"
    with pytest.raises(DataFileError) as info:
        HolidayTable.from_mapping({"format": 1, "years": {2026: GOOD["years"]["2026"]}})
    assert info.value.code == "calendar.bad_year"


def test_load_bad_json(tmp_path: Path) -> None:
    path = _write(tmp_path, '{"format": 1,\n "years": {,}}')
    with pytest.raises(DataFileError) as info:
        HolidayTable.load(path)
    assert info.value.code == "calendar.bad_json"
    assert "第 2 行" in info.value.message and str(path) in info.value.message


def test_load_gbk_file(tmp_path: Path) -> None:
    path = _write(tmp_path, json.dumps(GOOD, ensure_ascii=False).encode("gbk"))
    with pytest.raises(DataFileError) as info:
        HolidayTable.load(path)
    assert info.value.code == "calendar.bad_encoding"
    assert "UTF-8" in info.value.message


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as info:
        HolidayTable.load(tmp_path / "nope.json")
    assert info.value.code == "calendar.unreadable"
    assert "nope.json" in info.value.message
    assert not isinstance(info.value, DataFileError)
