"""Attachments encrypted at rest: sealed on disk, opened with the key unlocked at login, kept readable
through password changes and administrator resets, never opened by a wrong password."""

from __future__ import annotations

import hashlib
import io
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app import crypto
from app.domain.enums import Channel, MatterType, Role
from app.errors import Conflict, PermissionDenied, StorageError, ValidationError
from app.services import attachments as att, data_keys, matter_steps as st, notices
from app.services.check import run_checks
from app.services.contacts import NewContact, register_contact
from app.services.persons import PersonInput, create_person
from app.services.users import authenticate, change_password, create_user, reset_password
from app.services.workspace import Workspace
from db.models import Attachment, AuditEvent, KeyWrap, UserAccount
from tests.app.test_attachments import png_bytes
from tests.conftest import PASSWORD

# A scan whose bytes are easy to look for on disk.
SECRET_SCAN = b"%PDF-1.7\n" + "身份证号 110105194912310025 张三".encode() * 200


@pytest.fixture
def person(ws, admin):
    with ws.write(admin) as uow:
        return create_person(uow, PersonInput(name="张三"))


def _attach(ws, actor, person, data=SECRET_SCAN, name="身份证.pdf"):
    with ws.write(actor) as uow:
        return att.store_bytes(uow, ws.attachments_dir, data, name, "person", person)


def _read(ws, actor, attachment_id):
    with ws.read(actor) as uow:
        return att.attachment_bytes(uow, ws.attachments_dir, attachment_id)


def _files(ws) -> list[Path]:
    return sorted(p for p in ws.attachments_dir.rglob("*") if p.is_file())


def _fresh(ws) -> Workspace:
    """The same data folder opened by another program start: nothing unlocked."""
    return Workspace.open(ws.data_dir, clock=ws.clock)


def _user(session, login):
    return session.scalars(select(UserAccount).where(UserAccount.login == login)).one()


def test_turning_on_seals_stored_scans_and_every_new_one(ws, admin, person, tmp_path):
    before = _attach(ws, admin, person, png_bytes(), "照片.png")
    plain_before = att.blob_path(ws.attachments_dir, before.sha256)
    assert plain_before.read_bytes() == png_bytes()
    result = data_keys.turn_on(ws, admin, PASSWORD)
    assert result.files_encrypted == 1 and len(result.recovery_code) == 39
    after = _attach(ws, admin, person)
    assert not plain_before.exists()
    for info, plain in ((before, png_bytes()), (after, SECRET_SCAN)):
        sealed = att.blob_path(ws.attachments_dir, info.sha256, encrypted=True)
        raw = sealed.read_bytes()
        assert raw.startswith(crypto.MAGIC) and len(raw) == crypto.sealed_size(len(plain))
        assert plain[8:40] not in raw and "110105194912310025".encode() not in raw
        assert _read(ws, admin, info.id) == plain  # the administrator turned it on: the key is unlocked
    assert all(p.suffix == att.SEALED_SUFFIX for p in _files(ws))
    with ws.read(admin) as uow:
        assert [a.present for a in att.list_attachments(uow, ws.attachments_dir, [("person", person)])] == [True] * 2
        view = att.viewable_copy(uow, ws.attachments_dir, after.id, tmp_path / "view")
        assert view.name == "身份证.pdf" and view.read_bytes() == SECRET_SCAN
        assert [f for f in run_checks(ws, uow) if f.code.startswith("attachment")] == []
    with ws.write(admin) as uow, pytest.raises(Conflict):
        data_keys._enable(uow, ws.attachments_dir, PASSWORD)


def test_notices_stay_plain_and_reprint_without_a_login(ws, admin):
    data_keys.turn_on(ws, admin, PASSWORD)
    with ws.write(admin) as uow:
        matter_id = register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=datetime(2026, 11, 20, 9, 0), content="反映征地补偿问题",
            persons=(PersonInput(name="李四"),), subject_code="0101", matter_type=MatterType.CLAIM)).matter_id
        [issued] = notices.perform_step(uow, ws, matter_id, st.Accept(on=date(2026, 11, 21)))[1]
    cli = _fresh(ws)
    with cli.read(cli.system_actor()) as uow:
        assert notices.notice_pdf(uow, cli, issued.document.id).startswith(b"%PDF-")
    cli.close()


