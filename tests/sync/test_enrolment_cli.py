"""Enrolment through the command line, with two (three) real data folders."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

from app.cli.main import run

COUNTY = ["init", "--office-name", "某某县信访局", "--division-code", "330106000000", "--level", "county",
          "--admin", "admin"]
TOWNSHIP = ["init", "--office-name", "某某县某某镇人民政府", "--short-name", "某某镇",
            "--division-code", "330106101000", "--admin", "admin"]
FINGERPRINT = re.compile(r"指纹：([0-9A-F]{4}(?:-[0-9A-F]{4}){4})")


def init(folder: Path, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("abc12345\nabc12345\n"))
    assert run([*argv, "--data-dir", str(folder)]) == 0


def sync(folder: Path, *argv: str) -> int:
    return run(["sync", *argv, "--data-dir", str(folder)])


@pytest.fixture
def offices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    county, township = tmp_path / "county", tmp_path / "township"
    init(county, COUNTY, monkeypatch)
    init(township, TOWNSHIP, monkeypatch)
    return county, township


def test_enrolment_join_admit_with_fingerprints(offices, tmp_path, capsys):
    county, township = offices
    capsys.readouterr()
    county_file, township_file = tmp_path / "county.json", tmp_path / "township.json"

    assert sync(county, "enrolment", "--out", str(county_file)) == 0
    county_print = FINGERPRINT.findall(capsys.readouterr().out)
    card = json.loads(county_file.read_text(encoding="utf-8"))
    assert card["name"] == "某某县信访局" and card["level"] == "county"
    assert county_print == [card["fingerprint"]]

    assert sync(township, "join", str(county_file), "--out", str(township_file)) == 0
    out = capsys.readouterr().out
    assert FINGERPRINT.findall(out) == [card["fingerprint"], json.loads(township_file.read_text())["fingerprint"]]
    assert "电话核对指纹" in out

    assert sync(county, "admit", str(township_file)) == 0
    assert "已登记乡镇：某某县某某镇人民政府（330106101000）" in capsys.readouterr().out

    assert sync(county, "partners", "--format", "json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(p["division_code"], p["fingerprint"]) for p in listed] == [
        ("330106101000", json.loads(township_file.read_text())["fingerprint"])]
    assert sync(township, "partners") == 0
    assert "某某县信访局" in capsys.readouterr().out

    # Running the steps again (a second PC of the same county, a lost file) is harmless.
    assert sync(county, "admit", str(township_file)) == 0
    assert sync(county, "deactivate", "330106101000") == 0
    assert "已停用" in capsys.readouterr().out
    assert sync(county, "partners", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_a_township_cannot_write_a_county_enrolment_nor_admit(offices, tmp_path, capsys):
    county, township = offices
    assert sync(township, "enrolment", "--out", str(tmp_path / "x.json")) == 2
    assert "只有县级单位" in capsys.readouterr().err
    assert sync(county, "enrolment", "--out", str(tmp_path / "county.json")) == 0
    assert sync(county, "join", str(tmp_path / "county.json"), "--out", str(tmp_path / "y.json")) == 2
    assert "只有乡镇" in capsys.readouterr().err


def test_an_edited_enrolment_file_is_refused(offices, tmp_path, capsys):
    county, township = offices
    county_file = tmp_path / "county.json"
    assert sync(county, "enrolment", "--out", str(county_file)) == 0
    card = json.loads(county_file.read_text(encoding="utf-8"))
    other = json.loads(county_file.read_text(encoding="utf-8"))
    # Someone swaps in another key but keeps the printed fingerprint: the file itself shows it.
    other["signing_public"] = card["encryption_public"]
    county_file.write_text(json.dumps(other), encoding="utf-8")
    capsys.readouterr()
    assert sync(township, "join", str(county_file), "--out", str(tmp_path / "t.json")) == 2
    assert "指纹与密钥不符" in capsys.readouterr().err
    county_file.write_text("not json", encoding="utf-8")
    assert sync(township, "join", str(county_file), "--out", str(tmp_path / "t.json")) == 2
    assert "不是有效的 JSON" in capsys.readouterr().err


def test_a_township_of_another_county_cannot_be_admitted(offices, tmp_path, monkeypatch, capsys):
    county, _ = offices
    foreign = tmp_path / "foreign"
    init(foreign, [a if a != "330106101000" else "330107101000" for a in TOWNSHIP], monkeypatch)
    assert sync(county, "enrolment", "--out", str(tmp_path / "county.json")) == 0
    # The division codes tell: the county's code is not this township's county.
    assert sync(foreign, "join", str(tmp_path / "county.json"), "--out", str(tmp_path / "f.json")) == 2
    assert "不属于本县" in capsys.readouterr().err


def test_package_round_trip_between_cli_enrolled_offices(offices, tmp_path):
    """Offices enrolled by the commands exchange a package both ways (township → county → township)."""
    from app.services.workspace import Workspace
    from app.sync.envelope import open_package, write_package
    from app.sync.keys import active_partners

    county, township = offices
    assert sync(county, "enrolment", "--out", str(tmp_path / "c.json")) == 0
    assert sync(township, "join", str(tmp_path / "c.json"), "--out", str(tmp_path / "t.json")) == 0
    assert sync(county, "admit", str(tmp_path / "t.json")) == 0
    for sender_dir, receiver_dir in ((township, county), (county, township)):
        sender, receiver = Workspace.open(sender_dir), Workspace.open(receiver_dir)
        try:
            with sender.write(sender.system_actor()) as uow:
                (to,) = active_partners(uow.session)
                path = write_package(uow.session, tmp_path, receiver=to, sequence=3, acked_sequence=2,
                                     tables={"matter": [{"id": "m1", "title": "交办件"}]})
            with receiver.read(receiver.system_actor()) as uow, open_package(uow.session, path) as opened:
                assert list(opened.iter_rows("matter")) == [{"id": "m1", "title": "交办件"}]
                assert opened.acked_sequence == 2
        finally:
            sender.close()
            receiver.close()
