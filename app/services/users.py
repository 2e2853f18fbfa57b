"""User accounts: creation, login with lockout, password change, admin reset and deactivation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from app.domain.enums import Role
from app.domain.permissions import Permission
from app.domain.text import clean_line
from app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.services import audit, data_keys
from app.services.context import Actor, UnitOfWork
from app.services.key_file import mark_wraps_changed
from app.services.passwords import check_password_policy, hash_password, verify_password
from app.services.workspace import Workspace, actor_for, permissions_of
from db.models import UserAccount

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=10)


@dataclass(frozen=True)
class UserInfo:
    id: uuid.UUID
    login: str
    display_name: str
    role: Role
    active: bool
    read_accusation: bool  # what the user may do now: the role's default or the administrator's choice
    accusation_override: bool | None  # None: the role's default
    must_change_password: bool


def _info(user: UserAccount) -> UserInfo:
    return UserInfo(user.id, user.login, user.display_name, Role(user.role), user.active,
                    Permission.READ_ACCUSATION in permissions_of(user), user.read_accusation,
                    user.must_change_password)


def create_user(uow: UnitOfWork, login: str, display_name: str, role: Role, password: str) -> UserInfo:
    uow.actor.require(Permission.MANAGE_USERS)
    login = clean_line(login, field="login", label="登录名", max_length=50)
    if not login.isascii() or not login.replace("_", "").replace(".", "").isalnum():
        # Typed at every login and unlock, where an input method gets in the way.
        raise ValidationError("login_chars", "登录名：只能用字母、数字、下划线和点", field="login")
    name = clean_line(display_name, field="display_name", label="姓名", max_length=50)
    check_password_policy(password, login=login)
    if uow.session.scalars(select(UserAccount.id).where(UserAccount.login == login)).first():
        raise Conflict("login_taken", f"登录名：“{login}”已被使用", field="login")
    user = UserAccount(office_id=uow.office_id, login=login, display_name=name, role=role.value,
                       password_hash=hash_password(password))
    uow.session.add(user)
    uow.session.flush()
    data_keys.wrap_for_password(uow, user, password)
    audit.record(uow, "create", "user", user.id, after={"login": login, "role": role.value})
    return _info(user)


def list_users(uow: UnitOfWork) -> list[UserInfo]:
    uow.actor.require(Permission.READ)
    users = uow.session.scalars(
        select(UserAccount).where(~UserAccount.is_system).order_by(UserAccount.login)
    )
    return [_info(u) for u in users]


def authenticate(workspace: Workspace, login: str, password: str) -> Actor:
    """Log in; five wrong passwords lock the account for ten minutes. Failures are audited too."""
    with workspace.database.write() as session:
        user = session.scalars(select(UserAccount).where(UserAccount.login == login.strip())).first()
        if user is None or user.is_system or not user.active:
            raise PermissionDenied("login_failed", "登录失败：用户名或密码不正确", field="password")
        uow = UnitOfWork(session, actor_for(user), workspace.clock)
        now = uow.utcnow()
        if user.locked_until is not None and user.locked_until > now:
            minutes = int((user.locked_until - now).total_seconds() // 60) + 1
            raise PermissionDenied("locked", f"账号已锁定，请 {minutes} 分钟后再试", field="login")
        if not verify_password(user.password_hash, password):
            user.failed_logins += 1
            audit.record(uow, "login_failed", "user", user.id)
            failure = PermissionDenied("login_failed", "登录失败：用户名或密码不正确", field="password")
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until, user.failed_logins = now + LOCKOUT, 0
                audit.record(uow, "locked", "user", user.id)
                minutes = int(LOCKOUT.total_seconds() // 60)
                failure = PermissionDenied(
                    "locked", f"密码连续错误 {MAX_FAILED_LOGINS} 次，账号已锁定，请 {minutes} 分钟后再试",
                    field="login")
        else:
            user.failed_logins, user.locked_until = 0, None
            audit.record(uow, "login", "user", user.id)
            data_keys.unlock_at_login(session, workspace.keyring, user, password)
            return actor_for(user)
    raise failure


def change_password(uow: UnitOfWork, old_password: str, new_password: str) -> None:
    """The acting user replaces their own password; the old one proves it is really them."""
    user = uow.session.get(UserAccount, uow.actor.user_id)
    if user is None or user.is_system:
        raise NotFound("user_not_found", "用户：找不到该用户", field="user")
    if not verify_password(user.password_hash, old_password):
        raise ValidationError("wrong_password", "原密码：不正确", field="old_password")
    check_password_policy(new_password, field="new_password", login=user.login)
    if new_password == old_password:
        raise ValidationError("password_unchanged", "新密码：不能与原密码相同", field="new_password")
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    data_keys.rewrap_own(uow, user, old_password, new_password)
    audit.record(uow, "change_password", "user", user.id)


def password_change_due(uow: UnitOfWork) -> bool:
    """True after an administrator's reset, until the user has chosen their own password."""
    user = uow.session.get(UserAccount, uow.actor.user_id)
    return bool(user is not None and user.must_change_password)


