"""The database file encrypted with SQLCipher: nothing readable on disk (file, WAL, backups), opened only
with a user's password or the recovery code through the key file, kept openable through password
changes and administrator resets, backed up, restored and upgraded encrypted."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import event, select

from app.domain.enums import Channel, MatterType
from app.errors import PermissionDenied, StorageError, ValidationError
from app.paths import DATABASE_FILE
from app.services import content_search, data_keys, key_file
from app.services.backup import MANIFEST_FILE, Reason, backups_dir, create_backup, list_backups
from app.services.check import run_checks
from app.services.contacts import NewContact, register_contact
from app.services.database_encryption import encrypt_database
from app.services.folder_peek import peek_folder
from app.services.persons import PersonInput
from app.services.restore import restore_backup
from app.services.users import authenticate, change_password, reset_password, set_active
from app.services.workspace import Workspace
from db import cipher
from db.migrate import MIGRATIONS_DIR, head_revision
from db.models import Matter, Person, UserAccount
from tests.conftest import FIXED_NOW, PASSWORD

ID_BEFORE = "11010519491231002X"  # registered before the conversion
ID_AFTER = "330106198001010013"  # registered after it: lands in the WAL
TIP_OFF = "举报村干部挪用低保金线索编号QZ7781"
NEW_PASSWORD = "Xinmima2026"


def _register(ws, actor, name: str, id_number: str, content: str) -> None:
    with ws.write(actor) as uow:
        register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=datetime(2026, 11, 20, 9, 0), content=content,
            persons=(PersonInput(name=name, id_number=id_number),), subject_code="0101",
            matter_type=MatterType.CLAIM))


def _raw(folder: Path, suffix: str = "") -> bytes:
    path = folder / (DATABASE_FILE + suffix)
    return path.read_bytes() if path.exists() else b""


def _persons(ws, actor) -> list[str]:
    with ws.read(actor) as uow:
        return sorted(uow.session.scalars(select(Person.id_number)).all())


def _closed(ws) -> Path:
    """Close the workspace and forget every key: the next open is a new program start."""
    ws.close()
    cipher.forget_all_keys()
    return ws.data_dir


@pytest.fixture
def encrypted(ws, admin) -> str:
    """The test's folder with data, attachment encryption on and the database encrypted; the
    recovery code."""
    _register(ws, admin, "张三", ID_BEFORE, TIP_OFF)
    code = data_keys.enable(ws, admin, PASSWORD)
    result = encrypt_database(ws, admin, PASSWORD)
    assert result.converted
    return code


def test_nothing_readable_in_the_file_or_its_wal(ws, admin):
    _register(ws, admin, "张三", ID_BEFORE, TIP_OFF)
    plain = _raw(ws.data_dir) + _raw(ws.data_dir, "-wal")
    assert ID_BEFORE.encode() in plain and TIP_OFF.encode() in plain  # what the check below looks for
    data_keys.enable(ws, admin, PASSWORD)
    encrypt_database(ws, admin, PASSWORD)
    _register(ws, admin, "李四", ID_AFTER, "反映征地补偿问题")
    database, wal = _raw(ws.data_dir), _raw(ws.data_dir, "-wal")
    assert not database.startswith(cipher.PLAIN_HEADER) and len(wal) > 0  # the new row is in the WAL
    for secret in (ID_BEFORE, ID_AFTER, TIP_OFF, "张三", "某某镇"):
        assert secret.encode() not in database and secret.encode() not in wal
    assert _persons(ws, admin) == [ID_BEFORE, ID_AFTER]
    assert not (ws.data_dir / (DATABASE_FILE + cipher.ENCRYPTING_SUFFIX)).exists()
    with ws.read(admin) as uow:  # the FTS5 trigram index works inside the encrypted file
        assert content_search.index_available(uow.session)
        found = uow.session.scalars(select(Matter.id).where(content_search.matter_condition(uow, "挪用低保金")))
        assert len(found.all()) == 1


def test_five_wrong_passwords_at_the_unlock_lock_the_login_for_ten_minutes(ws, admin, encrypted):
    """As at a plain database's login: the count lives beside the file, since no database is open yet."""
    folder = _closed(ws)
    start = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    for n in range(4):
        with pytest.raises(ValidationError, match="密码：不正确"):
            key_file.unlock_with_password(folder, "admin", "Wrong12345", now=start + timedelta(seconds=n))
    with pytest.raises(PermissionDenied, match="连续错误 5 次，账号已锁定，请 10 分钟后再试"):
        key_file.unlock_with_password(folder, "admin", "Wrong12345", now=start + timedelta(seconds=5))
    # Locked: even the right password waits, and nothing is unlocked.
    with pytest.raises(PermissionDenied, match="账号已锁定，请 10 分钟后再试"):
        key_file.unlock_with_password(folder, "admin", PASSWORD, now=start + timedelta(seconds=6))
    assert cipher.key_for(folder / DATABASE_FILE) is None
    key_file.unlock_with_password(folder, "admin", PASSWORD, now=start + timedelta(minutes=11))
    # A success clears the count: four wrong ones later do not lock.
    for n in range(4):
        with pytest.raises(ValidationError, match="密码：不正确"):
            key_file.unlock_with_password(folder, "admin", "Wrong12345", now=start + timedelta(minutes=12, seconds=n))
    key_file.unlock_with_password(folder, "admin", PASSWORD, now=start + timedelta(minutes=13))


