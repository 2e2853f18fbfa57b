"""The outer container of a sync package: clear header, encrypted payload, signature.

Layout (docs/sync-format.md): ``XFSYNC`` + container version (uint16 BE) + header length (uint32
BE) + header JSON + payload chunks + 64-byte Ed25519 signature. The payload (the inner zip) is
encrypted to the receiver with an ephemeral X25519 key, HKDF-SHA256 and AES-256-GCM in chunks
whose nonces count and mark the last chunk, so chunks cannot be reordered, dropped or cut off.
The signature covers every byte before it, so nothing is decrypted before the sender is proven.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.errors import PackageRejected
from app.sync.keys import OfficeKeys, raw_public

MAGIC = b"XFSYNC"
CONTAINER_VERSION = 1
PREFIX = struct.Struct(">6sHI")
MAX_HEADER = 16 * 1024
SIGNATURE_SIZE = 64
TAG_SIZE = 16
CHUNK_SIZE = 1024 * 1024
SIGNATURE_CONTEXT = b"xfsync-signature-v1\x00"
KEY_INFO = b"xfsync-payload-v1"
READ_BLOCK = 1024 * 1024

Progress = Callable[[int, int], None]
"""(done, total) in bytes; may raise OperationCancelled to stop the work."""


@dataclass(frozen=True)
class ContainerHeader:
    fields: dict[str, Any]
    raw: bytes  # prefix + header JSON: the associated data of every chunk
    file_size: int

    @property
    def payload_start(self) -> int:
        return len(self.raw)

    @property
    def payload_end(self) -> int:
        return self.file_size - SIGNATURE_SIZE


def rejected(code: str, message: str, **params: Any) -> PackageRejected:
    return PackageRejected(code, message, field="package", **params)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _payload_key(shared: bytes, ephemeral_public: bytes, receiver_public: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + receiver_public,
                info=KEY_INFO).derive(shared)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _signed_message(digest: bytes) -> bytes:
    return SIGNATURE_CONTEXT + digest


def seal(plain: BinaryIO, plain_size: int, out: BinaryIO, *, header: dict[str, Any], keys: OfficeKeys,
         receiver_public: bytes, progress: Progress | None = None) -> None:
    """Encrypt ``plain`` (positioned at 0) to the receiver, sign, and write the whole container."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = raw_public(ephemeral.public_key())
    key = _payload_key(ephemeral.exchange(X25519PublicKey.from_public_bytes(receiver_public)),
                       ephemeral_public, receiver_public)
    fields = header | {"container_version": CONTAINER_VERSION, "ephemeral_public": _b64(ephemeral_public),
                       "chunk_size": CHUNK_SIZE, "payload_size": plain_size}
    header_json = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode("utf-8")
    raw = PREFIX.pack(MAGIC, CONTAINER_VERSION, len(header_json)) + header_json
    digest = hashlib.sha512(raw)
    out.write(raw)
    aead = AESGCM(key)
    chunks = max(1, -(-plain_size // CHUNK_SIZE))
    for index in range(chunks):
        block = plain.read(CHUNK_SIZE)
        sealed = aead.encrypt(_nonce(index, index == chunks - 1), block, raw)
        digest.update(sealed)
        out.write(sealed)
        if progress is not None:
            progress(min((index + 1) * CHUNK_SIZE, plain_size), plain_size)
    out.write(keys.signing.sign(_signed_message(digest.digest())))


def read_header(path: Path) -> ContainerHeader:
    """The clear header; refuses what is not a complete container of a version this program reads."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            prefix = f.read(PREFIX.size)
            if size == 0:
                raise rejected("empty", f"同步包 {path.name} 是空文件（0 字节）：复制可能没有完成，请重新导出")
            if len(prefix) < PREFIX.size or not prefix.startswith(MAGIC):
                raise rejected("not_package", f"文件 {path.name} 不是同步包（开头标记不对），或已损坏")
            _, version, header_size = PREFIX.unpack(prefix)
            if version > CONTAINER_VERSION:
                raise rejected("newer_format", f"同步包 {path.name} 的格式版本为 {version}，本程序只能读取版本 "
                                               f"{CONTAINER_VERSION}：请先升级本程序", version=version)
            if version < 1 or header_size > MAX_HEADER or PREFIX.size + header_size + SIGNATURE_SIZE > size:
                raise rejected("truncated", f"同步包 {path.name} 不完整或已损坏（文件头长度不对），请重新复制")
            header_json = f.read(header_size)
    except OSError as exc:
        raise rejected("unreadable", f"同步包 {path.name} 无法读取（{exc.strerror}）") from exc
    try:
        fields = json.loads(header_json.decode("utf-8"))
        if not isinstance(fields, dict):
            raise ValueError("header is not an object")
    except ValueError as exc:
        raise rejected("damaged", f"同步包 {path.name} 已损坏（文件头无法解析），请重新复制") from exc
    return ContainerHeader(fields, prefix + header_json, size)


def _payload_blocks(path: Path, header: ContainerHeader, block_size: int) -> Iterator[bytes]:
    with path.open("rb") as f:
        f.seek(header.payload_start)
        left = header.payload_end - header.payload_start
        while left > 0:
            block = f.read(min(block_size, left))
            if not block:
                raise rejected("truncated", f"同步包 {path.name} 在读取时变短了，请重新复制")
            left -= len(block)
            yield block


def verify_signature(path: Path, header: ContainerHeader, signing_public: bytes, sender_label: str) -> None:
    digest = hashlib.sha512(header.raw)
    for block in _payload_blocks(path, header, READ_BLOCK):
        digest.update(block)
    with path.open("rb") as f:
        f.seek(header.payload_end)
        signature = f.read(SIGNATURE_SIZE)
    try:
        Ed25519PublicKey.from_public_bytes(signing_public).verify(signature, _signed_message(digest.digest()))
    except InvalidSignature as exc:
        raise rejected("bad_signature", f"同步包 {path.name} 的签名与{sender_label}登记的密钥不符：文件被改动、"
                                        "已损坏或不完整，或并非该单位签发。未导入任何数据") from exc


def decrypt(path: Path, header: ContainerHeader, keys: OfficeKeys, out: BinaryIO,
            progress: Progress | None = None) -> int:
    """Write the payload into ``out``; call only after verify_signature. Returns its size."""
    try:
        ephemeral_public = base64.b64decode(header.fields["ephemeral_public"], validate=True)
        chunk_size = int(header.fields["chunk_size"])
        plain_size = int(header.fields["payload_size"])
        if not (1024 <= chunk_size <= 64 * CHUNK_SIZE and plain_size >= 0):
            raise ValueError("chunk layout")
        chunks = max(1, -(-plain_size // chunk_size))
        if header.payload_end - header.payload_start != plain_size + chunks * TAG_SIZE:
            raise ValueError("payload size")
        receiver_public = keys.encryption_public
        key = _payload_key(keys.encryption.exchange(X25519PublicKey.from_public_bytes(ephemeral_public)),
                           ephemeral_public, receiver_public)
    except (KeyError, TypeError, ValueError) as exc:
        raise rejected("damaged", f"同步包 {path.name} 的加密参数不正确，无法解密") from exc
    aead = AESGCM(key)
    done = 0
    for index, block in enumerate(_payload_blocks(path, header, chunk_size + TAG_SIZE)):
        try:
            plain = aead.decrypt(_nonce(index, index == chunks - 1), block, header.raw)
        except InvalidTag as exc:
            raise rejected("undecryptable", f"同步包 {path.name} 无法用本单位的密钥解密：它可能是按本单位的旧密钥"
                                            "加密的（本单位换过电脑或重新生成过密钥），请对方重新登记后再导出") from exc
        out.write(plain)
        done += len(plain)
        if progress is not None:
            progress(done, plain_size)
    return done


def fsync_directory(directory: Path) -> None:
    """Make a rename durable; Windows cannot open a directory and does not need it."""
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
