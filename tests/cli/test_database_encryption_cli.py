"""``xinfang encrypt-database`` and the unlock options every command takes once the database is encrypted."""

from __future__ import annotations

import io
from datetime import datetime

import pytest

from app.cli.main import run
from app.domain.enums import Channel, MatterType
from app.paths import DATABASE_FILE
from app.services.backup import backups_dir, list_backups
from app.services.contacts import NewContact, register_contact
from app.services.persons import PersonInput
from db import cipher
from tests.conftest import PASSWORD

ID_NUMBER = "330106198001010013"


@pytest.fixture
def folder(ws, admin):
    with ws.write(admin) as uow:
        register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=datetime(2026, 11, 20, 9, 0), content="征地补偿款未发放",
            persons=(PersonInput(name="张三", id_number=ID_NUMBER),), subject_code="0101",
            matter_type=MatterType.CLAIM))
    ws.close()
    return ws.data_dir


def test_encrypt_database_from_the_command_line_then_every_command_needs_an_unlock(folder, monkeypatch, capsys):
    data = ["--data-dir", str(folder)]
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    assert run(["encrypt-database", "--admin", "admin", *data]) == 0
    printed = capsys.readouterr().out
    code = next(line for line in printed.splitlines() if line.count("-") == 7)
    assert "数据库文件已加密" in printed and "附件加密已开启" in printed
    assert "以下账号没有密钥，无法打开已加密的数据库：jiedai用户（jiedai）" in printed
    assert cipher.is_encrypted(folder / DATABASE_FILE) and ID_NUMBER.encode() not in (folder / DATABASE_FILE).read_bytes()
    cipher.forget_all_keys()  # a new command is a new process

    assert run(["person", "find", "张三", *data]) == 2
    assert "数据库已加密：请加 --login 登录名" in capsys.readouterr().err
    monkeypatch.setenv("XINFANG_PASSWORD", "Wrong12345")
    assert run(["person", "find", "张三", "--login", "admin", *data]) == 2
    assert "密码：不正确（数据库已加密" in capsys.readouterr().err

    monkeypatch.setenv("XINFANG_PASSWORD", PASSWORD)
    assert run(["person", "find", "张三", "--login", "admin", *data]) == 0
    assert ID_NUMBER in capsys.readouterr().out
    assert run(["check", "--login", "admin", *data]) == 0
    assert "0 个错误" in capsys.readouterr().out
    assert run(["backup", "--login", "admin", *data]) == 0
    [backup] = list_backups(backups_dir(folder))
    assert cipher.is_encrypted(backup.path / DATABASE_FILE)
    cipher.forget_all_keys()

    monkeypatch.delenv("XINFANG_PASSWORD")
    monkeypatch.setenv("XINFANG_RECOVERY_CODE", code)
    assert run(["person", "find", "张三", "--recovery-code", *data]) == 0
    assert ID_NUMBER in capsys.readouterr().out
    cipher.forget_all_keys()
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))  # piped: one line serves the unlock and the login
    assert run(["encrypt-database", "--admin", "admin", "--login", "admin", *data]) == 0
    assert "数据库文件早已加密" in capsys.readouterr().out


def test_every_password_forgotten_the_recovery_code_resets_one(folder, monkeypatch, capsys):
    data = ["--data-dir", str(folder)]
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    assert run(["encrypt-database", "--admin", "admin", *data]) == 0
    code = next(line for line in capsys.readouterr().out.splitlines() if line.count("-") == 7)
    cipher.forget_all_keys()
    assert run(["reset-password", "admin", *data]) == 2  # nothing opens the database without a secret
    assert "数据库已加密：请加 --login" in capsys.readouterr().err

    monkeypatch.setenv("XINFANG_RECOVERY_CODE", code)
    monkeypatch.setattr("sys.stdin", io.StringIO("Xinmima2027\nXinmima2027\n"))
    assert run(["reset-password", "admin", "--recovery-code", *data]) == 0
    out = capsys.readouterr().out
    assert "已重置 admin 的密码" in out and "提示" not in out  # the key came with the code: a working wrap
    cipher.forget_all_keys()
    monkeypatch.delenv("XINFANG_RECOVERY_CODE")
    monkeypatch.setenv("XINFANG_PASSWORD", "Xinmima2027")
    assert run(["person", "find", "张三", "--login", "admin", *data]) == 0
    assert ID_NUMBER in capsys.readouterr().out
    monkeypatch.setenv("XINFANG_PASSWORD", PASSWORD)
    assert run(["person", "find", "张三", "--login", "admin", *data]) == 2
    assert "密码：不正确" in capsys.readouterr().err


def test_reset_password_on_a_plain_database_without_the_key_says_what_is_missing(ws, admin, monkeypatch, capsys):
    from app.services import data_keys

    data_keys.enable(ws, admin, PASSWORD)
    ws.close()
    monkeypatch.setattr("sys.stdin", io.StringIO("Xinmima2027\nXinmima2027\n"))
    assert run(["reset-password", "jiedai", "--data-dir", str(ws.data_dir)]) == 0
    assert "该账号暂时打不开加密附件" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("Xinmima2027\nXinmima2027\n"))
    assert run(["reset-password", "nobody", "--data-dir", str(ws.data_dir)]) == 2
    assert "找不到登录名“nobody”" in capsys.readouterr().err
