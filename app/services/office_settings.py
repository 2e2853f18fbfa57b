"""Read and change the office settings declared in ``app.settings``, and the office's own details.

Every key is validated by its own rule before it is stored; each change is audited with the value
before and after. Reading is open to every user (the idle lock needs it); changing needs
MANAGE_SETTINGS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.domain.calendar import DayUnit
from app.domain.permissions import Permission
from app.domain.text import clean_line
from app.domain.workflow import MAX_REPORT_DAYS
from app.errors import ValidationError
from app.services import audit
from app.services.context import UnitOfWork
from app.services.offices import OfficeInfo, local_office, office_info
from app.settings import SPEC_BY_KEY, SPECS
from db.models import Setting

IDLE_LOCK_RANGE = (1, 240)
BACKLOG_MONTHS_RANGE = (1, 120)
EVALUATION_DAYS_RANGE = (1, 365)
REPORT_DAYS_RANGE = (1, MAX_REPORT_DAYS)
ATTACHMENT_MB_RANGE = (1, 1024)
ARCHIVE_RETENTIONS = ("永久", "30年", "10年")
DOCUMENT_PREFIX_FORBIDDEN = "〔〕[]()（）{}<>/\\"


def _label(key: str) -> str:
    """The short Chinese name of a setting, for error messages (the part before any bracket)."""
    return SPEC_BY_KEY[key].label.split("（")[0]


def _integer(key: str, low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValidationError("not_integer", f"{_label(key)}：须为整数", field=key)
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValidationError("not_integer", f"{_label(key)}：须为整数", field=key) from None
        if not low <= number <= high:
            raise ValidationError("out_of_range", f"{_label(key)}：须在 {low}–{high} 之间", field=key,
                                  low=low, high=high)
        return number

    return check


def _boolean(key: str) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("not_boolean", f"{_label(key)}：须为“是”或“否”", field=key)
        return value

    return check


def _choice(key: str, choices: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in choices:
            raise ValidationError("not_a_choice", f"{_label(key)}：只能是 {' / '.join(choices)}", field=key)
        return str(value)

    return check


def _line(key: str, max_length: int) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError("not_text", f"{_label(key)}：须为文字", field=key)
        return clean_line(value, field=key, label=_label(key), max_length=max_length, required=False)

    return check


def _document_prefix(value: Any) -> str:
    prefix = _line("document_prefix", 20)(value)
    if any(ch.isspace() or ch in DOCUMENT_PREFIX_FORBIDDEN for ch in prefix):
        raise ValidationError("prefix_chars", "文号机关代字：不能含空格或括号（〔〕由程序自动加上）",
                              field="document_prefix")
    return prefix


VALIDATORS: dict[str, Callable[[Any], Any]] = {
    "day_unit": _choice("day_unit", tuple(u.value for u in DayUnit)),
    "roll_to_working_day": _boolean("roll_to_working_day"),
    "document_prefix": _document_prefix,
    "idle_lock_minutes": _integer("idle_lock_minutes", *IDLE_LOCK_RANGE),
    "satisfaction_counts_basically": _boolean("satisfaction_counts_basically"),
    "backlog_months": _integer("backlog_months", *BACKLOG_MONTHS_RANGE),
    "evaluation_window_days": _integer("evaluation_window_days", *EVALUATION_DAYS_RANGE),
    "assignment_report_days": _integer("assignment_report_days", *REPORT_DAYS_RANGE),
    "office_phone": _line("office_phone", 30),
    "review_body": _line("review_body", 100),
    "archive_retention": _choice("archive_retention", ARCHIVE_RETENTIONS),
    "attachment_max_mb": _integer("attachment_max_mb", *ATTACHMENT_MB_RANGE),
}
EDITABLE_KEYS: tuple[str, ...] = tuple(spec.key for spec in SPECS if spec.key in VALIDATORS)


def get_settings(uow: UnitOfWork) -> dict[str, Any]:
    """Every declared setting of the actor's office: the stored value, else the default."""
    uow.actor.require(Permission.READ)
    return {spec.key: uow.setting(spec.key) for spec in SPECS}


def validate_setting(key: str, value: Any) -> Any:
    """The cleaned value of ``key``; a ValidationError naming the setting when it is not acceptable."""
    if key not in VALIDATORS:
        raise ValidationError("unknown_setting", f"设置项“{key}”不能在此修改", field=key)
    return VALIDATORS[key](value)


def set_setting(uow: UnitOfWork, key: str, value: Any) -> Any:
    """Store one setting; returns the cleaned value. An unchanged value writes nothing."""
    uow.actor.require(Permission.MANAGE_SETTINGS)
    clean = validate_setting(key, value)
    before = uow.setting(key)
    if before == clean:
        return clean
    row = uow.session.get(Setting, (uow.office_id, key))
    if row is None:
        uow.session.add(Setting(office_id=uow.office_id, key=key, value=clean))
    else:
        row.value = clean
    uow.session.flush()
    uow._settings[key] = clean
    uow.__dict__.pop("calendar", None)  # the counting rule may have changed
    audit.record(uow, "update", "setting", key, before={key: before}, after={key: clean})
    return clean


def set_settings(uow: UnitOfWork, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Several settings in one unit of work: all are validated before any is stored."""
    uow.actor.require(Permission.MANAGE_SETTINGS)
    for key, value in changes.items():
        validate_setting(key, value)
    return {key: set_setting(uow, key, value) for key, value in changes.items()}


def update_office(uow: UnitOfWork, *, name: str, short_name: str, parent_name: str) -> OfficeInfo:
    """Correct the office's names; the division code is fixed at set-up (numbers and sync use it)."""
    uow.actor.require(Permission.MANAGE_SETTINGS)
    clean = {
        "name": clean_line(name, field="office_name", label="单位名称", max_length=100),
        "short_name": clean_line(short_name, field="short_name", label="单位简称", max_length=100,
                                 required=False),
        "parent_name": clean_line(parent_name, field="parent_name", label="上级信访部门", max_length=100,
                                  required=False),
    }
    clean["short_name"] = clean["short_name"] or clean["name"]
    office = local_office(uow)
    before = {k: getattr(office, k) for k in clean}
    changed = {k: v for k, v in clean.items() if before[k] != v}
    if changed:
        for key, value in changed.items():
            setattr(office, key, value)
        uow.session.flush()
        audit.record(uow, "update", "office", office.id,
                     before={k: before[k] for k in changed}, after=changed)
    return office_info(uow)
