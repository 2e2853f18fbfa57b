"""Reading the values real Excel ledgers contain: dates in a dozen shapes, damaged ID numbers,
collective names like 张三等15人, and the wording offices use for channels and categories.

Each parser returns the clean value or raises ``CellError`` with a message for the clerk. Values
that are usable but suspicious come back with a warning instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from app.domain.enums import Channel, MatterType, SkipLevel
from app.domain.identity import parse_id_number
from app.domain.names import normalize_name
from app.domain.text import fold_width
from app.errors import ValidationError

EXCEL_EPOCH = datetime(1899, 12, 30)
MAX_NAMES = 5  # at most 5 representatives (第二十条)


class CellError(Exception):
    """A cell that cannot be imported; the message says why."""


@dataclass
class Parsed:
    value: Any
    warnings: list[str] = field(default_factory=list)


_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_DATE_RE = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:\s*[T ]?\s*(?P<ampm>上午|下午|晚上)?\s*(?P<h>\d{1,2})\s*[:：时点]\s*(?P<mi>\d{1,2})?\s*分?"
    r"(?:\s*[:：]\s*\d{1,2}\s*秒?)?)?\s*")
_COMPACT_RE = re.compile(r"(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?:\s*(?P<h>\d{2})[:：]?(?P<mi>\d{2}))?")


def _text(value: Any) -> str:
    return fold_width(str(value)).strip()


def _serial(number: float) -> datetime:
    if not 20_000 <= number <= 80_000:  # 1954 to 2119: anything else is not a date serial
        raise CellError(f"数值 {number:g} 不是日期")
    return EXCEL_EPOCH + timedelta(days=float(number))


def parse_datetime(value: Any) -> datetime:
    """A contact time from a cell: a real date, an Excel serial number or one of the text shapes."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, bool):
        raise CellError("不是日期")
    if isinstance(value, int) and 19_000_000 < value < 21_000_000:
        return parse_datetime(str(value))
    if isinstance(value, (int, float)):
        return _serial(value).replace(microsecond=0)
    text = _text(value)
    if not text:
        raise CellError("日期为空")
    m = _DATE_RE.fullmatch(text) or _COMPACT_RE.fullmatch(_SPACES.sub("", text))
    if m is None:
        if re.fullmatch(r"\d+(\.\d+)?", text):
            return _serial(float(text)).replace(microsecond=0)
        raise CellError(f"无法识别的日期“{text}”")
    parts = m.groupdict()
    try:
        day = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
        hour = int(parts["h"] or 0)
        if parts.get("ampm") in ("下午", "晚上") and hour < 12:
            hour += 12
        return datetime.combine(day, time(hour, int(parts["mi"] or 0)))
    except ValueError:
        raise CellError(f"日期“{text}”不存在") from None


_SCIENTIFIC = re.compile(r"\d(\.\d+)?[eE]\+?\d+")


