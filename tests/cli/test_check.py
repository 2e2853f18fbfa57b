"""``xinfang check``: every kind of finding, each made by damaging a real data folder, prints and exits 1."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from app.cli.main import run
from app.domain.enums import Channel, MatterType
from app.paths import DATABASE_FILE
from app.services import attachments as att, matter_steps as st, matters
from app.services.contacts import NewContact, register_contact
from app.services.persons import PersonInput
from tests.app.test_attachments import png_bytes


@pytest.fixture
def folder(ws, admin) -> Path:
    """One accepted matter with its notice, a person with a phone, and a scan attached."""
    with ws.write(admin) as uow:
        contact = register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=datetime(2026, 11, 20, 9, 0), content="征地补偿款未发放",
            persons=(PersonInput(name="张三", phones=("13800138000",)),), subject_code="0101",
            matter_type=MatterType.CLAIM))
    with ws.write(admin) as uow:
        matters.perform(uow, contact.matter_id, st.Accept(on=date(2026, 11, 21)))
        att.store_bytes(uow, ws.attachments_dir, png_bytes(), "身份证.png", "matter", contact.matter_id)
    ws.close()
    return ws.data_dir


def _sql(*statements: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        connection = sqlite3.connect(folder / DATABASE_FILE)
        try:
            for statement in statements:
                connection.execute(statement)
            connection.commit()
        finally:
            connection.close()
    return damage


def _corrupt_an_index(folder: Path) -> None:
    """Overwrite the root page of one index: the tables the program reads stay readable."""
    connection = sqlite3.connect(folder / DATABASE_FILE)
    root, page_size = (connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_person_name'")
                       .fetchone()[0], connection.execute("PRAGMA page_size").fetchone()[0])
    connection.close()
    with (folder / DATABASE_FILE).open("r+b") as db:
        db.seek((root - 1) * page_size)
        db.write(b"\xee" * 64)


def _index_out_of_step(folder: Path) -> None:
    """An index whose entries no longer match its table, as a torn write can leave it."""
    _sql("PRAGMA writable_schema = ON",
         "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_person_name ON person (address)' "
         "WHERE name = 'ix_person_name'")(folder)


def _blob(folder: Path) -> Path:
    return next(p for p in (folder / "attachments").rglob("*") if p.is_file() and len(p.name) == 64)


def _delete_attachment(folder: Path) -> None:
    _blob(folder).unlink()


def _overwrite_attachment(folder: Path) -> None:
    _blob(folder).write_bytes(b"not the scan")


ORPHAN = uuid.uuid4().hex


@pytest.mark.parametrize("damage, code, printed", [
    (_corrupt_an_index, "integrity", "错误：数据库文件损坏：database disk image is malformed"),
    (_index_out_of_step, "integrity", "missing from index ix_person_name"),
    (_sql("PRAGMA foreign_keys = OFF", f"UPDATE person_phone SET person_id = '{ORPHAN}'"),
     "foreign_key", "错误：外键失效：表 person_phone"),
    (_delete_attachment, "attachment_missing", "错误：附件缺失：身份证.png"),
    (_overwrite_attachment, "attachment_hash", "错误：附件内容与登记的哈希不符：身份证.png"),
    (_sql("UPDATE audit_event SET after = '{\"name\": \"李四\"}' WHERE seq = 3"),
     "audit_chain", "错误：审计日志：第 3 条被改动或链条断裂"),
    (_sql("DELETE FROM audit_event WHERE seq = 2"), "audit_gap", "错误：审计日志：缺少第 2 条"),
    (_sql("DELETE FROM document"), "notice_missing", "错误：事项 SX2026-00001：已作受理决定但没有告知书"),
    (_sql("UPDATE matter SET accepted_on = NULL"), "state_date", "缺 accepted_on"),
    (_sql("UPDATE matter_deadline SET due_on = '2030-01-01' WHERE clock = 'handling'"),
     "deadlines", "错误：事项 SX2026-00001：存储的期限与登记的日期不一致"),
    (_sql("UPDATE matter SET satisfaction = 'satisfied', evaluated_on = '2026-11-22'"),
     "evaluation_undelivered", "错误：事项 SX2026-00001：满意度评价早于答复送达（或答复未送达）"),
])
def test_each_kind_of_finding_is_printed_and_fails_the_check(folder, capsys, damage, code, printed):
    assert run(["check", "--data-dir", str(folder)]) == 0
    assert "检查完成：0 个错误" in capsys.readouterr().out
    damage(folder)
    assert run(["check", "--data-dir", str(folder)]) == 1
    out = capsys.readouterr().out
    assert printed in out
    assert run(["check", "--format", "json", "--data-dir", str(folder)]) == 1
    assert code in capsys.readouterr().out


def test_a_database_too_damaged_to_open_is_a_finding_not_a_crash(folder, capsys):
    db = folder / DATABASE_FILE
    db.write_bytes(b"\x00" * 100 + db.read_bytes()[100:])
    assert run(["check", "--data-dir", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "错误：数据库文件已损坏，请从备份恢复" in out and "1 个错误" in out
