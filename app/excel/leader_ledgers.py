"""台账 of leaders' work and stability work: the screening register of one round (矛盾纠纷排查台账),
the record of leader receptions, 下访 and 约访 over a period (领导接访下访约访台账), the 领导包案台账,
the 重点人员台账, the 村级接访台账 and the 信访代办台账. All are small (hundreds of rows a year), read through the services
(so their permission checks and 检举控告 masking hold) and streamed into the ledger workbook."""

from __future__ import annotations

import time
import uuid
from datetime import date
from pathlib import Path

from app.domain.leader_work import RECEPTION_KIND_LABELS
from app.excel.common import SATISFACTION_LABELS, replace_atomically, temporary_beside
from app.excel.ledgers import ExportResult
from app.excel.xlsx import Column, StreamingWorkbook
from app.services.case_ownership import OwnedCase, leader_cases
from app.services.context import UnitOfWork
from app.services.key_persons import key_persons
from app.services.leader_receptions import receptions
from app.services.offices import office_info
from app.services.screening import conflict_register, rounds
from app.services.village_work import proxy_register, village_receptions

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

CASE_COLUMNS = (
    Column("序号", 7, "int"), Column("事项编号", 16), Column("事项标题", 28), Column("信访人", 14), Column("包案领导", 10),
    Column("包案人员", 16), Column("化解措施", 30), Column("包案日期", 11, "date"), Column("化解时限", 11, "date"),
    Column("包案状态", 8), Column("化解日期", 11, "date"), Column("化解结果", 30), Column("信访人评价", 16),
    Column("最新进展", 36),
)
KEY_PERSON_COLUMNS = (
    Column("序号", 7, "int"), Column("姓名", 10), Column("村（社区）", 12), Column("列为重点人员原因", 30),
    Column("稳控责任人", 10), Column("列入日期", 11, "date"), Column("回访周期（天）", 8, "int"),
    Column("最近联系", 11, "date"), Column("下次回访", 11, "date"), Column("回访状态", 8), Column("联系次数", 8, "int"),
)
VILLAGE_RECEPTION_COLUMNS = (
    Column("序号", 7, "int"), Column("日期", 11, "date"), Column("村（社区）", 12), Column("参加人员", 24),
    Column("登记来访（人次）", 9, "int"), Column("说案（件）", 8, "int"), Column("开展排查", 8), Column("接访情况", 40),
)

