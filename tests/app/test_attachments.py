"""Attachments: stored once by hash, size limit, executables refused, harmless names, missing files reported."""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.enums import Role
from app.errors import NotFound, PermissionDenied, StorageError, ValidationError
from app.services import attachments as att
from app.services.check import run_checks
from app.services.office_settings import set_setting
from app.services.person_merge import merge_persons
from app.services.persons import PersonInput, create_person
from db.models import Attachment, AuditEvent


def png_bytes(width: int = 4, height: int = 3, colour: bytes = b"\xc0\x30\x30") -> bytes:
    """A real (tiny) PNG, made by hand so the test needs no image library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    raw = b"".join(b"\x00" + colour * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


@pytest.fixture
def person(ws, admin):
    with ws.write(admin) as uow:
        return create_person(uow, PersonInput(name="张三"))


@pytest.fixture
def png_file(tmp_path: Path) -> Path:
    path = tmp_path / "身份证正面.png"
    path.write_bytes(png_bytes())
    return path


def _store(ws, actor, source, person_id, **kw):
    with ws.write(actor) as uow:
        return att.store_file(uow, ws.attachments_dir, source, "person", person_id, **kw)


def _rows(ws, admin) -> int:
    with ws.read(admin) as uow:
        return uow.session.scalar(select(func.count()).select_from(Attachment)) or 0


def _blobs(ws) -> list[Path]:
    return [p for p in ws.attachments_dir.rglob("*") if p.is_file()]


def test_a_file_is_stored_under_its_hash_with_its_facts_and_an_audit_event(ws, admin, person, png_file):
    info = _store(ws, admin, png_file, person, note="身份证复印件")
    sha = hashlib.sha256(png_file.read_bytes()).hexdigest()
    assert info.sha256 == sha and info.size == png_file.stat().st_size
    assert (info.name, info.mime, info.entity_type, info.entity_id) == ("身份证正面.png", "image/png", "person", person)
    assert info.present and info.is_image and not info.is_pdf
    assert att.blob_path(ws.attachments_dir, sha) == ws.attachments_dir / sha[:2] / sha
    assert (ws.attachments_dir / sha[:2] / sha).read_bytes() == png_file.read_bytes()
    assert _blobs(ws) == [ws.attachments_dir / sha[:2] / sha]  # nothing left in .incoming
    with ws.read(admin) as uow:
        event = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert (event.action, event.entity_type, event.entity_id) == ("attach", "person", str(person))
        assert event.after["sha256"] == sha
        assert [f for f in run_checks(ws, uow) if f.code.startswith("attachment")] == []


def test_the_same_file_is_kept_once_and_linked_once_per_record(ws, admin, person, png_file, tmp_path):
    first = _store(ws, admin, png_file, person)
    copy = tmp_path / "again.png"
    copy.write_bytes(png_file.read_bytes())
    assert _store(ws, admin, copy, person).id == first.id
    with ws.write(admin) as uow:
        other = create_person(uow, PersonInput(name="李四"))
    second = _store(ws, admin, copy, other)
    assert second.id != first.id and second.sha256 == first.sha256
    assert _rows(ws, admin) == 2
    assert len(_blobs(ws)) == 1


def test_pdf_and_unknown_types_are_recognised_by_content(ws, admin, person):
    with ws.write(admin) as uow:
        pdf = att.store_bytes(uow, ws.attachments_dir, b"%PDF-1.7\n...", "来信扫描.PDF", "person", person)
        odd = att.store_bytes(uow, ws.attachments_dir, b"hello", "说明.txt", "person", person)
        blob = att.store_bytes(uow, ws.attachments_dir, b"\x00\x01", "数据", "person", person)
    assert pdf.is_pdf and pdf.mime == "application/pdf"
    assert odd.mime == "text/plain"
    assert blob.mime == "application/octet-stream"


def test_files_over_50_mb_are_refused_before_reading(ws, admin, person, tmp_path):
    big = tmp_path / "录像.png"
    with big.open("wb") as f:
        f.truncate(att.MAX_BYTES + 1)  # sparse: no 50 MB written
    with pytest.raises(ValidationError) as exc:
        _store(ws, admin, big, person)
    assert exc.value.code == "attachment_too_big" and "50 MB" in exc.value.message
    assert _rows(ws, admin) == 0 and _blobs(ws) == []


def test_the_limit_is_an_office_setting_inclusive_also_for_content_in_memory(ws, admin, person, tmp_path):
    with ws.write(admin) as uow:
        set_setting(uow, "attachment_max_mb", 1)
    with ws.write(admin) as uow:
        assert att.max_bytes(uow) == att.MB
        exact = att.store_bytes(uow, ws.attachments_dir, b"a" * att.MB, "a.txt", "person", person)
        assert exact.size == att.MB
        with pytest.raises(ValidationError) as exc:
            att.store_bytes(uow, ws.attachments_dir, b"a" * (att.MB + 1), "b.txt", "person", person)
        assert exc.value.message == "附件：b.txt 有 1.0 MB，超过 1 MB 的上限（可在系统设置中调整）"
    scan = tmp_path / "扫描.pdf"
    scan.write_bytes(b"%PDF-1.7\n" + b"0" * (att.MB + att.MB // 2))
    with pytest.raises(ValidationError, match="扫描.pdf 有 1.5 MB，超过 1 MB"):
        _store(ws, admin, scan, person)
    with ws.write(admin) as uow:
        with pytest.raises(ValidationError, match="单个附件大小上限：须在 1–1024 之间"):
            set_setting(uow, "attachment_max_mb", 0)
        set_setting(uow, "attachment_max_mb", 2)
    assert _store(ws, admin, scan, person).size == scan.stat().st_size
    with ws.write(admin) as uow:
        with pytest.raises(ValidationError) as exc:
            att.store_bytes(uow, ws.attachments_dir, b"", "empty.txt", "person", person)
        assert exc.value.code == "attachment_empty"


@pytest.mark.parametrize("name", [
    "setup.exe", "run.bat", "run.cmd", "old.com", "screen.scr", "mail.js", "macro.vbs", "tool.ps1",
    "install.msi", "SETUP.EXE", "scan.pdf.exe", "evil.exe.", "evil.exe  ", "photo\u202egnp.exe",
    "shortcut.lnk", "module.psm1", "app.jar", "link.url", "help.chm", "setup.application", "x.appx",
    "a" * 300 + ".exe", "evil.exe . .", "C:evil.bat", "run.sh", "tool.py",
])
def test_executables_and_scripts_are_refused_by_name(ws, admin, person, tmp_path, name):
    path = tmp_path / "x"
    path.write_bytes(b"harmless text")
    with ws.write(admin) as uow, pytest.raises(ValidationError) as exc:
        att.store_bytes(uow, ws.attachments_dir, path.read_bytes(), name, "person", person)
    assert exc.value.code == "attachment_executable"
    assert _rows(ws, admin) == 0


@pytest.mark.parametrize("content", [
    b"MZ\x90\x00\x03\x00\x00\x00", b"\x7fELF\x02\x01\x01", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01",
    b"\xca\xfe\xba\xbe\x00\x00\x00\x02", b"L\x00\x00\x00\x01\x14\x02\x00\x00\x00", b"#!/bin/sh\nrm -rf ~\n",
])
def test_programs_disguised_as_scans_are_refused_by_content(ws, admin, person, tmp_path, content):
    disguised = tmp_path / "扫描件.pdf"
    disguised.write_bytes(content + b"\x00" * 4096)
    with pytest.raises(ValidationError) as exc:
        _store(ws, admin, disguised, person)
    assert exc.value.code == "attachment_executable"
    assert _rows(ws, admin) == 0 and _blobs(ws) == []


@pytest.mark.parametrize(("raw", "expected"), [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\Windows\\System32\\drivers.png", "drivers.png"),
    ("C:\\Users\\张三\\Desktop\\身份证.jpg", "身份证.jpg"),
    ("CON.png", "_CON.png"),
    ("lpt1", "_lpt1"),
    ("a\x00b\x07c.png", "abc.png"),
    ("照片\u202egnp.txt", "照片gnp.txt"),
    ('合同<1>:"最终"?.pdf', "合同_1___最终__.pdf"),
    ("...", "附件"),
    ("  .hidden. ", "hidden"),
    ("", "附件"),
    ("CONIN$.txt", "_CONIN$.txt"),
    ("com¹.jpg", "_com¹.jpg"),
    ("aux .png", "_aux.png"),
    ("C:scan.jpg", "C_scan.jpg"),
    ("\\\\server\\share\\信.pdf", "信.pdf"),
    ("report.pdf::$DATA", "report.pdf__$DATA"),
    ("信访件.pdf . . ", "信访件.pdf"),
])
def test_names_are_made_harmless(raw, expected):
    assert att.safe_name(raw) == expected


def test_long_names_keep_their_extension():
    name = att.safe_name("很" * 300 + ".jpeg")
    assert len(name) == att.MAX_NAME_LENGTH and name.endswith(".jpeg")


def test_a_tricky_name_never_places_the_file_outside_the_store(ws, admin, person):
    with ws.write(admin) as uow:
        info = att.store_bytes(uow, ws.attachments_dir, png_bytes(), "../../../outside.png", "person", person)
    assert info.name == "outside.png"
    assert not (ws.data_dir.parent / "outside.png").exists()
    assert all(ws.attachments_dir in p.parents for p in _blobs(ws))


def test_a_file_missing_on_disk_is_reported_not_a_crash(ws, admin, person, png_file, tmp_path):
    info = _store(ws, admin, png_file, person)
    att.blob_path(ws.attachments_dir, info.sha256).unlink()
    with ws.read(admin) as uow:
        [listed] = att.list_attachments(uow, ws.attachments_dir, [("person", person)])
        assert not listed.present
        with pytest.raises(StorageError) as exc:
            att.attachment_file(uow, ws.attachments_dir, info.id)
        assert exc.value.code == "attachment_missing" and "身份证正面.png" in exc.value.message
        with pytest.raises(StorageError):
            att.viewable_copy(uow, ws.attachments_dir, info.id, tmp_path / "view")
        assert any(f.code == "attachment_missing" for f in run_checks(ws, uow))
    # Attaching the same file again restores it on disk.
    assert _store(ws, admin, png_file, person).present


def test_a_viewable_copy_carries_the_original_name(ws, admin, person, png_file, tmp_path):
    info = _store(ws, admin, png_file, person)
    with ws.read(admin) as uow:
        copy = att.viewable_copy(uow, ws.attachments_dir, info.id, tmp_path / "view")
    assert copy.name == "身份证正面.png" and copy.read_bytes() == png_file.read_bytes()


def test_unreadable_sources_and_folders_are_domain_errors(ws, admin, person, tmp_path):
    with pytest.raises(StorageError) as exc:
        _store(ws, admin, tmp_path / "gone.png", person)
    assert exc.value.code == "attachment_read"
    folder = tmp_path / "扫描件"
    folder.mkdir()
    with pytest.raises(ValidationError):
        _store(ws, admin, folder, person)


def test_attaching_needs_the_right_and_an_existing_record(ws, admin, actors, person, png_file):
    with pytest.raises(PermissionDenied):
        _store(ws, actors[Role.COUNTY_READER], png_file, person)
    with pytest.raises(PermissionDenied):
        _store(ws, actors[Role.LEADER], png_file, person)
    import uuid

    with pytest.raises(NotFound):
        _store(ws, admin, png_file, uuid.uuid4())
    with ws.write(admin) as uow, pytest.raises(ValidationError):
        att.store_bytes(uow, ws.attachments_dir, b"x", "a.txt", "office", person)
    assert _store(ws, actors[Role.RECEPTIONIST], png_file, person).present


def test_a_file_for_a_merged_archive_goes_to_the_survivor(ws, admin, person, png_file):
    with ws.write(admin) as uow:
        duplicate = create_person(uow, PersonInput(name="张三", phones=("13800138000",)))
        merge_persons(uow, person, duplicate, "同一人")
    assert _store(ws, admin, png_file, duplicate).entity_id == person


def test_removing_unlinks_the_record_and_keeps_the_file(ws, admin, person, png_file):
    info = _store(ws, admin, png_file, person)
    with ws.write(admin) as uow:
        att.remove_attachment(uow, info.id)
    assert _rows(ws, admin) == 0
    assert att.blob_path(ws.attachments_dir, info.sha256).is_file()
    with ws.read(admin) as uow:
        assert uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq.desc())).first() == "detach"
        with pytest.raises(NotFound):
            att.attachment_file(uow, ws.attachments_dir, info.id)


def test_a_notice_whose_pdf_is_gone_says_so_when_opened_and_in_the_check(ws, admin):
    from datetime import date, datetime

    from app.domain.enums import Channel, MatterType
    from app.services import matter_steps as st, notices
    from app.services.contacts import NewContact, register_contact

    with ws.write(admin) as uow:
        matter_id = register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=datetime(2026, 11, 20, 9, 0), content="反映征地补偿问题",
            persons=(PersonInput(name="张三"),), subject_code="0101", matter_type=MatterType.CLAIM)).matter_id
        [issued] = notices.perform_step(uow, ws, matter_id, st.Accept(on=date(2026, 11, 21)))[1]
    issued.path.unlink()
    with ws.read(admin) as uow:
        with pytest.raises(StorageError) as exc:
            notices.notice_pdf(uow, ws, issued.document.id)
        assert exc.value.code == "attachment_missing" and "受理告知书" in exc.value.message
        [row] = notices.list_notices(uow, matter_id)
        missing = [f for f in run_checks(ws, uow) if f.code == "attachment_missing"]
        assert len(missing) == 1 and "受理告知书" in missing[0].message
