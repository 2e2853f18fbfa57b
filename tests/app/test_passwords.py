"""Passwords: argon2 hashes, lockout after 5 failures for 10 minutes, the policy, change with the old
password, the administrator's reset forcing a change, and no password in clear anywhere (audit trail,
database and log files, exceptions, log records)."""

from __future__ import annotations

import logging
import traceback
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.domain.enums import Role
from app.errors import DomainError, PermissionDenied, ValidationError
from app.services.users import (
    LOCKOUT, MAX_FAILED_LOGINS, authenticate, change_password, create_user, password_change_due, reset_password,
)
from db.models import AuditEvent, UserAccount
from tests.conftest import PASSWORD

SECRETS = ("Zq7secretA1", "Zq7secretB2", "Zq7secretC3", "Zq7wrongD4")


def _user(ws, login: str) -> UserAccount:
    with ws.database.read() as session:
        user = session.scalars(select(UserAccount).where(UserAccount.login == login)).one()
        session.expunge(user)
        return user


def test_hashes_are_argon2_and_salted(ws, admin):
    with ws.write(admin) as uow:
        create_user(uow, "zhao", "赵一", Role.HANDLER, PASSWORD)
    hashes = {_user(ws, login).password_hash for login in ("zhao", "jingban")}
    assert len(hashes) == 2 and all(h.startswith("$argon2id$") for h in hashes)  # same password, two hashes


def test_five_failures_lock_for_ten_minutes_then_it_opens_again(ws):
    for attempt in range(1, MAX_FAILED_LOGINS):
        with pytest.raises(PermissionDenied, match="用户名或密码不正确"):
            authenticate(ws, "jingban", "wrong-1234")
        assert _user(ws, "jingban").failed_logins == attempt
    before = datetime.now(timezone.utc)
    with pytest.raises(PermissionDenied, match="连续错误 5 次，账号已锁定，请 10 分钟后再试"):
        authenticate(ws, "jingban", "wrong-1234")
    locked_until = _user(ws, "jingban").locked_until
    assert locked_until is not None and timedelta(0) <= locked_until - before - LOCKOUT < timedelta(seconds=5)
    with pytest.raises(PermissionDenied, match="已锁定"):
        authenticate(ws, "jingban", PASSWORD)  # the right password waits too
    with ws.database.write() as session:  # ten minutes pass
        session.get(UserAccount, _user(ws, "jingban").id).locked_until = datetime.now(timezone.utc) - timedelta(seconds=1)
    assert authenticate(ws, "jingban", PASSWORD).login == "jingban"
    user = _user(ws, "jingban")
    assert user.failed_logins == 0 and user.locked_until is None


def test_a_success_resets_the_count_of_failures(ws):
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(PermissionDenied):
            authenticate(ws, "jingban", "wrong-1234")
    authenticate(ws, "jingban", PASSWORD)
    with pytest.raises(PermissionDenied, match="用户名或密码不正确"):  # one more failure does not lock
        authenticate(ws, "jingban", "wrong-1234")


def test_policy_length_letters_and_digits_not_the_login(ws, admin, actors):
    with pytest.raises(ValidationError, match="不能与登录名相同"), ws.write(admin) as uow:
        create_user(uow, "wang12345", "王五", Role.HANDLER, "WANG12345")
    with ws.write(admin) as uow:
        zhou = create_user(uow, "zhou2026", "周六", Role.HANDLER, PASSWORD)
    with pytest.raises(ValidationError, match="不能与登录名相同"), ws.write(admin) as uow:
        reset_password(uow, zhou.id, " Zhou2026")
    handler = actors[Role.HANDLER]
    for new, message in (("ab1", "至少 8 位"), ("abcdefgh", "字母和数字"), ("12345678", "字母和数字"),
                         (PASSWORD, "不能与原密码相同")):
        with pytest.raises(ValidationError, match=message) as refused, ws.write(handler) as uow:
            change_password(uow, PASSWORD, new)
        assert refused.value.field == "new_password"
    with pytest.raises(ValidationError, match="原密码：不正确") as refused, ws.write(handler) as uow:
        change_password(uow, "not-the-old-1", "good12345")
    assert refused.value.field == "old_password"
    assert authenticate(ws, "jingban", PASSWORD).login == "jingban"  # nothing changed


def test_reset_forces_a_change_which_clears_the_flag(ws, admin, actors):
    handler = actors[Role.HANDLER]
    with ws.write(admin) as uow:
        info = reset_password(uow, handler.user_id, "temp12345")
        assert info.must_change_password
        reset_password(uow, admin.user_id, "self12345")  # resetting one's own: nobody else knows it
    with ws.read(admin) as uow:
        assert not password_change_due(uow)
    actor = authenticate(ws, "jingban", "temp12345")
    with ws.read(actor) as uow:
        assert password_change_due(uow)
    with ws.write(actor) as uow:
        change_password(uow, "temp12345", "mine12345")
    with ws.read(actor) as uow:
        assert not password_change_due(uow)
    with ws.database.read() as session:
        actions = [a for a in session.scalars(select(AuditEvent.action).where(
            AuditEvent.entity_id == str(handler.user_id)).order_by(AuditEvent.seq))]
    assert actions == ["reset_password", "login", "change_password"]


def test_no_password_in_clear_anywhere(ws, admin, caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # SQL and its parameters, as if echoed
    errors: list[DomainError] = []
    try:
        new, reset, changed, wrong = SECRETS
        with ws.write(admin) as uow:
            user = create_user(uow, "zhao", "赵一", Role.HANDLER, new)
        for _ in range(MAX_FAILED_LOGINS + 1):
            try:
                authenticate(ws, "zhao", wrong)
            except DomainError as exc:
                errors.append(exc)
        with ws.write(admin) as uow:
            reset_password(uow, user.id, reset)
        actor = authenticate(ws, "zhao", reset)
        for old, candidate in ((wrong, changed), (reset, "short1"), (reset, changed)):
            try:
                with ws.write(actor) as uow:
                    change_password(uow, old, candidate)
            except DomainError as exc:
                errors.append(exc)
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    assert {e.code for e in errors} == {"login_failed", "locked", "wrong_password", "password_short"}
    with ws.database.read() as session:
        trail = [repr((e.user_login, e.action, e.before, e.after)) for e in session.scalars(select(AuditEvent))]
    places = {
        "audit trail": "\n".join(trail),
        "exceptions": "\n".join(repr((e, e.message, e.params, e.field)) + "".join(traceback.format_exception(e))
                                for e in errors),
        "log records": caplog.text,
    }
    assert "zhao" in places["audit trail"] and "INSERT INTO audit_event" in places["log records"]
    for path in ws.data_dir.rglob("*"):  # the database, its WAL, logs: every file of the data folder
        if path.is_file():
            places[str(path)] = path.read_bytes().decode("utf-8", "replace")
    for where, text in places.items():
        for secret in SECRETS:
            assert secret not in text, f"{secret} in {where}"
