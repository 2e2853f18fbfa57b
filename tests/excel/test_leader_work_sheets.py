"""The leader-work sheets of the report workbook and the ``leader_work`` key of the report JSON, on a
hand-built data set (tests/statistics/test_leader_work_figures.build plus key persons): every number
below was counted by hand from that data set."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from app.domain.enums import Role
from app.excel.report_workbook import write_report_workbook
from app.services import backlog, key_persons as kp
from app.statistics import build_report, periods, report_json
from db.models import Contact, ContactPerson, Person
from tests.statistics.test_leader_work_figures import build

OFFICE = shutil.which("libreoffice") or shutil.which("soffice")


def _person(ws, actor, name):  # type: ignore[no-untyped-def]
    with ws.read(actor) as uow:
        return uow.session.scalar(select(Person.id).where(Person.name == name))


def _matter(ws, actor, name):  # type: ignore[no-untyped-def]
    with ws.read(actor) as uow:
        return uow.session.scalar(select(Contact.matter_id).join(ContactPerson, ContactPerson.contact_id == Contact.id)
                                  .join(Person, Person.id == ContactPerson.person_id).where(Person.name == name))


@pytest.fixture
def november(ws, actors, admin, clock):  # type: ignore[no-untyped-def]
    clerk, leader = actors[Role.RECEPTIONIST], actors[Role.LEADER]
    build(ws, clerk, leader, admin, clock)
    clock.now = datetime(2026, 10, 30, 11, 0)
    with ws.write(clerk) as uow:  # due again 2026-11-09: overdue at the end of November, not of October
        kp.list_key_person(uow, _person(ws, clerk, "王五"), officer_id=clerk.user_id, reason="多次越级", follow_up_days=10)
    clock.now = datetime(2026, 11, 10, 11, 0)
    with ws.write(clerk) as uow:
        zhang = kp.list_key_person(uow, _person(ws, clerk, "张三"), officer_id=clerk.user_id, reason="集体访组织者")
    clock.now = datetime(2026, 11, 23, 10, 0)
    with ws.write(clerk) as uow:
        kp.log_follow_up(uow, zhang, on=date(2026, 11, 20), way="走访", note="情绪稳定")
    with ws.write(admin) as uow:  # two unresolved 积案 in November: 积案化解率 0/2
        backlog.flag_backlog(uow, _matter(ws, admin, "李四"), date(2026, 11, 9), "县交办积案")
        backlog.flag_backlog(uow, _matter(ws, admin, "赵六"), date(2026, 11, 15), "县交办积案")
    with ws.read(admin) as uow:
        return build_report(uow, periods.month(2026, 11))


# key: (this month, October) for the 环比 columns; a year earlier every figure is 0
EXPECTED = {
    "leader_contacts_batches": (2, 1), "leader_contacts_person_visits": (7, 1),
    "receptions_reception": (1, 0), "receptions_village_visit": (0, 0), "receptions_appointment": (1, 0),
    "village_receptions": (0, 0),
    "cases_assigned": (1, 0), "cases_settled": (1, 0), "cases_open": (0, 0), "cases_overdue": (0, 0),
    "screened_high": (1, 1), "screened_medium": (0, 0), "screened_low": (1, 0), "screened_total": (2, 1),
    "key_persons_listed": (2, 1), "key_persons_new": (1, 1), "key_person_follow_ups": (1, 0),
    "key_persons_overdue": (1, 0),
    "sensitive_skip_level_batches": (1, 0), "sensitive_skip_level_person_visits": (2, 0),
}


def test_report_json_carries_leader_work(november) -> None:  # type: ignore[no-untyped-def]
    data = report_json(november)["leader_work"]
    assert data["live"] is True
    assert {k: (v["value"], v["pop"]["previous"]) for k, v in data["counts"].items()} == EXPECTED
    assert all(v["yoy"]["previous"] == 0 and v["yoy"]["relative"] is None for v in data["counts"].values())
    assert data["counts"]["leader_contacts_person_visits"]["pop"] == {"previous": 1, "change": 6, "relative": 6.0}
    rates = data["rates"]
    assert [rates[k]["label"] for k in rates] == ["领导接访化解率", "排查化解率", "包案化解率", "积案化解率"]
    assert (rates["reception_resolution"]["numerator"], rates["reception_resolution"]["denominator"]) == (1, 2)
    assert (rates["screened_settled"]["numerator"], rates["screened_settled"]["denominator"]) == (1, 2)
    assert rates["case_resolution"]["display"] == "100.0%" and rates["case_resolution"]["denominator"] == 1
    assert rates["screened_settled"]["pop"] == {"previous": 0.0, "change": 0.5}  # October's item is unsettled
    assert rates["case_resolution"]["pop"] == {"previous": None, "change": None}  # October: no package
    assert (rates["backlog_resolution"]["numerator"], rates["backlog_resolution"]["denominator"]) == (0, 2)


def test_leader_work_sheets(november, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = openpyxl.load_workbook(write_report_workbook(november, tmp_path / "月报.xlsx"))
    counts, rates = book["领导接访与维稳"], book["领导工作化解率"]
    assert counts["A1"].value == "某某镇信访工作月度统计表" and "2026年11月" in counts["A2"].value
    merged = {str(r) for r in counts.merged_cells.ranges}
    assert {"A1:J1", "A4:A5", "B4:B5", "C4:C5", "D4:F4", "G4:I4", "J4:J5"} <= merged
    assert [counts.cell(5, c).value for c in range(4, 10)] == ["上年同期", "增减", "增幅", "上期", "增减", "增幅"]
    for sheet in (counts, rates):
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$5" and sheet.freeze_panes == "B6"
        assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"
    rows = {counts.cell(r, 1).value: [counts.cell(r, c).value for c in range(2, 10)]
            for r in range(6, counts.max_row + 1) if counts.cell(r, 2).value}
    assert rows["　领导接访登记"] == ["人次", 7, 0, 7, "—", 1, 6, "+600.0%"]  # the 人次 line follows 批次
    assert rows["　接访记录"] == ["次", 1, 0, 1, "—", 0, 1, "—"]
    assert rows["　排查合计"] == ["件", 2, 0, 2, "—", 1, 1, "+100.0%"]
    assert rows["　逾期未联系"] == ["人", 1, 0, 1, "—", 0, 1, "—"]
    assert rows["　其中超过化解时限"] == ["件", 0, 0, 0, "—", 0, 0, "—"]
    headings = [counts.cell(r, 1).value for r in range(6, counts.max_row + 1)
                if counts.cell(r, 1).value and not counts.cell(r, 1).value.startswith("　")]
    assert headings[:5] == ["领导接访", "领导包案", "矛盾纠纷排查", "重点人员", "敏感节点"]
    lines = {rates.cell(r, 1).value: [rates.cell(r, c).value for c in range(2, 13)] for r in range(6, 10)}
    assert lines["领导接访化解率"][:3] == [1, 2, "50.0%"]
    assert lines["排查化解率"][:9] == [1, 2, "50.0%", 0, 0, "—", 0, 1, "0.0%"]
    assert lines["排查化解率"][9:] == ["—", "+50.0个百分点"]
    assert lines["包案化解率"][:3] == [1, 1, "100.0%"]
    assert lines["积案化解率"][:3] == [0, 2, "0.0%"]


@pytest.mark.slow
@pytest.mark.skipif(OFFICE is None or shutil.which("pdfinfo") is None, reason="LibreOffice or pdfinfo not installed")
def test_leader_work_sheets_open_in_libreoffice(november, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_report_workbook(november, tmp_path / "report.xlsx")
    subprocess.run([OFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(tmp_path / "report.xlsx")],
                   check=True, capture_output=True, timeout=240)
    info = subprocess.run(["pdfinfo", str(tmp_path / "report.pdf")], capture_output=True, text=True, check=True).stdout
    assert "841.89 x 595.3" in info, info  # A4 landscape
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "表：领导接访与维稳" in text and "表：领导工作化解率" in text and "包案化解率" in text
