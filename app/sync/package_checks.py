"""The checks an opened package passes before a single row is handed out (docs/sync-format.md).

Who it is from and for (from the clear header, before the signature is checked: these can only
refuse), then, after decryption, the inner zip: safe member names, the manifest, exactly the
declared members, bounded unpacked sizes (zip bombs), and every member's size, SHA-256 and row count.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from app.sync.container import rejected
from app.sync.keys import partner_by_id
from db.models import Office, SyncPartner

FORMAT_VERSION = 2  # the highest this program reads (and writes, when the rows need it)
MANIFEST = "manifest.json"
ROWS_DIR = "rows/"
ATTACHMENTS_DIR = "attachments/"
TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
ATTACHMENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
# Zip-bomb bounds: what the members may unpack to, in all and against the package's own size.
MAX_MEMBERS = 100_000
MAX_MANIFEST = 64 * 1024 * 1024
MAX_TOTAL = 16 * 1024 ** 3
MAX_RATIO = 200
RATIO_FLOOR = 64 * 1024 * 1024
READ_BLOCK = 1024 * 1024


def _field(fields: Mapping[str, Any], *keys: str) -> str:
    value: Any = fields
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value if isinstance(value, str) else ""


def check_addresses(session: Session, path: Path, office: Office, fields: Mapping[str, Any]) -> SyncPartner:
    """Receiver is us, sender an active enrolled partner of the same county (from the clear header;
    the signature check that follows proves the header was not altered)."""
    receiver_id = _field(fields, "receiver", "id")
    if receiver_id != str(office.id):
        raise rejected("other_receiver", f"同步包 {path.name} 是发给{_field(fields, 'receiver', 'name') or '其他单位'}"
                                         f"（{_field(fields, 'receiver', 'division_code')}）的，不是本单位（"
                                         f"{office.name}）：请交给正确的单位")
    sender_label = f"{_field(fields, 'sender', 'name')}（{_field(fields, 'sender', 'division_code')}）"
    try:
        sender = partner_by_id(session, uuid.UUID(_field(fields, "sender", "id")))
    except ValueError:
        sender = None
    if sender is None or not sender.active:
        raise rejected("not_enrolled", f"同步包 {path.name} 来自{sender_label}，该单位未在本单位登记（或已停用）："
                                       "请先完成登记（xinfang sync admit / join）。未导入任何数据")
    if sender.division_code[:6] != office.division_code[:6]:
        raise rejected("other_county", f"同步包 {path.name} 来自{sender_label}，不属于本县（{office.division_code[:6]}）")
    return sender


def check_contents(path: Path, plain: IO[bytes], payload_size: int, office: Office, sender: SyncPartner,
                    header: Mapping[str, Any]) -> dict[str, Any]:
    try:
        archive = zipfile.ZipFile(plain)
    except (zipfile.BadZipFile, OSError) as exc:
        raise rejected("bad_zip", f"同步包 {path.name} 的内容不是有效的压缩包（发送方程序出错），未导入任何数据") from exc
    with archive:
        infos = _check_names(path, archive)
        manifest = _read_manifest(path, archive, infos)
        _check_manifest_header(path, manifest, office, sender, header)
        _check_members(path, archive, infos, manifest, payload_size)
    return manifest


def _unsafe(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (name.startswith(("/", "\\")) or "\\" in name or re.match(r"^[A-Za-z]:", name) is not None
            or any(p in ("", ".", "..") for p in parts) or "\x00" in name)


def _check_names(path: Path, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise rejected("too_many", f"同步包 {path.name} 含 {len(infos)} 个文件，超过上限 {MAX_MEMBERS}")
    by_name: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if _unsafe(info.filename):
            raise rejected("unsafe_name", f"同步包 {path.name} 含不安全的文件名“{info.filename}”（上级目录、绝对路径"
                                          "或盘符），已拒绝，未导入任何数据", member=info.filename)
        if info.filename in by_name:
            raise rejected("duplicate_member", f"同步包 {path.name} 中文件“{info.filename}”出现了两次")
        by_name[info.filename] = info
    return by_name


def _read_manifest(path: Path, archive: zipfile.ZipFile, infos: Mapping[str, zipfile.ZipInfo]) -> dict[str, Any]:
    info = infos.get(MANIFEST)
    if info is None:
        raise rejected("no_manifest", f"同步包 {path.name} 缺少清单文件 {MANIFEST}")
    if info.file_size > MAX_MANIFEST:
        raise rejected("zip_bomb", f"同步包 {path.name} 的清单声明大小 {info.file_size} 字节，超过上限")
    try:
        manifest = json.loads(archive.read(info))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("members"), dict) \
                or not isinstance(manifest.get("counts"), dict):
            raise ValueError("manifest shape")
    except (ValueError, zipfile.BadZipFile) as exc:
        raise rejected("bad_manifest", f"同步包 {path.name} 的清单无法解析") from exc
    return manifest


def _check_manifest_header(path: Path, manifest: Mapping[str, Any], office: Office, sender: SyncPartner,
                           header: Mapping[str, Any]) -> None:
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
        raise rejected("newer_format", f"同步包 {path.name} 的数据格式版本为 {version}，本程序只能读取版本 "
                                       f"{FORMAT_VERSION}：请先升级本程序（发送方程序版本 "
                                       f"{manifest.get('program_version')}）", version=version)
    if _field(manifest, "receiver", "id") != str(office.id):
        raise rejected("other_receiver", f"同步包 {path.name} 的清单写明的接收单位不是本单位")
    if _field(manifest, "sender", "id") != str(sender.id) or \
            _field(manifest, "sender", "division_code") != sender.division_code:
        raise rejected("sender_mismatch", f"同步包 {path.name} 清单中的发送单位与登记的{sender.name}"
                                          f"（{sender.division_code}）不符")
    if manifest.get("sequence") != header.get("sequence") or not isinstance(manifest.get("sequence"), int):
        raise rejected("sequence_mismatch", f"同步包 {path.name} 清单中的序号与文件头不符")


def _check_members(path: Path, archive: zipfile.ZipFile, infos: Mapping[str, zipfile.ZipInfo],
                   manifest: Mapping[str, Any], payload_size: int) -> None:
    declared: Mapping[str, Any] = manifest["members"]
    actual = set(infos) - {MANIFEST}
    missing, extra = sorted(set(declared) - actual), sorted(actual - set(declared))
    if missing:
        raise rejected("member_missing", f"同步包 {path.name} 缺少清单中列出的文件：{'、'.join(missing[:5])}",
                       members=missing)
    if extra:
        raise rejected("member_extra", f"同步包 {path.name} 含清单之外的文件：{'、'.join(extra[:5])}",
                       members=extra)
    for name in declared:
        if not (name.startswith(ROWS_DIR) and name.endswith(".jsonl")
                and TABLE_NAME.match(name[len(ROWS_DIR):-len(".jsonl")])) \
                and not (name.startswith(ATTACHMENTS_DIR) and ATTACHMENT_NAME.match(name[len(ATTACHMENTS_DIR):])):
            raise rejected("unexpected_member", f"同步包 {path.name} 含不认识的文件“{name}”")
    total = sum(info.file_size for info in infos.values())
    limit = min(MAX_TOTAL, max(RATIO_FLOOR, MAX_RATIO * payload_size))
    if total > limit:
        raise rejected("zip_bomb", f"同步包 {path.name} 声明解压后共 {total} 字节，超过允许的 {limit} 字节"
                                   "（疑似压缩炸弹），已拒绝，未导入任何数据")
    counts = manifest["counts"]
    for name, entry in declared.items():
        _check_member(path, archive, infos[name], entry, counts)


def _check_member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, entry: Any,
                  counts: Mapping[str, Any]) -> None:
    name = info.filename
    if not isinstance(entry, dict) or entry.get("size") != info.file_size:
        raise rejected("size_mismatch", f"同步包 {path.name} 中“{name}”的大小与清单不符", member=name)
    digest, size, lines = hashlib.sha256(), 0, 0
    try:
        with archive.open(info) as f:
            while block := f.read(READ_BLOCK):
                digest.update(block)
                size += len(block)
                lines += block.count(b"\n")
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise rejected("member_damaged", f"同步包 {path.name} 中“{name}”已损坏", member=name) from exc
    if size != info.file_size or digest.hexdigest() != entry.get("sha256"):
        raise rejected("hash_mismatch", f"同步包 {path.name} 中“{name}”的校验值（SHA-256）与清单不符", member=name)
    if name.startswith(ROWS_DIR):
        table = name[len(ROWS_DIR):-len(".jsonl")]
        if counts.get(table) != lines:
            raise rejected("count_mismatch", f"同步包 {path.name} 中表 {table} 有 {lines} 行，清单写的是 "
                                             f"{counts.get(table)} 行", member=name)
