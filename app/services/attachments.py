"""Attached files (scans, photos, PDFs): kept once by SHA-256 under ``attachments/<sha[:2]>/<sha>``.

The database row keeps the original name, size, type and the record it belongs to; the file on
disk is named only by its hash, so the same scan attached twice is stored once and a file name can
never reach outside the folder. Executables are refused by name and by content, and a file missing
on disk is reported (``present=False`` / StorageError), never a crash.

Once encryption is on (app/services/data_keys.py), files attached to persons, contacts and matters are
stored sealed (``<sha256>.xfe``, app/crypto.py) and read back only with the key unlocked at login.
The program's own notice PDFs stay plain: everything they say is in the database already, and the
command line re-prints them without a login.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import os
import unicodedata
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select

from app import crypto
from app.domain.permissions import Permission, allows, require
from app.domain.text import clean_line
from app.errors import NotFound, StorageError, ValidationError
from app.services import audit, data_keys, secrecy
from app.services.context import UnitOfWork
from app.services.persons import live_person
from app.settings import SPEC_BY_KEY
from db.ids import new_id
from db.models import Attachment, Contact, Document, Matter

MB = 1024 * 1024
MAX_BYTES = SPEC_BY_KEY["attachment_max_mb"].default * MB  # unless the office changes the setting
MAX_NAME_LENGTH = 120
CHUNK = 1024 * 1024
INCOMING = ".incoming"
SEALED_SUFFIX = ".xfe"
# The program's own notices stay plain (see the module docstring).
PLAIN_ENTITY = "document"
# Programs, scripts, installers and shortcuts Windows (or a Linux desktop) runs or follows on a double-click.
BLOCKED_SUFFIXES = frozenset({
    ".exe", ".bat", ".cmd", ".com", ".scr", ".js", ".vbs", ".ps1", ".msi",
    ".pif", ".hta", ".jse", ".vbe", ".wsf", ".wsh", ".cpl", ".lnk", ".reg", ".dll", ".msp", ".scf",
    ".vb", ".ws", ".wsc", ".sct", ".psm1", ".psd1", ".ps1xml", ".ps2", ".msh", ".mst", ".msc", ".inf", ".ins",
    ".isp", ".jar", ".gadget", ".application", ".appref-ms", ".appx", ".appxbundle", ".msix", ".msixbundle",
    ".xbap", ".chm", ".hlp", ".url", ".website", ".settingcontent-ms", ".sys", ".drv", ".ocx", ".sh", ".run",
    ".desktop", ".py", ".pyw", ".apk",
})
# Windows PE ("MZ"), Linux ELF, macOS Mach-O (both byte orders, 32/64-bit, universal), Windows shortcut
# (.lnk header), and any script with a "#!" interpreter line.
EXECUTABLE_MAGIC = (
    b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe", b"L\x00\x00\x00\x01\x14\x02\x00", b"#!",
)
_SNIFF = (
    (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"), (b"%PDF-", "application/pdf"), (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
# Names Windows reserves for devices, with any extension (CON.txt opens the console).
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in (*map(str, range(10)), "\u00b9", "\u00b2", "\u00b3")}
_FORBIDDEN_CHARS = set('<>:"/\\|?*')
# Which permission lets a user attach to which kind of record (any one of them suffices).
ATTACH_PERMISSIONS: dict[str, tuple[Permission, ...]] = {
    "person": (Permission.EDIT_PERSON,),
    "contact": (Permission.REGISTER_CONTACT, Permission.HANDLE_MATTER),
    "matter": (Permission.DECIDE_MATTER, Permission.HANDLE_MATTER, Permission.OWN_MATTER),
    "document": (Permission.ISSUE_DOCUMENT,),
}
_ENTITY_MODELS = {"contact": Contact, "matter": Matter, "document": Document}


@dataclass(frozen=True)
class AttachmentInfo:
    id: uuid.UUID
    sha256: str
    name: str
    size: int
    mime: str
    entity_type: str
    entity_id: uuid.UUID
    added_at: datetime  # UTC
    note: str
    present: bool  # the file is on disk

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")

    @property
    def is_pdf(self) -> bool:
        return self.mime == "application/pdf"


def stored_name(sha256: str, encrypted: bool = False) -> str:
    """The file name a stored file has: its content's hash, plus the sealed suffix when encrypted."""
    return sha256 + SEALED_SUFFIX if encrypted else sha256