def test_without_the_key_files_do_not_open_but_the_check_still_verifies_them(ws, admin, person):
    data_keys.turn_on(ws, admin, PASSWORD)
    info = _attach(ws, admin, person)
    other = _fresh(ws)
    with other.read(other.system_actor()) as uow:
        with pytest.raises(PermissionDenied) as exc:
            att.attachment_bytes(uow, other.attachments_dir, info.id)
        assert "附件已加密" in exc.value.message
        assert [f for f in run_checks(other, uow) if f.code.startswith("attachment")] == []
    sealed = att.blob_path(ws.attachments_dir, info.sha256, encrypted=True)
    data = bytearray(sealed.read_bytes())
    data[-40] ^= 0x01  # one flipped bit inside the content
    sealed.write_bytes(bytes(data))
    with other.read(other.system_actor()) as uow:  # length unchanged: undetectable without the key
        assert [f for f in run_checks(other, uow) if f.code.startswith("attachment")] == []
    with ws.read(admin) as uow:
        assert [f.code for f in run_checks(ws, uow) if f.code.startswith("attachment")] == ["attachment_hash"]
        with pytest.raises(StorageError) as damaged:
            att.attachment_bytes(uow, ws.attachments_dir, info.id)
        assert damaged.value.code == "attachment_damaged"
    sealed.write_bytes(bytes(data[:-100]))  # cut short
    with other.read(other.system_actor()) as uow:
        assert [f.code for f in run_checks(other, uow) if f.code.startswith("attachment")] == ["attachment_hash"]
    other.close()


def test_login_unlocks_and_a_wrong_password_does_not(ws, admin, person):
    data_keys.turn_on(ws, admin, PASSWORD)
    info = _attach(ws, admin, person)
    other = _fresh(ws)
    with pytest.raises(PermissionDenied):
        authenticate(other, "admin", "wrong-password-1")
    assert not other.keyring.unlocked
    with other.database.read() as session:  # even straight at the wrap, a wrong password opens nothing
        data_keys.unlock_at_login(session, other.keyring, _user(session, "admin"), "wrong-password-1")
        assert not other.keyring.unlocked
    actor = authenticate(other, "admin", PASSWORD)
    assert other.keyring.unlocked and _read(other, actor, info.id) == SECRET_SCAN
    other.close()


def test_a_wrap_is_bound_to_its_user(ws, admin, actors):
    data_keys.turn_on(ws, admin, PASSWORD)
    with ws.database.write() as session:
        wraps = {w.user_id: w for w in session.scalars(select(KeyWrap))}
        admin_wrap = wraps[admin.user_id]
        key = data_keys.office_key(session, admin.office_id)
        # The administrator's wrap copied onto another user's row, with the same password, does not open.
        stolen = KeyWrap(office_id=admin.office_id, data_key_id=key.id, user_id=actors[Role.HANDLER].user_id,
                         kdf=admin_wrap.kdf, kdf_params=admin_wrap.kdf_params, salt=admin_wrap.salt,
                         nonce=admin_wrap.nonce, wrapped=admin_wrap.wrapped)
        session.add(stolen)
    other = _fresh(ws)
    authenticate(other, "jingban", PASSWORD)
    assert not other.keyring.unlocked
    other.close()


def test_password_change_keeps_the_key_and_the_old_password_stops_opening_it(ws, admin, person):
    data_keys.turn_on(ws, admin, PASSWORD)
    info = _attach(ws, admin, person)
    with ws.write(admin) as uow:
        change_password(uow, PASSWORD, "new-secret-42")
    other = _fresh(ws)
    with other.database.read() as session:
        data_keys.unlock_at_login(session, other.keyring, _user(session, "admin"), PASSWORD)
        assert not other.keyring.unlocked
    actor = authenticate(other, "admin", "new-secret-42")
    assert _read(other, actor, info.id) == SECRET_SCAN
    other.close()


def test_an_admin_reset_keeps_every_file_readable_for_the_user(ws, admin, actors, person):
    data_keys.turn_on(ws, admin, PASSWORD)
    info = _attach(ws, admin, person)
    clerk = actors[Role.RECEPTIONIST]
    # Users that existed before encryption get the key at their next reset; new users at creation.
    with ws.write(admin) as uow:
        reset_password(uow, clerk.user_id, "forgot-it-7")
        create_user(uow, "xinren", "新人", Role.HANDLER, "first-pass-8")
    for login, password in (("jiedai", "forgot-it-7"), ("xinren", "first-pass-8")):
        desk = _fresh(ws)
        actor = authenticate(desk, login, password)
        assert desk.keyring.unlocked and _read(desk, actor, info.id) == SECRET_SCAN
        desk.close()


