"""Person names: normalise what clerks type, validate, derive pinyin keys for search-as-you-type.

Names are compared and searched in their normalised form, so "张 三" and "张三", or the half a
dozen middle-dot look-alikes in minority names (买买提·艾力), must end up as the same string.

Pure Python: no Qt, no database.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NoReturn

from app.errors import ValidationError

FIELD = "name"
LABEL = "姓名"
MAX_LENGTH = 50
# "·" (GB 2312/GB 18030 A1A4): the separator ID cards print in transliterated names.
MIDDLE_DOT = "\u00b7"

# Look-alikes that input methods and fonts produce for the separator: katakana middle dot, its
# half-width form, bullet, hyphenation point, bullet operator, full-width full stop, dot operator.
_DOTS = str.maketrans(dict.fromkeys("\u30fb\uff65\u2022\u2027\u2219\uff0e\u22c5", MIDDLE_DOT))
# Full-width ASCII, mapped after the dots (so "．" is already "·"): catches "＠" as "@" and turns
# "Ｔｏｍ" into "Tom".
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
# Every space separator (Unicode category Zs): ASCII, no-break, ideographic U+3000, thin spaces...
_SPACES_RE = re.compile("[\u0020\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# CJK ideographs: URO, extension A, compatibility, and planes 2-3 (extensions B-H, e.g. 𠮷).
_HAN = "[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]"
# Between two Han characters a space is dropped (张 三) and "." is the middle dot (买买提.艾力).
# One pattern, not two: each big ideograph class costs ~2 ms to compile at import.
_HAN_GAP_RE = re.compile(f"(?<={_HAN})(?: ?\\. ?| )(?={_HAN})")
_SPACED_DOT_RE = re.compile(f" ?{MIDDLE_DOT} ?")
_FORBIDDEN = set("<>{}[]\\/|@#$%^*=_~")
# Cc: control characters (tab, newline, NUL); Cf: invisible format characters that copy-paste
# brings in (zero-width space, BOM); Cs: lone surrogates, which cannot even be stored as UTF-8.
# Unassigned code points (Cn) are allowed on purpose: ideographs newer than this Python's Unicode
# tables (e.g. extension I) are "unassigned" to it but are real name characters.
_CONTROL_CATEGORIES = {"Cc", "Cf", "Cs"}

# pypinyin 0.55 has no surname mode (it reads 单雄信 as "dan xiong xin", 曾国藩 as "ceng ..."), so
# the first character's surname reading comes from this table, taken from 百家姓 readings where they
# differ from pypinyin's default. Two-character surnames are tried first. 单于 is left out: as a
# surname it is all but extinct, while 单 + a given name starting with 于 is common.
_COMPOUND_SURNAMES = {
    "万俟": ("mo", "qi"), "尉迟": ("yu", "chi"), "澹台": ("tan", "tai"),
    "长孙": ("zhang", "sun"), "令狐": ("ling", "hu"), "乐正": ("yue", "zheng"),
}
_SURNAMES = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou", "查": "zha",
    "盖": "ge", "乐": "yue", "翟": "zhai", "覃": "qin", "缪": "miao", "种": "chong", "重": "chong",
    "秘": "bi", "繁": "po", "员": "yun", "贠": "yun", "召": "shao", "句": "gou", "阚": "kan",
    "祭": "zhai", "隗": "wei", "能": "nai", "洗": "xian", "黑": "he", "折": "she", "佴": "nai",
    "粘": "nian", "藏": "zang",
}


def _fail(code: str, problem: str, **params: object) -> NoReturn:
    raise ValidationError(code, f"{LABEL}：{problem}", field=FIELD, **params)


def _normalize(raw: str) -> str:
    text = _SPACES_RE.sub(" ", raw.translate(_DOTS).translate(_FULLWIDTH)).strip()
    text = _HAN_GAP_RE.sub(lambda gap: MIDDLE_DOT if "." in gap[0] else "", text)
    return _SPACED_DOT_RE.sub(MIDDLE_DOT, text)


def _check_characters(name: str) -> None:
    for char in name:
        if unicodedata.category(char) in _CONTROL_CATEGORIES:
            _fail("name_control", f"含有不可见的控制字符 U+{ord(char):04X}，请重新输入", char=char)
        if char.isdigit():
            _fail("name_digits", f"不能包含数字“{char}”", char=char)
        if char in _FORBIDDEN:
            _fail("name_chars", f"不能包含符号“{char}”", char=char)


def _check_dots(name: str) -> None:
    if name.startswith(MIDDLE_DOT) or name.endswith(MIDDLE_DOT):
        _fail("name_dot", f"间隔号“{MIDDLE_DOT}”不能在开头或结尾")
    if MIDDLE_DOT * 2 in name:
        _fail("name_dot", f"不能连续出现两个间隔号“{MIDDLE_DOT}”")


def normalize_name(raw: str) -> str:
    """The name in its stored form; raise ValidationError saying what is wrong."""
    name = _normalize(raw)
    if not name:
        _fail("name_empty", "不能为空")
    _check_characters(name)
    _check_dots(name)
    if len(name) > MAX_LENGTH:  # code points: 𠮷 counts as one character, as a clerk counts it
        _fail("name_too_long", f"不能超过 {MAX_LENGTH} 个字，现在是 {len(name)} 个字", length=len(name))
    return name


def _surname_reading(name: str) -> tuple[tuple[str, ...], str]:
    """The surname's syllables from the table (or none) and the rest of the name."""
    # A name with "·" is a transliteration with the given name first (查尔斯·... is "cha"),
    # so the first character is not a surname there.
    if MIDDLE_DOT in name:
        return (), name
    if name[:2] in _COMPOUND_SURNAMES:
        return _COMPOUND_SURNAMES[name[:2]], name[2:]
    if name[:1] in _SURNAMES:
        return (_SURNAMES[name[:1]],), name[1:]
    return (), name


def _latin(chunk: str) -> str:
    """Lowercase ASCII letters of a chunk ("José" → "jose"); drops dots, spaces, 𠮷 and the like."""
    decomposed = unicodedata.normalize("NFKD", chunk)
    return "".join(c for c in decomposed if c.isascii() and c.isalpha()).lower()


def _syllables(name: str, *, first_letters: bool) -> str:
    # pypinyin is imported here, not at the top: its import costs ~300 ms (it loads its whole
    # dictionary), and importing this module must stay cheap for start-up and for the validation
    # that does not need pinyin.
    from pypinyin import Style, lazy_pinyin

    head, rest = _surname_reading(name)
    style = Style.FIRST_LETTER if first_letters else Style.NORMAL
    # The rest is converted on its own so that pypinyin's phrase table cannot join the surname
    # with the given name (单调 would read "dan diao"). Non-Han runs come back unchanged.
    parts = [s[0] if first_letters else s for s in head] + lazy_pinyin(rest, style=style)
    return "".join(_latin(part) for part in parts)


def name_initials(name: str) -> str:
    """Lowercase pinyin initials for search-as-you-type: 张三 → "zs", 单雄信 → "sxx".

    Latin letters are kept whole (lowercase); characters without pinyin are skipped.
    """
    return _syllables(name, first_letters=True)


def name_pinyin(name: str) -> str:
    """Full toneless pinyin without separators: 单雄信 → "shanxiongxin" (ü is written v, as typed)."""
    return _syllables(name, first_letters=False)
