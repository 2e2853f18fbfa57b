"""Cleaning of free text typed by clerks: one-line fields and long content."""

from __future__ import annotations

import unicodedata

from app.errors import ValidationError

CONTENT_MAX_LENGTH = 10_000

# Full-width ASCII (！ to ～) sits at a fixed offset from ASCII; U+3000 is the ideographic space.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_width(value: str) -> str:
    """Full-width letters, digits, punctuation and spaces to their ASCII forms (for identifiers only)."""
    return value.translate(_FULL_WIDTH)


def _has_control(value: str, allowed: str = "") -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in value)


def clean_line(value: str | None, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """A one-line field: trimmed, no control characters, not empty (when required), not too long."""
    text = (value or "").strip()
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
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
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