def test_a_reset_by_an_admin_without_the_key_is_repaired_with_the_recovery_code(ws, admin, actors, person):
    recovery = data_keys.turn_on(ws, admin, PASSWORD).recovery_code
    info = _attach(ws, admin, person)
    clerk = actors[Role.RECEPTIONIST]
    locked = _fresh(ws)  # an administrator session whose keyring is not unlocked
    with locked.write(admin) as uow:
        reset_password(uow, clerk.user_id, "forgot-it-7")
    desk = _fresh(ws)
    actor = authenticate(desk, "jiedai", "forgot-it-7")
    with pytest.raises(PermissionDenied, match="请由管理员重置本账号密码"):
        _read(desk, actor, info.id)
    # Every administrator password lost: the printed recovery code opens the key (typed loosely).
    with locked.database.read() as session, pytest.raises(ValidationError, match="恢复码：不正确"):
        data_keys.unlock_with_recovery_code(session, locked.keyring, admin.office_id, "AAAA-" * 8)
    with locked.database.read() as session:
        data_keys.unlock_with_recovery_code(session, locked.keyring, admin.office_id,
                                            recovery.lower().replace("-", " "))
    with locked.write(admin) as uow:
        reset_password(uow, clerk.user_id, "second-try-9")
    actor = authenticate(desk, "jiedai", "second-try-9")
    assert _read(desk, actor, info.id) == SECRET_SCAN
    locked.close()
    desk.close()


def test_turning_on_needs_the_administrators_own_password(ws, admin, actors):
    with ws.write(admin) as uow, pytest.raises(ValidationError, match="密码：不正确"):
        data_keys._enable(uow, ws.attachments_dir, "not-my-password-1")
    with ws.write(actors[Role.RECEPTIONIST]) as uow, pytest.raises(PermissionDenied):
        data_keys._enable(uow, ws.attachments_dir, PASSWORD)
    with ws.read(admin) as uow:
        assert data_keys.public_key(uow) is None


def test_sealed_files_span_chunks_and_cannot_be_cut_or_reordered():
    private, public = crypto.new_key_pair()
    plain = os.urandom(crypto.CHUNK * 2 + 12345)
    out = io.BytesIO()
    writer = crypto.SealingWriter(out, public)
    for start in range(0, len(plain), 300_000):
        writer.write(plain[start:start + 300_000])
    writer.close()
    sealed = out.getvalue()
    assert len(sealed) == crypto.sealed_size(len(plain))
    assert b"".join(crypto.open_sealed(io.BytesIO(sealed), private)) == plain
    step = crypto.CHUNK + crypto.TAG
    head, c0, c1, c2 = (sealed[:crypto.HEADER_BYTES], sealed[crypto.HEADER_BYTES:][:step],
                        sealed[crypto.HEADER_BYTES:][step:2 * step], sealed[crypto.HEADER_BYTES:][2 * step:])
    for damaged in (head + c0 + c1, head + c1 + c0 + c2, head + c0 + c1 + c2[:-1]):
        with pytest.raises(crypto.SealError):
            b"".join(crypto.open_sealed(io.BytesIO(damaged), private))
    other_private, _ = crypto.new_key_pair()
    with pytest.raises(crypto.SealError):
        b"".join(crypto.open_sealed(io.BytesIO(sealed), other_private))
    wrapped = crypto.wrap(private, "pass-word-1", b"owner")
    assert crypto.unwrap(wrapped, "pass-word-1", b"owner", crypto.KDF_PARAMS) == private
    for password, owner in (("pass-word-2", b"owner"), ("pass-word-1", b"other")):
        with pytest.raises(crypto.SealError):
            crypto.unwrap(wrapped, password, owner, crypto.KDF_PARAMS)


def test_the_encrypted_flag_is_stored(ws, admin, person):
    data_keys.turn_on(ws, admin, PASSWORD)
    info = _attach(ws, admin, person)
    with ws.read(admin) as uow:
        assert uow.session.get(Attachment, info.id).encrypted