def test_a_new_start_opens_with_a_password_and_refuses_a_wrong_one(ws, admin, encrypted):
    folder = _closed(ws)
    peek = peek_folder(folder)
    assert peek is not None and peek.encrypted and peek.initialised and peek.office_name == "某某县某某镇人民政府"
    with pytest.raises(PermissionDenied, match="数据库已加密：须先用持有密钥的账号密码或恢复码解锁"):
        Workspace.open(folder)
    with pytest.raises(ValidationError, match="密码：不正确（数据库已加密"):
        key_file.unlock_with_password(folder, "admin", "Wrong12345")
    with pytest.raises(ValidationError, match="“jiedai”：该账号没有数据库的解密密钥"):
        key_file.unlock_with_password(folder, "jiedai", PASSWORD)
    assert cipher.key_for(folder / DATABASE_FILE) is None
    key_file.unlock_with_password(folder, "admin", PASSWORD)
    again = Workspace.open(folder)
    try:
        actor = authenticate(again, "admin", PASSWORD)
        assert again.keyring.unlocked and _persons(again, actor) == [ID_BEFORE]
        with again.read(actor) as uow:
            assert [f.message for f in run_checks(again, uow) if f.severity.value == "error"] == []
    finally:
        again.close()


def test_the_recovery_code_opens_it(ws, admin, encrypted):
    folder = _closed(ws)
    with pytest.raises(ValidationError, match="恢复码：不正确"):
        key_file.unlock_with_code(folder, "AAAA-" * 7 + "AAAA")
    unlocked = key_file.unlock_with_code(folder, encrypted.lower().replace("-", " "))
    assert unlocked.holder == "recovery"
    again = Workspace.open(folder)
    try:
        assert _persons(again, again.system_actor()) == [ID_BEFORE]
    finally:
        again.close()


def test_a_key_file_of_another_office_is_a_clear_error(ws, admin, encrypted, tmp_path, template_dir):
    other = tmp_path / "other"
    shutil.copytree(template_dir, other)
    other_ws = Workspace.open(other)  # a copy of the same template: the same administrator account
    data_keys.enable(other_ws, admin, PASSWORD)
    encrypt_database(other_ws, admin, PASSWORD)
    _closed(other_ws)
    folder = _closed(ws)
    shutil.copy(other / key_file.KEY_FILE, folder / key_file.KEY_FILE)  # its wraps open another key
    key_file.unlock_with_password(folder, "admin", PASSWORD)
    with pytest.raises(StorageError, match="用这把密钥打不开"):
        Workspace.open(folder)


