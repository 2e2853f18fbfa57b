"""The ``xinfang`` command line, in-process (fast) and once as a real console script."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from app.cli.main import run
from app.domain.enums import Channel, MatterType
from app.services import matter_steps as st, matters
from app.services.contacts import NewContact, register_contact
from app.services.persons import PersonInput
from tests.support.ids import valid_id

INIT = ["init", "--office-name", "某某县某某镇人民政府", "--short-name", "某某镇",
        "--division-code", "330106101000", "--admin", "admin", "--village", "东风村"]


def _init(folder: Path, monkeypatch: pytest.MonkeyPatch, password: str = "abc12345",
          confirm: str | None = None) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{password}\n{confirm or password}\n"))
    return run([*INIT, "--data-dir", str(folder)])


def test_init_reads_password_from_stdin_and_refuses_twice(tmp_path, monkeypatch, capsys):
    assert _init(tmp_path, monkeypatch) == 0
    assert "已初始化" in capsys.readouterr().out
    assert _init(tmp_path, monkeypatch) == 2
    assert "已初始化，不能重复初始化" in capsys.readouterr().err


@pytest.mark.parametrize("password, confirm, message", [
    ("abc12345", "abc12346", "两次输入不一致"),
    ("short1", None, "密码：至少 8 位"),
    ("abcdefgh", None, "须同时包含字母和数字"),
])
def test_init_rejects_bad_passwords(tmp_path, monkeypatch, capsys, password, confirm, message):
    assert _init(tmp_path, monkeypatch, password, confirm) == 2
    assert message in capsys.readouterr().err


def test_init_rejects_bad_division_code(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("abc12345\nabc12345\n"))
    argv = [a if a != "330106101000" else "3301061010" for a in INIT]
    assert run([*argv, "--data-dir", str(tmp_path)]) == 2
    assert "行政区划代码：须为 12 位数字" in capsys.readouterr().err


def test_commands_refuse_an_uninitialised_folder(tmp_path, capsys):
    assert run(["matter", "list", "--data-dir", str(tmp_path)]) == 2
    assert "尚未初始化" in capsys.readouterr().err


@pytest.fixture
def filled(ws, admin):
    """Two matters: one accepted on time, one registered long ago and overdue for decision."""
    with ws.write(admin) as uow:
        fresh = register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=datetime(2026, 11, 20, 9, 0), content="征地补偿款未发放",
            persons=(PersonInput(name="张三", id_number=valid_id("11010519491231002"),
                                 phones=("13800138000",)),),
            subject_code="0101", matter_type=MatterType.CLAIM))
        old = register_contact(uow, NewContact(
            channel=Channel.LETTER, contact_at=datetime(2026, 10, 1, 9, 0), content="拖欠工资",
            persons=(PersonInput(name="李四"),), subject_code="0201", matter_type=MatterType.CLAIM))
    with ws.write(admin) as uow:
        matters.perform(uow, fresh.matter_id, st.Accept(on=date(2026, 11, 21)))
    ws.close()
    return ws.data_dir, fresh, old


def _json(capsys, argv):
    assert run(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_matter_list_json(filled, capsys):
    folder, fresh, old = filled
    rows = _json(capsys, ["matter", "list", "--format", "json", "--data-dir", str(folder)])
    assert [r["number"] for r in rows] == [fresh.matter_number, old.matter_number]
    first = rows[0]
    assert first["state"] == "accepted" and first["type"] == "claim"
    assert first["subject"] == "城乡建设/征地拆迁" and first["petitioners"] == ["张三"]
    assert first["open_deadlines"][0]["clock"] == "handling"


def test_matter_list_overdue_and_due_within(filled, capsys, monkeypatch):
    folder, fresh, old = filled
    # The command line runs on the real clock; the fixture's dates are in the past either way.
    overdue = _json(capsys, ["matter", "list", "--overdue", "--format", "json", "--data-dir", str(folder)])
    assert [r["number"] for r in overdue] == [old.matter_number]
    assert overdue[0]["open_deadlines"][0]["days_left"] < 0
    accepted = _json(capsys, ["matter", "list", "--state", "accepted", "--format", "json",
                              "--data-dir", str(folder)])
    assert [r["number"] for r in accepted] == [fresh.matter_number]


def test_matter_list_table(filled, capsys):
    folder, fresh, _old = filled
    assert run(["matter", "list", "--data-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert fresh.matter_number in out and "共 2 件" in out and "已受理" in out


@pytest.mark.parametrize("text", ["张三", "zs", "110105", "13800138"])
def test_person_find_json(filled, capsys, text):
    folder, fresh, _old = filled
    rows = _json(capsys, ["person", "find", text, "--format", "json", "--data-dir", str(folder)])
    assert rows[0]["name"] == "张三"
    assert rows[0]["id_number"] == valid_id("11010519491231002")
    assert rows[0]["phone"] == "13800138000"
    assert rows[0]["open_matters"] == [fresh.matter_number]


def test_check_passes_and_then_finds_tampering(filled, capsys):
    folder, _fresh, _old = filled
    assert run(["check", "--data-dir", str(folder)]) == 0
    assert "0 个错误" in capsys.readouterr().out
    import sqlite3

    with sqlite3.connect(folder / "xinfang.db") as db:
        db.execute("UPDATE audit_event SET user_login = 'mallory' WHERE seq = 2")
    assert run(["check", "--format", "json", "--data-dir", str(folder)]) == 1
    codes = [f["code"] for f in json.loads(capsys.readouterr().out)]
    assert "audit_chain" in codes


def test_console_script_end_to_end(tmp_path):
    """The installed ``xinfang`` script: init from piped stdin, then check, in a real process."""
    env = {**os.environ, "XINFANG_DATA_DIR": str(tmp_path / "data")}
    exe = Path(sys.executable).with_name("xinfang")
    init = subprocess.run([str(exe), *INIT], input="abc12345\nabc12345\n", text=True,
                          capture_output=True, env=env, timeout=120)
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "data" / "xinfang.db").is_file()
    check = subprocess.run([str(exe), "check"], text=True, capture_output=True, env=env, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    bad = subprocess.run([str(exe), "matter", "list", "--state", "nonsense"], text=True,
                         capture_output=True, env=env, timeout=120)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