def blob_path(attachments_dir: Path, sha256: str, encrypted: bool = False) -> Path:
    """Where a file with this hash lives (the layout ``xinfang check`` verifies)."""
    return attachments_dir / sha256[:2] / stored_name(sha256, encrypted)


def stored_path(attachments_dir: Path, row: Attachment) -> Path:
    return blob_path(attachments_dir, row.sha256, row.encrypted)


def safe_name(raw: str) -> str:
    """The original name made harmless: no folders, no control or direction characters, no device names."""
    name = unicodedata.normalize("NFC", str(raw)).replace("\\", "/").split("/")[-1]
    # Cc: control characters; Cf: format characters such as U+202E, which can show "gpj.exe" as "exe.jpg".
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    name = "".join("_" if ch in _FORBIDDEN_CHARS else ch for ch in name)
    name = name.strip(" .")  # Windows drops trailing dots and spaces: "a.exe." would open as "a.exe"
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = "_" + stem
    if len(suffix) > 10:
        stem, suffix = f"{stem}.{suffix}" if stem else suffix, ""
    room = MAX_NAME_LENGTH - (len(suffix) + 1 if suffix else 0)
    stem = stem[:room].strip(" .") or "附件"
    return f"{stem}.{suffix}" if suffix else stem


def _check_name(name: str) -> None:
    suffix = Path(name).suffix.lower()
    if suffix in BLOCKED_SUFFIXES:
        raise ValidationError("attachment_executable", f"附件：不能添加可执行文件或脚本（{suffix}）：{name}",
                              field="attachment", name=name)


def _require(uow: UnitOfWork, entity_type: str) -> None:
    needed = ATTACH_PERMISSIONS.get(entity_type)
    if needed is None:
        raise ValidationError("attachment_entity", "附件：不能附加到这类记录", field="entity_type")
    if not any(allows(uow.actor.role, p) for p in needed):
        require(uow.actor.role, needed[0])


def _owner_id(uow: UnitOfWork, entity_type: str, entity_id: uuid.UUID) -> uuid.UUID:
    """The record the file is attached to; a merged-away archive hands over to its survivor."""
    if entity_type == "person":
        return live_person(uow.session, entity_id).id
    if uow.session.get(_ENTITY_MODELS[entity_type], entity_id) is None:
        raise NotFound(entity_type, "附件：所属记录不存在", field="entity_id")
    return entity_id


def store_file(uow: UnitOfWork, attachments_dir: Path, source: Path | str, entity_type: str,
               entity_id: uuid.UUID, *, note: str = "") -> AttachmentInfo:
    """Attach a file from disk (a dropped or chosen file)."""
    path = Path(source)
    name = safe_name(path.name)
    _check_name(name)
    limit = max_bytes(uow)
    try:
        if path.is_dir():
            raise ValidationError("attachment_folder", f"附件：{name} 是文件夹，请选择文件", field="attachment")
        size = path.stat().st_size
        _check_size(size, name, limit)
        with path.open("rb") as stream:
            return _store(uow, attachments_dir, stream, name, entity_type, entity_id, note, limit)
    except OSError as exc:
        raise StorageError("attachment_read", f"附件：无法读取文件 {name}（{exc.strerror or exc}）",
                           field="attachment") from exc


def store_bytes(uow: UnitOfWork, attachments_dir: Path, data: bytes, name: str, entity_type: str,
                entity_id: uuid.UUID, *, note: str = "") -> AttachmentInfo:
    """Attach content held in memory (a pasted picture, a scanner's output)."""
    name = safe_name(name)
    _check_name(name)
    limit = max_bytes(uow)
    _check_size(len(data), name, limit)
    return _store(uow, attachments_dir, io.BytesIO(data), name, entity_type, entity_id, note, limit)


def max_bytes(uow: UnitOfWork) -> int:
    """The office's size limit for one attached file (setting ``attachment_max_mb``, 50 MB unless changed)."""
    return int(uow.setting("attachment_max_mb")) * MB


