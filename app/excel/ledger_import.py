"""Import an existing Excel 台账 as contacts, persons and matters, through the registration services.

``inspect_ledger`` shows the wizard what was found (sheets, header row, column mapping, samples);
``import_ledger`` parses every row, then registers the good ones with ``register_contact`` in the
caller's unit of work — permissions, validation, numbering and the audit trail all apply. A dry run
does the same inside a savepoint and rolls it back, so it reports exactly what the real run would
create. Rows already imported (same fingerprint) are skipped, so importing a file twice creates
nothing new; persons are matched by ID number first, then by name and phone.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.domain.enums import Channel, MatterState, MatterType, SkipLevel
from app.domain.permissions import Permission
from app.domain.phones import normalize_phone
from app.errors import DomainError, ValidationError
from app.excel import parsing as P
from app.excel import sheet_reader as R
from app.excel.common import CancelCheck, Progress, check_cancel
from app.excel.xlsx import Column, StreamingWorkbook
from app.services import audit
from app.services.contacts import NewContact, register_contact
from app.services.matters import LedgerOutcome, load_matter, record_ledger_import
from app.services.context import UnitOfWork
from app.services.persons import PersonInput
from db.models import ImportRecord, Matter, Person, PersonPhone, Subject, Village

CONTENT_LIMIT = 10_000


@dataclass(frozen=True)
class ImportOptions:
    sheet: str | None = None
    mapping: Mapping[str, str | int | None] = field(default_factory=dict)
    header_row: int | None = None  # 1-based, when detection picks the wrong row
    default_channel: Channel = Channel.VISIT
    default_matter_type: MatterType = MatterType.CLAIM
    default_subject: str = "99"  # 其他
    dry_run: bool = False
    error_workbook: Path | None = None  # default: <file>.未导入行.xlsx beside the ledger


@dataclass(frozen=True)
class RowIssue:
    row: int  # 1-based row number in the sheet
    reason: str
    values: tuple[Any, ...] = ()


@dataclass(frozen=True)
class ImportedRow:
    row: int
    contact_number: str
    matter_number: str
    is_repeat: bool
    contact_at: datetime
    persons: tuple[str, ...]
    new_persons: tuple[str, ...]


@dataclass
class ImportResult:
    dry_run: bool
    source: Path
    sheet: str
    header_row: int  # 1-based
    mapping: dict[str, str]  # field label → "C 来访日期"
    imported: list[ImportedRow] = field(default_factory=list)
    skipped: list[RowIssue] = field(default_factory=list)  # could not be imported, with the reason
    ignored: list[RowIssue] = field(default_factory=list)  # blank, header, note rows; already imported
    warnings: list[RowIssue] = field(default_factory=list)  # imported, but something was dropped or assumed
    persons_created: int = 0
    persons_matched: int = 0
    matters_created: int = 0
    matters_closed: int = 0  # recorded as closed historical matters (the ledger gives a closing date)
    matters_to_review: int = 0  # no result in the ledger: flagged for the clerk, no clocks started
    error_workbook: Path | None = None

    @property
    def contacts_created(self) -> int:
        return len(self.imported)


@dataclass
class _Row:
    row: int
    values: tuple[Any, ...]
    contact_at: datetime
    names: P.Names
    headcount: int
    id_number: str | None
    phone: str | None
    address: str
    village_id: uuid.UUID | None
    problem_village_id: uuid.UUID | None
    channel: Channel
    matter_type: MatterType
    subject_code: str
    content: str
    leader: str
    repeat: bool | None
    skip_level: SkipLevel | None
    warnings: list[str]
    result: str = ""  # 办理情况 as the ledger words it
    closed_on: date | None = None  # 办结日期, when usable

    def fingerprint(self) -> str:
        key = [self.contact_at.isoformat(), sorted(self.names.names), self.id_number, self.headcount,
               self.channel.value, " ".join(self.content.split())]
        return hashlib.sha256(json.dumps(key, ensure_ascii=False).encode("utf-8")).hexdigest()


# --- inspecting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnPreview:
    index: int
    letter: str
    header: str
    field: str | None
    samples: tuple[str, ...]


@dataclass(frozen=True)
class LedgerPreview:
    sheets: tuple[str, ...]
    sheet: str
    header_row: int  # 1-based
    columns: tuple[ColumnPreview, ...]
    missing: tuple[str, ...]  # labels of required fields not mapped
    fields: dict[str, str]  # field code → label, for the wizard's drop-downs


def _load(path: Path, options: ImportOptions) -> tuple[Any, R.SheetGrid, R.ColumnMap]:
    book = R.open_workbook(path)
    sheet = R.pick_sheet(book, options.sheet)
    grid = R.read_grid(sheet)
    columns = R.detect_header(grid, options.header_row)
    if options.mapping:
        columns = R.apply_mapping(columns, options.mapping)
    return book, grid, columns


def inspect_ledger(path: str | Path, options: ImportOptions = ImportOptions()) -> LedgerPreview:
    book, grid, columns = _load(Path(path), options)
    by_column = {col: name for name, col in columns.fields.items()}
    data = [grid.rows[i] for i in range(columns.header_row + 1, len(grid.rows))
            if R.row_kind(grid, columns, i) is None][:5]
    previews = tuple(
        ColumnPreview(i, R.letter(i), h, by_column.get(i),
                      tuple("" if i >= len(r) or r[i] is None else str(r[i]) for r in data))
        for i, h in enumerate(columns.headers))
    missing = tuple(R.FIELDS[f][0] for f in R.REQUIRED if f not in columns.fields)
    return LedgerPreview(tuple(book.sheetnames), grid.name, columns.header_row + 1, previews, missing,
                         {k: v[0] for k, v in R.FIELDS.items()})


# --- parsing rows ----------------------------------------------------------------------------


@dataclass
class _Lookups:
    villages: dict[str, uuid.UUID]
    subjects: dict[str, tuple[str, str | None]]


def _lookups(uow: UnitOfWork) -> _Lookups:
    villages = {name: vid for vid, name in uow.session.execute(
        select(Village.id, Village.name).where(Village.office_id == uow.office_id))}
    subjects = {code: (name, parent) for code, name, parent in uow.session.execute(
        select(Subject.code, Subject.name, Subject.parent_code))}
    return _Lookups(villages, subjects)


def _get(row: Sequence[Any], columns: R.ColumnMap, name: str) -> Any:
    col = columns.fields.get(name)
    if col is None or col >= len(row):
        return None
    value = row[col]
    return value.strip() if isinstance(value, str) else value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_row(uow: UnitOfWork, number: int, row: Sequence[Any], columns: R.ColumnMap,
               look: _Lookups, options: ImportOptions) -> _Row:
    """Parse one data row; raises CellError naming the column at the first unusable cell."""
    get = lambda name: _get(row, columns, name)  # noqa: E731
    warnings: list[str] = []

    def cell(name: str, parse: Any) -> Any:
        try:
            return parse(get(name))
        except P.CellError as exc:
            raise P.CellError(f"{R.FIELDS[name][0]}：{exc}") from None

    contact_at = cell("contact_at", P.parse_datetime)
    names = cell("name", P.parse_names)
    warnings += names.warnings
    ident = cell("id_number", lambda v: P.parse_id(v, today=uow.today()))
    warnings += ident.warnings
    headcount = cell("headcount", P.parse_headcount)
    if headcount is not None and headcount < len(names.value.names):
        warnings.append(f"人数 {headcount} 少于所列姓名数，按 {len(names.value.names)} 人计")
    headcount = max(headcount or 0, names.value.headcount_hint, 1)
    phone = None
    if _text(get("phone")):
        try:
            phone = normalize_phone(_text(get("phone")))
        except ValidationError as exc:
            warnings.append(f"{exc.message}，未导入电话")
    channel = cell("channel", P.parse_channel) or options.default_channel
    matter_type = cell("matter_type", P.parse_matter_type)
    if matter_type is None:
        matter_type = options.default_matter_type
    subject = P.match_subject(get("subject"), look.subjects)
    if subject is None:
        if _text(get("subject")):
            warnings.append(f"问题分类“{_text(get('subject'))}”无法对应，归入默认分类")
        subject = options.default_subject
    skip = cell("skip_level", P.parse_skip_level)
    if skip is not None and channel is not Channel.VISIT:
        warnings.append("越级情形只适用于走访，已忽略")
        skip = None
    content = _text(get("content"))
    if not content:
        raise P.CellError("反映问题：为空")
    for extra, label in (("result", "台账记载办理情况"), ("note", "台账备注")):
        if _text(get(extra)):
            content += f"\n【{label}】{_text(get(extra))}"
    closed_on = _closing_date(get("closed_on"), contact_at.date(), uow.today(), warnings)
    address = _text(get("address"))[:200]
    village = P.match_named(_text(get("village")), look.villages) or P.match_named(address, look.villages)
    problem = P.match_named(_text(get("problem_village")), look.villages)
    if problem is None and _text(get("problem_village")):
        warnings.append(f"问题属地“{_text(get('problem_village'))}”不是本镇的村（社区），未导入")
    return _Row(number, tuple(row), contact_at, names.value, headcount, ident.value, phone, address,
                village, problem, channel, matter_type, subject, content[:CONTENT_LIMIT],
                _text(get("leader"))[:50], cell("repeat", P.parse_repeat), skip, warnings,
                _text(get("result"))[:2000], closed_on)


def _closing_date(value: Any, contact_day: date, today: date, warnings: list[str]) -> date | None:
    """The ledger's 办结日期, or None (with a warning) when it is missing or unusable: such a matter is
    flagged for review rather than closed on a guessed date."""
    if value is None or _text(value) == "":
        return None
    try:
        day = P.parse_datetime(value).date()
    except P.CellError as exc:
        warnings.append(f"办结日期：{exc}，事项待核实")
        return None
    if not contact_day <= day <= today:
        warnings.append(f"办结日期 {day.isoformat()} 早于来访日期或晚于今天，事项待核实")
        return None
    return day


# --- persons ---------------------------------------------------------------------------------


def _existing_person(uow: UnitOfWork, name: str, id_number: str | None, phone: str | None) -> Person | None:
    live = (Person.office_id == uow.office_id, Person.merged_into_id.is_(None))
    if id_number:
        return uow.session.scalars(select(Person).where(*live, Person.id_number == id_number)).first()
    if phone:
        return uow.session.scalars(
            select(Person).join(PersonPhone, PersonPhone.person_id == Person.id)
            .where(*live, Person.name == name, PersonPhone.phone == phone)).first()
    return None


def _persons(uow: UnitOfWork, r: _Row) -> tuple[list[uuid.UUID | PersonInput], list[str]]:
    refs: list[uuid.UUID | PersonInput] = []
    new: list[str] = []
    for i, name in enumerate(r.names.names):
        main = i == 0
        found = _existing_person(uow, name, r.id_number if main else None, r.phone if main else None)
        if found is not None:
            if found.name != name:
                r.warnings.append(f"身份证号对应的档案姓名为“{found.name}”，与台账“{name}”不同，已按档案关联")
            refs.append(found.id)
            continue
        refs.append(PersonInput(
            name=name, id_number=(r.id_number or "") if main else "",
            phones=(r.phone,) if main and r.phone else (), address=r.address if main else "",
            village_id=r.village_id if main else None))
        new.append(name)
    return refs, new


# --- the import ------------------------------------------------------------------------------


def _already_imported(uow: UnitOfWork, fingerprints: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(fingerprints), 500):
        found |= set(uow.session.scalars(select(ImportRecord.fingerprint).where(
            ImportRecord.office_id == uow.office_id, ImportRecord.fingerprint.in_(fingerprints[i:i + 500]))))
    return found


def _register(uow: UnitOfWork, r: _Row) -> tuple[Any, list[str]]:
    refs, new = _persons(uow, r)
    anonymous = r.names.anonymous
    data = NewContact(
        channel=r.channel, contact_at=r.contact_at, content=r.content, persons=tuple(refs),
        headcount=r.headcount, subject_code=r.subject_code, matter_type=r.matter_type,
        new_matter=r.repeat is False, new_matter_reason="台账导入：原台账记为初访" if r.repeat is False else "",
        skip_level=r.skip_level, leader_reception=bool(r.leader), leader_name=r.leader,
        problem_village_id=r.problem_village_id, anonymous=anonymous,
    )
    return register_contact(uow, data), new


def import_ledger(uow: UnitOfWork, path: str | Path, options: ImportOptions = ImportOptions(), *,
                  progress: Progress | None = None, cancelled: CancelCheck | None = None) -> ImportResult:
    """Import (or with ``options.dry_run`` rehearse) a ledger in the caller's write unit of work."""
    uow.actor.require(Permission.REGISTER_CONTACT)
    uow.actor.require(Permission.EDIT_PERSON)
    source = Path(path)
    _, grid, columns = _load(source, options)
    R.check_required(columns)
    result = ImportResult(options.dry_run, source, grid.name, columns.header_row + 1, {
        R.FIELDS[f][0]: f"{R.letter(c)} {columns.headers[c]}".strip() for f, c in columns.fields.items()})
    rows = _parse_all(uow, grid, columns, options, result)
    done = set(_already_imported(uow, [r.fingerprint() for r in rows]))
    todo: list[_Row] = []
    seen: dict[str, int] = {}
    for r in rows:
        fp = r.fingerprint()
        if fp in done:
            result.ignored.append(RowIssue(r.row, "已导入过（重复导入不再新建）", r.values))
        elif fp in seen:
            result.ignored.append(RowIssue(r.row, f"与第 {seen[fp]} 行内容相同", r.values))
        else:
            seen[fp] = r.row
            todo.append(r)
    todo.sort(key=lambda r: (r.contact_at, r.row))  # earlier visits open the matters later ones join
    outer = uow.session.begin_nested() if options.dry_run else None
    try:
        _register_all(uow, todo, source, grid.name, result, progress, cancelled)
        if not options.dry_run:
            audit.record(uow, "import", "ledger", None, after={
                "file": source.name, "sheet": grid.name, "contacts": result.contacts_created,
                "persons": result.persons_created, "skipped": len(result.skipped)})
    finally:
        if outer is not None:
            outer.rollback()
    result.skipped.sort(key=lambda i: i.row)
    result.ignored.sort(key=lambda i: i.row)
    result.warnings.sort(key=lambda i: i.row)
    if not options.dry_run and result.skipped:
        target = options.error_workbook or source.with_name(f"{source.stem}.未导入行.xlsx")
        try:
            result.error_workbook = write_error_workbook(result, columns, target)
        except OSError as exc:  # the import itself stands; only the list of skipped rows is lost
            result.warnings.insert(0, RowIssue(0, f"无法写入未导入行文件 {target}（{exc.strerror}）"))
    return result


