"""``xinfang backup`` and ``xinfang restore`` in-process, on real data folders."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from app.cli.main import run
from app.machine_settings import MachineSettings
from app.paths import DATABASE_FILE
from app.services.persons import PersonInput, create_person
from app.services.workspace import Workspace
from db.engine import create_db_engine, sqlite_url
from db.migrate import current_revision, head_revision, upgrade
from tests.db.test_migrations import fill_at_first_revision


def _names(folder: Path) -> list[str]:
    connection = sqlite3.connect(folder / DATABASE_FILE)
    try:
        return sorted(row[0] for row in connection.execute("SELECT name FROM person"))
    finally:
        connection.close()


def test_backup_prints_the_folder_it_wrote_and_restore_brings_it_back(ws, admin, capsys, tmp_path):
    with ws.write(admin) as uow:
        create_person(uow, PersonInput(name="张三"))
    folder = ws.data_dir
    stick = tmp_path / "stick"
    MachineSettings(backup_mirror_dir=str(stick)).save(folder)
    ws.close()

    assert run(["backup", "--data-dir", str(folder)]) == 0
    local, mirrored = (Path(line) for line in capsys.readouterr().out.splitlines())
    assert local.parent == folder / "backups" and (local / "manifest.json").is_file()
    assert mirrored.parent == stick and json.loads((mirrored / "manifest.json").read_text(encoding="utf-8"))
    assert _file_events(folder) == ["backup"]

    reopened = Workspace.open(folder)
    with reopened.write(admin) as uow:
        create_person(uow, PersonInput(name="李四"))
    reopened.close()
    assert _names(folder) == ["张三", "李四"]

    assert run(["restore", str(local), "--data-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"已恢复：{local}" in out and "恢复前的数据已备份到：" in out
    assert _names(folder) == ["张三"]
    # The restore is on the restored trail; the backup event came after the snapshot it describes.
    assert _file_events(folder) == ["restore"]


def _file_events(folder: Path) -> list[str]:
    connection = sqlite3.connect(folder / DATABASE_FILE)
    try:
        return [row[0] for row in connection.execute(
            "SELECT action FROM audit_event WHERE action IN ('backup', 'restore') ORDER BY seq")]
    finally:
        connection.close()


def test_backup_to_a_chosen_folder(ws, capsys, tmp_path):
    ws.close()
    target = tmp_path / "移动硬盘"
    assert run(["backup", "--to", str(target), "--data-dir", str(ws.data_dir)]) == 0
    [written] = capsys.readouterr().out.splitlines()
    assert Path(written).parent == target and (Path(written) / DATABASE_FILE).is_file()
    assert not (ws.data_dir / "backups").exists()


def test_restore_refuses_what_is_not_a_good_backup(ws, capsys, tmp_path):
    ws.close()
    assert run(["backup", "--data-dir", str(ws.data_dir)]) == 0
    backup = Path(capsys.readouterr().out.strip())
    before = (ws.data_dir / DATABASE_FILE).read_bytes()  # with the backup on its audit trail
    stray = tmp_path / "notes.txt"
    stray.write_text("hello", encoding="utf-8")
    assert run(["restore", str(stray), "--data-dir", str(ws.data_dir)]) == 2
    assert "错误：恢复：notes.txt 不是信访工作台的备份" in capsys.readouterr().err
    assert (ws.data_dir / DATABASE_FILE).read_bytes() == before

    db = backup / DATABASE_FILE
    db.write_bytes(db.read_bytes()[:-4096])
    assert run(["restore", str(backup), "--data-dir", str(ws.data_dir)]) == 2
    assert "文件不完整" in capsys.readouterr().err
    assert (ws.data_dir / DATABASE_FILE).read_bytes() == before


def test_restore_of_a_backup_made_at_schema_revision_0002_upgrades_it(tmp_path, capsys):
    old = tmp_path / "old"
    old.mkdir()
    engine = create_db_engine(sqlite_url(old / DATABASE_FILE))
    upgrade(engine, "0002")
    fill_at_first_revision(engine)
    engine.dispose()
    assert run(["backup", "--data-dir", str(old)]) == 0
    backup = Path(capsys.readouterr().out.strip())

    fresh = tmp_path / "fresh"
    assert run(["restore", str(backup / DATABASE_FILE), "--data-dir", str(fresh)]) == 0
    assert "数据库已从版本 0002 升级到当前版本" in capsys.readouterr().out
    ws = Workspace.open(fresh)
    try:
        assert current_revision(ws.database.engine) == head_revision()
        assert ws.is_initialised()
    finally:
        ws.close()
    assert _names(fresh) == ["王𠮷"]


def test_backup_and_restore_refuse_a_server_database(tmp_path, capsys):
    assert run(["backup", "--db", "postgresql+psycopg://x@localhost/xinfang"]) == 2
    assert "县级 PostgreSQL 数据库请用 pg_dump" in capsys.readouterr().err
