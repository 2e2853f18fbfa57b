"""Backups: online snapshot plus attachments, manifest, hard links, mirror, rotation; restore and its refusals."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.enums import Role
from app.domain.rotation import KEEP, Tier, plan_rotation
from app.errors import AccountClosed, PermissionDenied, StorageError, ValidationError
from app.paths import ATTACHMENTS_DIR, DATABASE_FILE
from app.services import attachments as att
from app.services.backup import (
    MANIFEST_FILE, Reason, automatic_backup, backed_up_today, backup_now, backups_dir, create_backup,
    list_backups,
)
from app.services.check import run_checks
from app.services.backup_files import sha256_of
from app.services.persons import PersonInput, create_person
from app.services.restore import restore_backup, restore_now
from app.services.users import authenticate, create_user, set_active
from app.services.workspace import Workspace
from db.engine import create_db_engine, sqlite_url
from db.migrate import current_revision, head_revision, upgrade
from db.models import AuditEvent, Person
from tests.app.test_attachments import png_bytes
from tests.conftest import FIXED_NOW, PASSWORD
from tests.db.test_migrations import OFFICE, PERSON, fill_at_first_revision

# --- rotation (a pure rule) -----------------------------------------------------------------------


def _daily(first: date, last: date, hour: int = 18) -> list[tuple[date, datetime]]:
    days = (last - first).days + 1
    return [(first + timedelta(d), datetime.combine(first + timedelta(d), datetime.min.time()).replace(hour=hour))
            for d in range(days)]


def test_rotation_of_two_years_of_daily_backups():
    kept = plan_rotation(_daily(date(2025, 1, 1), date(2026, 11, 23)))  # 2026-11-23 is a Monday
    expected = {date(2026, 11, d): Tier.DAILY for d in range(17, 22)}
    expected |= {date(2026, 11, 22): Tier.WEEKLY, date(2026, 11, 15): Tier.WEEKLY, date(2026, 11, 8): Tier.WEEKLY}
    expected |= {d: Tier.MONTHLY for d in (
        date(2026, 11, 23), date(2026, 10, 31), date(2026, 9, 30), date(2026, 8, 31), date(2026, 7, 31),
        date(2026, 6, 30), date(2026, 5, 31), date(2026, 4, 30), date(2026, 3, 31), date(2026, 2, 28),
        date(2026, 1, 31), date(2025, 12, 31))}
    assert kept == expected


def test_rotation_keeps_the_newest_of_several_backups_a_day():
    stamps = [(f"{d}-{h}", datetime(2026, 11, d, h)) for d in (20, 21, 22, 23) for h in (8, 12, 17)]
    kept = plan_rotation(stamps)
    assert set(kept) == {"20-17", "21-17", "22-17", "23-17"}
    same_second = [("a", datetime(2026, 11, 23, 17)), ("b", datetime(2026, 11, 23, 17))]
    assert set(plan_rotation(same_second)) == {"b"}


def test_rotation_counts_days_that_have_backups_not_days_since_today():
    # The PC was off for six weeks: the last seven working days before the break are all kept.
    before = _daily(date(2026, 9, 1), date(2026, 9, 10))
    after = _daily(date(2026, 10, 22), date(2026, 10, 22))
    kept = plan_rotation(before + after)
    assert set(kept) == {date(2026, 10, 22)} | {date(2026, 9, d) for d in range(5, 11)}
    assert kept[date(2026, 9, 6)] is Tier.WEEKLY and kept[date(2026, 9, 10)] is Tier.MONTHLY


def test_rotation_puts_the_iso_week_across_new_year_together():
    # 2026-12-28 .. 2027-01-03 is ISO week 2026-W53: one weekly backup for it, two monthly ones.
    kept = plan_rotation(_daily(date(2026, 12, 28), date(2027, 1, 3)), {Tier.DAILY: 0, Tier.WEEKLY: 4,
                                                                         Tier.MONTHLY: 12})
    assert kept == {date(2027, 1, 3): Tier.MONTHLY, date(2026, 12, 31): Tier.MONTHLY}


def test_rotation_invariants_over_random_histories():
    rng = random.Random(7)
    for _ in range(300):
        start = datetime(2024, 1, 1) + timedelta(minutes=rng.randrange(0, 500_000))
        stamps = [(i, start + timedelta(minutes=rng.randrange(0, 1_000_000))) for i in range(rng.randrange(1, 120))]
        kept = plan_rotation(stamps)
        newest = max(stamps, key=lambda s: s[1])
        assert newest[0] in kept
        assert len(kept) <= sum(KEEP.values())
        days = sorted({at.date() for _, at in stamps}, reverse=True)[:7]
        for day in days:  # the newest backup of each of the seven most recent days is kept
            newest_of_day = max((s for s in stamps if s[1].date() == day), key=lambda s: s[1])
            assert newest_of_day[0] in kept
        # Running the rule again on what it kept deletes nothing more.
        assert set(plan_rotation([s for s in stamps if s[0] in kept])) == set(kept)


# --- making backups -------------------------------------------------------------------------------


@pytest.fixture
def person_with_scan(ws, admin):
    with ws.write(admin) as uow:
        person = create_person(uow, PersonInput(name="张三"))
        scan = att.store_bytes(uow, ws.attachments_dir, png_bytes(), "身份证.png", "person", person)
    return person, scan


def _persons(data_dir: Path) -> list[str]:
    connection = sqlite3.connect(data_dir / DATABASE_FILE)
    try:
        return sorted(row[0] for row in connection.execute("SELECT name FROM person"))
    finally:
        connection.close()


def test_backup_is_a_consistent_self_contained_folder(ws, admin, person_with_scan):
    _person, scan = person_with_scan
    # A writer holds an open transaction: the online backup neither waits for it nor sees its rows.
    writer = sqlite3.connect(ws.data_dir / DATABASE_FILE, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE person SET name = '未提交' WHERE name = '张三'")
    result = create_backup(ws.data_dir, Reason.MANUAL, FIXED_NOW)
    writer.execute("ROLLBACK")
    writer.close()

    folder = result.backup.path
    assert folder == backups_dir(ws.data_dir) / "xinfang-20261123-100000"
    assert sorted(p.name for p in folder.iterdir()) == [ATTACHMENTS_DIR, MANIFEST_FILE, DATABASE_FILE]
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["alembic_revision"] == head_revision()
    assert manifest["reason"] == "manual" and manifest["created_at"] == "2026-11-23T10:00:00"
    assert manifest["database"]["sha256"] == sha256_of(folder / DATABASE_FILE)
    assert manifest["attachments"] == {scan.sha256: scan.size}
    assert sha256_of(folder / ATTACHMENTS_DIR / scan.sha256[:2] / scan.sha256) == scan.sha256
    copy = sqlite3.connect(f"file:{folder / DATABASE_FILE}?mode=ro", uri=True)
    assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert [r[0] for r in copy.execute("SELECT name FROM person")] == ["张三"]
    copy.close()
    assert not list(folder.parent.glob(".partial-*"))
    assert result.backup.size == manifest["database"]["size"] + scan.size


def test_second_backup_links_unchanged_attachments(ws, admin, person_with_scan):
    _person, scan = person_with_scan
    first = create_backup(ws.data_dir, Reason.EXIT, FIXED_NOW - timedelta(days=1)).backup.path
    second = create_backup(ws.data_dir, Reason.MANUAL, FIXED_NOW).backup.path
    third = create_backup(ws.data_dir, Reason.MIGRATION, FIXED_NOW).backup.path
    assert (second.name, third.name) == ("xinfang-20261123-100000", "xinfang-20261123-100000-2")
    relative = Path(ATTACHMENTS_DIR) / scan.sha256[:2] / scan.sha256
    assert (first / relative).stat().st_ino == (second / relative).stat().st_ino == (third / relative).stat().st_ino
    assert (first / relative).stat().st_nlink == 3


def test_missing_and_damaged_attachments_are_reported_not_copied(ws, admin):
    with ws.write(admin) as uow:
        person = create_person(uow, PersonInput(name="李四"))
        gone = att.store_bytes(uow, ws.attachments_dir, png_bytes(colour=b"\x00\x00\x00"), "a.png", "person",
                               person)
        bad = att.store_bytes(uow, ws.attachments_dir, png_bytes(colour=b"\xff\x00\x00"), "b.png", "person",
                              person)
    att.blob_path(ws.attachments_dir, gone.sha256).unlink()
    att.blob_path(ws.attachments_dir, bad.sha256).write_bytes(b"overwritten")
    result = create_backup(ws.data_dir, Reason.MANUAL, FIXED_NOW)
    assert result.missing_attachments == (gone.sha256,)
    assert result.damaged_attachments == (bad.sha256,)
    assert not (result.backup.path / ATTACHMENTS_DIR / bad.sha256[:2] / bad.sha256).exists()
    manifest = json.loads((result.backup.path / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["missing_attachments"] == [gone.sha256] and manifest["attachments"] == {}


def test_mirror_gets_an_identical_copy_and_a_bad_mirror_does_not_fail_the_backup(ws, admin, person_with_scan,
                                                                                tmp_path):
    stick = tmp_path / "U盘" / "信访备份"
    result = create_backup(ws.data_dir, Reason.MANUAL, FIXED_NOW, mirror=stick)
    assert result.mirror == stick / result.backup.path.name and result.mirror_error is None
    local = {p.relative_to(result.backup.path): sha256_of(p) for p in result.backup.path.rglob("*") if p.is_file()}
    mirrored = {p.relative_to(result.mirror): sha256_of(p) for p in result.mirror.rglob("*") if p.is_file()}
    assert mirrored == local
    assert [b.path for b in list_backups(stick)] == [result.mirror]

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    later = create_backup(ws.data_dir, Reason.MANUAL, FIXED_NOW + timedelta(hours=1), mirror=blocked)
    assert later.mirror is None and "镜像文件夹" in (later.mirror_error or "")
    assert later.backup.path.is_dir()


def test_backups_on_disk_are_rotated(ws):
    day = datetime(2026, 8, 1, 17, 0)
    for n in range(70):
        create_backup(ws.data_dir, Reason.EXIT, day + timedelta(days=n))
    create_backup(ws.data_dir, Reason.MIGRATION, day + timedelta(days=70))
    kept = list_backups(backups_dir(ws.data_dir))
    stamps = [(b.path, b.created_at) for b in kept if b.reason is Reason.EXIT]
    assert set(plan_rotation(stamps)) == {p for p, _ in stamps}
    # Oct 3-9 daily; weeks ending Sep 20 and 27 (Oct 4 is already a daily one); Sep 30 and Aug 31.
    assert sorted(at.date() for _, at in stamps) == [
        date(2026, 8, 31), date(2026, 9, 20), date(2026, 9, 27), date(2026, 9, 30),
        *(date(2026, 10, d) for d in range(3, 10))]
    assert kept[0].reason is Reason.MIGRATION and kept[0].tier is None
    assert {b.tier for b in kept[1:]} == {Tier.DAILY, Tier.WEEKLY, Tier.MONTHLY}
    assert backed_up_today(backups_dir(ws.data_dir), day + timedelta(days=70, hours=3))
    assert not backed_up_today(backups_dir(ws.data_dir), day + timedelta(days=71))


def test_copies_before_upgrades_and_restores_keep_the_newest_five(ws):
    for n in range(7):
        create_backup(ws.data_dir, Reason.RESTORE if n % 2 else Reason.MIGRATION, FIXED_NOW + timedelta(days=n))
    kept = list_backups(backups_dir(ws.data_dir))
    assert [b.created_at.day for b in kept] == [29, 28, 27, 26, 25]
    assert all(b.tier is None for b in kept)


def test_partial_folder_from_an_interrupted_backup_is_removed(ws):
    leftover = backups_dir(ws.data_dir) / ".partial-xinfang-20261122-170000"
    (leftover / ATTACHMENTS_DIR).mkdir(parents=True)
    create_backup(ws.data_dir, Reason.MANUAL, FIXED_NOW)
    assert not leftover.exists()
    assert [b.path.name for b in list_backups(backups_dir(ws.data_dir))] == ["xinfang-20261123-100000"]


def test_only_the_administrator_backs_up_and_restores_from_the_settings(ws, actors):
    with pytest.raises(PermissionDenied):
        backup_now(ws, actors[Role.LEADER])
    made = backup_now(ws, actors[Role.ADMIN]).backup.path
    with pytest.raises(PermissionDenied):
        restore_now(ws, actors[Role.RECEPTIONIST], made)


def test_an_administrator_closed_since_login_can_no_longer_back_up_or_restore(ws, admin):
    """The settings page keeps the actor of the login; the account as it stands now decides."""
    with ws.write(admin) as uow:
        create_user(uow, "admin2", "第二管理员", Role.ADMIN, PASSWORD)
    second = authenticate(ws, "admin2", PASSWORD)
    made = backup_now(ws, second).backup.path
    with ws.write(admin) as uow:
        set_active(uow, second.user_id, False)
    with pytest.raises(AccountClosed):
        backup_now(ws, second)
    with pytest.raises(AccountClosed):
        restore_now(ws, second, made)
    assert [b.path for b in list_backups(backups_dir(ws.data_dir))] == [made]


def _backup_events(ws: Workspace) -> list[tuple[str | None, dict]]:
    with ws.database.read() as session:
        return [(e.user_login, e.after) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action == "backup").order_by(AuditEvent.seq))]


def test_automatic_backups_are_audited_as_the_user_or_the_system(ws, admin, actors, person_with_scan, clock):
    daily = automatic_backup(ws, Reason.DAILY, actors[Role.RECEPTIONIST])
    assert daily is not None
    assert automatic_backup(ws, Reason.DAILY, admin) is None  # the second start of the day: no backup, no event
    clock.now = FIXED_NOW + timedelta(hours=2)
    on_exit = automatic_backup(ws, Reason.EXIT)
    manual = backup_now(ws, admin)
    events = _backup_events(ws)
    assert [login for login, _ in events] == ["jiedai", "system", "admin"]
    for (_login, after), result, reason in zip(events, (daily, on_exit, manual), ("daily", "exit", "manual")):
        assert after == {"folder": str(result.backup.path), "size": result.backup.size, "reason": reason}
    # The rotation keeps one backup a day (the manual one); its size is the bytes on disk.
    assert manual.backup.size == sum(p.stat().st_size for p in manual.backup.path.rglob("*")
                                     if p.is_file() and p.name != MANIFEST_FILE) > 0
    # Each event came after its snapshot: the manual backup holds the two automatic ones' events, not its
    # own; the chain of the live trail is intact.
    assert _backup_logins(manual.backup.path) == ["jiedai", "system"]
    with ws.read(admin) as uow:
        assert [f for f in run_checks(ws, uow) if f.code == "audit_chain"] == []


def _backup_logins(folder: Path) -> list[str]:
    connection = sqlite3.connect(folder / DATABASE_FILE)
    try:
        return [row[0] for row in connection.execute(
            "SELECT user_login FROM audit_event WHERE action = 'backup' ORDER BY seq")]
    finally:
        connection.close()


# --- restoring ------------------------------------------------------------------------------------


def test_restore_brings_back_the_data_and_keeps_the_current_data_first(ws, admin, person_with_scan):
    _person, scan = person_with_scan
    backup = create_backup(ws.data_dir, Reason.MANUAL, FIXED_NOW).backup.path
    with ws.write(admin) as uow:
        create_person(uow, PersonInput(name="王五"))
    att.blob_path(ws.attachments_dir, scan.sha256).unlink()
    ws.close()

    result = restore_backup(ws.data_dir, backup / MANIFEST_FILE, FIXED_NOW + timedelta(hours=1))
    assert result.restored_from == backup and result.upgraded_from is None
    assert _persons(ws.data_dir) == ["张三"]
    assert sha256_of(att.blob_path(ws.attachments_dir, scan.sha256)) == scan.sha256
    assert result.safety_backup is not None and sorted(_persons(result.safety_backup)) == ["张三", "王五"]
    reopened = Workspace.open(ws.data_dir)
    try:
        with reopened.read(admin) as uow:
            assert [p.name for p in uow.session.scalars(select(Person))] == ["张三"]
    finally:
        reopened.close()
    assert not list(ws.data_dir.glob(".restore-*"))


def test_backup_from_the_first_schema_revision_restores_and_is_upgraded(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    engine = create_db_engine(sqlite_url(old / DATABASE_FILE))
    upgrade(engine, "0001")
    fill_at_first_revision(engine)
    engine.dispose()
    backup = create_backup(old, Reason.MANUAL, FIXED_NOW, target=tmp_path / "usb").backup
    assert backup.revision == "0001"

    current = tmp_path / "data"
    Workspace.open(current).close()
    result = restore_backup(current, backup.path, FIXED_NOW)
    assert result.upgraded_from == "0001"
    ws = Workspace.open(current)
    try:
        assert current_revision(ws.database.engine) == head_revision()
        assert ws.local_office_id() == OFFICE
        with ws.read(ws.system_actor()) as uow:
            assert uow.session.get(Person, PERSON).name == "王𠮷"
    finally:
        ws.close()


@pytest.fixture
def made(ws, admin, person_with_scan) -> Path:
    """A good backup, and the data folder closed as the restore needs it."""
    folder = create_backup(ws.data_dir, Reason.MANUAL, FIXED_NOW).backup.path
    ws.close()
    return folder


def _rewrite_manifest(folder: Path, **database: object) -> None:
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    manifest["database"] |= database
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")


def _rehash(folder: Path) -> None:
    db = folder / DATABASE_FILE
    _rewrite_manifest(folder, sha256=sha256_of(db), size=db.stat().st_size)


def _truncate(folder: Path) -> None:
    db = folder / DATABASE_FILE
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])


def _flip_a_byte(folder: Path) -> None:
    db = folder / DATABASE_FILE
    data = bytearray(db.read_bytes())
    data[len(data) // 2] ^= 0xFF
    db.write_bytes(bytes(data))


def _corrupt_pages(folder: Path) -> None:
    """Damage inside the file with a manifest that matches it: only integrity_check can tell."""
    db = folder / DATABASE_FILE
    data = bytearray(db.read_bytes())
    page = 4096
    for offset in range(page * 2, len(data), page):
        data[offset:offset + 8] = b"\x0d\x00\x00\xff\xff\x00\x00\x00"
    db.write_bytes(bytes(data))
    _rehash(folder)


def _foreign_database(folder: Path) -> None:
    db = folder / DATABASE_FILE
    db.unlink()
    other = sqlite3.connect(db)
    other.execute("CREATE TABLE songs (title TEXT)")
    other.commit()
    other.close()
    _rehash(folder)


def _newer_program(folder: Path) -> None:
    db = folder / DATABASE_FILE
    connection = sqlite3.connect(db)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    _rehash(folder)


def _attachment_lost(folder: Path) -> None:
    for blob in (folder / ATTACHMENTS_DIR).rglob("*"):
        if blob.is_file():
            blob.unlink()


def _no_manifest(folder: Path) -> None:
    (folder / MANIFEST_FILE).unlink()


@pytest.mark.parametrize("damage, code, words", [
    (_truncate, "backup_truncated", "大小与清单不符"),
    (_flip_a_byte, "backup_hash", "校验值与清单不符"),
    (_corrupt_pages, "backup_corrupt", "损坏"),
    (_foreign_database, "backup_not_xinfang", "不是信访工作台的数据库"),
    (_newer_program, "backup_newer", "更新版本的程序"),
    (_attachment_lost, "backup_attachments", "附件缺失"),
    (_no_manifest, "backup_foreign", "没有 manifest.json"),
])
def test_a_bad_backup_is_refused_and_nothing_changes(made, ws, damage, code, words):
    damage(made)
    before = sha256_of(ws.data_dir / DATABASE_FILE)
    backups_before = sorted(p.name for p in backups_dir(ws.data_dir).iterdir())
    with pytest.raises(ValidationError) as refused:
        restore_backup(ws.data_dir, made, FIXED_NOW + timedelta(hours=1))
    assert refused.value.code == code and words in refused.value.message
    assert refused.value.message.startswith("恢复：")
    assert sha256_of(ws.data_dir / DATABASE_FILE) == before
    assert sorted(p.name for p in backups_dir(ws.data_dir).iterdir()) == backups_before
    assert not list(ws.data_dir.glob(".restore-*"))


def test_a_file_that_is_no_backup_is_refused(ws, tmp_path):
    stray = tmp_path / "照片.jpg"
    stray.write_bytes(b"\xff\xd8\xff" + b"\x00" * 100)
    with pytest.raises(ValidationError, match="照片.jpg 不是信访工作台的备份"):
        restore_backup(ws.data_dir, stray, FIXED_NOW)
    with pytest.raises(ValidationError, match="找不到"):
        restore_backup(ws.data_dir, tmp_path / "nowhere", FIXED_NOW)


def test_restore_over_a_damaged_database_moves_it_aside(made, ws):
    current = ws.data_dir / DATABASE_FILE
    current.write_bytes(b"garbage" * 1000)
    result = restore_backup(ws.data_dir, made, FIXED_NOW + timedelta(hours=1))
    assert result.safety_backup is not None and result.safety_backup.name == "damaged-20261123-110000"
    assert (result.safety_backup / DATABASE_FILE).read_bytes() == b"garbage" * 1000
    assert _persons(ws.data_dir) == ["张三"]


def test_backup_of_a_folder_without_database_is_refused(tmp_path):
    with pytest.raises(StorageError, match="没有数据库文件"):
        create_backup(tmp_path, Reason.MANUAL, FIXED_NOW)
    assert not (tmp_path / DATABASE_FILE).exists()


def test_backup_into_a_folder_that_cannot_be_created_is_a_clear_error(ws, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="备份：无法写入"):
        create_backup(ws.data_dir, Reason.MANUAL, FIXED_NOW, target=blocker / "sub")
    shutil.rmtree(ws.data_dir / "backups", ignore_errors=True)


# --- backups around start-up migrations ----------------------------------------------------------

BROKEN_MIGRATION = '''"""A migration that fails halfway, after it has already rebuilt a table."""
import sqlalchemy as sa
from alembic import op

revision = "0099"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("person", sa.Column("nickname", sa.String(20)))
    with op.batch_alter_table("person") as batch:
        batch.drop_column("notes")
    op.execute("UPDATE person SET name = 'changed'")
    raise RuntimeError("迁移脚本出错")


def downgrade() -> None:
    pass
'''


def _broken_migrations(tmp_path: Path) -> Path:
    from db.migrate import MIGRATIONS_DIR

    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "0099_broken.py").write_text(BROKEN_MIGRATION.format(head=head_revision()),
                                                        encoding="utf-8")
    return folder


def _columns(data_dir: Path, table: str) -> set[str]:
    connection = sqlite3.connect(data_dir / DATABASE_FILE)
    try:
        return {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
    finally:
        connection.close()


def test_a_database_is_backed_up_before_its_schema_is_upgraded(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    engine = create_db_engine(sqlite_url(folder / DATABASE_FILE))
    upgrade(engine, "0002")
    fill_at_first_revision(engine)
    engine.dispose()

    ws = Workspace.open(folder, clock=lambda: FIXED_NOW)
    try:
        assert current_revision(ws.database.engine) == head_revision()
    finally:
        ws.close()
    [backup] = list_backups(backups_dir(folder))
    assert (backup.reason, backup.revision) == (Reason.MIGRATION, "0002")
    assert _persons(backup.path) == ["王𠮷"]
    # At head nothing is migrated, so nothing more is backed up.
    Workspace.open(folder, clock=lambda: FIXED_NOW).close()
    assert len(list_backups(backups_dir(folder))) == 1


def test_a_failed_migration_rolls_back_and_leaves_the_old_database_usable(ws, admin, person_with_scan, tmp_path):
    folder = ws.data_dir
    ws.close()
    before = _columns(folder, "person")
    with pytest.raises(StorageError) as failed:
        Workspace.open(folder, clock=lambda: FIXED_NOW, migrations=_broken_migrations(tmp_path))
    message = failed.value.message
    assert failed.value.code == "migration_failed"
    assert f"版本 {head_revision()} → 0099" in message and "迁移脚本出错" in message
    assert "升级已全部撤销，原数据库未改动" in message
    [backup] = list_backups(backups_dir(folder))
    assert backup.reason is Reason.MIGRATION and str(backup.path) in message

    assert _columns(folder, "person") == before  # neither the new column nor the rebuilt table stayed
    reopened = Workspace.open(folder, clock=lambda: FIXED_NOW)
    try:
        assert current_revision(reopened.database.engine) == head_revision()
        with reopened.read(admin) as uow:
            assert [p.name for p in uow.session.scalars(select(Person))] == ["张三"]
        with reopened.write(admin) as uow:
            create_person(uow, PersonInput(name="赵六"))
        with reopened.database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        reopened.close()
