"""The report workbook: layout of an upward report, same numbers as the JSON."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from app.excel.report_workbook import write_report_workbook
from app.statistics import build_report, periods, report_json, submissions
from tests.statistics.conftest import october, october_dir  # noqa: F401 - shared data set


def test_report_workbook(october, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws, admin, _ = october
    with ws.write(admin) as uow:
        submissions.submit(uow, periods.month(2026, 10))
    with ws.read(admin) as uow:
        report = build_report(uow, periods.month(2026, 10))
    data = report_json(report)
    out = write_report_workbook(report, tmp_path / "月报.xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["总体情况", "问题分类", "村（社区）", "类别与责任单位", "办理质量", "领导接访与维稳",
                               "领导工作化解率"]
    sheet = book["总体情况"]
    assert sheet["A1"].value == "某某镇信访工作月度统计表"
    assert "2026年10月" in sheet["A2"].value and "已报送" in sheet["A2"].value
    assert "A1:O1" in {str(r) for r in sheet.merged_cells.ranges}
    assert {"B4:C4", "D4:E4", "A4:A5"} <= {str(r) for r in sheet.merged_cells.ranges}
    assert [sheet.cell(4, c).value for c in (2, 4, 6, 8, 10, 12, 14)] == \
        ["本期", "上年同期", "同比增减", "同比增幅", "上期", "环比增减", "环比增幅"]
    total = [sheet.cell(6, c).value for c in range(1, 16)]
    assert total[:3] == ["信访总量", data["totals"]["batches"], data["totals"]["person_visits"]]
    assert total[3:9] == [2, 9, 5, 30, "+250.0%", "+333.3%"]
    assert sheet.freeze_panes == "B6" and sheet.print_title_rows == "$1:$5"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert "&P" in sheet.oddFooter.center.text
    rates = book["办理质量"]
    first = [rates.cell(6, c).value for c in range(1, 5)]
    assert first == ["及时受理率", 2, 4, "50.0%"]
    labels = [rates.cell(r, 1).value for r in range(6, 16)]
    assert "平均办理天数" in labels
    subjects = book["问题分类"]
    col_a = [subjects.cell(r, 1).value for r in range(6, 40)]
    assert "　城乡建设" in col_a and "　　征地拆迁" in col_a


def test_corrections_sheet(october, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from app.domain.enums import Channel
    from app.services.persons import PersonInput
    from tests.statistics import dataset

    ws, admin, _ = october
    with ws.write(admin) as uow:
        submissions.submit(uow, periods.month(2026, 10))
    dataset.contact(ws, admin, datetime(2026, 10, 30, 9, 0), Channel.PHONE, persons=(PersonInput(name="补登"),))
    with ws.read(admin) as uow:
        report = build_report(uow, periods.month(2026, 10))
    book = openpyxl.load_workbook(write_report_workbook(report, tmp_path / "r.xlsx"))
    sheet = book["更正说明"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=6)]
    assert any(r[1] == "待更正" and r[4] == "合计/批次" and (r[5], r[6]) == (7, 8) for r in rows)
