"""Sync packages written and opened for real between a township and its county."""

from __future__ import annotations

import json
import os
import uuid
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from app.errors import OperationCancelled, PackageRejected
from app.services.workspace import Workspace
from app.sync.envelope import open_package, write_package
from tests.sync.conftest import partner

MOMENT = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


def sample_tables() -> dict[str, list[dict[str, object]]]:
    person = uuid.UUID("2b1e6a0c-0f6d-4f57-9e0b-8a5f3c1d2e4f")
    return {
        "person": [{"id": person, "name": "张三", "born": date(1970, 1, 2), "deleted": False},
                   {"id": uuid.UUID(int=7), "deleted": True}],
        "contact": [{"id": str(uuid.UUID(int=n)), "content": f"反映𠮷{n}号", "at": MOMENT} for n in range(50)],
    }


def export(township: Workspace, county: Workspace, folder: Path, *, sequence: int = 1,
           attachments: list[tuple[str, Path]] | None = None, **kw: object) -> Path:
    receiver = partner(township, county)
    with township.write(township.system_actor()) as uow:
        return write_package(uow.session, folder, receiver=receiver, sequence=sequence, acked_sequence=None,
                             tables=kw.pop("tables", sample_tables()),  # type: ignore[arg-type]
                             attachments=attachments or [], extra_manifest={"full": False},
                             created_at=MOMENT, **kw)  # type: ignore[arg-type]


def test_round_trip_rows_attachments_and_manifest(enrolled, tmp_path):
    county, township = enrolled
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(os.urandom(300_000))
    stick = tmp_path / "stick"
    stick.mkdir()
    path = export(township, county, stick, attachments=[("ab12.pdf", scan)])
    assert path.name == "330106101000-000001-20261123.xfsync"
    assert sorted(p.name for p in stick.iterdir()) == [path.name]  # no partial file left over
    assert "张三".encode() not in path.read_bytes()  # the stick holds ciphertext only
    with county.read(county.system_actor()) as uow, open_package(uow.session, path) as package:
        assert package.sequence == 1 and package.acked_sequence is None
        assert package.sender.division_code == "330106101000"
        assert package.counts == {"person": 2, "contact": 50}
        assert package.manifest["full"] is False
        rows = list(package.iter_rows("person"))
        assert rows[0] == {"id": "2b1e6a0c-0f6d-4f57-9e0b-8a5f3c1d2e4f", "name": "张三", "born": "1970-01-02",
                           "deleted": False}
        assert [r["content"] for r in package.iter_rows("contact")][49] == "反映𠮷49号"
        assert list(package.iter_rows("matter")) == []
        assert package.attachment_names == ["ab12.pdf"]
        assert package.attachment("ab12.pdf") == scan.read_bytes()