def test_password_reset_and_change_keep_the_key_file_in_step(ws, admin, encrypted):
    with ws.read(admin) as uow:
        clerk = uow.session.scalars(select(UserAccount.id).where(UserAccount.login == "jiedai")).one()
    with ws.write(admin) as uow:  # the administrator holds the key: the clerk gets a wrap
        reset_password(uow, clerk, NEW_PASSWORD)
    folder = _closed(ws)
    key_file.unlock_with_password(folder, "jiedai", NEW_PASSWORD)
    again = Workspace.open(folder)
    try:
        actor = authenticate(again, "jiedai", NEW_PASSWORD)
        assert _persons(again, actor) == [ID_BEFORE]
        with again.write(actor) as uow:
            change_password(uow, NEW_PASSWORD, "Ganggai2027")
    finally:
        _closed(again)
    with pytest.raises(ValidationError, match="密码：不正确"):
        key_file.unlock_with_password(folder, "jiedai", NEW_PASSWORD)
    key_file.unlock_with_password(folder, "jiedai", "Ganggai2027")


def test_a_deactivated_account_no_longer_opens_the_file(ws, admin, encrypted):
    with ws.read(admin) as uow:
        clerk = uow.session.scalars(select(UserAccount.id).where(UserAccount.login == "jiedai")).one()
    with ws.write(admin) as uow:
        reset_password(uow, clerk, NEW_PASSWORD)
    with ws.write(admin) as uow:
        set_active(uow, clerk, False)
    with pytest.raises(ValidationError, match="该账号没有数据库的解密密钥"):
        key_file.unlock_with_password(ws.data_dir, "jiedai", NEW_PASSWORD)
    with ws.write(admin) as uow:
        set_active(uow, clerk, True)
    key_file.unlock_with_password(ws.data_dir, "jiedai", NEW_PASSWORD)


def test_a_change_that_fails_leaves_a_key_file_that_opens_with_the_old_password(ws, admin, encrypted):
    class Cut(Exception):
        pass

    with pytest.raises(Cut), ws.write(admin) as uow:
        change_password(uow, PASSWORD, "Never2026x")
        raise Cut  # before the commit: the file was not touched
    with pytest.raises(Cut), ws.write(admin) as uow:
        change_password(uow, PASSWORD, NEW_PASSWORD)

        def cut(_session):  # the commit itself fails (a power cut would stop here, or just after it)
            raise Cut

        event.listen(uow.session, "before_commit", cut)
    stored = json.loads((ws.data_dir / key_file.KEY_FILE).read_text(encoding="utf-8"))
    assert len([w for w in stored["wraps"] if w["login"] == "admin"]) == 2  # old and new until the next sync
    folder = _closed(ws)
    key_file.unlock_with_password(folder, "admin", NEW_PASSWORD)  # whichever side of the commit a cut fell
    key_file.unlock_with_password(folder, "admin", PASSWORD)
    again = Workspace.open(folder)  # re-syncs the file from the committed rows
    _closed(again)
    for password in ("Never2026x", NEW_PASSWORD):
        with pytest.raises(ValidationError, match="密码：不正确"):
            key_file.unlock_with_password(folder, "admin", password)
    key_file.unlock_with_password(folder, "admin", PASSWORD)


