"""Phone numbers of petitioners: normalise what clerks type to digits only, and validate the shape.

Stored form is digits only: an 11-digit mobile number (1xxxxxxxxxx), a landline with its area code
(0 + 2-3 digits, then 7-8 digits: "05718888888"), or a 7-8 digit local number without area code.
Digits only, because searches and duplicate checks compare numbers, not the way they were written.

Pure Python: no Qt, no database.
"""

from __future__ import annotations

import re
from typing import NoReturn

from app.errors import ValidationError

FIELD = "phone"
LABEL = "联系电话"

# Full-width ASCII (U+FF01-U+FF5E) → ASCII: input methods in full-width mode type "１３８".
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
# Separators people write between groups: whitespace (incl. U+3000), hyphens and dashes (ASCII,
# U+2010-U+2015, minus sign), parentheses around the area code.
_SEPARATORS_RE = re.compile(r"[\s\u3000\-\u2010-\u2015\u2212()]+")
_COUNTRY_RE = re.compile(r"(?:\+|00)86")
_DIGITS_RE = re.compile(r"[0-9]+")  # not \d, which also matches Arabic-Indic and other digits
_MOBILE_RE = re.compile(r"1[0-9]{10}")
# 3-4 digit area code starting with 0 + 7-8 digits. No area code starts with 00: that is the
# international prefix (0086 is stripped; anything else left there is a foreign or garbled number).
_LANDLINE_RE = re.compile(r"0[1-9][0-9]{8,10}")
_LOCAL_RE = re.compile(r"[2-9][0-9]{6,7}")  # local numbers never start with 0 (trunk) or 1 (mobile)
# Area codes without their trunk 0: 10 (Beijing), 2x, 3xx-9xx. Mobile numbers start 13-19, so
# "10" after +86 can only be Beijing.
_AREA_CODE_START_RE = re.compile(r"10|[2-9]")


def _fail(code: str, problem: str, **params: object) -> NoReturn:
    raise ValidationError(code, f"{LABEL}：{problem}", field=FIELD, **params)


def _clean(raw: str) -> str:
    """Full-width to ASCII, separators and a leading +86/0086 removed."""
    text = _SEPARATORS_RE.sub("", raw.translate(_FULLWIDTH))
    country = _COUNTRY_RE.match(text)
    if country:
        text = text[country.end():]
        # In international form a landline drops its trunk 0 (+86 571 8888 8888): put it back,
        # so the number is stored the way it is dialled at home.
        if _AREA_CODE_START_RE.match(text):
            text = "0" + text
    return text


def normalize_phone(raw: str) -> str:
    """The phone number as digits only; raise ValidationError saying what is wrong."""
    number = _clean(raw)
    if not number:
        _fail("phone_empty", "不能为空")
    if not _DIGITS_RE.fullmatch(number):
        bad = next(c for c in number if c not in "0123456789")
        shown = f"“{bad}”" if bad.isprintable() else f"U+{ord(bad):04X}"
        _fail("phone_chars", f"含有无效字符 {shown}，只能是数字（可带 +86、空格、短横线或括号）", char=bad)
    if any(shape.fullmatch(number) for shape in (_MOBILE_RE, _LANDLINE_RE, _LOCAL_RE)):
        return number
    length = len(number)
    if number.startswith("1"):
        problem = f"手机号应为 11 位，现在是 {length} 位"
    elif number.startswith("0"):
        problem = f"固定电话应为区号加 7–8 位号码（共 10–12 位），现在是 {length} 位"
    else:
        problem = f"不带区号的固定电话应为 7–8 位，现在是 {length} 位"
    _fail("phone_length", problem, length=length)


def phone_search_prefix(raw: str) -> str | None:
    """The digits of a (partial) number typed in a search box, or None if it is not one.

    At least 3 digits: fewer would match half the archive. Anything other than digits and
    separators (a name, an ID with X) means the text is not a phone number.
    """
    text = _clean(raw)
    return text if len(text) >= 3 and _DIGITS_RE.fullmatch(text) else None
