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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import crypto
from app.crypto import Keyring, SealError
from app.domain.permissions import Permission
from app.errors import Conflict, PermissionDenied, ValidationError
from app.services import audit
from app.services.context import Actor, UnitOfWork
from app.services.key_file import mark_wraps_changed
from app.services.passwords import verify_password
from app.services.workspace import Workspace
from db.ids import new_id
from db.models import Attachment, DataKey, KeyWrap, UserAccount

if TYPE_CHECKING:
    from app.services.attachments import PlainFile

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


def public_key_of(workspace: Workspace) -> bytes | None:
    """The office key's public half without a login (None: encryption is off)."""
    office_id = workspace.local_office_id()
    with workspace.database.read() as session:
        key = office_key(session, office_id) if office_id else None
        return key.public_key if key else None


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
    mark_wraps_changed(session)


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


@dataclass(frozen=True)
class Sealing:
    """What one sealing run did: files sealed, and those still plain (cancelled: run it again)."""

    sealed: int
    remaining: int
    missing: int = 0  # rows whose plain file is gone (reported by the check; nothing to seal)


Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
# Files sealed between two commits: each batch is a short write transaction (clerks keep working) and
# a crash or a cancel loses at most the batch in hand, which the next run seals again.
BATCH_FILES = 20
BATCH_BYTES = 64 * 1024 * 1024


def turn_on(workspace: Workspace, actor: Actor, password: str) -> EncryptionOn:
    """Turn encryption on and seal every stored attachment (``xinfang encrypt-attachments``)."""
    code = enable(workspace, actor, password)
    return EncryptionOn(code, seal_stored_files(workspace, actor).sealed)


def enable(workspace: Workspace, actor: Actor, password: str) -> str:
    """A new office key pair, wrapped for the acting administrator and for a recovery code (returned,
    to be shown once). From the commit on, every new attachment is sealed; the stored ones are sealed
    by ``seal_stored_files``."""
    with workspace.write(actor) as uow:
        private, code = _enable(uow, workspace.attachments_dir, password)
    workspace.keyring.unlock(private, actor.user_id)
    return code


def _enable(uow: UnitOfWork, attachments_dir: Path, password: str) -> tuple[bytes, str]:
    from app.services import attachments

    uow.actor.require(Permission.MANAGE_SETTINGS)
    if office_key(uow.session, uow.office_id) is not None:
        raise Conflict("encryption_on", "附件加密：已经开启", field="encryption")
    user = uow.session.get(UserAccount, uow.actor.user_id)
    if user is None or not verify_password(user.password_hash, password):
        raise ValidationError("wrong_password", "密码：不正确（开启加密须输入当前账号的密码）", field="password")
    stale = attachments.remove_stale_sealed(attachments_dir)
    private, public = crypto.new_key_pair()
    data_key = DataKey(id=new_id(), office_id=uow.office_id, public_key=public)
    uow.session.add(data_key)
    uow.session.flush()
    uow.session.info["data_key_public"] = public
    _store_wrap(uow.session, data_key, user.id, private, password)
    code = crypto.new_recovery_code()
    _store_wrap(uow.session, data_key, None, private, code)
    audit.record(uow, "enable_encryption", "data_key", data_key.id,
                 after={"files_to_seal": len(attachments.plain_files(uow)), "stale_removed": stale})
    return private, code


