"""Citizen ID numbers (公民身份号码, GB 11643-1999): normalise what clerks type, validate, upgrade.

Layout of the 18-character number: 6-digit division code (the home division at issue time),
birth date YYYYMMDD, 3-digit sequence (odd = male) and a check character 0-9/X. Old 15-digit
numbers have YYMMDD (always 19YY) and no check character; they are upgraded to 18 characters.

Pure Python: no Qt, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NoReturn

from app.errors import ValidationError

FIELD = "id_number"
LABEL = "身份证号"
MAX_AGE_YEARS = 130

# Full-width ASCII (U+FF01-U+FF5E) maps onto ASCII by a fixed offset; Chinese input methods in
# full-width mode produce ０-９ and Ｘ/ｘ. Only that block is mapped (not NFKC), so look-alikes
# such as ① or ² stay invalid characters instead of silently becoming digits.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
# Spaces clerks put between groups, or paste in: ASCII, ideographic (U+3000), no-break, tab.
_SPACES_RE = re.compile(r"[\s\u3000\u00a0]+")
# [0-9] rather than \d: \d would accept Arabic-Indic and other Unicode digits.
_ID_SHAPE_RE = re.compile(r"[0-9]{17}[0-9X]|[0-9]{15}")
_PREFIX_RE = re.compile(r"[0-9]{6,17}|[0-9]{17}[0-9X]")


class Gender(StrEnum):
    """Gender as encoded in the sequence digit (labels 男/女 live in the UI)."""

    MALE = "male"
    FEMALE = "female"


@dataclass(frozen=True)
class IdNumberInfo:
    """A valid ID number (always 18 characters) and what it encodes."""

    number: str
    birth_date: date
    gender: Gender
    division_code: str
    upgraded: bool  # given as an old 15-digit number


def _clean(raw: str) -> str:
    # Only x is upper-cased (not the whole text), so a stray letter is shown as it was typed.
    return _SPACES_RE.sub("", raw.translate(_FULLWIDTH)).replace("x", "X")


def _fail(code: str, problem: str, **params: object) -> NoReturn:
    raise ValidationError(code, f"{LABEL}：{problem}", field=FIELD, **params)


def _shown(char: str) -> str:
    """A character as the message shows it; invisible ones as their code point."""
    return f"“{char}”" if char.isprintable() else f"U+{ord(char):04X}"


def check_character(body17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    # Imported here, not at the top: stdnum.util imports pydoc, ssl and pkgutil and builds a
    # Unicode table on import (~50 ms), a cost start-up should not pay before an ID is typed.
    from stdnum.cn import ric

    # stdnum's calc_check_digit ignores the last character of what it is given (it expects the
    # whole number), so append a placeholder. It parses with int(..., 13), which would also accept
    # "_" and Unicode digits: callers pass only bodies already matched against [0-9]{17}.
    return ric.calc_check_digit(body17 + "?")


def _check_chars(number: str) -> None:
    bad = next((c for c in number if c not in "0123456789X"), None)
    if bad is not None:
        _fail("id_chars", f"含有无效字符 {_shown(bad)}，只能是数字，最后一位可以是 X", char=bad)
    if "X" in number[:-1]:
        _fail("id_chars", "X 只能出现在最后一位")


def _check_shape(number: str) -> None:
    if len(number) not in (15, 18):
        _fail("id_length", f"应为 18 位（旧证 15 位），现在是 {len(number)} 位", length=len(number))
    if not _ID_SHAPE_RE.fullmatch(number):  # only a 15-digit number ending in X is left
        _fail("id_chars", "15 位旧号码没有校验位，只能是数字")


def _years_before(day: date, years: int) -> date:
    if day.year <= years:
        return date.min
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def _birth_date(yyyymmdd: str, today: date) -> date:
    shown = f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:]}"
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        _fail("id_birth_date", f"出生日期 {shown} 不存在", birth_date=shown)
    if born > today:
        _fail("id_future_birth", f"出生日期 {shown} 晚于今天", birth_date=shown)
    if born < _years_before(today, MAX_AGE_YEARS):
        _fail("id_too_old", f"出生日期 {shown} 早于 {MAX_AGE_YEARS} 年前，请核对", birth_date=shown)
    return born


def parse_id_number(raw: str, *, today: date) -> IdNumberInfo:
    """Normalise and validate an ID number as typed; raise ValidationError saying what is wrong.

    ``today`` is a parameter (not ``date.today()``) so that tests and the birth-date limits are
    deterministic.
    """
    number = _clean(raw)
    if not number:
        _fail("id_empty", "不能为空")
    _check_chars(number)
    _check_shape(number)
    upgraded = len(number) == 15
    if upgraded:
        # The old numbers carry no century; GB 11643-1999 upgrades them by inserting "19".
        body = number[:6] + "19" + number[6:]
        number = body + check_character(body)
    # The date is checked before the checksum: a mistyped date digit also breaks the checksum,
    # and "the date does not exist" tells the clerk where to look.
    born = _birth_date(number[6:14], today)
    if number[17] != check_character(number[:17]):
        _fail("id_checksum", "校验位不正确，请核对最后一位")
    # stdnum's ric.validate() is not used: it also looks the division code up in its bundled
    # table and refuses codes missing there, so a newly created division would block a person.
    return IdNumberInfo(
        number=number,
        birth_date=born,
        gender=Gender.MALE if int(number[16]) % 2 else Gender.FEMALE,
        division_code=number[:6],
        upgraded=upgraded,
    )


def id_search_prefix(raw: str) -> str | None:
    """The normalised start of an ID number typed in a search box, or None if it is not one.

    At least 6 characters (a whole division code: fewer digits are more likely a phone fragment or
    a record number); X only as the 18th character, where a check character can be.
    """
    text = _clean(raw)
    return text if _PREFIX_RE.fullmatch(text) else None
