"""Office settings and office details: validation per key, permission, audit, effect on the calendar."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.calendar import DayUnit
from app.domain.enums import Role
from app.errors import PermissionDenied, ValidationError
from app.services.office_settings import EDITABLE_KEYS, get_settings, set_setting, set_settings, update_office
from app.settings import SPECS
from db.models import AuditEvent


def _events(ws, action: str, entity_type: str) -> list:
    with ws.database.read() as session:
        return list(session.execute(select(
            AuditEvent.entity_id, AuditEvent.before, AuditEvent.after, AuditEvent.user_login).where(
            AuditEvent.action == action, AuditEvent.entity_type == entity_type).order_by(AuditEvent.seq)))


def test_defaults_are_returned_for_every_declared_key(ws, admin):
    with ws.read(admin) as uow:
        values = get_settings(uow)
    assert values == {spec.key: spec.default for spec in SPECS}


def test_admin_changes_day_unit_and_the_calendar_follows(ws, admin):
    with ws.write(admin) as uow:
        assert uow.calendar.rule.unit is DayUnit.CALENDAR
        assert set_setting(uow, "day_unit", "working") == "working"
        assert uow.calendar.rule.unit is DayUnit.WORKING
    with ws.read(admin) as uow:
        assert get_settings(uow)["day_unit"] == "working"
    [event] = _events(ws, "update", "setting")
    assert event.entity_id == "day_unit"
    assert event.before == {"day_unit": "calendar"} and event.after == {"day_unit": "working"}
    assert event.user_login == "admin"


def test_unchanged_value_writes_no_audit_row(ws, admin):
    with ws.write(admin) as uow:
        set_setting(uow, "idle_lock_minutes", 15)
    assert _events(ws, "update", "setting") == []


@pytest.mark.parametrize("role", [Role.RECEPTIONIST, Role.HANDLER, Role.LEADER, Role.COUNTY_READER])
def test_only_the_administrator_may_change_settings(ws, actors, role):
    with pytest.raises(PermissionDenied, match="权限不足"), ws.write(actors[role]) as uow:
        set_setting(uow, "backlog_months", 6)
    with ws.read(actors[role]) as uow:  # but everybody reads them (the idle lock needs them)
        assert get_settings(uow)["backlog_months"] == 12
    with pytest.raises(PermissionDenied), ws.write(actors[role]) as uow:
        update_office(uow, name="别的名字", short_name="", parent_name="")


@pytest.mark.parametrize(("key", "value", "message"), [
    ("day_unit", "weekly", "期限计算方式"),
    ("roll_to_working_day", "yes", "是"),
    ("idle_lock_minutes", 0, "1–240"),
    ("idle_lock_minutes", 241, "1–240"),
    ("idle_lock_minutes", "十五", "整数"),
    ("idle_lock_minutes", True, "整数"),
    ("backlog_months", 200, "1–120"),
    ("evaluation_window_days", -1, "1–365"),
    ("satisfaction_counts_basically", 1, "是"),
    ("document_prefix", "某镇 信", "空格"),
    ("document_prefix", "某镇〔信", "括号"),
    ("document_prefix", "某" * 21, "最多 20"),
    ("archive_retention", "5年", "永久"),
    ("office_phone", "0571\x0012345", "控制字符"),
    ("document_words", {}, "不能在此修改"),
    ("no_such_key", 1, "不能在此修改"),
])
def test_bad_values_are_refused_with_the_setting_named(ws, admin, key, value, message):
    with pytest.raises(ValidationError) as caught, ws.write(admin) as uow:
        set_setting(uow, key, value)
    assert message in caught.value.message
    assert caught.value.field == key


def test_numbers_typed_as_text_are_accepted(ws, admin):
    with ws.write(admin) as uow:
        assert set_setting(uow, "idle_lock_minutes", " 30 ") == 30


def test_set_settings_validates_all_before_storing_any(ws, admin):
    with pytest.raises(ValidationError), ws.write(admin) as uow:
        set_settings(uow, {"backlog_months": 6, "idle_lock_minutes": 0})
    with ws.read(admin) as uow:
        assert get_settings(uow)["backlog_months"] == 12
    with ws.write(admin) as uow:
        stored = set_settings(uow, {"backlog_months": 6, "document_prefix": "某镇信访", "roll_to_working_day": False})
    assert stored == {"backlog_months": 6, "document_prefix": "某镇信访", "roll_to_working_day": False}
    assert len(_events(ws, "update", "setting")) == 3


def test_every_editable_key_has_a_spec():
    keys = {spec.key for spec in SPECS}
    assert set(EDITABLE_KEYS) <= keys
    assert {"day_unit", "idle_lock_minutes", "backlog_months", "evaluation_window_days"} <= set(EDITABLE_KEYS)


def test_update_office_names_is_validated_and_audited(ws, admin):
    with ws.write(admin) as uow:
        info = update_office(uow, name=" 某某县某某镇人民政府 ", short_name="", parent_name="某某县信访局")
    assert info.short_name == "某某县某某镇人民政府"  # empty short name falls back to the name
    [event] = _events(ws, "update", "office")
    assert event.before == {"short_name": "某某镇"} and event.after == {"short_name": "某某县某某镇人民政府"}
    with pytest.raises(ValidationError, match="单位名称：不能为空"), ws.write(admin) as uow:
        update_office(uow, name="  ", short_name="某镇", parent_name="")
