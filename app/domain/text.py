"""Cleaning of free text typed by clerks: one-line fields, long content and search queries."""

from __future__ import annotations

import unicodedata

from app.errors import ValidationError

CONTENT_MAX_LENGTH = 10_000

# Invisible characters that copy-paste brings in from chat programs, web pages and word processors: soft
# hyphen, zero-width space and joiner-less breaks, BOM, word joiner, direction marks, and the direction
# embeddings, overrides and isolates that can make stored text display in another order than it reads
# ("Trojan source"). They are removed rather than refused: the clerk cannot see them to delete them, and
# left in they would split words so that search misses them. ZWJ/ZWNJ and variation selectors stay:
# they are part of emoji and of ideograph variants.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u061c\u180e\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                  "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"))
QUERY_MAX_LENGTH = 200

# Full-width ASCII (！ to ～) sits at a fixed offset from ASCII; U+3000 is the ideographic space.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_width(value: str) -> str:
    """Full-width letters, digits, punctuation and spaces to their ASCII forms (for identifiers only)."""
    return value.translate(_FULL_WIDTH)


def strip_invisible(value: str) -> str:
    """``value`` without the invisible formatting characters listed above."""
    return value.translate(_INVISIBLE)


def clean_query(value: str | None, max_length: int = QUERY_MAX_LENGTH) -> str:
    """What the clerk typed into a search box, made safe to look up: invisible characters removed,
    control characters and lone surrogates (which cannot be stored, so never match) turned into spaces,
    cut to ``max_length``. Never raises: a search box shows no errors while typing."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in strip_invisible(value or ""))
    return text.strip()[:max_length].strip()


def _has_control(value: str, allowed: str = "") -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in value)


def clean_line(value: str | None, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """A one-line field: trimmed, no control characters, not empty (when required), not too long."""
    text = strip_invisible(value or "").strip()
    if required and not text:
        raise ValidationError("required", f"{label}：不能为空", field=field)
    if _has_control(text):
        raise ValidationError("control_chars", f"{label}：含有不可见的控制字符", field=field)
    if len(text) > max_length:
        raise ValidationError(
            "too_long", f"{label}：最多 {max_length} 个字，现为 {len(text)} 个字", field=field
        )
    return text


def clean_content(value: str | None, *, field: str = "content", label: str = "反映内容",
                  max_length: int = CONTENT_MAX_LENGTH, required: bool = True) -> str:
    """Multi-line content (诉求): line breaks kept and unified, other control characters refused."""
    text = strip_invisible(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise ValidationError("required", f"{label}：不能为空", field=field)
    if _has_control(text, allowed="\n\t"):
        raise ValidationError("control_chars", f"{label}：含有不可见的控制字符", field=field)
    if len(text) > max_length:
        raise ValidationError(
            "too_long", f"{label}：最多 {max_length} 个字，现为 {len(text)} 个字，请精简或作为附件上传",
            field=field,
        )
    return text