def test_decrypted_viewing_copies_are_removed_when_the_workspace_closes(ws, admin, person):
    data_keys.turn_on(ws, admin, PASSWORD)
    info = _attach(ws, admin, person)
    with ws.read(admin) as uow:
        copy = att.viewable_copy(uow, ws.attachments_dir, info.id, ws.viewing_dir)
    assert copy.read_bytes() == SECRET_SCAN
    ws.close()
    assert not ws.viewing_dir.exists() and not ws.keyring.unlocked
    copy.parent.mkdir(parents=True)
    copy.write_bytes(SECRET_SCAN)  # left behind by a crash: gone at the next start
    _fresh(ws).close()
    assert not copy.exists()


def test_the_command_line_turns_encryption_on_after_a_login(ws, admin, person, monkeypatch, capsys):
    from app.cli.main import run

    plain = _attach(ws, admin, person)
    ws.close()
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong-password-1\n"))
    assert run(["encrypt-attachments", "--admin", "admin", "--data-dir", str(ws.data_dir)]) == 2
    assert "登录失败" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    assert run(["encrypt-attachments", "--admin", "admin", "--data-dir", str(ws.data_dir)]) == 0
    printed = capsys.readouterr().out
    code = printed.strip().splitlines()[-1]
    assert "已加密 1 个附件" in printed and len(code) == 39
    assert att.blob_path(ws.attachments_dir, plain.sha256, encrypted=True).is_file()
    assert not att.blob_path(ws.attachments_dir, plain.sha256).exists()
    later = _fresh(ws)
    with later.database.read() as session:
        data_keys.unlock_with_recovery_code(session, later.keyring, admin.office_id, code)
    assert _read(later, admin, plain.id) == SECRET_SCAN
    # Run again (say the first run was cut off): it seals what is still plain, no second key.
    with later.database.write() as session:
        session.execute(update(Attachment).values(encrypted=False))
    att.blob_path(ws.attachments_dir, plain.sha256).write_bytes(SECRET_SCAN)
    later.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    assert run(["encrypt-attachments", "--admin", "admin", "--data-dir", str(ws.data_dir)]) == 0
    assert "本次加密了其余 1 个附件" in capsys.readouterr().out
    assert not att.blob_path(ws.attachments_dir, plain.sha256).exists()
    again = _fresh(ws)
    assert _read(again, authenticate(again, "admin", PASSWORD), plain.id) == SECRET_SCAN
    again.close()


def test_a_backup_carries_sealed_files_and_restores_them_readable(ws, admin, person):
    from app.services.backup import Reason, create_backup
    from app.services.restore import restore_backup

    data_keys.turn_on(ws, admin, PASSWORD)
    info = _attach(ws, admin, person)
    made = create_backup(ws.data_dir, Reason.MANUAL, datetime(2026, 11, 23, 9, 0))
    assert made.missing_attachments == () and made.damaged_attachments == ()
    backup = made.backup
    sealed = att.blob_path(ws.attachments_dir, info.sha256, encrypted=True)
    sealed.unlink()  # the scan is lost from the data folder; the backup still has it
    data_dir = ws.data_dir
    ws.close()
    restore_backup(data_dir, backup.path, datetime(2026, 11, 23, 10, 0))
    assert sealed.is_file()
    again = Workspace.open(data_dir, clock=lambda: datetime(2026, 11, 23, 10, 0))
    try:
        authenticate(again, "admin", PASSWORD)  # logging in unlocks the key
        with again.read(admin) as uow:
            assert att.attachment_bytes(uow, again.attachments_dir, info.id) == SECRET_SCAN
    finally:
        again.close()


# --- sealing in the background: batches, cancel, resume, crash leftovers -----------------------------


def _scans(ws, admin, person, n):
    return [_attach(ws, admin, person, SECRET_SCAN + bytes([i]) * (i + 1), f"扫描{i}.pdf") for i in range(n)]


