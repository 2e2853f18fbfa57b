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