def _parse_all(uow: UnitOfWork, grid: R.SheetGrid, columns: R.ColumnMap, options: ImportOptions,
               result: ImportResult) -> list[_Row]:
    look = _lookups(uow)
    rows: list[_Row] = []
    for index in range(columns.header_row + 1, len(grid.rows)):
        number, values = index + 1, tuple(grid.rows[index])
        kind = R.row_kind(grid, columns, index)
        if kind is not None:
            if kind != "空行":
                result.ignored.append(RowIssue(number, kind, values))
            continue
        try:
            rows.append(_parse_row(uow, number, values, columns, look, options))
        except P.CellError as exc:
            result.skipped.append(RowIssue(number, str(exc), values))
    return rows


def _register_all(uow: UnitOfWork, todo: list[_Row], source: Path, sheet: str, result: ImportResult,
                  progress: Progress | None, cancelled: CancelCheck | None) -> None:
    batch = uuid.uuid4()
    opened: list[uuid.UUID] = []
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    for n, r in enumerate(todo, 1):
        if n % 50 == 0:
            check_cancel(cancelled)
            if progress is not None:
                progress(n, len(todo))
        savepoint = uow.session.begin_nested()
        try:
            registered, new = _register(uow, r)
            _historical(uow, registered, r, f"{source.name} 第 {r.row} 行")
        except DomainError as exc:
            savepoint.rollback()
            result.skipped.append(RowIssue(r.row, exc.message, r.values))
            continue
        savepoint.commit()
        uow.session.add(ImportRecord(
            office_id=uow.office_id, fingerprint=r.fingerprint(), contact_id=registered.contact_id,
            source_name=source.name[:400], source_sha256=digest, sheet=sheet[:100], row_number=r.row,
            batch_id=batch))
        result.imported.append(ImportedRow(r.row, registered.number, registered.matter_number,
                                           registered.is_repeat, r.contact_at, r.names.names, tuple(new)))
        result.persons_created += len(new)
        result.persons_matched += len(r.names.names) - len(new)
        result.matters_created += 0 if registered.is_repeat else 1
        if not registered.is_repeat:
            opened.append(registered.matter_id)
        result.warnings += [RowIssue(r.row, w) for w in r.warnings]
    uow.session.flush()
    for i in range(0, len(opened), 500):
        for state, needs_review in uow.session.execute(select(Matter.state, Matter.needs_review).where(
                Matter.id.in_(opened[i:i + 500]))):
            result.matters_closed += state == MatterState.CLOSED.value
            result.matters_to_review += needs_review
    if progress is not None:
        progress(len(todo), len(todo))


