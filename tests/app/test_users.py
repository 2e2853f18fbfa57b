"""User accounts: permissions (allowed and refused), validation, lockout, reset, deactivation, audit."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.domain.enums import Role
from app.errors import AccountClosed, Conflict, NotFound, PermissionDenied, ValidationError
from app.services.users import (
    MAX_FAILED_LOGINS, authenticate, change_password, create_user, list_users, reset_password, set_active,
)
from db.models import AuditEvent, UserAccount
from tests.conftest import PASSWORD

NEW_PASSWORD = "xyz98765"


def _actions(ws, entity_id) -> list[str]:
    with ws.database.read() as session:
        return list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.entity_id == str(entity_id)).order_by(AuditEvent.seq)))


def _user_id(ws, login: str) -> uuid.UUID:
    with ws.database.read() as session:
        return session.scalars(select(UserAccount.id).where(UserAccount.login == login)).one()


def test_admin_creates_a_user_who_can_log_in(ws, admin):
    with ws.write(admin) as uow:
        info = create_user(uow, "zhangsan", "张三", Role.RECEPTIONIST, PASSWORD)
    assert info.active and info.role is Role.RECEPTIONIST
    actor = authenticate(ws, "zhangsan", PASSWORD)
    assert actor.user_id == info.id and actor.display_name == "张三"
    assert _actions(ws, info.id) == ["create", "login"]
    with ws.read(admin) as uow:
        assert "zhangsan" in [u.login for u in list_users(uow)]
        assert "system" not in [u.login for u in list_users(uow)]


def test_create_user_validation(ws, admin):
    with pytest.raises(Conflict, match="已被使用"), ws.write(admin) as uow:
        create_user(uow, "jiedai", "重复", Role.HANDLER, PASSWORD)
    with pytest.raises(ValidationError, match="至少 8 位"), ws.write(admin) as uow:
        create_user(uow, "lisi", "李四", Role.HANDLER, "a1")
    with pytest.raises(ValidationError, match="字母和数字"), ws.write(admin) as uow:
        create_user(uow, "lisi", "李四", Role.HANDLER, "abcdefgh")
    with pytest.raises(ValidationError, match="姓名：不能为空"), ws.write(admin) as uow:
        create_user(uow, "lisi", " ", Role.HANDLER, PASSWORD)
    with pytest.raises(ValidationError, match="登录名：只能用字母") as caught, ws.write(admin) as uow:
        create_user(uow, "李四", "李四", Role.HANDLER, PASSWORD)
    assert caught.value.field == "login"


MANAGERS = [Role.ADMIN]
NOT_MANAGERS = [Role.RECEPTIONIST, Role.HANDLER, Role.LEADER, Role.COUNTY_READER]


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_only_the_administrator_manages_users(ws, actors, role):
    target = _user_id(ws, "jingban")
    actor = actors[role]
    with pytest.raises(PermissionDenied, match="不能管理用户"), ws.write(actor) as uow:
        create_user(uow, "wangwu", "王五", Role.HANDLER, PASSWORD)
    with pytest.raises(PermissionDenied), ws.write(actor) as uow:
        reset_password(uow, target, NEW_PASSWORD)
    with pytest.raises(PermissionDenied), ws.write(actor) as uow:
        set_active(uow, target, False)
    # Everybody changes their own password.
    with ws.write(actor) as uow:
        change_password(uow, PASSWORD, NEW_PASSWORD)
    assert authenticate(ws, actor.login, NEW_PASSWORD).user_id == actor.user_id


def test_reset_password_lifts_a_lockout_and_is_audited(ws, admin):
    target = _user_id(ws, "jingban")
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(PermissionDenied, match="用户名或密码不正确"):
            authenticate(ws, "jingban", "wrong-1234")
    with pytest.raises(PermissionDenied, match="已锁定") as caught:
        authenticate(ws, "jingban", "wrong-1234")
    assert caught.value.code == "locked"
    with pytest.raises(PermissionDenied, match="已锁定"):  # even the right password, while locked
        authenticate(ws, "jingban", PASSWORD)
    with ws.write(admin) as uow:
        reset_password(uow, target, NEW_PASSWORD)
    assert authenticate(ws, "jingban", NEW_PASSWORD).user_id == target
    with pytest.raises(PermissionDenied):
        authenticate(ws, "jingban", PASSWORD)
    actions = _actions(ws, target)
    assert actions.count("login_failed") == MAX_FAILED_LOGINS + 1 and "locked" in actions
    assert actions[-3:] == ["reset_password", "login", "login_failed"]


def test_no_password_in_clear_in_the_audit_trail(ws, admin):
    target = _user_id(ws, "jingban")
    with ws.write(admin) as uow:
        reset_password(uow, target, NEW_PASSWORD)
        change_password(uow, PASSWORD, "qwe12345")
    with ws.database.read() as session:
        rows = [str((r.before, r.after)) for r in session.scalars(select(AuditEvent))]
    assert rows and not any(NEW_PASSWORD in r or "qwe12345" in r for r in rows)


def test_reset_password_validation(ws, admin):
    with pytest.raises(ValidationError, match="至少 8 位") as caught, ws.write(admin) as uow:
        reset_password(uow, _user_id(ws, "jingban"), "short1")
    assert caught.value.field == "new_password"
    with pytest.raises(NotFound), ws.write(admin) as uow:
        reset_password(uow, uuid.uuid4(), NEW_PASSWORD)
    with pytest.raises(NotFound), ws.write(admin) as uow:  # the built-in account is not a user
        reset_password(uow, _user_id(ws, "system"), NEW_PASSWORD)


def test_deactivated_user_cannot_log_in_until_reactivated(ws, admin):
    target = _user_id(ws, "jiedai")
    with ws.write(admin) as uow:
        assert set_active(uow, target, False).active is False
    with pytest.raises(PermissionDenied, match="登录失败"):
        authenticate(ws, "jiedai", PASSWORD)
    with ws.write(admin) as uow:
        assert set_active(uow, target, True).active is True
    assert authenticate(ws, "jiedai", PASSWORD).user_id == target
    assert _actions(ws, target)[:2] == ["deactivate", "activate"]


def test_cannot_deactivate_oneself_or_the_last_administrator(ws, admin):
    with pytest.raises(ValidationError, match="自己"), ws.write(admin) as uow:
        set_active(uow, admin.user_id, False)
    with ws.write(admin) as uow:
        second = create_user(uow, "admin2", "第二管理员", Role.ADMIN, PASSWORD)
    second_actor = authenticate(ws, "admin2", PASSWORD)
    with ws.write(second_actor) as uow:
        set_active(uow, admin.user_id, False)  # another administrator remains: allowed
    with ws.write(second_actor) as uow:
        set_active(uow, admin.user_id, True)
    with ws.write(admin) as uow:
        set_active(uow, second.id, False)
    # The deactivated administrator's running session can do nothing more; the command line (the
    # built-in account) cannot take away the last administrator either.
    with pytest.raises(AccountClosed), ws.write(second_actor) as uow:
        set_active(uow, admin.user_id, False)
    with pytest.raises(ValidationError, match="最后一个"), ws.write(ws.system_actor()) as uow:
        set_active(uow, admin.user_id, False)