def seal_stored_files(workspace: Workspace, actor: Actor, *, progress: Progress | None = None,
                      cancelled: Cancelled | None = None) -> Sealing:
    """Seal the stored attachments still plain, in batches; safe to cancel, to crash and to run again.

    Per batch: the sealed files are written beside the plain ones, then one short transaction points
    the rows at them (audited), then the plain copies are deleted. A cut before the commit leaves
    plain rows with a sealed copy the next run rewrites; a cut after it leaves plain copies the next
    run deletes — never a row whose file does not open.
    """
    from app.services import attachments

    with workspace.write(actor) as uow:
        uow.actor.require(Permission.MANAGE_SETTINGS)
        key = office_key(uow.session, uow.office_id)
        if key is None:
            raise ValidationError("encryption_off", "附件加密：尚未开启", field="encryption")
        todo = attachments.plain_files(uow)
        leftovers = attachments.plain_leftovers(uow, workspace.attachments_dir)
    _delete(leftovers)
    processed = sealed = 0
    for batch in _batches(todo):
        written: list[str] = []
        for file in batch:
            if cancelled is not None and cancelled():
                break
            processed += 1
            if attachments.seal_file(workspace.attachments_dir, file, key.public_key):
                written.append(file.sha256)
        if written:
            with workspace.write(actor) as uow:
                rows, leftovers = attachments.mark_sealed(uow, workspace.attachments_dir, written)
                audit.record(uow, "encrypt_attachments", "data_key", key.id,
                             after={"files": len(written), "rows": rows})
            _delete(leftovers)
            sealed += len(written)
        if progress is not None:
            progress(processed, len(todo))
        if cancelled is not None and cancelled():
            break
    return Sealing(sealed, len(todo) - processed, processed - sealed)


def _batches(files: list[PlainFile]) -> Iterator[list[PlainFile]]:
    batch: list[PlainFile] = []
    size = 0
    for file in files:
        batch.append(file)
        size += file.size
        if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _delete(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


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


def recover_with_code(workspace: Workspace, actor: Actor, typed: str, password: str) -> None:
    """An administrator without a usable wrap (their password was reset by someone who did not hold
    the key, or every administrator password was lost and reset from the command line) opens the key
    with the printed recovery code and gets a wrap under their own password again. Afterwards the
    administrator's resets give each user who lost access a working wrap."""
    keyring = Keyring()
    with workspace.write(actor) as uow:
        uow.actor.require(Permission.MANAGE_USERS)
        user = uow.session.get(UserAccount, uow.actor.user_id)
        if user is None or not verify_password(user.password_hash, password):
            raise ValidationError("wrong_password", "密码：不正确（须输入当前账号的密码）", field="password")
        unlock_with_recovery_code(uow.session, keyring, uow.office_id, typed)
        data_key = office_key(uow.session, uow.office_id)
        assert data_key is not None  # the recovery code opened it
        _store_wrap(uow.session, data_key, user.id, keyring.private(), password)
        audit.record(uow, "recover_key", "data_key", data_key.id, after={"login": user.login})
    workspace.keyring.unlock(keyring.private(), actor.user_id)


@dataclass(frozen=True)
class Protection:
    """What the settings page shows about encryption at rest."""

    on: bool
    sealed: int  # attachments stored sealed
    plain: int  # attachments still to be sealed (the program's notices are not counted: they stay plain)
    unlocked: bool  # this session holds the key
    without_key: tuple[str, ...]  # active accounts that cannot open sealed files ("姓名（登录名）"): all while off


def protection(uow: UnitOfWork) -> Protection:
    from app.services.attachments import PLAIN_ENTITY

    uow.actor.require(Permission.READ)
    data_key = office_key(uow.session, uow.office_id)
    counts = dict(uow.session.execute(select(Attachment.encrypted, func.count()).where(
        Attachment.office_id == uow.office_id, Attachment.entity_type != PLAIN_ENTITY)
        .group_by(Attachment.encrypted)).all())
    accounts = select(UserAccount.display_name, UserAccount.login).where(
        UserAccount.office_id == uow.office_id, UserAccount.active, ~UserAccount.is_system)
    if data_key is not None:  # while encryption is off, no account has a key
        accounts = accounts.where(UserAccount.id.not_in(select(KeyWrap.user_id).where(
            KeyWrap.data_key_id == data_key.id, KeyWrap.user_id.is_not(None))))
    without = tuple(f"{name}（{login}）" for name, login in uow.session.execute(accounts.order_by(UserAccount.login)))
    return Protection(data_key is not None, counts.get(True, 0), counts.get(False, 0), uow.keyring.unlocked,
                      without)


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
            mark_wraps_changed(uow.session)
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