def _check_size(size: int, name: str, limit: int) -> None:
    if size > limit:
        raise ValidationError(
            "attachment_too_big",
            f"附件：{name} 有 {size / MB:.1f} MB，超过 {limit // MB} MB 的上限（可在系统设置中调整）",
            field="attachment", name=name, size=size, limit=limit)
    if size == 0:
        raise ValidationError("attachment_empty", f"附件：{name} 是空文件", field="attachment", name=name)


def _store(uow: UnitOfWork, attachments_dir: Path, stream: BinaryIO, name: str, entity_type: str,
           entity_id: uuid.UUID, note: str, limit: int) -> AttachmentInfo:
    _require(uow, entity_type)
    note = clean_line(note, field="note", label="附件说明", max_length=100, required=False)
    owner = _owner_id(uow, entity_type, entity_id)
    seal_for = None if entity_type == PLAIN_ENTITY else data_keys.public_key(uow)
    sha, size, head = _write_blob(attachments_dir, stream, name, limit, seal_for)
    existing = uow.session.scalars(select(Attachment).where(
        Attachment.sha256 == sha, Attachment.entity_type == entity_type, Attachment.entity_id == owner)).first()
    if existing is not None:
        return _info(existing, attachments_dir)
    mime = _mime(head, name)
    row = Attachment(id=new_id(), office_id=uow.office_id, sha256=sha, original_name=name, size=size,
                     mime=mime, entity_type=entity_type, entity_id=owner, note=note,
                     encrypted=seal_for is not None)
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow, "attach", entity_type, owner,
                 after={"attachment_id": row.id, "name": name, "sha256": sha, "size": size, "mime": mime})
    return _info(row, attachments_dir)


def _write_blob(attachments_dir: Path, stream: BinaryIO, name: str, limit: int,
                seal_for: bytes | None, *, replace: bool = False) -> tuple[str, int, bytes]:
    """Copy the stream into the store while hashing it (sealing it for ``seal_for``, the office's
    public key, when given); returns (sha256 of the plain content, size, first bytes). An identical
    stored file is kept unless ``replace`` (a sealed file left by an interrupted sealing is rewritten)."""
    incoming = attachments_dir / INCOMING
    temp = incoming / f"{uuid.uuid4().hex}.part"
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        incoming.mkdir(parents=True, exist_ok=True)
        with temp.open("wb") as out:
            sink = crypto.SealingWriter(out, seal_for) if seal_for is not None else None
            while chunk := stream.read(CHUNK):
                if not head:
                    head = chunk[:16]
                    if head.startswith(EXECUTABLE_MAGIC):
                        raise ValidationError("attachment_executable",
                                              f"附件：{name} 是可执行程序，不能添加", field="attachment", name=name)
                size += len(chunk)
                if size > limit:  # the file grew after it was measured
                    _check_size(size, name, limit)
                digest.update(chunk)
                (sink or out).write(chunk)
            if sink is not None:
                sink.close()
        _check_size(size, name, limit)
        sha = digest.hexdigest()
        final = blob_path(attachments_dir, sha, seal_for is not None)
        if replace or not (final.is_file() and final.stat().st_size == (crypto.sealed_size(size) if seal_for else size)):
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp, final)
        return sha, size, head
    except OSError as exc:
        raise StorageError("attachment_write", f"附件：无法保存 {name}（{exc.strerror or exc}）",
                           field="attachment") from exc
    finally:
        temp.unlink(missing_ok=True)


def store_received(attachments_dir: Path, sha256: str, data: bytes, seal_for: bytes | None) -> None:
    """Keep a file another office sent (a sync package; its content already checked against
    ``sha256``), sealed for ``seal_for`` (this office's public key) when given."""
    stored, _size, _head = _write_blob(attachments_dir, io.BytesIO(data), sha256, max(len(data), 1), seal_for)
    if stored != sha256:
        raise StorageError("attachment_hash", f"附件 {sha256[:12]}… 的内容与其校验值不符", field="attachment")


def _mime(head: bytes, name: str) -> str:
    for magic, mime in _SNIFF:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _info(row: Attachment, attachments_dir: Path) -> AttachmentInfo:
    return AttachmentInfo(row.id, row.sha256, row.original_name, row.size, row.mime, row.entity_type,
                          row.entity_id, row.created_at, row.note, stored_path(attachments_dir, row).is_file())


