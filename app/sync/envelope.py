"""Write and open sync packages: the interface the export and import use cases call.

``write_package`` puts rows (JSON Lines per table) and attachment files into an inner zip with a
manifest, seals it to the receiver (app/sync/container.py) and writes ``<division code>-<sequence
:06d>-<yyyymmdd>.xfsync`` atomically, then reads it back. ``open_package`` refuses anything not
proven to come from an enrolled partner and addressed to us, and checks every member before it
hands out a single row. Every refusal is a PackageRejected with a Chinese message; the format is
described in docs/sync-format.md.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson
from sqlalchemy.orm import Session

from app.errors import PackageRejected, StorageError
from app.sync import container
from app.sync.container import Progress, rejected
from app.sync.keys import OfficeKeys, ensure_office_keys, office_keys
from app.sync.package_checks import (
    ATTACHMENT_NAME, ATTACHMENTS_DIR, FORMAT_VERSION, MANIFEST, ROWS_DIR, TABLE_NAME, check_addresses, check_contents,
)
from app.services.workspace import LOCAL_OFFICE_KEY
from db.models import Meta, Office, SyncPartner

SUFFIX = ".xfsync"
COPY_BLOCK = 1024 * 1024
# Fastest deflate: JSON Lines still shrink about 5× and the export stays within seconds.
ROWS_COMPRESSION = 1
LINES_PER_WRITE = 2_000
# Rows are read in blocks of this many uncompressed bytes and split into lines at once.
ROWS_READ_BLOCK = 1024 * 1024


def _program_version() -> str:
    try:
        return importlib.metadata.version("xinfang-desk")
    except importlib.metadata.PackageNotFoundError:  # a frozen build without package metadata
        return "unknown"


def _json_default(value: Any) -> str:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable in a sync row")


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default)


def dumps_row(row: Mapping[str, Any]) -> str:
    """One JSON Lines record: compact, keys sorted (equal rows give equal bytes), UUIDs and dates as text."""
    return _ENCODER.encode(row) + "\n"


def local_office(session: Session) -> Office:
    meta = session.get(Meta, LOCAL_OFFICE_KEY)
    office = session.get(Office, uuid.UUID(meta.value)) if meta is not None else None
    if office is None:
        raise PackageRejected("not_initialised", "数据库尚未初始化：请先运行 xinfang init", field="db")
    return office


def package_name(division_code: str, sequence: int, day: date) -> str:
    return f"{division_code}-{sequence:06d}-{day:%Y%m%d}{SUFFIX}"


def _office_fields(office: Office | SyncPartner, office_id: uuid.UUID) -> dict[str, str]:
    return {"id": str(office_id), "division_code": office.division_code, "name": office.name,
            "level": office.level}


# --- writing ---------------------------------------------------------------------------------------

# An attachment member's content: a file, or a function giving it in blocks.
AttachmentSource = Path | Callable[[], Iterable[bytes]]


class _MemberWriter:
    """Streams members into the inner zip and remembers each one's size and SHA-256."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.members: dict[str, dict[str, Any]] = {}

    def write_lines(self, name: str, lines: Iterable[str]) -> int:
        digest, size, count = hashlib.sha256(), 0, 0
        batch: list[str] = []

        def flush() -> None:
            nonlocal size
            block = "".join(batch).encode("utf-8")
            out.write(block)
            digest.update(block)
            size += len(block)
            batch.clear()

        # A plain name takes the archive's deflate level (ZipInfo has no public level before 3.13).
        with self.archive.open(name, "w", force_zip64=True) as out:
            for line in lines:
                batch.append(line)
                count += 1
                if len(batch) == LINES_PER_WRITE:
                    flush()
            flush()
        self.members[name] = {"sha256": digest.hexdigest(), "size": size}
        return count

    def write_file(self, name: str, source: AttachmentSource) -> None:
        info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED  # attachments are mostly compressed already
        digest, size = hashlib.sha256(), 0
        with self.archive.open(info, "w", force_zip64=True) as out:
            for block in _blocks(source):
                out.write(block)
                digest.update(block)
                size += len(block)
        self.members[name] = {"sha256": digest.hexdigest(), "size": size}


