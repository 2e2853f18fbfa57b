"""The key that protects attached files at rest, and who can open it (docs/security-at-rest.md).

An administrator turns encryption on once: the office gets an X25519 key pair; the public half is
stored in clear (any program instance can seal a new file), the private half only wrapped — for each
user under their password, and once under a recovery code printed for the office's safe. Logging in
unwraps it into the workspace's keyring (memory only). A password change re-wraps the user's copy; an
administrator's reset re-wraps it from the administrator's unlocked keyring, so no file becomes
unreadable when a password is forgotten.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import crypto
from app.crypto import Keyring, SealError
from app.domain.permissions import Permission
from app.errors import Conflict, PermissionDenied, ValidationError
from app.services import audit
from app.services.context import Actor, UnitOfWork
from app.services.passwords import verify_password
from app.services.workspace import Workspace
from db.models import DataKey, KeyWrap, UserAccount

RECOVERY = b"recovery"


def _owner(data_key: DataKey, user_id: uuid.UUID | None) -> bytes:
    """Associated data binding a wrap to its key and its holder."""
    return b"xinfang key wrap|" + data_key.id.bytes + (user_id.bytes if user_id else RECOVERY)


def office_key(session: Session, office_id: uuid.UUID) -> DataKey | None:
    return session.scalars(select(DataKey).where(DataKey.office_id == office_id)).first()


def public_key(uow: UnitOfWork) -> bytes | None:
    """The key new attachments are sealed for; None while encryption is off."""
    if "data_key_public" not in uow.session.info:
        key = office_key(uow.session, uow.office_id)
        uow.session.info["data_key_public"] = key.public_key if key else None
    return uow.session.info["data_key_public"]  # type: ignore[no-any-return]


def _wrap_row(session: Session, data_key: DataKey, user_id: uuid.UUID | None) -> KeyWrap | None:
    return session.scalars(select(KeyWrap).where(
        KeyWrap.data_key_id == data_key.id,
        KeyWrap.user_id.is_(None) if user_id is None else KeyWrap.user_id == user_id)).first()


def _store_wrap(session: Session, data_key: DataKey, user_id: uuid.UUID | None, private: bytes,
                secret: str) -> None:
    wrapped = crypto.wrap(private, secret, _owner(data_key, user_id))
    row = _wrap_row(session, data_key, user_id)
    if row is None:
        row = KeyWrap(office_id=data_key.office_id, data_key_id=data_key.id, user_id=user_id)
        session.add(row)
    row.kdf, row.kdf_params = crypto.KDF, dict(crypto.KDF_PARAMS)
    row.salt, row.nonce, row.wrapped = wrapped.salt, wrapped.nonce, wrapped.wrapped
    session.flush()


def _unwrap(data_key: DataKey, row: KeyWrap, secret: str) -> bytes:
    private = crypto.unwrap(crypto.Wrapped(row.salt, row.nonce, row.wrapped), secret,
                            _owner(data_key, row.user_id), row.params())
    if crypto.public_of(private) != data_key.public_key:
        raise SealError("wrap holds another key")
    return private


@dataclass(frozen=True)
class EncryptionOn:
    recovery_code: str  # show once, print for the safe; never stored
    files_encrypted: int


def turn_on(workspace: Workspace, actor: Actor, password: str) -> EncryptionOn:
    """Turn encryption on: a new key pair, wrapped for the acting administrator and for a recovery
    code, and every stored attachment sealed. The plain copies are deleted only after the commit (a
    crash in between leaves a plain copy beside the sealed one, never a file that no longer opens)."""
    with workspace.write(actor) as uow:
        result, leftovers, private = _enable(uow, workspace.attachments_dir, password)
    for path in leftovers:
        path.unlink(missing_ok=True)
    workspace.keyring.unlock(private, actor.user_id)
    return result


def _enable(uow: UnitOfWork, attachments_dir: Path, password: str) -> tuple[EncryptionOn, list[Path], bytes]:
    from app.services import attachments

    uow.actor.require(Permission.MANAGE_SETTINGS)
    if office_key(uow.session, uow.office_id) is not None:
        raise Conflict("encryption_on", "附件加密：已经开启", field="encryption")
    user = uow.session.get(UserAccount, uow.actor.user_id)
    if user is None or not verify_password(user.password_hash, password):
        raise ValidationError("wrong_password", "密码：不正确（开启加密须输入当前账号的密码）", field="password")
    private, public = crypto.new_key_pair()
    data_key = DataKey(id=uuid.uuid4(), office_id=uow.office_id, public_key=public)
    uow.session.add(data_key)
    uow.session.flush()
    uow.session.info["data_key_public"] = public
    _store_wrap(uow.session, data_key, user.id, private, password)
    code = crypto.new_recovery_code()
    _store_wrap(uow.session, data_key, None, private, code)
    sealed, leftovers = attachments.seal_stored(uow, attachments_dir, public)
    audit.record(uow, "enable_encryption", "data_key", data_key.id, after={"files": sealed})
    return EncryptionOn(code, sealed), leftovers, private


def unlock_at_login(session: Session, keyring: Keyring, user: UserAccount, password: str) -> None:
    """After a successful login: hold the key if this user has a wrap of it, else nothing."""
    keyring.lock()
    data_key = office_key(session, user.office_id)
    row = _wrap_row(session, data_key, user.id) if data_key else None
    if data_key is None or row is None:
        return
    try:
        keyring.unlock(_unwrap(data_key, row, password), user.id)
    except SealError:
        return  # a wrap made under an older password (reset without the key): the admin re-wraps it


def unlock_with_recovery_code(session: Session, keyring: Keyring, office_id: uuid.UUID, typed: str) -> None:
    """Open the key with the printed recovery code (every administrator password lost)."""
    data_key = office_key(session, office_id)
    row = _wrap_row(session, data_key, None) if data_key else None
    if data_key is None or row is None:
        raise ValidationError("encryption_off", "附件加密：尚未开启", field="recovery_code")
    try:
        keyring.unlock(_unwrap(data_key, row, crypto.normalise_recovery_code(typed)), "recovery")
    except SealError:
        raise ValidationError("wrong_recovery_code", "恢复码：不正确", field="recovery_code") from None


def wrap_for_password(uow: UnitOfWork, user: UserAccount, password: str) -> bool:
    """Give ``user`` a wrap under ``password`` (new user, admin reset) from the acting user's unlocked
    key. False when encryption is on but the actor does not hold the key: the user then cannot open
    encrypted files until someone who holds it resets the password again."""
    data_key = office_key(uow.session, uow.office_id)
    if data_key is None:
        return True
    if not uow.keyring.unlocked:
        stale = _wrap_row(uow.session, data_key, user.id)
        if stale is not None:
            uow.session.delete(stale)
            uow.session.flush()
        return False
    _store_wrap(uow.session, data_key, user.id, uow.keyring.private(), password)
    return True


def rewrap_own(uow: UnitOfWork, user: UserAccount, old_password: str, new_password: str) -> None:
    """A user changed their own password: their wrap moves to the new one."""
    data_key = office_key(uow.session, uow.office_id)
    row = _wrap_row(uow.session, data_key, user.id) if data_key else None
    if data_key is None:
        return
    private: bytes | None = None
    if row is not None:
        try:
            private = _unwrap(data_key, row, old_password)
        except SealError:
            private = None
    if private is None and uow.keyring.unlocked:
        private = uow.keyring.private()
    if private is not None:
        _store_wrap(uow.session, data_key, user.id, private, new_password)


def require_key(keyring: Keyring) -> bytes:
    """The private key, or a PermissionDenied telling the clerk how to get it."""
    if not keyring.unlocked:
        raise PermissionDenied("key_locked", "附件已加密：当前账号没有解密密钥，请由管理员重置本账号密码后重新登录",
                               field="attachment")
    return keyring.private()
