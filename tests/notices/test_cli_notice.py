"""``xinfang notice``: issue, re-issue, refuse, list and batch from the command line."""

from __future__ import annotations

import json

import pytest

from app.cli.main import run
from app.services import matter_steps as st
from app.services.notice_archive import pdf_pages
from tests.notices import builders


@pytest.fixture
def folder(ws, admin):
    claim = builders.register(ws, admin)
    builders.step(ws, admin, claim.matter_id, st.Accept(on=builders.D("2026-08-05")))
    fresh = builders.register(ws, admin, name="李新来")
    ws.close()
    return ws.data_dir, claim.matter_number, fresh.matter_number


def test_issue_writes_the_pdf_and_a_reissue_returns_the_same_notice(folder, tmp_path, capsys):
    data, claim, _ = folder
    out = tmp_path / "受理.pdf"
    assert run(["notice", "acceptance", "--matter", claim, "-o", str(out), "--data-dir", str(data)]) == 0
    assert "已出具（重印）：受理告知书 某某镇信受〔2026〕1号" in capsys.readouterr().out  # issued by the step
    assert out.read_bytes().startswith(b"%PDF-")
    again = tmp_path / "again.pdf"
    assert run(["notice", "acceptance", "--matter", claim, "-o", str(again), "--data-dir", str(data)]) == 0
    assert again.read_bytes() == out.read_bytes()
    assert run(["notice", "registration", "--matter", claim, "--data-dir", str(data)]) == 0
    assert capsys.readouterr().out.strip().endswith("已出具：来访登记表")


def test_a_kind_the_state_does_not_allow_is_refused_with_exit_2(folder, capsys):
    data, _, fresh = folder
    assert run(["notice", "reply", "--matter", fresh, "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert "事项状态为“已登记”" in err and "答复意见" in err
    assert run(["notice", "acceptance", "--matter", "SX2026-99999", "--data-dir", str(data)]) == 2
    assert "不存在" in capsys.readouterr().err


def test_list_and_batch(folder, tmp_path, capsys):
    data, claim, _ = folder
    assert run(["notice", "delivery-receipt", "--matter", claim, "--for", "acceptance",
                "--field", "server=王管理", "--data-dir", str(data)]) == 0
    capsys.readouterr()
    assert run(["notice", "list", "--matter", claim, "--format", "json", "--data-dir", str(data)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["kind"], r["number"]) for r in rows] == [("acceptance", "某某镇信受〔2026〕1号"),
                                                        ("delivery-receipt", None)]
    assert rows[1]["accompanies"] == "受理告知书 某某镇信受〔2026〕1号"
    out = tmp_path / "batch.pdf"
    assert run(["notice", "batch", "--date", "2026-08-05", "--kind", "acceptance", "-o", str(out),
                "--data-dir", str(data)]) == 0
    assert pdf_pages(out.read_bytes()) == 1
    assert run(["notice", "batch", "--date", "2026-01-01", "-o", str(out), "--data-dir", str(data)]) == 2


def test_bad_field_syntax_is_refused(folder, capsys):
    data, claim, _ = folder
    assert run(["notice", "delivery-receipt", "--matter", claim, "--field", "server", "--data-dir", str(data)]) == 2
    assert "名称=内容" in capsys.readouterr().err