def test_plain_backups_in_the_folder_are_encrypted_with_the_database(ws, admin):
    _register(ws, admin, "张三", ID_BEFORE, TIP_OFF)
    old = create_backup(ws.data_dir, Reason.MANUAL, FIXED_NOW).backup.path
    assert ID_BEFORE.encode() in _raw(old)
    data_keys.enable(ws, admin, PASSWORD)
    result = encrypt_database(ws, admin, PASSWORD)
    assert result.backups_encrypted == 1
    assert ID_BEFORE.encode() not in _raw(old) and cipher.is_encrypted(old / DATABASE_FILE)
    manifest = json.loads((old / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["encrypted"] is True and (old / key_file.KEY_FILE).is_file()
    assert manifest["database"]["size"] == (old / DATABASE_FILE).stat().st_size
    _register(ws, admin, "李四", ID_AFTER, "反映征地补偿问题")
    restore_backup(ws.data_dir, old, FIXED_NOW.replace(hour=15))  # the manifest still verifies
    again = Workspace.open(ws.data_dir)
    try:
        assert _persons(again, admin) == [ID_BEFORE]
    finally:
        again.close()


def test_backup_and_restore_of_an_encrypted_database(ws, admin, encrypted, tmp_path):
    backup = create_backup(ws.data_dir, Reason.MANUAL, FIXED_NOW).backup.path
    assert cipher.is_encrypted(backup / DATABASE_FILE) and ID_BEFORE.encode() not in _raw(backup)
    assert (backup / key_file.KEY_FILE).is_file()
    _register(ws, admin, "李四", ID_AFTER, "反映征地补偿问题")
    ws.database.dispose()
    result = restore_backup(ws.data_dir, backup, FIXED_NOW.replace(hour=15))
    assert cipher.is_encrypted(result.safety_backup / DATABASE_FILE)
    assert ID_AFTER.encode() not in _raw(result.safety_backup)
    assert cipher.is_encrypted(ws.data_dir / DATABASE_FILE)
    again = Workspace.open(ws.data_dir)
    try:
        assert _persons(again, admin) == [ID_BEFORE]
    finally:
        again.close()
    # Another PC: an empty folder; the key comes from the backup's own key file.
    cipher.forget_all_keys()
    fresh = tmp_path / "fresh"
    with pytest.raises(ValidationError, match="备份的数据库已加密，须先解锁"):
        restore_backup(fresh, backup, FIXED_NOW)
    key_file.unlock_with_password(backup, "admin", PASSWORD, fresh / DATABASE_FILE)
    restore_backup(fresh, backup, FIXED_NOW)
    assert (fresh / key_file.KEY_FILE).is_file()
    cipher.forget_all_keys()
    key_file.unlock_with_password(fresh, "admin", PASSWORD)
    moved = Workspace.open(fresh)
    try:
        assert _persons(moved, admin) == [ID_BEFORE]
    finally:
        moved.close()


EXTRA_MIGRATION = '''"""A later program version's migration."""
import sqlalchemy as sa
from alembic import op

revision = "0099"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("person", sa.Column("nickname", sa.String(20)))


def downgrade() -> None:
    op.drop_column("person", "nickname")
'''


def test_an_encrypted_database_of_an_older_version_is_upgraded_when_opened(ws, admin, encrypted, tmp_path):
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / "0099_later.py").write_text(EXTRA_MIGRATION.format(head=head_revision()),
                                                          encoding="utf-8")
    folder = _closed(ws)
    key_file.unlock_with_password(folder, "admin", PASSWORD)
    upgrading: list[bool] = []
    again = Workspace.open(folder, clock=lambda: FIXED_NOW, migrations=migrations,
                           on_upgrade=lambda: upgrading.append(True))
    again.close()
    assert upgrading == [True]
    [before] = [b for b in list_backups(backups_dir(folder)) if b.reason is Reason.MIGRATION]
    assert before.revision == head_revision() and cipher.is_encrypted(before.path / DATABASE_FILE)
    assert ID_BEFORE.encode() not in _raw(before.path)
    connection = cipher.open_file(folder / DATABASE_FILE)
    try:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(person)")}
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        connection.close()
    assert "nickname" in columns and revision == "0099"
    assert cipher.is_encrypted(folder / DATABASE_FILE)


def test_only_an_administrator_holding_the_key_converts(ws, admin, actors):
    from app.domain.enums import Role

    with pytest.raises(ValidationError, match="须先开启附件加密"):
        encrypt_database(ws, admin, PASSWORD)
    data_keys.enable(ws, admin, PASSWORD)
    with pytest.raises(ValidationError, match="密码：不正确"):
        encrypt_database(ws, admin, "Wrong12345")
    with pytest.raises(PermissionDenied):
        encrypt_database(ws, actors[Role.HANDLER], PASSWORD)
    ws.keyring.lock()
    with pytest.raises(PermissionDenied, match="没有解密密钥"):
        encrypt_database(ws, admin, PASSWORD)
    assert not cipher.is_encrypted(ws.data_dir / DATABASE_FILE)
    assert not (ws.data_dir / key_file.KEY_FILE).exists()