def _blocks(source: AttachmentSource) -> Iterator[bytes]:
    if callable(source):
        yield from source()
        return
    with source.open("rb") as f:
        while block := f.read(COPY_BLOCK):
            yield block


def _build_inner_zip(target: IO[bytes], manifest: dict[str, Any], tables: Mapping[str, Iterable[Mapping[str, Any]]],
                     attachments: Iterable[tuple[str, AttachmentSource]], progress: Progress | None) -> None:
    counts: dict[str, int] = {}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=ROWS_COMPRESSION) as archive:
        writer = _MemberWriter(archive)
        for table, rows in tables.items():
            if not TABLE_NAME.match(table):
                raise ValueError(f"table name {table!r} is not allowed in a package")
            counts[table] = writer.write_lines(f"{ROWS_DIR}{table}.jsonl", (dumps_row(r) for r in rows))
            if progress is not None:
                progress(sum(counts.values()), 0)
        for name, source in attachments:
            member = ATTACHMENTS_DIR + name
            if not ATTACHMENT_NAME.match(name) or member in writer.members:
                raise ValueError(f"attachment name {name!r} is not allowed or repeated")
            writer.write_file(member, source)
        manifest["counts"] = counts
        manifest["members"] = writer.members
        archive.writestr(zipfile.ZipInfo(MANIFEST, (1980, 1, 1, 0, 0, 0)),
                         json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True),
                         compress_type=zipfile.ZIP_DEFLATED)


def write_package(session: Session, directory: Path, *, receiver: SyncPartner, sequence: int,
                  acked_sequence: int | None, tables: Mapping[str, Iterable[Mapping[str, Any]]],
                  attachments: Iterable[tuple[str, AttachmentSource]] = (),
                  extra_manifest: Mapping[str, Any] | None = None, created_at: datetime | None = None,
                  progress: Progress | None = None, format_version: int = FORMAT_VERSION) -> Path:
    """Write one package for ``receiver`` into ``directory`` and return its path.

    ``tables`` maps a table name to its rows (dicts of JSON values; UUIDs, dates and datetimes are
    written as text), tombstones included. ``attachments`` are (member name, file) pairs, stored as
    ``attachments/<name>`` (a source is a file, or a function giving the content in blocks: a file
    stored sealed is opened only into the encrypted package). ``format_version`` is the lowest
    version whose readers understand the rows. ``extra_manifest`` keys go into the manifest beside the standard ones
    (which they may not replace). ``progress(done, total)`` may raise OperationCancelled: the
    partial file is then removed and nothing is left behind. Needs a writable session: the local
    office's keys are made on first use.
    """
    office = local_office(session)
    keys = ensure_office_keys(session, office.id)
    moment = (created_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    manifest: dict[str, Any] = {
        "format_version": format_version, "program_version": _program_version(),
        "sender": _office_fields(office, office.id), "receiver": _office_fields(receiver, receiver.id),
        "sequence": sequence, "acked_sequence": acked_sequence, "created_at": moment.isoformat(),
    }
    clash = set(extra_manifest or {}) & (set(manifest) | {"counts", "members"})
    if clash:
        raise ValueError(f"extra manifest keys {sorted(clash)} would replace standard ones")
    manifest |= dict(extra_manifest or {})
    header = {"sender": manifest["sender"], "receiver": manifest["receiver"], "sequence": sequence,
              "created_at": manifest["created_at"]}
    final = directory / package_name(office.division_code, sequence, moment.astimezone().date())
    partial = directory / f".{final.name}.partial"
    # The clear inner zip stays on this PC's temporary folder, never on the USB stick.
    with tempfile.TemporaryFile(prefix="xfsync-") as plain:
        try:
            _build_inner_zip(plain, manifest, tables, attachments, progress)
        except OSError as exc:  # the PC's temporary folder is full, an attachment file is missing, ...
            raise StorageError("package_build", f"同步包无法生成：{exc.strerror}（{exc.filename or '临时文件夹'}）",
                               field="directory") from exc
        size = plain.tell()
        plain.seek(0)
        try:
            with partial.open("wb") as out:
                container.seal(plain, size, out, header=header, keys=keys,
                               receiver_public=receiver.encryption_public, progress=progress)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, final)
            container.fsync_directory(directory)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise StorageError("write_failed", f"同步包无法写入 {directory}（{exc.strerror}）：请检查 U 盘"
                                               "是否已插好、是否写保护或已满", field="directory") from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    read_back(final, keys)
    return final


