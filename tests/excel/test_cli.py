"""``xinfang ledger import|export`` and ``xinfang report ...`` end to end on a fresh data folder."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import openpyxl
import pytest

from app.cli.main import run
from tests.excel import ugly_ledgers as U

INIT = ["init", "--office-name", "某某县某某镇人民政府", "--short-name", "某某镇",
        "--division-code", "330106101000", "--admin", "admin", "--village", "东风村", "--village", "红旗村"]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setattr(sys, "stdin", io.StringIO("abc12345\nabc12345\n"))
    assert run([*INIT, "--data-dir", str(data)]) == 0
    return data


def _json(capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    return json.loads(capsys.readouterr().out)


def test_import_report_export_submit(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = ["--data-dir", str(folder)]
    ledger = U.titled(tmp_path / "台账.xlsx")
    capsys.readouterr()
    assert run(["ledger", "import", str(ledger), "--dry-run", "--format", "json", *d]) == 0
    plan = _json(capsys)
    assert plan["dry_run"] and plan["contacts_created"] == 7 and len(plan["skipped"]) == 4
    assert run(["ledger", "import", str(ledger), *d]) == 0
    out = capsys.readouterr().out
    assert "已新建登记 7 条" in out and "不能导入 4 行" in out and "未导入行" in out

    report = tmp_path / "月报.xlsx"
    assert run(["report", "month", "2024-03", "--format", "json", "-o", str(report), *d]) == 0
    data = _json(capsys)
    assert data["period"] == {"kind": "month", "start": "2024-03-01", "end": "2024-03-31",
                              "key": "2024-03", "label": "2024年3月"}
    assert data["totals"]["batches"] == 7 and data["totals"]["person_visits"] == 23
    assert set(data["by_channel"]) == {"visit", "letter", "phone", "online", "fax"}
    for key in ("collective", "individual", "first", "repeat", "skip_level"):
        assert set(data[key]) >= {"batches", "person_visits"}
    assert data["collective"]["batches"] == 1
    assert data["totals"]["yoy"]["batches"] == {"previous": 0, "change": 7, "relative": None}
    assert set(data["rates"]) >= {"timely_acceptance", "on_time_reply", "evaluation", "satisfaction",
                                  "first_contact_resolution", "backlog_resolution"}
    assert data["by_village"]["东风村"]["batches"] == 0  # problem location was not in the ledger
    # 张三 (东风村1组, two contacts) and 李四 (东风村3组): village found in the address.
    assert data["by_residence_village"]["东风村"]["batches"] == 3
    assert openpyxl.load_workbook(report).sheetnames[0] == "总体情况"

    assert run(["report", "range", "2024-03-01", "2024-03-10", "--format", "json", *d]) == 0
    assert _json(capsys)["totals"]["batches"] == 4
    assert run(["report", "quarter", "2024-Q1", *d]) == 0
    assert "及时受理率" in capsys.readouterr().out

    contacts = tmp_path / "台账导出.xlsx"
    assert run(["ledger", "export", "contacts", "--from", "2024-03-01", "--to", "2024-03-31",
                "-o", str(contacts), *d]) == 0
    assert "已导出 7 条" in capsys.readouterr().out
    assert run(["ledger", "export", "receptions", "-o", str(tmp_path / "r.xlsx"), *d]) == 0
    assert run(["ledger", "export", "contacts", "--village", "不存在村", "-o", str(tmp_path / "x.xlsx"), *d]) == 2

    capsys.readouterr()
    assert run(["report", "submit", "2024-03", "--note", "按时", *d]) == 0
    assert "已标记报送：2024年3月" in capsys.readouterr().out
    assert run(["report", "review", "--format", "json", *d]) == 0
    reviews = _json(capsys)
    assert reviews[0]["period"]["key"] == "2024-03" and reviews[0]["flagged"] is False
    assert run(["report", "correct", "2024-03", "--reason", "无变化", *d]) == 2
    assert "无需更正" in capsys.readouterr().err


def test_import_with_mapping_on_the_command_line(folder: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    ledger = U.odd_headers(tmp_path / "c.xlsx")
    argv = ["ledger", "import", str(ledger), "--sheet", "台账", "--header-row", "1", "--map", "contact_at=A",
            "--map", "name=B", "--map", "content=C", "--map", "headcount=D", "--data-dir", str(folder)]
    assert run(argv) == 0
    assert "已新建登记 4 条" in capsys.readouterr().out
    assert run(["ledger", "import", str(ledger), "--map", "name", "--data-dir", str(folder)]) == 2