PROXY_COLUMNS = (
    Column("序号", 7, "int"), Column("事项编号", 16), Column("事项标题", 28), Column("信访人", 14), Column("代办诉求", 30),
    Column("点单日期", 11, "date"), Column("代办员", 10), Column("派单日期", 11, "date"), Column("接单日期", 11, "date"),
    Column("评单日期", 11, "date"), Column("评价", 9), Column("进度", 8),
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


def _stamp(uow: UnitOfWork) -> str:
    return f"导出时间：{uow.now():%Y-%m-%d %H:%M}"


def export_screening_ledger(uow: UnitOfWork, round_id: uuid.UUID, path: str | Path) -> ExportResult:
    items = conflict_register(uow, round_id)
    month = next(r.month for r in rounds(uow) if r.id == round_id)
    rows: list[list[object]] = [
        [n, i.found_on, i.village, i.parties, i.kind, i.risk_label, i.summary, i.measures, i.responsible, i.due_on,
         i.status_label, i.resolved_on, "上月结转" if i.carried_from_id else "本月排查"]
        for n, i in enumerate(items, start=1)]
    office = office_info(uow)
    return _write(path, "矛盾纠纷排查台账", SCREENING_COLUMNS, f"{office.short_name}矛盾纠纷排查台账",
                  f"{month.year}年{month.month}月　共 {len(rows)} 条　{_stamp(uow)}", rows)


def export_reception_records(uow: UnitOfWork, start: date, end: date, path: str | Path) -> ExportResult:
    found = receptions(uow, start, end)
    rows: list[list[object]] = [
        [n, r.held_on, RECEPTION_KIND_LABELS[r.kind], r.leader, r.place, r.village, r.persons, r.batches,
         r.headcount, len(r.matter_ids), r.note] for n, r in enumerate(found, start=1)]
    office = office_info(uow)
    return _write(path, "领导接访下访约访台账", RECEPTION_RECORD_COLUMNS, f"{office.short_name}领导接访下访约访台账",
                  f"{start.isoformat()} 至 {end.isoformat()}　共 {len(rows)} 条　{_stamp(uow)}",
                  rows)


def _case_state(case: OwnedCase) -> str:
    if case.settled_on is not None:
        return "已化解"
    return "已超期" if case.days_left < 0 else "化解中"


def _evaluation(case: OwnedCase) -> str:
    if case.evaluation is not None:
        return SATISFACTION_LABELS[case.evaluation]
    return f"未评价：{case.no_evaluation_reason}" if case.no_evaluation_reason else ""


def _latest_note(case: OwnedCase) -> str:
    if not case.progress:
        return ""
    note = case.progress[0]
    return f"{note.noted_on.isoformat()} {note.note}"


def export_case_ledger(uow: UnitOfWork, path: str | Path) -> ExportResult:
    """Every live 包案 (settled ones included), nearest target date first."""
    cases = leader_cases(uow, include_settled=True)
    rows: list[list[object]] = [
        [n, c.number, c.title, "、".join(c.petitioners), c.leader, c.staff, c.measures, c.assigned_on, c.target_on,
         _case_state(c), c.settled_on, c.outcome, _evaluation(c), _latest_note(c)]
        for n, c in enumerate(cases, start=1)]
    office = office_info(uow)
    return _write(path, "领导包案台账", CASE_COLUMNS, f"{office.short_name}领导包案台账",
                  f"共 {len(rows)} 件　{_stamp(uow)}", rows)


def export_key_person_ledger(uow: UnitOfWork, path: str | Path) -> ExportResult:
    """The current key persons list, most urgent follow-up first."""
    found = key_persons(uow)
    today = uow.today()
    rows: list[list[object]] = [
        [n, k.name, k.village, k.reason, k.officer, k.listed_on, k.follow_up_days, k.last_contact_on, k.next_due_on,
         "已逾期" if k.next_due_on < today else "正常", k.contacts] for n, k in enumerate(found, start=1)]
    office = office_info(uow)
    return _write(path, "重点人员台账", KEY_PERSON_COLUMNS, f"{office.short_name}重点人员台账",
                  f"共 {len(rows)} 人　{_stamp(uow)}", rows)


def export_village_reception_ledger(uow: UnitOfWork, start: date, end: date, path: str | Path) -> ExportResult:
    found = village_receptions(uow, start, end)
    rows: list[list[object]] = [
        [n, r.held_on, r.village, r.officials, r.contacts_registered, r.cases_discussed,
         "是" if r.screening_done else "否", r.note] for n, r in enumerate(found, start=1)]
    office = office_info(uow)
    return _write(path, "村级接访台账", VILLAGE_RECEPTION_COLUMNS, f"{office.short_name}村级接访台账",
                  f"{start.isoformat()} 至 {end.isoformat()}　共 {len(rows)} 条　{_stamp(uow)}",
                  rows)


def export_proxy_ledger(uow: UnitOfWork, start: date, end: date, path: str | Path) -> ExportResult:
    """The 代办 ordered in the period (点单 → 派单 → 接单 → 评单)."""
    found = proxy_register(uow, start, end)
    rows: list[list[object]] = [
        [n, e.number, e.title, "、".join(e.petitioners), e.proxy.request, e.proxy.ordered_on, e.proxy.proxy,
         e.proxy.dispatched_on, e.proxy.accepted_on, e.proxy.rated_on,
         SATISFACTION_LABELS[e.proxy.rating] if e.proxy.rating else "", e.proxy.stage_label]
        for n, e in enumerate(found, start=1)]
    office = office_info(uow)
    return _write(path, "信访代办台账", PROXY_COLUMNS, f"{office.short_name}信访代办台账",
                  f"{start.isoformat()} 至 {end.isoformat()}　共 {len(rows)} 件　{_stamp(uow)}", rows)