def _historical(uow: UnitOfWork, registered: Any, r: _Row, source: str) -> None:
    """Record what the ledger says about the end of the matter the row opened, or — for a later row with
    a closing date — of the historical matter still awaiting review that it joined."""
    matter = load_matter(uow, registered.matter_id)
    if registered.is_repeat and not (matter.needs_review and r.closed_on is not None):
        return
    record_ledger_import(uow, matter.id, LedgerOutcome(source, r.result, r.closed_on))


def write_error_workbook(result: ImportResult, columns: R.ColumnMap, path: Path) -> Path:
    """The skipped rows as they were in the ledger, with the reason first, to correct and re-import."""
    cols = [Column("原行号", 8, "int"), Column("未导入原因", 40)]
    cols += [Column(h or R.letter(i), 14) for i, h in enumerate(columns.headers)]
    with StreamingWorkbook(path) as book:
        sheet = book.add_sheet("未导入行", cols, title=f"{result.source.name} 未导入的行",
                               subtitle=f"工作表：{result.sheet}　共 {len(result.skipped)} 行；"
                                        "改正后可重新导入原文件，已导入的行不会重复")
        for issue in result.skipped:
            values = [_cell(v) for v in issue.values]
            sheet.write_row([issue.row, issue.reason, *values])
    return path


def _cell(value: Any) -> Any:
    if isinstance(value, (int, float, datetime)) or value is None:
        return value
    return str(value)
