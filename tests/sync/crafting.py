"""Hand-made packages for the refusal tests: any inner zip, sealed and signed like a real one."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.services.workspace import Workspace
from app.sync import container
from app.sync.envelope import FORMAT_VERSION, MANIFEST, local_office
from app.sync.keys import OfficeKeys, office_keys


def manifest_for(sender: Workspace, receiver: Workspace, members: Mapping[str, bytes],
                 **changes: Any) -> dict[str, Any]:
    with sender.read(sender.system_actor()) as uow:
        me = local_office(uow.session)
        me_fields = {"id": str(me.id), "division_code": me.division_code, "name": me.name, "level": me.level}
    with receiver.read(receiver.system_actor()) as uow:
        them = local_office(uow.session)
        them_fields = {"id": str(them.id), "division_code": them.division_code, "name": them.name,
                       "level": them.level}
    manifest = {
        "format_version": FORMAT_VERSION, "program_version": "test", "sender": me_fields,
        "receiver": them_fields, "sequence": 1, "acked_sequence": None, "created_at": "2026-11-23T02:00:00+00:00",
        "counts": {n[5:-6]: data.count(b"\n") for n, data in members.items() if n.startswith("rows/")},
        "members": {n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for n, d in members.items()},
    }
    manifest.update(changes)
    return manifest


def zip_bytes(members: Mapping[str, bytes], manifest: Mapping[str, Any] | None,
              compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            archive.writestr(info, data)
        if manifest is not None:
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False))
    return buffer.getvalue()


def seal_bytes(sender: Workspace, receiver: Workspace, inner: bytes, target: Path, *,
               signing_key: Ed25519PrivateKey | None = None, header: Mapping[str, Any] | None = None) -> Path:
    """Seal ``inner`` from ``sender`` to ``receiver`` (optionally signed with another key)."""
    with sender.read(sender.system_actor()) as uow:
        me = local_office(uow.session)
        keys = office_keys(uow.session, me.id)
        assert keys is not None
        sender_fields = {"id": str(me.id), "division_code": me.division_code, "name": me.name, "level": me.level}
    with receiver.read(receiver.system_actor()) as uow:
        them = local_office(uow.session)
        their_keys = office_keys(uow.session, them.id)
        assert their_keys is not None
        receiver_fields = {"id": str(them.id), "division_code": them.division_code, "name": them.name,
                           "level": them.level}
    if signing_key is not None:
        keys = OfficeKeys(signing_key, keys.encryption)
    fields = {"sender": sender_fields, "receiver": receiver_fields, "sequence": 1,
              "created_at": "2026-11-23T02:00:00+00:00"} | dict(header or {})
    with target.open("wb") as out:
        container.seal(io.BytesIO(inner), len(inner), out, header=fields, keys=keys,
                       receiver_public=their_keys.encryption_public)
    return target


ROWS = {"rows/person.jsonl": b'{"id":"1","name":"\xe5\xbc\xa0\xe4\xb8\x89"}\n'}


def package(sender: Workspace, receiver: Workspace, target: Path, members: Mapping[str, bytes] = ROWS,
            **manifest_changes: Any) -> Path:
    manifest = manifest_for(sender, receiver, members, **manifest_changes)
    return seal_bytes(sender, receiver, zip_bytes(members, manifest), target)
