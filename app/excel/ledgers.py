"""台账 export: contacts, matters, backlog matters and leader receptions for any filter.

One query in ledger order, with its joins and the persons' names aggregated in SQL, is streamed
in chunks straight into the streaming workbook: memory stays flat whatever the size. A progress
callback reports every chunk and a cancel check can stop it (the partial file is removed). Runs on
a worker thread with its own unit of work.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from app.domain.enums import Clock, MatterState, MatterType
from app.domain.permissions import Permission
from app.domain.workflow import STATE_LABELS
from app.excel.common import (
    DECISION_LABELS, RESOLUTION_LABELS, SATISFACTION_LABELS, SOURCE_LABELS, CancelCheck, Progress,
    check_cancel, replace_atomically, temporary_beside,
)
from app.excel.xlsx import Column, StreamingWorkbook
from app.services import audit
from app.services.context import UnitOfWork
from app.services.dictionaries import subject_names, subject_path
from app.statistics import labels as L
from app.statistics.filters import (
    ContactFilter, MatterFilter, contact_select, count_contacts, count_matters, matter_select,
)
from db.models import (
    Contact, ContactPerson, Matter, MatterDeadline, MatterPetitioner, Office, Person, PersonPhone,
    ResponsibleUnit, UserAccount, Village,
)

CHUNK = 1000
MASKED = "（检举人信息保密）"


class LedgerKind(StrEnum):
    CONTACTS = "contacts"  # 来访（信）登记台账
    MATTERS = "matters"  # 信访事项台账
    BACKLOG = "backlog"  # 积案台账
    RECEPTIONS = "receptions"  # 领导接访台账


LEDGER_TITLES = {
    LedgerKind.CONTACTS: "信访登记台账", LedgerKind.MATTERS: "信访事项台账",
    LedgerKind.BACKLOG: "信访积案台账", LedgerKind.RECEPTIONS: "领导接访台账",
}


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    seconds: float


def _c(header: str, width: float = 12, kind: str = "text") -> Column:
    return Column(header, width, kind)


CONTACT_COLUMNS = (
    _c("序号", 7, "int"), _c("登记编号", 15), _c("来访（信）时间", 17, "datetime"), _c("信访形式", 8),
    _c("信访人", 16), _c("身份证号", 20), _c("联系电话", 13), _c("所在村（社区）", 12), _c("人数", 6, "int"),
    _c("集体访", 7), _c("初访/重复", 9), _c("越级情形", 8), _c("领导接访", 8), _c("接访领导", 10),
    _c("问题属地", 12), _c("事项编号", 14), _c("事项类别", 11), _c("问题分类", 20), _c("反映问题", 40),
    _c("办理状态", 10), _c("责任单位", 12), _c("接待人", 10),
)
MATTER_COLUMNS = (
    _c("序号", 7, "int"), _c("事项编号", 14), _c("登记日期", 11, "date"), _c("来源", 12), _c("事项类别", 11),
    _c("问题分类", 20), _c("事项摘要", 36), _c("信访人", 16), _c("问题属地", 12), _c("责任单位", 12),
    _c("办理状态", 10), _c("受理决定", 10), _c("决定日期", 11, "date"), _c("受理日期", 11, "date"),
    _c("答复期限", 11, "date"), _c("延期天数", 8, "int"), _c("答复日期", 11, "date"),
    _c("送达日期", 11, "date"), _c("满意度", 8), _c("办结日期", 11, "date"), _c("化解情况", 8),
    _c("化解日期", 11, "date"), _c("包案领导", 10), _c("来访（信）次数", 8, "int"), _c("积案", 6),
)
BACKLOG_COLUMNS = (
    _c("序号", 7, "int"), _c("事项编号", 14), _c("信访人", 16), _c("事项摘要", 36), _c("问题分类", 20),
    _c("问题属地", 12), _c("登记日期", 11, "date"), _c("列为积案日期", 12, "date"),
    _c("积案时长（月）", 9, "int"), _c("包案领导", 10), _c("责任单位", 12), _c("办理状态", 10),
    _c("化解情况", 8), _c("化解日期", 11, "date"), _c("来访（信）次数", 8, "int"),
)
RECEPTION_COLUMNS = (
    _c("序号", 7, "int"), _c("接访时间", 17, "datetime"), _c("接访领导", 10), _c("信访人", 16),
    _c("人数", 6, "int"), _c("联系电话", 13), _c("所在村（社区）", 12), _c("反映问题", 40),
    _c("问题分类", 20), _c("事项编号", 14), _c("办理状态", 10), _c("责任单位", 12),
    _c("答复日期", 11, "date"), _c("化解情况", 8),
)


# --- reading -----------------------------------------------------------------------------------

ProblemVillage = aliased(Village, name="problem_village")
PersonVillage = aliased(Village, name="person_village")
Clerk = aliased(UserAccount, name="clerk")
Handling = aliased(MatterDeadline, name="handling")
MainLink = aliased(ContactPerson, name="main_link")
MainPerson = aliased(Person, name="main_person")


@dataclass
class _Ctx:
    uow: UnitOfWork
    subjects: dict[str, str]
    see_accusers: bool
    today: date

    def hidden(self, matter_type: str | None, confidential: bool) -> bool:
        return not self.see_accusers and (matter_type == MatterType.ACCUSATION.value or confidential)

    def subject(self, code: str | None) -> str:
        return subject_path(self.subjects, code)


def _other_names_of_contact() -> Any:
    """The representatives after the first, as one text (a correlated aggregate; order not kept)."""
    link = aliased(ContactPerson, name="any_link")
    named = aliased(Person, name="any_person")
    return (select(func.aggregate_strings(named.name, "、")).join(link, link.person_id == named.id)
            .where(link.contact_id == Contact.id, link.position > 0).scalar_subquery())


def _first_phone(person: Any) -> Any:
    return (select(PersonPhone.phone).where(PersonPhone.person_id == person.id)
            .order_by(PersonPhone.position).limit(1).scalar_subquery())


_CONTACT_FIELDS = (
    Contact.number, Contact.contact_at, Contact.channel, Contact.headcount, Contact.is_repeat,
    Contact.skip_level, Contact.leader_reception, Contact.leader_name, Contact.content, Contact.confidential,
    ProblemVillage.name.label("village"), Matter.number.label("matter_number"), Matter.matter_type,
    Matter.subject_code, Matter.state, ResponsibleUnit.name.label("unit"),
    Clerk.display_name.label("clerk"), Matter.replied_on, Matter.resolution,
    MainPerson.id_number, PersonVillage.name.label("person_village"),
    MainPerson.name.label("main_name"), _first_phone(MainPerson).label("phone"),
    _other_names_of_contact().label("others"),
)


def _contact_rows(ctx: _Ctx, f: ContactFilter) -> Iterator[dict[str, Any]]:
    stmt = (contact_select(ctx.uow, f, *_CONTACT_FIELDS, join_matter=True)
            .outerjoin(ProblemVillage, ProblemVillage.id == Contact.problem_village_id)
            .outerjoin(ResponsibleUnit, ResponsibleUnit.id == Matter.responsible_unit_id)
            .outerjoin(Clerk, Clerk.id == Contact.receiving_clerk_id)
            .outerjoin(MainLink, and_(MainLink.contact_id == Contact.id, MainLink.position == 0))
            .outerjoin(MainPerson, MainPerson.id == MainLink.person_id)
            .outerjoin(PersonVillage, PersonVillage.id == MainPerson.village_id)
            .order_by(Contact.contact_at, Contact.number))
    for r in ctx.uow.session.execute(stmt.execution_options(yield_per=CHUNK)):
        row = dict(r._mapping)
        row["names"] = "、".join(n for n in (row["main_name"], row["others"]) if n)
        if ctx.hidden(row["matter_type"], row["confidential"]):
            row.update(names=MASKED if row["names"] else "", id_number=None, phone=None, content=MASKED)
        yield row


def _contact_row(ctx: _Ctx, n: int, r: dict[str, Any]) -> list[Any]:
    return [
        n, r["number"], r["contact_at"], L.CHANNEL_LABELS.get(r["channel"], r["channel"]), r["names"],
        r["id_number"], r["phone"], r["person_village"], r["headcount"],
        "是" if r["channel"] == "visit" and r["headcount"] >= 5 else "否",
        "重复" if r["is_repeat"] else "初访", L.SKIP_LEVEL_LABELS.get(r["skip_level"] or "", ""),
        "是" if r["leader_reception"] else "否", r["leader_name"], r["village"],
        r["matter_number"], L.MATTER_TYPE_LABELS.get(r["matter_type"] or "", ""), ctx.subject(r["subject_code"]),
        r["content"], _state(r["state"]), r["unit"], r["clerk"],
    ]


def _reception_row(ctx: _Ctx, n: int, r: dict[str, Any]) -> list[Any]:
    return [
        n, r["contact_at"], r["leader_name"], r["names"], r["headcount"], r["phone"], r["person_village"],
        r["content"], ctx.subject(r["subject_code"]), r["matter_number"], _state(r["state"]), r["unit"],
        r["replied_on"], RESOLUTION_LABELS.get(r["resolution"] or "", ""),
    ]


def _state(value: str | None) -> str:
    return STATE_LABELS[MatterState(value)] if value else ""


def _names_of_matter(first: bool) -> Any:
    """The first petitioner's name, or the others' as one text (order not kept)."""
    person = aliased(Person, name="petitioner")
    link = aliased(MatterPetitioner, name="petitioner_link")
    position = link.position == 0 if first else link.position > 0
    return (select(func.aggregate_strings(person.name, "、")).join(link, link.person_id == person.id)
            .where(link.matter_id == Matter.id, position).scalar_subquery())


def _visits() -> Any:
    return select(func.count()).where(Contact.matter_id == Matter.id).scalar_subquery()


_MATTER_FIELDS = (
    Matter.number, Matter.registered_on, Matter.source, Matter.matter_type, Matter.subject_code,
    Matter.title, Matter.confidential, ProblemVillage.name.label("village"),
    ResponsibleUnit.name.label("unit"), Matter.state, Matter.decision, Matter.decided_on,
    Matter.accepted_on, Handling.due_on, Matter.extension_days, Matter.replied_on,
    Matter.reply_delivered_on, Matter.satisfaction, Matter.closed_on, Matter.resolution,
    Matter.resolved_on, Matter.case_leader, Matter.is_backlog, Matter.backlog_since,
    _names_of_matter(True).label("main_name"), _names_of_matter(False).label("others"),
    _visits().label("visits"),
)


def _matter_rows(ctx: _Ctx, f: MatterFilter) -> Iterator[dict[str, Any]]:
    ids = matter_select(ctx.uow, f).with_only_columns(Matter.id).scalar_subquery()
    stmt = (select(*_MATTER_FIELDS).select_from(Matter)
            .outerjoin(ProblemVillage, ProblemVillage.id == Matter.problem_village_id)
            .outerjoin(ResponsibleUnit, ResponsibleUnit.id == Matter.responsible_unit_id)
            .outerjoin(Handling, and_(Handling.matter_id == Matter.id, Handling.clock == Clock.HANDLING.value))
            .where(Matter.id.in_(ids)).order_by(Matter.registered_on, Matter.number))
    for r in ctx.uow.session.execute(stmt.execution_options(yield_per=CHUNK)):
        row = dict(r._mapping)
        row["names"] = "、".join(n for n in (row["main_name"], row["others"]) if n)
        row["backlog_start"] = row["backlog_since"] or (row["registered_on"] if row["is_backlog"] else None)
        if ctx.hidden(row["matter_type"], row["confidential"]):
            row.update(names=MASKED if row["names"] else "", title=MASKED)
        yield row


def _matter_row(ctx: _Ctx, n: int, r: dict[str, Any]) -> list[Any]:
    return [
        n, r["number"], r["registered_on"], SOURCE_LABELS.get(r["source"], r["source"]),
        L.MATTER_TYPE_LABELS.get(r["matter_type"], ""), ctx.subject(r["subject_code"]), r["title"],
        r["names"], r["village"], r["unit"], _state(r["state"]), DECISION_LABELS.get(r["decision"] or "", ""),
        r["decided_on"], r["accepted_on"], r["due_on"], r["extension_days"], r["replied_on"],
        r["reply_delivered_on"], SATISFACTION_LABELS.get(r["satisfaction"] or "", ""), r["closed_on"],
        RESOLUTION_LABELS.get(r["resolution"], ""), r["resolved_on"], r["case_leader"], r["visits"],
        "是" if r["backlog_start"] else "否",
    ]


def _months(start: date | None, end: date) -> int | None:
    if start is None:
        return None
    return max(0, (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day))


def _backlog_row(ctx: _Ctx, n: int, r: dict[str, Any]) -> list[Any]:
    start = r["backlog_start"]
    end = r["resolved_on"] or ctx.today
    return [
        n, r["number"], r["names"], r["title"], ctx.subject(r["subject_code"]), r["village"],
        r["registered_on"], start, _months(start, end), r["case_leader"], r["unit"], _state(r["state"]),
        RESOLUTION_LABELS.get(r["resolution"], ""), r["resolved_on"], r["visits"],
    ]


# --- export ------------------------------------------------------------------------------------

Writer = Callable[[_Ctx, int, dict[str, Any]], list[Any]]
_SPECS: dict[LedgerKind, tuple[tuple[Column, ...], Writer]] = {
    LedgerKind.CONTACTS: (CONTACT_COLUMNS, _contact_row),
    LedgerKind.RECEPTIONS: (RECEPTION_COLUMNS, _reception_row),
    LedgerKind.MATTERS: (MATTER_COLUMNS, _matter_row),
    LedgerKind.BACKLOG: (BACKLOG_COLUMNS, _backlog_row),
}


def _filters(uow: UnitOfWork, kind: LedgerKind, contacts: ContactFilter | None,
             matters: MatterFilter | None) -> ContactFilter | MatterFilter:
    if kind in (LedgerKind.CONTACTS, LedgerKind.RECEPTIONS):
        f = contacts or ContactFilter()
        return f.narrowed(leader_reception=True) if kind is LedgerKind.RECEPTIONS else f
    mf = matters or MatterFilter()
    if kind is LedgerKind.BACKLOG and mf.backlog_on is None:
        mf = mf.narrowed(backlog_on=uow.today())
    return mf


def count_rows(uow: UnitOfWork, kind: LedgerKind, contacts: ContactFilter | None = None,
               matters: MatterFilter | None = None) -> int:
    """How many rows the ledger will have (for the progress bar and the dialog)."""
    f = _filters(uow, kind, contacts, matters)
    if isinstance(f, ContactFilter):
        return count_contacts(uow, f)[0]
    return count_matters(uow, f)


def ledger_title(uow: UnitOfWork, kind: LedgerKind) -> str:
    office = uow.session.get(Office, uow.office_id)
    return f"{office.short_name if office else ''}{LEDGER_TITLES[kind]}"


def export_ledger(uow: UnitOfWork, kind: LedgerKind, path: str | Path, *,
                  contacts: ContactFilter | None = None, matters: MatterFilter | None = None,
                  subtitle: str = "", progress: Progress | None = None,
                  cancelled: CancelCheck | None = None) -> ExportResult:
    """Write the ledger of ``kind`` for the filter to ``path`` (.xlsx); replaces the file at the end."""
    uow.actor.require(Permission.READ)
    started = time.perf_counter()
    target = Path(path)
    columns, write = _SPECS[kind]
    f = _filters(uow, kind, contacts, matters)
    total = count_rows(uow, kind, contacts, matters)
    ctx = _Ctx(uow, subject_names(uow.session), uow.actor.may(Permission.READ_ACCUSATION),
               uow.today())
    rows = _contact_rows(ctx, f) if isinstance(f, ContactFilter) else _matter_rows(ctx, f)
    work = temporary_beside(target)
    done = 0
    with StreamingWorkbook(work) as book:
        sheet = book.add_sheet(LEDGER_TITLES[kind], columns, title=ledger_title(uow, kind),
                               subtitle=subtitle or f"共 {total} 条　导出时间：{uow.now():%Y-%m-%d %H:%M}")
        for row in rows:
            done += 1
            sheet.write_row(write(ctx, done, row))
            if done % CHUNK == 0:
                check_cancel(cancelled)
                if progress is not None:
                    progress(done, max(total, done))
        check_cancel(cancelled)
        if progress is not None:
            progress(done, max(total, done))
    replace_atomically(work, target)
    audit.record_access(uow, "export", "ledger", None, kind=kind.value, rows=done, file=target.name,
                        masked=not ctx.see_accusers)
    return ExportResult(target, done, time.perf_counter() - started)


@dataclass(frozen=True)
class LedgerPreview:
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]  # the first rows, exactly as the ledger writes them
    total: int


def preview_ledger(uow: UnitOfWork, kind: LedgerKind, *, contacts: ContactFilter | None = None,
                   matters: MatterFilter | None = None, limit: int = 500) -> LedgerPreview:
    """The first ``limit`` rows of a ledger, for showing what stands behind a number on screen."""
    uow.actor.require(Permission.READ)
    columns, write = _SPECS[kind]
    f = _filters(uow, kind, contacts, matters)
    ctx = _Ctx(uow, subject_names(uow.session), uow.actor.may(Permission.READ_ACCUSATION), uow.today())
    source = _contact_rows(ctx, f) if isinstance(f, ContactFilter) else _matter_rows(ctx, f)
    rows = []
    for n, row in enumerate(source, start=1):
        if n > limit:
            break
        rows.append(tuple(write(ctx, n, row)))
    source.close()  # releases the streamed result when the ledger is longer than the preview
    return LedgerPreview(tuple(c.header for c in columns), tuple(rows), count_rows(uow, kind, contacts, matters))
