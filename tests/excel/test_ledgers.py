"""Ledger export: rows and columns as an office expects, filters, masking, progress and cancel."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from app.domain.enums import Role
from app.excel.common import Cancelled
from app.excel.ledgers import LedgerKind, export_ledger
from app.statistics import ContactFilter, MatterFilter, compute_figures, periods
from tests.statistics.conftest import october, october_dir  # noqa: F401 - shared data set

OCTOBER = periods.month(2026, 10)


def _rows(path: Path) -> list[tuple]:  # type: ignore[type-arg]
    book = openpyxl.load_workbook(path)
    return [tuple(r) for r in book.active.iter_rows(values_only=True)]


def test_contact_ledger_of_a_report_number(october, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws, admin, built = october
    out = tmp_path / "visits.xlsx"
    with ws.read(admin) as uow:
        figures = compute_figures(uow, OCTOBER)
        result = export_ledger(uow, LedgerKind.CONTACTS, out,
                               contacts=figures.contacts_behind("by_channel", "visit"))
    assert result.rows == 3
    rows = _rows(out)
    assert rows[0][0] == "某某镇信访登记台账"
    header = rows[2]
    assert header[:6] == ("序号", "登记编号", "来访（信）时间", "信访形式", "信访人", "身份证号")
    data = rows[3:]
    assert [r[0] for r in data] == [1, 2, 3]
    assert data[0][2] == datetime(2026, 10, 5, 9, 0)
    assert data[1][4] == "李四、王五" and data[1][8] == 30 and data[1][9] == "是"
    assert data[1][11] == "赴县"
    assert data[2][10] == "重复" and data[2][12] == "是" and data[2][13] == "刘镇长"
    assert data[0][17] == "城乡建设/征地拆迁" and data[0][20] == "城建办"


def test_workbook_has_print_setup_and_frozen_header(october, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws, admin, _ = october
    out = tmp_path / "all.xlsx"
    with ws.read(admin) as uow:
        export_ledger(uow, LedgerKind.CONTACTS, out)
    sheet = openpyxl.load_workbook(out).active
    assert sheet.freeze_panes == "A4"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$3"
    assert "&P" in sheet.oddFooter.center.text
    assert sheet.auto_filter.ref.startswith("A3:")
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None


def test_accusers_are_masked_for_those_who_may_not_see_them(october, actors, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws, _, _ = october
    out = tmp_path / "masked.xlsx"
    with ws.read(actors[Role.RECEPTIONIST]) as uow:
        export_ledger(uow, LedgerKind.CONTACTS, out, contacts=ContactFilter(matter_type="accusation"))
    row = _rows(out)[3]
    assert row[18] == "（检举人信息保密）"


def test_matter_backlog_and_reception_ledgers(october, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws, admin, built = october
    with ws.read(admin) as uow:
        export_ledger(uow, LedgerKind.MATTERS, tmp_path / "m.xlsx",
                      matters=MatterFilter(registered_from=date(2026, 10, 1), registered_to=date(2026, 10, 31)))
        export_ledger(uow, LedgerKind.BACKLOG, tmp_path / "b.xlsx")
        export_ledger(uow, LedgerKind.RECEPTIONS, tmp_path / "r.xlsx")
    matters = _rows(tmp_path / "m.xlsx")[3:]
    assert len(matters) == 5  # M1 M2 M3 M6 M7
    m1 = matters[0]
    assert m1[7] == "张三" and m1[9] == "城建办" and m1[10] == "已办结" and m1[11] == "受理"
    assert m1[14] == datetime(2026, 12, 9) and m1[18] == "满意" and m1[23] == 3  # C1, C4, C5
    backlog = _rows(tmp_path / "b.xlsx")[3:]
    # On 23 Nov 2026: B2, B5, B6; B1, B3 and B4 were resolved before.
    assert {r[2] for r in backlog} >= {"孔乙", "孔戊", "孔己"}
    assert "孔甲" not in {r[2] for r in backlog}
    receptions = _rows(tmp_path / "r.xlsx")[3:]
    assert [(r[2], r[3], r[4]) for r in receptions] == [("刘镇长", "张三", 2)]


def test_progress_and_cancel(october, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws, admin, _ = october
    seen: list[tuple[int, int]] = []
    out = tmp_path / "p.xlsx"
    with ws.read(admin) as uow:
        export_ledger(uow, LedgerKind.CONTACTS, out, progress=lambda d, t: seen.append((d, t)))
        assert seen and seen[-1][0] == seen[-1][1] > 0
        with pytest.raises(Cancelled):
            export_ledger(uow, LedgerKind.CONTACTS, tmp_path / "c.xlsx", cancelled=lambda: True)
    assert not (tmp_path / "c.xlsx").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part.xlsx")] == []