def list_attachments(uow: UnitOfWork, attachments_dir: Path,
                     owners: Iterable[tuple[str, uuid.UUID]]) -> list[AttachmentInfo]:
    """Attachments of these (entity_type, entity_id) records, newest first."""
    uow.actor.require(Permission.READ)
    by_type: dict[str, list[uuid.UUID]] = {}
    for entity_type, entity_id in owners:
        by_type.setdefault(entity_type, []).append(entity_id)
    rows: list[Attachment] = []
    for entity_type, ids in by_type.items():
        for start in range(0, len(ids), 500):
            rows += uow.session.scalars(select(Attachment).where(
                Attachment.entity_type == entity_type, Attachment.entity_id.in_(ids[start:start + 500])))
    rows.sort(key=lambda r: r.created_at, reverse=True)
    return [_info(r, attachments_dir) for r in rows]


def _row(uow: UnitOfWork, attachment_id: uuid.UUID) -> Attachment:
    row = uow.session.get(Attachment, attachment_id)
    if row is None:
        raise NotFound("attachment", "附件：记录不存在", field="attachment_id")
    return row


def attachment_file(uow: UnitOfWork, attachments_dir: Path, attachment_id: uuid.UUID) -> Path:
    """The stored file (sealed when ``encrypted``: use ``attachment_bytes`` or ``viewable_copy`` to read
    it); a file gone from disk is a StorageError naming it."""
    uow.actor.require(Permission.READ)
    row = _row(uow, attachment_id)
    path = stored_path(attachments_dir, row)
    if not path.is_file():
        raise StorageError("attachment_missing",
                           f"附件缺失：{row.original_name} 的文件不在附件文件夹中（可从备份恢复，或运行数据检查）",
                           field="attachment", name=row.original_name)
    return path


def _plain_chunks(uow: UnitOfWork, source: Path, row: Attachment) -> Iterable[bytes]:
    with source.open("rb") as stream:
        if not row.encrypted:
            while chunk := stream.read(CHUNK):
                yield chunk
            return
        try:
            yield from crypto.open_sealed(stream, data_keys.require_key(uow.keyring))
        except crypto.SealError:
            raise StorageError("attachment_damaged",
                               f"附件：{row.original_name} 无法解密（文件已损坏或被改动，可从备份恢复）",
                               field="attachment", name=row.original_name) from None


def attachment_bytes(uow: UnitOfWork, attachments_dir: Path, attachment_id: uuid.UUID) -> bytes:
    """The file's content (decrypted when stored sealed)."""
    source = attachment_file(uow, attachments_dir, attachment_id)
    row = _row(uow, attachment_id)
    try:
        return b"".join(_plain_chunks(uow, source, row))
    except OSError as exc:
        raise StorageError("attachment_read", f"附件：无法读取 {row.original_name}（{exc.strerror or exc}）",
                           field="attachment") from exc


def viewable_copy(uow: UnitOfWork, attachments_dir: Path, attachment_id: uuid.UUID, target_dir: Path) -> Path:
    """A copy under its original name (the store has no extensions, which viewers need), decrypted:
    a viewer needs a plain file, so ``target_dir`` should be a folder the program empties."""
    source = attachment_file(uow, attachments_dir, attachment_id)
    row = _row(uow, attachment_id)
    secrecy.require_content_access(uow, row.entity_type, row.entity_id, "附件")
    audit.record_access(uow, "open", "attachment", row.id, owner=row.entity_type, owner_id=row.entity_id)
    target = Path(target_dir) / row.sha256[:12] / safe_name(row.original_name)
    try:
        if not (target.is_file() and target.stat().st_size == row.size):
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(target.name + ".part")
            with temp.open("wb") as out:
                for chunk in _plain_chunks(uow, source, row):
                    out.write(chunk)
            os.replace(temp, target)
    except OSError as exc:
        raise StorageError("attachment_copy", f"附件：无法打开 {row.original_name}（{exc.strerror or exc}）",
                           field="attachment") from exc
    return target


@dataclass(frozen=True)
class PlainFile:
    """A stored file still waiting to be sealed (every row sharing its content is sealed with it)."""

    sha256: str
    size: int
    name: str


