"""Deadline calendar: the one place where statutory day counting lives.

《信访工作条例》 clocks run in calendar days unless the office switches to working days, and a few
clocks are working days by statute (5 working days to object to a forwarded matter, the simplified
track). Counting follows 民法典 第二百零一条/第二百零三条: the start day is not counted, and a
calendar-day deadline falling on a rest day moves to the next working day. "Working day" comes from
the State Council's yearly holiday notice, shipped as ``resources/calendar/holidays-cn.json`` and
edited by an admin each winter; years the file does not cover fall back to plain Monday–Friday so
deadlines never stop working, and :meth:`WorkCalendar.missing_years` lets ``xinfang check`` warn.

Pure Python: no Qt, no database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

from app.errors import DataFileError, StorageError
from app.resources import resource_path

FORMAT = 1
"""The holiday-file format this module reads; bump it when the layout changes incompatibly."""

_YEAR_RE = re.compile(r"[0-9]{4}")
# Strict shape: date.fromisoformat alone would also accept "20260101", which an admin never means.
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ONE_DAY = timedelta(days=1)


class DayUnit(StrEnum):
    """How a clock counts days."""

    CALENDAR = "calendar"  # 自然日
    WORKING = "working"  # 工作日


def _fail(code: str, source: str, where: str, problem: str, field: str | None = None) -> NoReturn:
    raise DataFileError(code, f"{source}{where}：{problem}", field=field)


def _date(entry: Mapping[str, Any], key: str, year: int, source: str, where: str, field: str) -> date:
    """Read one ``YYYY-MM-DD`` value of an entry and check it lies in the entry's year."""
    value = entry.get(key)
    if value is None:
        _fail("calendar.missing_field", source, where, f"缺少“{key}”", f"{field}.{key}")
    try:
        if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        _fail("calendar.bad_date", source, where, f"日期“{value}”无效（应写成 YYYY-MM-DD）",
              f"{field}.{key}")
    if day.year != year:
        # Catches the classic slip of copying last year's block and forgetting to change a date.
        _fail("calendar.wrong_year", source, where, f"日期“{value}”不在 {year} 年内", f"{field}.{key}")
    return day


def _entries(block: Mapping[str, Any], key: str, source: str, where: str, field: str,
             required: bool) -> list[Mapping[str, Any]]:
    """The list under ``key`` of a year block; every item must be an object with a name."""
    items = block.get(key, None if required else [])
    if not isinstance(items, list) or (required and not items):
        _fail("calendar.bad_entry", source, where, f"“{key}”应为非空列表" if required
              else f"“{key}”应为列表", f"{field}.{key}")
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            label = "放假" if key == "holidays" else "调休上班"
            _fail("calendar.bad_entry", source, f"{where}{label}第 {n} 项",
                  "应为带“name”（名称）的对象",
                  f"{field}.{key}[{n - 1}]")
    return items


