"""The wording of each notice: shipped TOML templates, office overrides and placeholder filling.

A template is a flat table of texts (``title``, ``addressee``, ``body``, ``note``, labels ...) and
optional sub-tables (``[channels]``, ``[results]``) with ``{placeholder}`` fields; ``{{`` and ``}}``
are literal braces. In ``body`` every non-empty line is a paragraph; a line starting with ``# ``
is a heading (黑体). An office overrides any text in its settings; what it leaves alone follows the
shipped wording, including later corrections of it.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.errors import DataFileError, ValidationError
from app.resources import resource_path

TEMPLATE_DIR = ("templates", "notices")
Template = dict[str, Any]


def template_path(kind: str) -> Path:
    return resource_path(*TEMPLATE_DIR, f"{kind}.toml")


@lru_cache(maxsize=None)
def _shipped(kind: str) -> Template:
    path = template_path(kind)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataFileError("template_missing", f"文书模板缺失：{path}", field="notice_templates") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataFileError("template_invalid", f"文书模板格式错误：{path}（{exc}）",
                            field="notice_templates") from exc


def shipped_template(kind: str) -> Template:
    """The wording shipped with the program (a copy the caller may change)."""
    return _copy(_shipped(kind))


def _copy(template: Mapping[str, Any]) -> Template:
    return {k: dict(v) if isinstance(v, Mapping) else v for k, v in template.items()}


def merged(kind: str, override: Mapping[str, Any] | None) -> Template:
    """The shipped template with an office's override laid over it, key by key."""
    result = shipped_template(kind)
    for key, value in (override or {}).items():
        if isinstance(value, Mapping) and isinstance(result.get(key), dict):
            result[key].update({str(k): str(v) for k, v in value.items()})
        else:
            result[key] = value
    return result


def check_override(kind: str, override: Mapping[str, Any]) -> dict[str, Any]:
    """An override may only replace texts the shipped template has, with text of the same shape."""
    shipped = _shipped(kind)
    clean: dict[str, Any] = {}
    for key, value in override.items():
        if key not in shipped:
            raise ValidationError("template_key", f"文书模板：没有名为“{key}”的文字项", field="notice_templates")
        if isinstance(shipped[key], Mapping):
            if not isinstance(value, Mapping) or any(k not in shipped[key] for k in value):
                raise ValidationError("template_key", f"文书模板：“{key}”下的文字项不正确",
                                      field="notice_templates")
            clean[key] = {str(k): _text(v, f"{key}.{k}") for k, v in value.items()}
        else:
            clean[key] = _text(value, key)
    return clean


def _text(value: Any, key: str) -> str:
    if not isinstance(value, str):
        raise ValidationError("template_value", f"文书模板：“{key}”须为文字", field="notice_templates")
    if len(value) > 5000:
        raise ValidationError("template_value", f"文书模板：“{key}”过长（最多 5000 字）", field="notice_templates")
    return value


class _Strict(string.Formatter):
    """``str.format`` that names the template key when a placeholder is unknown or malformed."""

    def __init__(self, values: Mapping[str, str], key: str) -> None:
        self.values, self.key = values, key

    def get_value(self, key: int | str, args: Any, kwargs: Any) -> Any:
        if isinstance(key, int) or key not in self.values:
            raise ValidationError(
                "template_placeholder", f"文书模板：“{self.key}”中的占位符 {{{key}}} 不存在",
                field="notice_templates", placeholder=str(key))
        return self.values[key]

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        # The whole name is the key: no attribute or index access ({x.attr}, {x[0]}) into values.
        return self.get_value(field_name, args, kwargs), field_name


def fill(text: str, values: Mapping[str, str], key: str = "") -> str:
    """``text`` with its placeholders replaced by ``values``."""
    try:
        return _Strict(values, key).vformat(text, (), {})
    except ValueError as exc:
        raise ValidationError("template_syntax", f"文书模板：“{key}”中的大括号不成对（{exc}）",
                              field="notice_templates") from exc


def paragraphs(text: str) -> list[tuple[bool, str]]:
    """(is_heading, text) per non-empty line of a filled ``body``."""
    result = []
    for raw in text.split("\n"):
        line = raw.strip()
        if line.startswith("# "):
            result.append((True, line[2:].strip()))
        elif line:
            result.append((False, line))
    return result


def placeholders(text: str) -> set[str]:
    """The placeholder names used in ``text`` (for the settings editor's checks and hints)."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return set()