def read_back(path: Path, keys: OfficeKeys) -> None:
    """The file on the stick is complete and carries our valid signature; a bad one is removed."""
    try:
        header = container.read_header(path)
        container.verify_signature(path, header, keys.signing_public, "本单位")
    except PackageRejected as exc:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass  # the stick is gone: the receiver refuses the damaged file anyway
        raise StorageError("verify_failed", f"同步包写入后读回校验失败（{exc.message}）：U 盘可能已拔出或损坏，"
                                            "请换一个 U 盘重新导出", field="directory") from exc


# --- opening ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    sha256: str
    size: int


class OpenedPackage:
    """A verified, decrypted package; use it as a context manager (the clear zip is a temporary file)."""

    def __init__(self, path: Path, sender: SyncPartner, manifest: dict[str, Any], plain: IO[bytes]) -> None:
        self.path = path
        self.sender = sender
        self.manifest = manifest
        self._plain = plain
        self._archive = zipfile.ZipFile(plain)

    @property
    def sequence(self) -> int:
        return int(self.manifest["sequence"])

    @property
    def acked_sequence(self) -> int | None:
        value = self.manifest["acked_sequence"]
        return None if value is None else int(value)

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.manifest["counts"])

    @property
    def tables(self) -> list[str]:
        return list(self.manifest["counts"])

    @property
    def attachment_names(self) -> list[str]:
        return [m[len(ATTACHMENTS_DIR):] for m in self.manifest["members"] if m.startswith(ATTACHMENTS_DIR)]

    def iter_rows(self, table: str) -> Iterator[dict[str, Any]]:
        """Rows of ``table`` in the order written (nothing if the package has no such table). The
        import's largest cost in this program: lines are cut from big blocks and parsed by orjson."""
        member = f"{ROWS_DIR}{table}.jsonl"
        if member not in self.manifest["members"]:
            return
        with self._archive.open(member) as f:
            for number, line in enumerate(_lines(f), 1):
                try:
                    row = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    raise rejected("bad_row", f"同步包 {self.path.name}：{member} 第 {number} 行不是有效的记录"
                                              f"（{exc.msg}），未导入任何数据", member=member) from exc
                yield row

    def attachment(self, name: str) -> bytes:
        member = ATTACHMENTS_DIR + name
        if member not in self.manifest["members"]:
            raise PackageRejected("no_attachment", f"同步包 {self.path.name} 中没有附件 {name}", field="package")
        return self._archive.read(member)

    def close(self) -> None:
        self._archive.close()
        self._plain.close()

    def __enter__(self) -> OpenedPackage:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _lines(member: IO[bytes]) -> Iterator[bytes]:
    """The member's lines without their line ends (the last one also when it has none)."""
    rest = b""
    while block := member.read(ROWS_READ_BLOCK):
        lines = (rest + block).split(b"\n")
        rest = lines.pop()
        yield from lines
    if rest:
        yield rest


def open_package(session: Session, path: Path, *, progress: Progress | None = None) -> OpenedPackage:
    """Verify the signature, decrypt, check the manifest and every member; refuse with PackageRejected."""
    office = local_office(session)
    header = container.read_header(path)
    sender = check_addresses(session, path, office, header.fields)
    keys = office_keys(session, office.id)
    if keys is None:
        raise rejected("no_keys", "本单位还没有同步密钥，不可能已登记为接收方：请先完成登记")
    container.verify_signature(path, header, sender.signing_public, f"{sender.name}（{sender.division_code}）")
    plain = tempfile.TemporaryFile(prefix="xfsync-")
    try:
        payload_size = container.decrypt(path, header, keys, plain, progress)
        plain.seek(0)
        manifest = check_contents(path, plain, payload_size, office, sender, header.fields)
    except BaseException:
        plain.close()
        raise
    plain.seek(0)
    return OpenedPackage(path, sender, manifest, plain)


__all__ = ["FORMAT_VERSION", "MANIFEST", "OpenedPackage", "dumps_row", "open_package", "package_name",
           "write_package"]
