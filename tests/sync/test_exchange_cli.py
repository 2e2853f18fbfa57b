"""``xinfang sync export`` / ``import`` through the command line with real data folders."""

from __future__ import annotations


import pytest

from tests.sync.test_enrolment_cli import offices, sync  # noqa: F401  (fixture)


@pytest.fixture
def enrolled_folders(offices, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    county, township = offices
    card, back = tmp_path / "county.json", tmp_path / "township.json"
    assert sync(county, "enrolment", "--out", str(card)) == 0
    assert sync(township, "join", str(card), "--out", str(back)) == 0
    assert sync(county, "admit", str(back)) == 0
    return county, township


def test_export_import_dry_run_reimport_and_gap(enrolled_folders, tmp_path, capsys):
    county, township = enrolled_folders
    stick = tmp_path / "stick"
    stick.mkdir()
    capsys.readouterr()
    assert sync(township, "export", "--to", str(stick)) == 0
    first = stick / capsys.readouterr().out.strip()
    assert first.is_file() and first.name.startswith("330106101000-000001-")

    assert sync(county, "import", str(first), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "试导入（未写入）" in out and "新增" in out and "user_account" in out

    assert sync(county, "import", str(first)) == 0
    assert "已导入，" in capsys.readouterr().out
    assert sync(county, "import", str(first)) == 0
    assert "已导入（" in capsys.readouterr().out  # the second time: nothing changed

    assert sync(township, "export", "--to", str(stick)) == 0
    second = stick / capsys.readouterr().out.strip()
    assert sync(township, "export", "--to", str(stick), "--full") == 0
    third = stick / capsys.readouterr().out.strip()
    assert sync(county, "import", str(third)) == 2  # 2 is missing
    assert "第 2 号尚未导入" in capsys.readouterr().err
    assert sync(county, "import", str(third), "--force-gap") == 0
    assert "已强制导入：缺少第 2 号" in capsys.readouterr().out
    assert sync(county, "import", str(second), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "较新的第 3 号同步包已导入" in out and "试导入（未写入）：导入时只记为已收到" in out
    assert sync(county, "import", str(second)) == 0
    out = capsys.readouterr().out
    assert "较新的第 3 号同步包已导入" in out and "其内容已包含在后者中；已记为已收到" in out

    back = tmp_path / "back"
    back.mkdir()
    assert sync(county, "export", "--to", str(back), "--office", "330106101000") == 0
    returned = back / capsys.readouterr().out.strip()
    assert returned.parent.name == "330106101000"
    assert sync(township, "import", str(returned)) == 0


def test_import_of_a_damaged_file_fails(enrolled_folders, tmp_path, capsys):
    county, _ = enrolled_folders
    bad = tmp_path / "bad.xfsync"
    bad.write_bytes(b"")
    assert sync(county, "import", str(bad)) == 2
    assert capsys.readouterr().err.startswith("错误：")


def test_export_of_sealed_attachments_needs_a_login_with_the_key(enrolled_folders, tmp_path, capsys, monkeypatch):
    import io
    import sys

    from app.cli.main import run
    from app.services.attachments import blob_path, store_bytes
    from app.services.users import authenticate
    from app.services.workspace import Workspace
    from tests.support.matters import register

    county, township = enrolled_folders
    monkeypatch.setattr(sys, "stdin", io.StringIO("abc12345\n"))
    assert run(["encrypt-attachments", "--admin", "admin", "--data-dir", str(township)]) == 0
    ws = Workspace.open(township)
    admin = authenticate(ws, "admin", "abc12345")
    matter = register(ws, admin, "反映征地补偿款未到位")
    with ws.write(admin) as uow:
        sha = store_bytes(uow, ws.attachments_dir, b"%PDF-1.4 scan", "scan.pdf", "matter", matter).sha256
    ws.close()
    stick = tmp_path / "stick"
    stick.mkdir()
    capsys.readouterr()

    assert sync(township, "export", "--to", str(stick)) == 2
    assert "附件已加密" in capsys.readouterr().err and list(stick.iterdir()) == []

    monkeypatch.setattr(sys, "stdin", io.StringIO("abc12345\n"))
    assert sync(township, "export", "--to", str(stick), "--admin", "admin") == 0
    package = stick / capsys.readouterr().out.strip()
    assert sync(county, "import", str(package)) == 0
    assert blob_path(county / "attachments", sha).read_bytes() == b"%PDF-1.4 scan"


def test_the_county_prints_leader_work_figures_per_township(enrolled_folders, tmp_path, capsys):
    import json

    from app.services.workspace import Workspace
    from tests.conftest import Clock
    from tests.sync.stability_work import do_stability_work

    from db.models import Village

    county, township = enrolled_folders
    ws = Workspace.open(township, clock=Clock())
    with ws.database.write() as session:  # set up without villages; the village reception needs one
        session.add(Village(office_id=ws.local_office_id(), name="东风村"))
    do_stability_work(ws, 1)
    ws.close()
    stick = tmp_path / "stick"
    stick.mkdir()
    capsys.readouterr()
    assert sync(township, "export", "--to", str(stick)) == 0
    assert sync(county, "import", str(stick / capsys.readouterr().out.strip())) == 0
    capsys.readouterr()
    from app.cli.main import run

    assert run(["leader", "figures", "year", "2026", "--by-township", "--data-dir", str(county)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == {"period", "全县", "某某镇"}
    assert printed["某某镇"] == printed["全县"]
    assert printed["全县"]["receptions"]["appointment"] == 1 and printed["全县"]["village_receptions"] == 1
