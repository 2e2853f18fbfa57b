"""Sync packages written and opened for real between a township and its county."""

from __future__ import annotations

import json
import os
import uuid
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.domain.enums import OfficeLevel
from app.errors import OperationCancelled, PackageRejected, StorageError
from app.services.workspace import Workspace
from app.sync.enrolment import deactivate_partner, join_county, own_card
from app.sync.envelope import FORMAT_VERSION, open_package, read_back, write_package
from app.sync.keys import office_keys
from tests.sync import crafting
from tests.sync.conftest import OTHER_COUNTY_CODE, enrol, partner

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


# --- bad packages: each refused with a Chinese message before a single row is handed out ------------


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def refused(county: Workspace, path: Path) -> PackageRejected:
    with county.read(county.system_actor()) as uow:
        with pytest.raises(PackageRejected) as caught:
            open_package(uow.session, path)
    assert has_chinese(caught.value.message), caught.value.message
    return caught.value


@pytest.fixture
def good(enrolled, tmp_path) -> Path:
    county, township = enrolled
    scan = tmp_path / "scan.jpg"
    scan.write_bytes(os.urandom(3000))
    return export(township, county, tmp_path, attachments=[("c0ffee.jpg", scan)])


def test_one_flipped_byte_anywhere_is_refused(enrolled, good):
    county, _ = enrolled
    original = good.read_bytes()
    size = len(original)
    positions = sorted({*range(0, 16), *range(16, size, max(1, size // 60)), *range(size - 70, size)})
    for position in positions:
        damaged = bytearray(original)
        damaged[position] ^= 0x01
        good.write_bytes(bytes(damaged))
        refused(county, good)
    good.write_bytes(original)
    with county.read(county.system_actor()) as uow, open_package(uow.session, good) as package:
        assert package.sequence == 1  # the same file undamaged still opens: the refusals were the flips


def test_truncated_file_is_refused(enrolled, good):
    county, _ = enrolled
    original = good.read_bytes()
    for length in (1, 6, 12, 100, len(original) // 2, len(original) - 64, len(original) - 1):
        good.write_bytes(original[:length])
        refused(county, good)


def test_empty_file_is_refused(enrolled, good):
    county, _ = enrolled
    good.write_bytes(b"")
    assert refused(county, good).code == "empty"
    assert "空文件" in refused(county, good).message


def test_other_file_is_not_a_package(enrolled, tmp_path):
    county, _ = enrolled
    fake = tmp_path / "330106101000-000001-20261123.xfsync"
    with zipfile.ZipFile(fake, "w") as archive:
        archive.writestr("manifest.json", "{}")
    assert refused(county, fake).code == "not_package"


def crafted_path(tmp_path: Path) -> Path:
    return tmp_path / "330106101000-000001-20261123.xfsync"


def test_a_well_formed_crafted_package_opens(enrolled, tmp_path):
    """The crafting helper itself makes acceptable packages: each refusal below is due to its one defect."""
    county, township = enrolled
    path = crafting.package(township, county, crafted_path(tmp_path))
    with county.read(county.system_actor()) as uow, open_package(uow.session, path) as opened:
        assert list(opened.iter_rows("person")) == [{"id": "1", "name": "张三"}]


def test_rows_are_read_across_blocks_and_a_malformed_line_is_refused(enrolled, tmp_path, monkeypatch):
    county, township = enrolled
    monkeypatch.setattr("app.sync.envelope.ROWS_READ_BLOCK", 7)  # every line cut across blocks
    lines = [json.dumps({"id": str(n), "name": "张三" * n}, ensure_ascii=False) for n in range(5)]
    members = {"rows/person.jsonl": ("\n".join(lines) + "\n").encode(),
               "rows/contact.jsonl": ("\n".join(lines[:2]) + '\n{"id":"9",\n').encode()}
    path = crafting.package(township, county, crafted_path(tmp_path), members)
    with county.read(county.system_actor()) as uow, open_package(uow.session, path) as opened:
        assert list(opened.iter_rows("person")) == [json.loads(line) for line in lines]
        with pytest.raises(PackageRejected) as bad:
            list(opened.iter_rows("contact"))
    assert bad.value.code == "bad_row" and "rows/contact.jsonl 第 3 行" in bad.value.message


def test_member_missing_is_refused(enrolled, tmp_path):
    county, township = enrolled
    members = dict(crafting.ROWS)
    manifest = crafting.manifest_for(township, county, members | {"rows/matter.jsonl": b"{}\n"})
    path = crafting.seal_bytes(township, county, crafting.zip_bytes(members, manifest), crafted_path(tmp_path))
    rejection = refused(county, path)
    assert rejection.code == "member_missing" and "rows/matter.jsonl" in rejection.message


def test_member_added_is_refused(enrolled, tmp_path):
    county, township = enrolled
    manifest = crafting.manifest_for(township, county, crafting.ROWS)
    inner = crafting.zip_bytes(crafting.ROWS | {"attachments/run.exe": b"MZ" + bytes(100)}, manifest)
    rejection = refused(county, crafting.seal_bytes(township, county, inner, crafted_path(tmp_path)))
    assert rejection.code == "member_extra" and "attachments/run.exe" in rejection.message


def test_member_changed_after_the_manifest_is_refused(enrolled, tmp_path):
    county, township = enrolled
    manifest = crafting.manifest_for(township, county, crafting.ROWS)
    inner = crafting.zip_bytes({"rows/person.jsonl": '{"id":"1","name":"李四"}\n'.encode()}, manifest)
    rejection = refused(county, crafting.seal_bytes(township, county, inner, crafted_path(tmp_path)))
    assert rejection.code in {"size_mismatch", "hash_mismatch"}


def test_row_count_differing_from_the_manifest_is_refused(enrolled, tmp_path):
    county, township = enrolled
    path = crafting.package(township, county, crafted_path(tmp_path), counts={"person": 2})
    assert refused(county, path).code == "count_mismatch"


@pytest.mark.parametrize("name", ["../evil.jsonl", "rows/../../evil", "/etc/passwd", "C:/Windows/evil.dll",
                                  "c:evil", "rows\\..\\evil", "\\\\server\\share\\x", "rows//x.jsonl"])
def test_unsafe_member_names_are_refused(enrolled, tmp_path, name):
    county, township = enrolled
    members = crafting.ROWS | {name: b"x"}
    path = crafting.seal_bytes(township, county,
                               crafting.zip_bytes(members, crafting.manifest_for(township, county, members)),
                               crafted_path(tmp_path))
    rejection = refused(county, path)
    assert rejection.code == "unsafe_name" and "不安全" in rejection.message


def test_zip_bomb_with_huge_declared_sizes_is_refused(enrolled, tmp_path):
    county, township = enrolled
    members = crafting.ROWS | {"attachments/big.bin": b"\0" * 1000}
    manifest = crafting.manifest_for(township, county, members)
    inner = bytearray(crafting.zip_bytes(members, manifest))
    # Declare 4 GB for the attachment in the central directory (uncompressed size at offset 24).
    entry = inner.index(b"PK\x01\x02")
    while b"attachments/big.bin" not in inner[entry + 46:entry + 46 + 19]:
        entry = inner.index(b"PK\x01\x02", entry + 4)
    inner[entry + 24:entry + 28] = (0xFFFFFFF0).to_bytes(4, "little")
    rejection = refused(county, crafting.seal_bytes(township, county, bytes(inner), crafted_path(tmp_path)))
    assert rejection.code == "zip_bomb" and "压缩炸弹" in rejection.message


def test_real_zip_bomb_is_refused_before_unpacking(enrolled, tmp_path):
    county, township = enrolled
    members = crafting.ROWS | {"attachments/zeros.bin": bytes(100 * 1024 * 1024)}
    path = crafting.package(township, county, crafted_path(tmp_path), members)
    assert path.stat().st_size < 1024 * 1024
    assert refused(county, path).code == "zip_bomb"


def test_newer_data_format_is_refused(enrolled, tmp_path):
    county, township = enrolled
    path = crafting.package(township, county, crafted_path(tmp_path), format_version=FORMAT_VERSION + 1)
    rejection = refused(county, path)
    assert rejection.code == "newer_format" and "升级" in rejection.message


def test_newer_container_version_is_refused(enrolled, good):
    county, _ = enrolled
    data = bytearray(good.read_bytes())
    data[6:8] = (2).to_bytes(2, "big")
    good.write_bytes(bytes(data))
    rejection = refused(county, good)
    assert rejection.code == "newer_format" and "升级" in rejection.message


def test_signature_from_the_wrong_key_is_refused(enrolled, tmp_path):
    county, township = enrolled
    members = crafting.ROWS
    inner = crafting.zip_bytes(members, crafting.manifest_for(township, county, members))
    path = crafting.seal_bytes(township, county, inner, crafted_path(tmp_path),
                               signing_key=Ed25519PrivateKey.generate())
    rejection = refused(county, path)
    assert rejection.code == "bad_signature" and "签名" in rejection.message


def test_package_from_an_office_that_is_not_enrolled_is_refused(enrolled, office_factory, tmp_path):
    county, _ = enrolled
    stranger = office_factory("stranger", "某某县某某乡人民政府", "330106202000")
    with county.write(county.system_actor()) as uow:
        county_card = own_card(uow.session)
    with stranger.write(stranger.system_actor()) as uow:
        join_county(uow, county_card)  # it knows the county, but the county never admitted it
    path = export(stranger, county, tmp_path)
    rejection = refused(county, path)
    assert rejection.code == "not_enrolled" and "某某乡" in rejection.message


def test_package_from_a_deactivated_partner_is_refused(enrolled, good):
    county, township = enrolled
    with county.write(county.system_actor()) as uow:
        deactivate_partner(uow, township.local_office_id())
    assert refused(county, good).code == "not_enrolled"


def test_package_for_another_county_is_refused(enrolled, office_factory, good):
    _, township = enrolled
    other = office_factory("other-county", "另一县信访局", OTHER_COUNTY_CODE, OfficeLevel.COUNTY)
    rejection = refused(other, good)
    assert rejection.code == "other_receiver" and "某某县信访局" in rejection.message


def test_manifest_naming_another_receiver_is_refused(enrolled, office_factory, tmp_path):
    county, township = enrolled
    members = crafting.ROWS
    manifest = crafting.manifest_for(township, county, members)
    manifest["receiver"] = manifest["receiver"] | {"id": str(uuid.uuid4())}
    path = crafting.seal_bytes(township, county, crafting.zip_bytes(members, manifest), crafted_path(tmp_path))
    assert refused(county, path).code == "other_receiver"


def test_township_refuses_a_package_that_another_township_signed(enrolled, office_factory, tmp_path):
    """A township only accepts its county: a neighbour's package addressed to it is from no partner."""
    county, township = enrolled
    neighbour = office_factory("neighbour", "某某县某某乡人民政府", "330106202000")
    enrol(county, neighbour)
    path = crafting.package(neighbour, township, crafted_path(tmp_path))
    assert refused(township, path).code == "not_enrolled"


# --- writing -------------------------------------------------------------------------------------------


def test_cancelled_export_leaves_nothing_on_the_stick(enrolled, tmp_path):
    county, township = enrolled
    stick = tmp_path / "stick"
    stick.mkdir()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if total and done < total:
            raise OperationCancelled("cancelled", "已取消导出")

    big = {"contact": [{"id": n, "content": os.urandom(800).hex()} for n in range(2000)]}
    with pytest.raises(OperationCancelled):
        export(township, county, stick, tables=big, progress=progress)
    assert list(stick.iterdir()) == []
    assert seen


def test_write_to_a_missing_drive_is_a_clear_error(enrolled, tmp_path):
    county, township = enrolled
    with pytest.raises(StorageError) as caught:
        export(township, county, tmp_path / "removed-stick")
    assert caught.value.code == "write_failed" and "U 盘" in caught.value.message


def test_a_missing_attachment_file_is_named(enrolled, tmp_path):
    county, township = enrolled
    stick = tmp_path / "stick"
    stick.mkdir()
    with pytest.raises(StorageError) as caught:
        export(township, county, stick, attachments=[("ab.pdf", tmp_path / "gone.pdf")])
    assert caught.value.code == "package_build" and "gone.pdf" in caught.value.message
    assert list(stick.iterdir()) == []


def test_a_package_damaged_on_the_stick_fails_the_read_back_and_is_removed(enrolled, good):
    """What write_package does after the rename, on a file the stick gave back damaged."""
    _, township = enrolled
    data = bytearray(good.read_bytes())
    data[40:44] = b"\0\0\0\0"
    good.write_bytes(bytes(data))
    with township.read(township.system_actor()) as uow:
        keys = office_keys(uow.session, township.local_office_id())
    with pytest.raises(StorageError) as caught:
        read_back(good, keys)
    assert caught.value.code == "verify_failed" and "读回校验失败" in caught.value.message
    assert not good.exists()


def test_rewriting_a_sequence_replaces_the_file_atomically(enrolled, tmp_path):
    county, township = enrolled
    first = export(township, county, tmp_path, tables={"person": [{"id": 1}]})
    second = export(township, county, tmp_path, tables={"person": [{"id": 1}, {"id": 2}]})
    assert first == second
    with county.read(county.system_actor()) as uow, open_package(uow.session, second) as opened:
        assert opened.counts == {"person": 2}