def plain_files(uow: UnitOfWork) -> list[PlainFile]:
    """Files attached to persons, contacts and matters that are not sealed yet (the program's notices
    stay plain), one per content."""
    rows = uow.session.execute(select(Attachment.sha256, Attachment.size, func.min(Attachment.original_name))
                               .where(~Attachment.encrypted, Attachment.entity_type != PLAIN_ENTITY)
                               .group_by(Attachment.sha256, Attachment.size).order_by(Attachment.sha256))
    return [PlainFile(sha, size, name) for sha, size, name in rows]


def seal_file(attachments_dir: Path, file: PlainFile, public: bytes) -> bool:
    """Write the sealed form of a plain stored file beside it (rewriting any sealed copy an interrupted
    run left); False when the plain file is missing (the check reports it)."""
    plain = blob_path(attachments_dir, file.sha256)
    if not plain.is_file():
        return False
    with plain.open("rb") as stream:
        _write_blob(attachments_dir, stream, file.name, max(file.size, 1), public, replace=True)
    return True


def mark_sealed(uow: UnitOfWork, attachments_dir: Path, shas: Collection[str]) -> tuple[int, list[Path]]:
    """Rows of these contents now point at their sealed files; returns how many rows, and the plain
    files nobody reads any more (delete them only after the commit)."""
    rows = uow.session.scalars(select(Attachment).where(
        Attachment.sha256.in_(shas), ~Attachment.encrypted, Attachment.entity_type != PLAIN_ENTITY)).all()
    for row in rows:
        row.encrypted = True
    uow.session.flush()
    return len(rows), plain_leftovers(uow, attachments_dir, shas)


def plain_leftovers(uow: UnitOfWork, attachments_dir: Path, shas: Collection[str] | None = None) -> list[Path]:
    """Plain files whose every row is sealed (a crash between a commit and the deletion leaves them)."""
    sealed = select(Attachment.sha256).where(Attachment.encrypted)
    if shas is not None:
        sealed = sealed.where(Attachment.sha256.in_(shas))
    still_plain = set(uow.session.scalars(select(Attachment.sha256).where(~Attachment.encrypted)))
    leftovers = {blob_path(attachments_dir, sha) for sha in uow.session.scalars(sealed.distinct())
                 if sha not in still_plain}
    return sorted(p for p in leftovers if p.is_file())


def remove_stale_sealed(attachments_dir: Path) -> int:
    """Before a new office key exists no sealed file can be opened: any found were left by an attempt
    to turn encryption on that was cut off before its commit. They must go, or a later file with the
    same content would be taken as already sealed for the new key."""
    stale = [p for p in attachments_dir.glob(f"??/*{SEALED_SUFFIX}") if p.is_file()]
    for path in stale:
        path.unlink()
    return len(stale)


def verify_stored(attachments_dir: Path, row: Attachment, keyring: crypto.Keyring) -> str | None:
    """What is wrong with the stored file of ``row`` (None: nothing). A sealed file is decrypted and
    hashed when the key is unlocked; without the key its header and exact length are checked."""
    path = stored_path(attachments_dir, row)
    if not path.is_file():
        return "attachment_missing"
    if not row.encrypted:
        return None if hashlib.sha256(path.read_bytes()).hexdigest() == row.sha256 else "attachment_hash"
    if not keyring.unlocked:
        with path.open("rb") as stream:
            header = stream.read(len(crypto.MAGIC))
        intact = header == crypto.MAGIC and path.stat().st_size == crypto.sealed_size(row.size)
        return None if intact else "attachment_hash"
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            for chunk in crypto.open_sealed(stream, keyring.private()):
                digest.update(chunk)
    except crypto.SealError:
        return "attachment_hash"
    return None if digest.hexdigest() == row.sha256 else "attachment_hash"


def remove_attachment(uow: UnitOfWork, attachment_id: uuid.UUID) -> None:
    """Unlink a file from its record; the stored file stays (others may share it; backups stay whole)."""
    row = _row(uow, attachment_id)
    _require(uow, row.entity_type)
    audit.record(uow, "detach", row.entity_type, row.entity_id,
                 before={"attachment_id": row.id, "name": row.original_name, "sha256": row.sha256})
    uow.session.delete(row)
    uow.session.flush()
