"""Password hashing (argon2) and the password policy; no password is ever stored or logged in clear."""

from __future__ import annotations

from functools import lru_cache

from app.errors import ValidationError

MIN_PASSWORD_LENGTH = 8


@lru_cache(maxsize=1)
def _hasher():  # type: ignore[no-untyped-def]
    from argon2 import PasswordHasher

    return PasswordHasher()


def check_password_policy(password: str, *, field: str = "password", login: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            "password_short", f"密码：至少 {MIN_PASSWORD_LENGTH} 位", field=field
        )
    if password.isdigit() or password.isalpha():
        raise ValidationError("password_weak", "密码：须同时包含字母和数字", field=field)
    if login and password.strip().casefold() == login.strip().casefold():
        raise ValidationError("password_is_login", "密码：不能与登录名相同", field=field)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
