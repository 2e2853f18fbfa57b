"""``xinfang audit list`` and ``xinfang audit export`` in-process, on a freshly initialised folder."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from app.cli.main import run
from tests.cli.test_cli import _init


def test_list_filters_and_export(tmp_path, monkeypatch, capsys):
    folder = str(tmp_path / "data")
    assert _init(tmp_path / "data", monkeypatch) == 0
    capsys.readouterr()
    assert run(["audit", "list", "--data-dir", folder, "--format", "json"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert [(e["action"], e["entity_type"], e["entity"]) for e in events] == [("init", "office", "某某镇")]
    target = tmp_path / "审计.xlsx"
    assert run(["audit", "export", "--data-dir", folder, "--action", "init", "-o", str(target)]) == 0
    assert "已导出 1 条" in capsys.readouterr().out
    book = load_workbook(target, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))[3:]
    book.close()
    assert [r[2:6] for r in rows] == [("system", "初始化", "单位", "某某镇")]
    assert run(["audit", "list", "--data-dir", folder, "--action", "export", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["details"] == "条数：1；文件：审计.xlsx"
    assert run(["audit", "list", "--data-dir", folder, "--user", "nobody"]) == 2
    assert "找不到登录名" in capsys.readouterr().err
