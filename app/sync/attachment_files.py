"""Attachment files in packages. A file travels unsealed inside the package (the package itself is
encrypted to its receiver); the receiver seals it again for its own key if its encryption is on.

A file this office keeps sealed can only be opened with the office's key, unlocked at login: a
package that needs one is refused before anything is written, never sent without its file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from app import crypto
from app.errors import PermissionDenied, StorageError
from app.services.attachments import blob_path
from app.sync.envelope import AttachmentSource

KEY_NEEDED = ("同步导出：本单位的附件已加密，同步包须带上附件原文，只能由持有解密密钥的账号导出"
              "（在程序中登录后导出；命令行加 --admin 登录名）。未生成同步包")


def outgoing(attachments_dir: Path, keyring: crypto.Keyring, hashes: list[str]) -> list[tuple[str, AttachmentSource]]:
    """(member name, source) for each file the rows name: the plain file, or one opened from its
    sealed copy with the unlocked key. A file missing here is left out (``xinfang check`` reports it)."""
    found: dict[str, AttachmentSource] = {}
    for sha in hashes:
        plain = blob_path(attachments_dir, sha)
        if plain.is_file():
            found[sha] = plain
            continue
        sealed = blob_path(attachments_dir, sha, True)
        if not sealed.is_file():
            continue
        if not keyring.unlocked:
            raise PermissionDenied("key_locked", KEY_NEEDED, field="attachment")
        found[sha] = partial(_unsealed, sealed, keyring.private(), sha)
    return sorted(found.items())


def _unsealed(path: Path, private: bytes, sha: str) -> Iterator[bytes]:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            for block in crypto.open_sealed(stream, private):
                digest.update(block)
                yield block
    except crypto.SealError:
        raise _damaged(sha) from None
    if digest.hexdigest() != sha:
        raise _damaged(sha)


def _damaged(sha: str) -> StorageError:
    return StorageError("attachment_damaged", f"同步包无法生成：附件 {sha[:12]}… 无法解密或内容与校验值不符"
                        "（文件已损坏或被改动，可从备份恢复，或运行数据检查）", field="attachment")