def parse_id(value: Any, *, today: date) -> Parsed:
    """An ID number; one stored as a number in Excel has lost its last digits: flagged, not used."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Parsed(None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = f"{int(value)}" if float(value).is_integer() else f"{value}"
        if isinstance(value, int) and len(digits) == 15:
            value = digits  # an old 15-digit number survives Excel's 15 significant digits
        else:
            return Parsed(None, [f"身份证号以数字格式保存，后几位已丢失（显示为 {digits}），未导入身份证号"])
    text = _SPACES.sub("", fold_width(str(value))).strip("'‘’`\"")
    if _SCIENTIFIC.fullmatch(text):
        return Parsed(None, [f"身份证号已被 Excel 变成科学计数法（{text}），原号码已丢失，未导入身份证号"])
    try:
        return Parsed(parse_id_number(text, today=today).number)
    except ValidationError as exc:
        if len(text) == 18 and text.endswith("000") and text.isdigit():
            return Parsed(None, [f"身份证号 {text} 末三位为 000，疑似以数字保存时丢失精度，未导入身份证号"])
        raise CellError(exc.message) from None


_TOGETHER = re.compile(r"^(?P<name>.+?)等\s*(?P<n>\d+)\s*(?:人|名|户)?$")
_SEPARATORS = re.compile(r"[、,，;；/／\n]+")
_NOTES = re.compile(r"[（(][^)）]*[)）]")
ANONYMOUS = frozenset({"匿名", "无名", "不详", "未留名"})


@dataclass(frozen=True)
class Names:
    names: tuple[str, ...]
    headcount_hint: int  # from 等N人, else the number of names
    anonymous: bool = False


def parse_names(value: Any) -> Parsed:
    """张三 / 张三、李四 / 张三等15人 / 匿名. At most 5 are kept as representatives."""
    text = _NOTES.sub("", _text(value or ""))
    if not text:
        raise CellError("信访人姓名为空")
    if text in ANONYMOUS:
        return Parsed(Names((), 1, anonymous=True))
    hint = 0
    m = _TOGETHER.match(text)
    if m:
        text, hint = m["name"], int(m["n"])
    elif text.endswith("等人") or text.endswith("等"):
        text = text.removesuffix("人").removesuffix("等")
    names: list[str] = []
    for raw in _SEPARATORS.split(text):
        if not raw.strip():
            continue
        try:
            name = normalize_name(raw)
        except ValidationError as exc:
            raise CellError(exc.message) from None
        if name not in names:
            names.append(name)
    if not names:
        raise CellError("信访人姓名为空")
    warnings = []
    if len(names) > MAX_NAMES:
        warnings.append(f"列出 {len(names)} 人，只有前 {MAX_NAMES} 人作为代表建档")
    return Parsed(Names(tuple(names[:MAX_NAMES]), max(hint, len(names))), warnings)


def parse_headcount(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and value >= 1:
            return int(value)
        raise CellError(f"人数“{value}”无效")
    m = re.fullmatch(r"(\d+)\s*(?:人|名)?(?:次)?", _text(value))
    if m is None or int(m[1]) < 1:
        raise CellError(f"人数“{_text(value)}”无效")
    return int(m[1])


_CHANNELS: tuple[tuple[str, Channel], ...] = (
    ("传真", Channel.FAX), ("来电", Channel.PHONE), ("电话", Channel.PHONE), ("12345", Channel.PHONE),
    ("热线", Channel.PHONE), ("网", Channel.ONLINE), ("信箱", Channel.ONLINE), ("来信", Channel.LETTER),
    ("信件", Channel.LETTER), ("书信", Channel.LETTER), ("信", Channel.LETTER), ("访", Channel.VISIT),
    ("当面", Channel.VISIT),
)


def parse_channel(value: Any) -> Channel | None:
    text = _text(value or "")
    if not text:
        return None
    for word, channel in _CHANNELS:
        if word in text:
            return channel
    raise CellError(f"信访形式“{text}”无法识别（应为走访、来信、来电、网上或传真）")


_TYPES: tuple[tuple[str, MatterType], ...] = (
    ("建议", MatterType.SUGGESTION), ("意见", MatterType.SUGGESTION), ("检举", MatterType.ACCUSATION),
    ("控告", MatterType.ACCUSATION), ("举报", MatterType.ACCUSATION), ("申诉", MatterType.CLAIM),
    ("求决", MatterType.CLAIM), ("求助", MatterType.CLAIM),
)


def parse_matter_type(value: Any) -> MatterType | None:
    text = _text(value or "")
    if not text:
        return None
    for word, kind in _TYPES:
        if word in text:
            return kind
    raise CellError(f"事项类别“{text}”无法识别（应为建议意见类、检举控告类或申诉求决类）")


_SKIP: tuple[tuple[str, SkipLevel], ...] = (
    ("京", SkipLevel.BEIJING), ("省", SkipLevel.PROVINCE), ("市", SkipLevel.CITY), ("县", SkipLevel.COUNTY),
    ("区", SkipLevel.COUNTY),
)


def parse_skip_level(value: Any) -> SkipLevel | None:
    text = _text(value or "")
    if not text or text in ("否", "无", "-", "—"):
        return None
    for word, target in _SKIP:
        if word in text:
            return target
    raise CellError(f"越级情形“{text}”无法识别（应为赴县、赴市、赴省或进京）")


def parse_repeat(value: Any) -> bool | None:
    """初访 → False, 重复访 → True, blank → let the program decide."""
    text = _text(value or "")
    if not text:
        return None
    if "重" in text or text in ("是", "复访"):
        return True
    if "初" in text or text in ("否", "首次"):
        return False
    raise CellError(f"初访/重复访“{text}”无法识别")


def match_named(text: str, names: dict[str, Any]) -> Any | None:
    """The entry whose name is the text, else the longest name contained in the text."""
    text = _SPACES.sub("", _text(text))
    if not text:
        return None
    if text in names:
        return names[text]
    hits = [name for name in names if name and name in text]
    return names[max(hits, key=len)] if hits else None


def match_subject(text: Any, subjects: dict[str, tuple[str, str | None]]) -> str | None:
    """A subject code for a ledger's wording: 征地拆迁, 城乡建设/征地拆迁, 城乡建设, or a code."""
    raw = _SPACES.sub("", _text(text or ""))
    if not raw:
        return None
    if raw in subjects:  # a code
        return raw
    by_name: dict[str, str] = {}
    for code, (name, parent) in subjects.items():
        by_name.setdefault(name, code)
        if parent is not None:
            by_name.setdefault(subjects[parent][0] + name, code)
    parts = [p for p in re.split(r"[/\-—>＞·、]", raw) if p]
    for candidate in (raw, "".join(parts), parts[-1] if parts else raw):
        if candidate in by_name:
            return by_name[candidate]
    return match_named(raw, by_name)
