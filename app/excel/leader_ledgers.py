"""台账 of leaders' work and dispute screening: the screening register of one round (矛盾纠纷排查台账)
and the record of leader receptions, 下访 and 约访 over a period (领导接访下访约访台账). Both are small
(hundreds of rows a year), read through the services and streamed into the ledger workbook."""

from __future__ import annotations

import time
import uuid
from datetime import date
from pathlib import Path

from app.domain.leader_work import RECEPTION_KIND_LABELS
from app.excel.common import replace_atomically, temporary_beside
from app.excel.ledgers import ExportResult
from app.excel.xlsx import Column, StreamingWorkbook
from app.services.context import UnitOfWork
from app.services.leader_receptions import receptions
from app.services.offices import office_info
from app.services.screening import conflict_register, rounds

SCREENING_COLUMNS = (
    Column("序号", 7, "int"), Column("排查日期", 11, "date"), Column("村（社区）", 12), Column("当事人", 20), Column("纠纷类型", 12),
    Column("风险等级", 8), Column("纠纷简况", 36), Column("化解措施", 30), Column("责任人", 12), Column("化解期限", 11, "date"),
    Column("状态", 10), Column("化解日期", 11, "date"), Column("来源", 9),
)
RECEPTION_RECORD_COLUMNS = (
    Column("序号", 7, "int"), Column("日期", 11, "date"), Column("类别", 6), Column("领导", 10), Column("地点", 16),
    Column("村（社区）", 12), Column("接谈对象", 20), Column("批次", 6, "int"), Column("人数", 6, "int"),
    Column("涉及事项（件）", 8, "int"), Column("接访情况", 40),
)


def _write(path: str | Path, sheet_name: str, columns: tuple[Column, ...], title: str, subtitle: str,
           rows: list[list[object]]) -> ExportResult:
    started = time.perf_counter()
    target = Path(path)
    work = temporary_beside(target)
    with StreamingWorkbook(work) as book:
        sheet = book.add_sheet(sheet_name, columns, title=title, subtitle=subtitle)
        for row in rows:
            sheet.write_row(row)
    replace_atomically(work, target)
    return ExportResult(target, len(rows), time.perf_counter() - started)


def export_screening_ledger(uow: UnitOfWork, round_id: uuid.UUID, path: str | Path) -> ExportResult:
    items = conflict_register(uow, round_id)
    month = next(r.month for r in rounds(uow) if r.id == round_id)
    rows: list[list[object]] = [
        [n, i.found_on, i.village, i.parties, i.kind, i.risk_label, i.summary, i.measures, i.responsible, i.due_on,
         i.status_label, i.resolved_on, "上月结转" if i.carried_from_id else "本月排查"]
        for n, i in enumerate(items, start=1)]
    office = office_info(uow)
    return _write(path, "矛盾纠纷排查台账", SCREENING_COLUMNS, f"{office.short_name}矛盾纠纷排查台账",
                  f"{month.year}年{month.month}月　共 {len(rows)} 条　导出时间：{uow.now():%Y-%m-%d %H:%M}", rows)


def export_reception_records(uow: UnitOfWork, start: date, end: date, path: str | Path) -> ExportResult:
    found = receptions(uow, start, end)
    rows: list[list[object]] = [
        [n, r.held_on, RECEPTION_KIND_LABELS[r.kind], r.leader, r.place, r.village, r.persons, r.batches,
         r.headcount, len(r.matter_ids), r.note] for n, r in enumerate(found, start=1)]
    office = office_info(uow)
    return _write(path, "领导接访下访约访台账", RECEPTION_RECORD_COLUMNS, f"{office.short_name}领导接访下访约访台账",
                  f"{start.isoformat()} 至 {end.isoformat()}　共 {len(rows)} 条　导出时间：{uow.now():%Y-%m-%d %H:%M}",
                  rows)