def test_sealing_can_be_cancelled_and_resumed_and_every_file_stays_readable(ws, admin, person, monkeypatch):
    monkeypatch.setattr(data_keys, "BATCH_FILES", 1)
    scans = _scans(ws, admin, person, 3)
    data_keys.enable(ws, admin, PASSWORD)
    seen: list[tuple[int, int]] = []
    first = data_keys.seal_stored_files(ws, admin, progress=lambda d, t: seen.append((d, t)),
                                        cancelled=lambda: bool(seen))
    assert (first.sealed, first.remaining) == (1, 2) and seen == [(1, 3)]
    with ws.read(admin) as uow:
        assert data_keys.protection(uow) == data_keys.Protection(True, 1, 2, True, ("jiedai用户（jiedai）",
                                                                                    "jingban用户（jingban）",
                                                                                    "lingdao用户（lingdao）",
                                                                                    "xianji用户（xianji）"))
    for info in scans:  # half sealed, half plain: each row says which form its file has
        assert _read(ws, admin, info.id).startswith(SECRET_SCAN)
    second = data_keys.seal_stored_files(ws, admin)
    assert (second.sealed, second.remaining) == (2, 0)
    assert all(p.suffix == att.SEALED_SUFFIX for p in _files(ws))
    with ws.read(admin) as uow:
        assert [f for f in run_checks(ws, uow) if f.code.startswith("attachment")] == []
        assert data_keys.protection(uow).plain == 0
    with ws.database.read() as session:
        batches = [e.after["files"] for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action == "encrypt_attachments"))]
    assert batches == [1, 1, 1]


def test_plain_copies_left_by_a_crash_after_the_commit_are_deleted_by_the_next_run(ws, admin, person):
    [info] = _scans(ws, admin, person, 1)
    plain = att.blob_path(ws.attachments_dir, info.sha256)
    content = plain.read_bytes()
    data_keys.turn_on(ws, admin, PASSWORD)
    plain.write_bytes(content)  # as if the program died between the commit and the deletion
    assert data_keys.seal_stored_files(ws, admin) == data_keys.Sealing(0, 0)
    assert not plain.exists() and _read(ws, admin, info.id) == content


def test_sealed_files_of_an_attempt_cut_before_its_commit_are_not_trusted(ws, admin, person):
    """A run cut off before its commit left files sealed for a key that was never stored. The next
    attempt must not take them for sealed copies (the content would be lost for good)."""
    [stored] = _scans(ws, admin, person, 1)
    _lost_private, lost_public = crypto.new_key_pair()
    later = SECRET_SCAN + b"later"
    for data in (stored_content := att.blob_path(ws.attachments_dir, stored.sha256).read_bytes(), later):
        target = att.blob_path(ws.attachments_dir, hashlib.sha256(data).hexdigest(), encrypted=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            writer = crypto.SealingWriter(out, lost_public)
            writer.write(data)
            writer.close()
    data_keys.turn_on(ws, admin, PASSWORD)
    assert _read(ws, admin, stored.id) == stored_content
    again = _attach(ws, admin, person, later, "后来的扫描.pdf")
    assert _read(ws, admin, again.id) == later


def test_an_administrator_without_a_key_recovers_it_with_the_printed_code(ws, admin, actors, person):
    recovery = data_keys.turn_on(ws, admin, PASSWORD).recovery_code
    info = _attach(ws, admin, person)
    with ws.write(admin) as uow:
        create_user(uow, "admin2", "第二管理员", Role.ADMIN, PASSWORD)
    locked = _fresh(ws)
    other = authenticate(locked, "admin2", PASSWORD)
    locked.keyring.lock()  # say this administrator's own wrap had been lost: the session holds no key
    with locked.write(other) as uow:
        reset_password(uow, admin.user_id, "forgot-it-7")  # the first administrator's wrap goes
    desk = _fresh(ws)
    me = authenticate(desk, "admin", "forgot-it-7")
    assert not desk.keyring.unlocked
    with pytest.raises(ValidationError, match="恢复码：不正确"):
        data_keys.recover_with_code(desk, me, "AAAA-" * 8, "forgot-it-7")
    with pytest.raises(ValidationError, match="密码：不正确"):
        data_keys.recover_with_code(desk, me, recovery, "wrong-one-1")
    with pytest.raises(PermissionDenied):
        data_keys.recover_with_code(desk, actors[Role.RECEPTIONIST], recovery, PASSWORD)
    with desk.read(me) as uow:
        assert data_keys.protection(uow).without_key[0] == "王管理（admin）"
    data_keys.recover_with_code(desk, me, recovery.lower(), "forgot-it-7")
    assert _read(desk, me, info.id) == SECRET_SCAN
    later = _fresh(ws)
    assert _read(later, authenticate(later, "admin", "forgot-it-7"), info.id) == SECRET_SCAN
    for w in (locked, desk, later):
        w.close()
    with ws.database.read() as session:
        assert session.scalars(select(AuditEvent.user_login).where(AuditEvent.action == "recover_key")).all() == ["admin"]