def _managed_user(uow: UnitOfWork, user_id: uuid.UUID) -> UserAccount:
    """A user of the actor's office that an administrator may manage (never the built-in account)."""
    uow.actor.require(Permission.MANAGE_USERS)
    user = uow.session.get(UserAccount, user_id)
    if user is None or user.office_id != uow.office_id or user.is_system:
        raise NotFound("user_not_found", "用户：找不到该用户", field="user")
    return user


def reset_password(uow: UnitOfWork, user_id: uuid.UUID, new_password: str) -> UserInfo:
    """An administrator sets a new password (and lifts a lockout); the user should change it soon."""
    user = _managed_user(uow, user_id)
    check_password_policy(new_password, field="new_password", login=user.login)
    user.password_hash = hash_password(new_password)
    user.failed_logins, user.locked_until = 0, None
    # The administrator knows this password: the user must replace it at the next login.
    user.must_change_password = user.id != uow.actor.user_id
    keeps_key = data_keys.wrap_for_password(uow, user, new_password)
    audit.record(uow, "reset_password", "user", user.id, after={"login": user.login, "keeps_key": keeps_key})
    return _info(user)


def set_accusation_access(uow: UnitOfWork, user_id: uuid.UUID, granted: bool | None) -> UserInfo:
    """Grant (True), revoke (False) or return to the role's default (None) the right to read
    检举控告类 content and accusers' identities. It applies to the user's next operation, even in a
    session already open (``workspace.current_actor``)."""
    user = _managed_user(uow, user_id)
    if user.read_accusation is granted:
        return _info(user)
    before = {"read_accusation": user.read_accusation}
    user.read_accusation = granted
    audit.record(uow, "set_grant", "user", user.id, before=before, after={"read_accusation": granted})
    return _info(user)


def set_role(uow: UnitOfWork, user_id: uuid.UUID, role: Role) -> UserInfo:
    """Give a user another role; it applies to their next operation, even in a session already open.
    A per-user grant or revocation of 检举控告类 access is kept (it was the administrator's choice)."""
    user = _managed_user(uow, user_id)
    if user.role == role.value:
        return _info(user)
    if user.id == uow.actor.user_id:
        raise ValidationError("role_self", "角色：不能修改自己正在使用的账号的角色", field="role")
    if user.role == Role.ADMIN.value and user.active and _active_admins(uow) <= 1:
        raise ValidationError("last_admin", "角色：这是最后一个启用的管理员账号，不能改为其他角色", field="role")
    before = {"role": user.role}
    user.role = role.value
    audit.record(uow, "set_role", "user", user.id, before=before, after={"role": role.value})
    return _info(user)


def set_active(uow: UnitOfWork, user_id: uuid.UUID, active: bool) -> UserInfo:
    """Deactivate (the user can no longer log in, and a session already open is refused at its next
    operation; records keep the name) or reactivate an account."""
    user = _managed_user(uow, user_id)
    if user.active == active:
        return _info(user)
    if not active:
        if user.id == uow.actor.user_id:
            raise ValidationError("deactivate_self", "用户：不能停用自己正在使用的账号", field="user")
        if user.role == Role.ADMIN.value and _active_admins(uow) <= 1:
            raise ValidationError("last_admin", "用户：这是最后一个启用的管理员账号，不能停用", field="user")
    user.active = active
    mark_wraps_changed(uow.session)  # only active accounts' wraps open an encrypted database file
    audit.record(uow, "activate" if active else "deactivate", "user", user.id,
                 before={"active": not active}, after={"active": active})
    return _info(user)


def _active_admins(uow: UnitOfWork) -> int:
    return len(uow.session.scalars(select(UserAccount.id).where(
        UserAccount.office_id == uow.office_id, UserAccount.role == Role.ADMIN.value,
        UserAccount.active, ~UserAccount.is_system)).all())
