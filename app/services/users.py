"""User accounts: creation, login with lockout, password change."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from app.domain.enums import Role
from app.domain.permissions import Permission
from app.domain.text import clean_line
from app.errors import Conflict, PermissionDenied, ValidationError
from app.services import audit
from app.services.context import Actor, UnitOfWork
from app.services.passwords import check_password_policy, hash_password, verify_password
from app.services.workspace import Workspace, actor_for
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


def _info(user: UserAccount) -> UserInfo:
    return UserInfo(user.id, user.login, user.display_name, Role(user.role), user.active)


def create_user(uow: UnitOfWork, login: str, display_name: str, role: Role, password: str) -> UserInfo:
    uow.actor.require(Permission.MANAGE_USERS)
    login = clean_line(login, field="login", label="登录名", max_length=50)
    name = clean_line(display_name, field="display_name", label="姓名", max_length=50)
    check_password_policy(password)
    if uow.session.scalars(select(UserAccount.id).where(UserAccount.login == login)).first():
        raise Conflict("login_taken", f"登录名：“{login}”已被使用", field="login")
    user = UserAccount(office_id=uow.office_id, login=login, display_name=name, role=role.value,
                       password_hash=hash_password(password))
    uow.session.add(user)
    uow.session.flush()
    audit.record(uow, "create", "user", user.id, after={"login": login, "role": role.value})
    return _info(user)


def list_users(uow: UnitOfWork) -> list[UserInfo]:
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
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until, user.failed_logins = now + LOCKOUT, 0
            audit.record(uow, "login_failed", "user", user.id)
            failure = PermissionDenied("login_failed", "登录失败：用户名或密码不正确", field="password")
        else:
            user.failed_logins, user.locked_until = 0, None
            audit.record(uow, "login", "user", user.id)
            return actor_for(user)
    raise failure


def change_password(uow: UnitOfWork, old_password: str, new_password: str) -> None:
    user = uow.session.get(UserAccount, uow.actor.user_id)
    assert user is not None
    if not verify_password(user.password_hash, old_password):
        raise ValidationError("wrong_password", "原密码：不正确", field="old_password")
    check_password_policy(new_password, field="new_password")
    user.password_hash = hash_password(new_password)
    audit.record(uow, "change_password", "user", user.id)
