"""Importing the ugly ledgers of ugly_ledgers.py: dry run, real run, error workbook, re-import."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from app.domain.enums import Role
from app.errors import PermissionDenied, ValidationError
from app.excel.ledger_import import ImportOptions, import_ledger, inspect_ledger
from app.services.workspace import Workspace
from app.statistics import compute_figures, periods
from db.models import AuditEvent, Contact, ImportRecord, Matter, Person, PersonPhone
from tests.excel import ugly_ledgers as U


def counts(ws: Workspace) -> dict[str, int]:
    with ws.database.read() as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0
                for m in (Contact, Person, Matter, ImportRecord, AuditEvent)}


def run(ws: Workspace, actor: Any, path: Path, **options: Any):  # type: ignore[no-untyped-def]
    with ws.write(actor) as uow:
        return import_ledger(uow, path, ImportOptions(**options))


def test_dry_run_lists_everything_and_changes_nothing(ws: Workspace, admin, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ledger = U.titled(tmp_path / "台账.xlsx")
    before = counts(ws)
    result = run(ws, admin, ledger, dry_run=True)
    assert counts(ws) == before
    assert result.dry_run and result.sheet == "来访登记" and result.header_row == 5
    assert [r.row for r in result.imported] == [6, 7, 8, 10, 12, 13, 18]
    assert result.persons_created == 6  # 张三 李四 王五 赵六 钱七 孙八
    assert result.persons_matched == 2  # 张三 (ID) on row 8, 赵六 (name + phone) on row 18
    # Rows 8 and 18 join the matters of the same persons (same subject): repeat contacts.
    assert result.matters_created == 5
    skipped = {i.row: i.reason for i in result.skipped}
    assert set(skipped) == {14, 15, 17, 20}
    assert "日期" in skipped[14] and "反映问题" in skipped[15]
    assert "晚于当前时间" in skipped[17] and "校验位" in skipped[20]
    ignored = {i.row: i.reason for i in result.ignored}
    assert ignored == {11: "重复的表头行", 16: "说明行（合并单元格）", 19: "合计行"}
    warned = {i.row for i in result.warnings}
    assert 13 in warned  # 孙八's ID lost its digits in Excel
    assert result.error_workbook is None


def test_real_run_creates_persons_once_and_writes_the_error_workbook(ws: Workspace, admin, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ledger = U.titled(tmp_path / "台账.xlsx")
    before = counts(ws)
    result = run(ws, admin, ledger)
    after = counts(ws)
    assert after["contact"] - before["contact"] == 7
    assert after["person"] - before["person"] == 6
    assert after["matter"] - before["matter"] == 5
    assert after["import_record"] == 7
    with ws.database.read() as session:
        zhang = session.scalars(select(Person).where(Person.name == "张三")).one()
        assert zhang.id_number == U.ZHANG_ID
        li = session.scalars(select(Person).where(Person.name == "李四")).one()
        assert li.id_number == U.LI_ID  # lowercase x normalised
        sun = session.scalars(select(Person).where(Person.name == "孙八")).one()
        assert sun.id_number is None
        zhao = session.scalars(select(Person).where(Person.name == "赵六")).all()
        assert len(zhao) == 1
        assert session.scalar(select(PersonPhone.phone).where(PersonPhone.person_id == zhao[0].id)) == "13900002222"
        collective = session.scalars(select(Contact).where(Contact.headcount == 15)).one()
        assert collective.contact_at == datetime(2024, 3, 9)
        first = session.scalars(select(Contact).where(Contact.contact_at == datetime(2024, 3, 5, 9, 0))).one()
        assert "【台账记载办理情况】已转城建办" in first.content
        repeat = session.scalars(select(Contact).where(Contact.contact_at == datetime(2024, 3, 8))).one()
        assert repeat.is_repeat and repeat.matter_id == first.matter_id
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(1)))
        assert actions == ["import"]
    # The error workbook lists the skipped rows as they were, reason first.
    assert result.error_workbook == tmp_path / "台账.未导入行.xlsx"
    rows = list(openpyxl.load_workbook(result.error_workbook).active.iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == [14, 15, 17, 20]
    assert rows[0][3] == "三月中旬" and "日期" in rows[0][1]


def test_reimporting_the_same_file_creates_nothing(ws: Workspace, admin, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ledger = U.titled(tmp_path / "台账.xlsx")
    run(ws, admin, ledger)
    before = counts(ws)
    again = run(ws, admin, ledger)
    after = counts(ws)
    assert {k: after[k] for k in ("contact", "person", "matter", "import_record")} == \
        {k: before[k] for k in ("contact", "person", "matter", "import_record")}
    assert again.contacts_created == 0
    assert sum(1 for i in again.ignored if i.reason.startswith("已导入过")) == 7


def test_two_row_header_serial_dates_and_categories(ws: Workspace, admin, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ledger = U.two_row_header(tmp_path / "b.xlsx")
    preview = inspect_ledger(ledger)
    assert preview.sheet == "2024年" and preview.header_row == 2 and preview.missing == ()
    mapped = {c.field: c.letter for c in preview.columns if c.field}
    assert mapped["name"] == "B" and mapped["id_number"] == "C" and mapped["contact_at"] == "D"
    assert mapped["content"] == "F" and mapped["subject"] == "G" and mapped["matter_type"] == "H"
    result = run(ws, admin, ledger)
    assert not result.skipped and result.contacts_created == 5
    by_row = {r.row: r for r in result.imported}
    assert by_row[3].contact_at == datetime(2024, 4, 1)
    assert by_row[5].contact_at == datetime(2024, 4, 5) and by_row[5].is_repeat
    assert by_row[5].matter_number == by_row[3].matter_number
    assert by_row[7].contact_at == datetime(2024, 4, 12, 12, 0)
    assert [w.row for w in result.warnings] == [6]  # unknown subject wording
    with ws.database.read() as session:
        rows = dict(session.execute(select(Matter.number, Matter.subject_code)).all())
        types = dict(session.execute(select(Matter.number, Matter.matter_type)).all())
    assert rows[by_row[3].matter_number] == "0101" and types[by_row[3].matter_number] == "accusation"
    assert rows[by_row[4].matter_number] == "0102"
    assert rows[by_row[6].matter_number] == "99" and types[by_row[6].matter_number] == "suggestion"
    with ws.read(admin) as uow:
        figures = compute_figures(uow, periods.month(2024, 4))
    channels = {k: i.count.batches for k, i in figures.section("by_channel").items()}
    assert channels == {"visit": 1, "letter": 1, "phone": 1, "online": 1, "fax": 1}
    assert figures.singles["repeat"].batches == 1


def test_mapping_override_and_sheet_choice(ws: Workspace, admin, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ledger = U.odd_headers(tmp_path / "c.xlsx")
    with pytest.raises(ValidationError, match="表头"):
        inspect_ledger(ledger, ImportOptions(sheet="台账"))
    options = dict(sheet="台账", header_row=1,
                   mapping={"contact_at": "A", "name": "B", "content": "丙", "headcount": 3})
    preview = inspect_ledger(ledger, ImportOptions(**options))
    assert preview.missing == () and preview.sheets == ("封面", "台账")
    result = run(ws, admin, ledger, **options)
    # The date merged down over three rows belongs to each of them.
    assert [(r.row, r.contact_at.day) for r in result.imported] == [(2, 6), (3, 6), (4, 6), (5, 7)]
    with ws.database.read() as session:
        assert session.scalar(select(Contact.headcount).where(Contact.content == "反映三")) == 3


def test_import_needs_registration_rights(ws: Workspace, actors, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ledger = U.two_row_header(tmp_path / "b.xlsx")
    with pytest.raises(PermissionDenied):
        run(ws, actors[Role.LEADER], ledger)


def test_unreadable_files(ws: Workspace, admin, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(ValidationError, match="不是有效的 Excel"):
        run(ws, admin, bad)
    with pytest.raises(ValidationError, match="xls"):
        run(ws, admin, tmp_path / "old.xls")