@dataclass(frozen=True)
class HolidayTable:
    """Public holidays and weekend make-up working days (调休) for the years a notice covers."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()  # make-up working days that fall on a Saturday or Sunday
    years: frozenset[int] = frozenset()

    def covers(self, year: int) -> bool:
        """Whether the table holds the State Council arrangement for ``year``."""
        return year in self.years

    def is_working_day(self, d: date) -> bool:
        """Mon–Fri unless a holiday; Sat/Sun only as a make-up day; uncovered years: plain Mon–Fri."""
        weekend = d.weekday() >= 5
        if d.year not in self.years:
            return not weekend
        if d in self.holidays:
            return False
        return d in self.workdays if weekend else True

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, source: str = "节假日表") -> HolidayTable:
        """Build a table from the parsed JSON layout; ``source`` names the file in error messages.

        Raises DataFileError (Chinese message naming the file, year and entry) for any malformed
        part. Keys the program does not read (``source``, ``published``, ``note``) are ignored so the
        admin can annotate freely.
        """
        if not isinstance(data, Mapping):
            _fail("calendar.bad_format", source, "", "内容应为 JSON 对象（{ … }）")
        fmt = data.get("format")
        if type(fmt) is not int or fmt != FORMAT:  # type(): JSON true would otherwise equal 1
            _fail("calendar.bad_format", source, "", f"格式版本“{fmt}”不受支持（应为 {FORMAT}）",
                  "format")
        years_data = data.get("years")
        if not isinstance(years_data, dict) or not years_data:
            _fail("calendar.bad_format", source, "", "缺少“years”（按年份列出的放假安排）", "years")
        holidays: set[date] = set()
        workdays: set[date] = set()
        for key, block in years_data.items():
            field = f"years.{key}"
            if not isinstance(key, str) or not _YEAR_RE.fullmatch(key):
                _fail("calendar.bad_year", source, "", f"年份“{key}”无效（应为四位数字）", field)
            year, where = int(key), f" {key} 年"
            if not isinstance(block, dict):
                _fail("calendar.bad_entry", source, where, "应为 JSON 对象", field)
            year_holidays: set[date] = set()
            for n, entry in enumerate(_entries(block, "holidays", source, where, field, True), 1):
                at, efield = f"{where}放假第 {n} 项", f"{field}.holidays[{n - 1}]"
                first = _date(entry, "from", year, source, at, efield)
                last = _date(entry, "to", year, source, at, efield)
                if first > last:
                    _fail("calendar.bad_range", source, at,
                          f"开始日期“{first}”晚于结束日期“{last}”", f"{efield}.to")
                year_holidays.update(first + timedelta(days=i) for i in range((last - first).days + 1))
            for n, entry in enumerate(_entries(block, "workdays", source, where, field, False), 1):
                at, efield = f"{where}调休上班第 {n} 项", f"{field}.workdays[{n - 1}]"
                day = _date(entry, "date", year, source, at, efield)
                if day in year_holidays:
                    _fail("calendar.conflict", source, at, f"日期“{day}”同时列为放假日和调休上班日",
                          f"{efield}.date")
                if day.weekday() < 5:
                    # A weekday is a working day already; listing it means a typo in the date.
                    _fail("calendar.not_weekend", source, at, f"日期“{day}”不是周六或周日",
                          f"{efield}.date")
                workdays.add(day)
            holidays |= year_holidays
            # Both sets only hold dates of their own year, so years never contaminate each other.
        return cls(frozenset(holidays), frozenset(workdays), frozenset(int(k) for k in years_data))

    @classmethod
    def load(cls, path: Path) -> HolidayTable:
        """Read and validate a holiday file (UTF-8, with or without the BOM Windows Notepad adds)."""
        source = f"节假日表“{path}”"
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:  # an admin saved it as GBK
            raise DataFileError("calendar.bad_encoding", f"{source}：文件不是 UTF-8 编码") from exc
        except OSError as exc:
            raise StorageError("calendar.unreadable", f"{source}：无法读取（{exc.strerror or exc}）") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataFileError("calendar.bad_json", f"{source}：第 {exc.lineno} 行第 {exc.colno} 列"
                                f"不是有效的 JSON（{exc.msg}）") from exc
        return cls.from_mapping(data, source=source)


@cache
def default_table() -> HolidayTable:
    """The shipped table ``resources/calendar/holidays-cn.json``, read once per process."""
    return HolidayTable.load(resource_path("calendar", "holidays-cn.json"))


@dataclass(frozen=True)
class CountingRule:
    """The office's counting setting."""

    unit: DayUnit = DayUnit.CALENDAR  # 自然日 by default; an office may count 工作日 instead
    # 民法典 第二百零三条: a calendar-day deadline on a rest day moves to the next working day.
    roll_to_working_day: bool = True


class WorkCalendar:
    """Computes deadlines from recorded dates with one holiday table and one counting rule."""

    def __init__(self, table: HolidayTable, rule: CountingRule = CountingRule()) -> None:
        self.table = table
        self.rule = rule

    def is_working_day(self, d: date) -> bool:
        """Shortcut to :meth:`HolidayTable.is_working_day`."""
        return self.table.is_working_day(d)

    def deadline(self, start: date, days: int, unit: DayUnit | None = None) -> date:
        """The last day of a ``days``-long period beginning after ``start`` (the start day never counts).

        ``unit=None`` applies the office rule; clocks the 条例 defines in working days pass
        ``DayUnit.WORKING``. Calendar days: ``start + days``, rolled to the next working day when the
        rule says so. Working days: the ``days``-th working day after ``start``.
        """
        if days < 1:
            raise ValueError(f"days must be >= 1, got {days}")
        unit = self.rule.unit if unit is None else DayUnit(unit)
        if unit is DayUnit.CALENDAR:
            due = start + timedelta(days=days)
            if self.rule.roll_to_working_day:
                while not self.table.is_working_day(due):
                    due += _ONE_DAY
            return due
        due = start
        while days:
            due += _ONE_DAY
            if self.table.is_working_day(due):
                days -= 1
        return due

    def days_left(self, today: date, due: date) -> int:
        """Calendar days from ``today`` to ``due``: 0 = due today, negative = overdue by that many."""
        return (due - today).days

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if ``end <= start``)."""
        span = (end - start).days
        return sum(self.table.is_working_day(start + timedelta(days=i)) for i in range(1, span + 1))

    def missing_years(self, years: Iterable[int]) -> list[int]:
        """Those of ``years`` the table does not cover, sorted, without repeats."""
        return sorted({y for y in years if not self.table.covers(y)})
