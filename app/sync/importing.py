"""Import sync packages: verified by the envelope, applied in one transaction, checked, recorded.

Order of work for one package: already imported? (then nothing: "已导入"); missing earlier
packages? (then wait, unless forced); an older package after a newer one? (its rows are already
superseded by the newer one, which carried every change since the last acknowledgement: recorded
only). Otherwise tombstones (children first), then rows (parents first) are upserted by global UUID,
only rows the sender owns, never over a row another office owns. Afterwards every written row is
counted back and the totals compared with the manifest; any difference rolls everything back.
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from operator import itemgetter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON, Column, ColumnElement, Connection, MetaData, Table, Uuid, and_, any_, bindparam, case, cast, delete, false, func,
    insert, or_, select, text, true, update,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.enums import MatterSource, MatterType, OfficeLevel
from app.domain.permissions import Permission
from app.errors import PackageRejected
from app.services import audit, data_keys
from app.services.attachments import PLAIN_ENTITY, blob_path, store_received
from app.services.context import Actor, UnitOfWork
from app.services.workspace import Workspace
from app.sync import conflicts
from app.sync.changes import LOCAL_ONLY, TOMBSTONE, tables_for
from app.sync.envelope import OpenedPackage, open_package
from app.sync.exporting import link_for
from db.change_log import synced_tables
from db.deferred import Deferred
from db.last_contact import LAST_CONTACT
from db.models import (
    Attachment, ContactPerson, Document, MatterEvent, MatterPetitioner, Office, SyncImport, SyncLink, SyncPartner,
)
from db.row_codec import TableCodec
from db.stats_day import STATS_DAY
from db.write_locks import lock_chain, lock_sender

BATCH = 2_000
# Key in the data of an assigned matter's registration event naming the county's assignment.
ASSIGNMENT_KEY = "assignment_id"
# A row whose only difference is when it was stamped is unchanged (shared dictionaries are made per PC).
_STAMPS = frozenset({"created_at", "updated_at"})
KINDS = ("new", "updated", "unchanged", "conflicting", "deleted")
# Rows of these tables the receiver owns and that name a person follow a merge made by the sender.
_PERSON_LINKS = (ContactPerson, MatterPetitioner, Document)
# Users of other offices are kept only so records can name them: they can never log in here.
_FOREIGN_USER = {"password_hash": None, "active": False, "failed_logins": 0, "locked_until": None}


@dataclass
class ImportReport:
    file: str
    sender: str
    sequence: int
    # imported | already | superseded | dry_run; a dry run reports "already" and "superseded" too,
    # as the import would, and "dry_run" where the import would write rows.
    status: str
    tables: dict[str, Counter[str]] = field(default_factory=dict)
    missing: list[int] = field(default_factory=list)
    forced: bool = False
    conflicts: int = 0
    parallel: int = 0
    assigned_matters: int = 0
    # For a superseded package: the first newer package of the sender already imported.
    superseded_by: int | None = None

    def total(self, kind: str) -> int:
        return sum(c[kind] for c in self.tables.values())


class _Rollback(Exception):
    """Ends a dry run's transaction without keeping anything."""


def import_package(workspace: Workspace, actor: Actor, path: Path, *, dry_run: bool = False,
                   force_gap: bool = False) -> ImportReport:
    actor.require(Permission.MANAGE_SETTINGS)
    outcome: list[ImportReport] = []
    try:
        with workspace.write(actor, beside_imports=True) as uow, open_package(uow.session, path) as package:
            outcome.append(_import(workspace, uow, package, dry_run=dry_run, force_gap=force_gap))
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except IntegrityError as exc:
        raise PackageRejected(
            "dangling_reference", f"同步包 {path.name} 中的记录引用了本库中没有的记录（或与已有记录重复），"
            "可能缺少更早的同步包：请按顺序导入，或由发送方全量导出（--full）。未导入任何数据",
            field="package") from exc
    return outcome[0]


def _import(workspace: Workspace, uow: UnitOfWork, package: OpenedPackage, *, dry_run: bool,
            force_gap: bool) -> ImportReport:
    session = uow.session
    sender = package.sender
    lock_sender(session.connection(), str(sender.id))
    link = link_for(session, sender.id)
    sequence = package.sequence
    report = ImportReport(package.path.name, f"{sender.name}（{sender.division_code}）", sequence, "imported")
    received = set(link.received)
    if sequence in received:
        report.status = "already"
        return report
    newer = [n for n in received if n > sequence]
    report.missing = [n for n in range(1, sequence) if n not in received]
    if report.missing and not newer and not force_gap:
        raise PackageRejected(
            "sequence_gap", f"同步包 {package.path.name} 是{sender.name}的第 {sequence} 号，之前的第 "
            f"{_numbers(report.missing)} 号尚未导入：请先导入缺少的同步包；确认已遗失时可强制导入（--force-gap）。"
            "未导入任何数据", field="package", missing=report.missing)
    report.forced = bool(report.missing) and not newer
    local = session.get(Office, uow.office_id)
    assert local is not None
    if newer:
        report.status, report.superseded_by = "superseded", min(newer)
    else:
        _apply(workspace, uow, package, local, report, dry_run=dry_run)
    if dry_run:
        if not newer:
            report.status = "dry_run"
        return report
    _take_acknowledgement(session, link, package)
    link.received = sorted(received | {sequence})
    link.last_received_seq = max(link.received)
    link.last_import_at = datetime.now(timezone.utc)
    rows = {t: dict(c) for t, c in report.tables.items()}
    session.add(SyncImport(partner_id=sender.id, sequence=sequence, file_name=package.path.name, rows=rows,
                           forced=report.forced, missing=report.missing if report.forced else [],
                           superseded=report.status == "superseded"))
    audit.record(uow, "sync_import", "sync_partner", sender.id, after={
        "sequence": sequence, "file": package.path.name, "forced": report.forced, "missing": report.missing,
        "status": report.status, "rows": {t: c.get("new", 0) + c.get("updated", 0) for t, c in rows.items()}})
    return report


def _numbers(numbers: list[int]) -> str:
    shown = "、".join(str(n) for n in numbers[:20])
    return shown + (f" 等 {len(numbers)} 个" if len(numbers) > 20 else "")


def _take_acknowledgement(session: Session, link: SyncLink, package: OpenedPackage) -> None:
    """The partner's list of our packages it has: the highest one with every earlier one is acknowledged."""
    have = {int(n) for n in package.manifest.get("received", []) if isinstance(n, int)}
    contiguous = 0
    while contiguous + 1 in have:
        contiguous += 1
    link.last_acked_seq = min(max(link.last_acked_seq, contiguous), link.last_sent_seq)


# --- applying rows ---------------------------------------------------------------------------------


class _Applier:
    """Writes one package's rows through the transaction's connection (Core statements, in batches)."""

    def __init__(self, workspace: Workspace, uow: UnitOfWork, package: OpenedPackage, local: Office,
                 report: ImportReport, dry_run: bool) -> None:
        self.workspace = workspace
        self.uow = uow
        self.session = uow.session
        self.connection: Connection = uow.session.connection()
        self.package = package
        self.sender: SyncPartner = package.sender
        self.local = local
        self.report = report
        self.dry_run = dry_run
        self.now = datetime.now(timezone.utc)
        self.sender_id: uuid.UUID = package.sender.id
        self.sender_text = str(self.sender_id)  # as rows spell it: compared as text first
        self.local_id: uuid.UUID = local.id
        self.new_assignments: list[dict[str, Any]] = []
        self.merges: list[dict[str, Any]] = []
        # Attachment files are kept as this office keeps its own: sealed for its key when encryption is on.
        self.seal_for: bytes | None = data_keys.public_key(uow)
        # Triggers that would update person once per link and regroup a day per statement (twice per
        # contact: its row, then its link; per row on SQLite): standing aside during the upserts, made
        # up for once after them.
        self.derived = Deferred(self.connection, (LAST_CONTACT, STATS_DAY))
        if self.connection.dialect.name == "postgresql":
            # Each statement here runs once per package: PostgreSQL's JIT compiled the costlier-looking
            # ones (the made-up days' per-day statements under index_lookups: 0.1–0.7 s each, ~40 s of a
            # 1,000,000-row import) for a run of a few milliseconds.
            self.connection.execute(text("SELECT set_config('jit', 'off', true)"))

    def among(self, column: Any, ids: list[Any]) -> Any:
        """``column IN ids``; on PostgreSQL as ``= ANY(array)``: one parameter instead of thousands."""
        if self.connection.dialect.name == "postgresql":
            return column == any_(bindparam("ids", ids, type_=ARRAY(Uuid), expanding=False))
        return column.in_(ids)

    def refuse(self, table: str, row_id: Any, why: str) -> PackageRejected:
        return PackageRejected("not_owner", f"同步包 {self.package.path.name}：表 {table} 的记录 {row_id} {why}，"
                                            "不能导入（归属规则：各单位只更新本单位的记录）。未导入任何数据",
                               field="package", table=table, row_id=str(row_id))

    def allowed_tables(self) -> dict[str, Table]:
        """What the sender may send: a township's own tables, the county's return-package tables."""
        return {t.name: t for t in tables_for(OfficeLevel(self.sender.level))}

    def run(self) -> None:
        tables = self.allowed_tables()
        unknown = sorted(set(self.package.tables) - set(tables) - set(LOCAL_ONLY))
        if unknown:
            raise PackageRejected("unexpected_table", f"同步包 {self.package.path.name} 含{self.sender.name}"
                                  f"不应发送的表：{'、'.join(unknown)}。未导入任何数据", field="package")
        ordered = [t for t in synced_tables() if t.name in tables and t.name in self.package.tables]
        for table in reversed(ordered):
            self.delete_tombstones(table)
        for table in ordered:
            self.upsert(table)
        self.derived.finish()
        self.check_counts(ordered)
        if not self.dry_run:
            # From here on it writes rows of this office, which an import beside it may write too.
            lock_chain(self.connection)
            self.apply_merges()
            self.register_assignments()
            self.store_attachments()

    # tombstones

    def delete_tombstones(self, table: Table) -> None:
        counter = self.report.tables.setdefault(table.name, Counter())
        announced = self.package.manifest.get("tombstones")
        if isinstance(announced, dict) and not announced.get(table.name):
            return  # the sender counted none: no pass over the table's rows
        for batch in _batches(r for r in self.package.iter_rows(table.name) if r.get(TOMBSTONE)):
            ids = [uuid.UUID(r["id"]) for r in batch]
            owners = dict(self.connection.execute(select(table.c.id, _owner_column(table)).where(self.among(table.c.id, ids))).all())
            for row_id, owner in owners.items():
                if owner != self.sender.id and table.name != "subject":
                    raise self.refuse(table.name, row_id, "属于其他单位")
            counter["deleted"] += len(owners)
            counter["unchanged"] += len(ids) - len(owners)
            if owners and not self.dry_run:
                self.connection.execute(delete(table).where(self.among(table.c.id, list(owners))))

    # rows

    def upsert(self, table: Table) -> None:
        """All of the table's rows go into a temporary staging table first (COPY on PostgreSQL); then
        new, changed and unchanged rows are told apart and written by a few set-based statements.
        Only rows with local edits (sync_local_edit) are compared field by field in Python."""
        counter = self.report.tables.setdefault(table.name, Counter())
        rows = (self.prepare(table, r) for r in self.package.iter_rows(table.name) if not r.get(TOMBSTONE))
        stage = _Stage(self.connection, table)
        if stage.load(rows):
            self.apply_staged(table, stage, counter)
            stage.drop()  # after a failure the transaction's rollback removes it

    def apply_staged(self, table: Table, stage: _Stage, counter: Counter[str]) -> None:
        edited = conflicts.edited_ids(self.connection, table, stage.table.c.id)
        new, updated, foreign = stage.classify(edited, check_owner=table.name not in ("subject", "office"))
        if foreign:
            self.refuse_foreign(table, stage)
        counter["new"] += new
        counter["updated"] += updated
        counter["unchanged"] += stage.size - new - updated - len(edited)
        if table.name in ("assignment", "person_merge"):
            for row in stage.new_rows():
                self.note_new(table.name, row)
        with nullcontext() if self.dry_run else self.derived.writing(table.name, stage.table):
            if table.name == "person" and not self.dry_run and new < stage.size:
                stage.free_id_numbers(edited)
            self.merge_edited(table, stage, edited, counter)
            if self.dry_run:
                return
            stage.write(edited, new=new, updated=updated)
            stage.restore_self_references()
        written = stage.count_written()
        if written != stage.size:
            raise PackageRejected("count_after_import", f"同步包 {self.package.path.name}：表 {table.name} 写入后核对"
                                  f"只有 {written} 行，应为 {stage.size} 行，已全部撤销", field="package")

    def prepare(self, table: Table, row: dict[str, Any]) -> dict[str, Any]:
        """The package's row (JSON values) checked against the ownership rule."""
        owner = row.get("id") if table.name == "office" else row.get("office_id")
        if owner != self.sender_text and table.name != "subject" and not _same_id(owner, self.sender_id):
            raise self.refuse(table.name, row.get("id"), "不属于发送单位")
        if table.name == "assignment" and not _same_id(row.get("to_office_id"), self.local_id):
            raise self.refuse(table.name, row.get("id"), "交办给了其他单位")
        if table.name == "user_account":
            row |= _FOREIGN_USER | {"login": f"{row['login']}@{self.sender.division_code}"[:50]}
        elif table.name == "attachment":  # how this PC stores the file, not a fact the sender owns
            row["encrypted"] = self.seal_for is not None and row.get("entity_type") != PLAIN_ENTITY
        return row

    def refuse_foreign(self, table: Table, stage: _Stage) -> None:
        """A staged row whose id here belongs to another office: the whole package is refused."""
        clash = self.connection.execute(
            select(stage.table.c.id).join(table, table.c.id == stage.table.c.id)
            .where(table.c.office_id.is_distinct_from(stage.table.c.office_id)).limit(1)).scalar()
        raise self.refuse(table.name, clash, "在本库中属于其他单位")

    def merge_edited(self, table: Table, stage: _Stage, edited: list[uuid.UUID], counter: Counter[str]) -> None:
        """Rows the owner sent that were also edited here: parallel changes kept, conflicts queued."""
        if not edited:
            return
        codec = TableCodec(table)
        edits = conflicts.local_edits(self.session, table.name, edited)
        current = {r["id"]: dict(r) for r in self.connection.execute(
            select(table).where(self.among(table.c.id, edited))).mappings()}
        updates: list[dict[str, Any]] = []
        for row in stage.rows(edited):
            existing = current[row["id"]]
            merged = conflicts.merge(codec, row, existing, edits.get(row["id"], {}))
            if merged.conflicts:
                counter["conflicting"] += 1
                self.report.conflicts += len(merged.conflicts)
            elif all(merged.values.get(k) == existing.get(k) for k in merged.values if k not in _STAMPS):
                counter["unchanged"] += 1
                continue
            else:
                counter["updated"] += 1
            self.report.parallel += len(merged.parallel)
            if not self.dry_run and (merged.conflicts or merged.parallel):
                conflicts.record(self.session, codec, self.sender.id, self.package.sequence, row["id"], merged,
                                 row, self.now)
            updates.append(_self_pointing(merged.values, stage.self_refs))
        if updates and not self.dry_run:
            columns = [c.name for c in table.columns if c.name != "id"]
            stmt = (update(table).where(table.c.id == bindparam("_id"))
                    .values({c: bindparam(f"_{c}") for c in columns}))
            self.connection.execute(stmt, [{"_id": u["id"], **{f"_{c}": u.get(c) for c in columns}} for u in updates])

    def note_new(self, table: str, row: dict[str, Any]) -> None:
        if table == "assignment":
            self.new_assignments.append(row)
        elif table == "person_merge" and row.get("status") == "merged":
            self.merges.append(row)

    def check_counts(self, tables: list[Table]) -> None:
        """Every row the manifest announces was read and accounted for."""
        for table in tables:
            seen = sum(self.report.tables.get(table.name, Counter()).values())
            expected = self.package.counts.get(table.name, 0)
            if seen != expected:
                raise PackageRejected("count_mismatch", f"同步包 {self.package.path.name}：表 {table.name} 导入 {seen} 行，"
                                      f"清单为 {expected} 行，已全部撤销", field="package")

    # effects at the receiver

    def apply_merges(self) -> None:
        """A merge made by the sender moves the receiver's own rows that name the merged archive too."""
        for merge in self.merges:
            merged_id, survivor_id = merge["merged_id"], merge["survivor_id"]
            for model in _PERSON_LINKS:
                table = model.__table__
                self.connection.execute(update(table).where(table.c.person_id == merged_id,
                                                            table.c.office_id == self.local.id)
                                        .values(person_id=survivor_id))

    def register_assignments(self) -> None:
        """Each new 上级交办 becomes a matter of this township, with the county's deadline."""
        from app.services.matters import NewMatter, register_assigned_down

        for row in self.new_assignments:
            matter = register_assigned_down(self.uow, NewMatter(
                title=row["title"], matter_type=MatterType(row["matter_type"]), subject_code=row["subject_code"],
                registered_on=min(row["assigned_on"], self.uow.today()), source=MatterSource.ASSIGNED_DOWN,
                assigned_by=self.sender.name, assigned_due_on=row["due_on"]))
            # The registration event names the assignment, so the county can follow its result.
            first = self.session.scalars(select(MatterEvent).where(MatterEvent.matter_id == matter.id,
                                                                   MatterEvent.seq == 1)).one()
            first.data = {**first.data, ASSIGNMENT_KEY: str(row["id"])}
            self.report.assigned_matters += 1

    def store_attachments(self) -> None:
        """Each file the package brings, in the form its rows here say (sealed or plain)."""
        import hashlib

        names = sorted(self.package.attachment_names)
        if not names:
            return
        wanted = self.connection.execute(select(Attachment.sha256, Attachment.encrypted).distinct()
                                         .where(Attachment.sha256.in_(names))).all()
        for name, sealed in wanted:
            target = blob_path(self.workspace.attachments_dir, name, sealed)
            if target.is_file() or (sealed and self.seal_for is None):
                continue
            data = self.package.attachment(name)
            if hashlib.sha256(data).hexdigest() != name:
                raise PackageRejected("attachment_hash", f"同步包 {self.package.path.name}：附件 {name} 的内容与其"
                                      "校验值不符", field="package")
            store_received(self.workspace.attachments_dir, name, data, self.seal_for if sealed else None)


class _Stage:
    """A temporary table shaped like ``table`` holding one package's rows of it, compared and written
    in SQL. Rows that name themselves (a merged archive's survivor) are first written pointing at
    themselves, as the survivor may come later in the package; ``restore_self_references`` ends that."""

    NAME = "sync_stage"

    def __init__(self, connection: Connection, table: Table) -> None:
        self.connection = connection
        self.target = table
        self.table = Table(self.NAME, MetaData(), *[Column(c.name, c.type) for c in table.columns],
                           prefixes=["TEMPORARY"])
        self.names = [c.name for c in table.columns]
        self.self_refs = [c.name for c in table.columns for fk in c.foreign_keys if fk.column.table is table]
        self.postgresql = connection.dialect.name == "postgresql"
        self.size = 0

    def load(self, rows: Iterator[dict[str, Any]]) -> int:
        """Copy the package's rows (JSON values) in; returns how many."""
        first = next(rows, None)
        if first is None:
            return 0
        self.table.create(self.connection)
        rows = itertools.chain([first], rows)
        self.size = self._copy(rows) if self.postgresql else self._insert(rows)
        return self.size

    def _copy(self, rows: Iterator[dict[str, Any]]) -> int:
        """PostgreSQL reads the JSON text values itself (UUIDs, ISO dates and times): no Python objects."""
        wrapped = [i for i, c in enumerate(self.target.columns) if isinstance(c.type, JSON)]
        quoted = ", ".join(f'"{n}"' for n in self.names)
        raw = self.connection.connection.driver_connection
        pick = itemgetter(*self.names)
        count = 0
        with raw.cursor() as cursor, cursor.copy(f"COPY {self.NAME} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                try:
                    values = pick(row)
                except KeyError:  # a column the sender lacks: NULL, as an update from it would write
                    values = tuple(row.get(n) for n in self.names)
                if wrapped:
                    values = list(values)
                    for i in wrapped:
                        if values[i] is not None:
                            values[i] = json.dumps(values[i], ensure_ascii=False)
                copy.write_row(values)
                count += 1
        return count

    def _insert(self, rows: Iterator[dict[str, Any]]) -> int:
        codec = TableCodec(self.target)
        count = 0
        for batch in _batches(rows):
            self.connection.execute(self.table.insert(), [codec.decode(r) for r in batch])
            count += len(batch)
        return count

    def _differs(self) -> ColumnElement[bool]:
        """Any column other than the id and the stamps differs (JSON compared as values)."""
        pairs = []
        for name in self.names:
            if name == "id" or name in _STAMPS:
                continue
            here, there = self.target.c[name], self.table.c[name]
            if self.postgresql and isinstance(here.type, JSON):
                here, there = cast(here, JSONB), cast(there, JSONB)
            pairs.append(here.is_distinct_from(there))
        return or_(*pairs)

    def _exists(self) -> Any:
        return select(self.target.c.id).where(self.target.c.id == self.table.c.id).exists()

    def _not_edited(self, edited: list[uuid.UUID]) -> ColumnElement[bool]:
        return self.table.c.id.not_in(edited) if edited else true()

    def classify(self, edited: list[uuid.UUID], *, check_owner: bool) -> tuple[int, int, int]:
        """(new, updated, owned here by another office) rows, in one pass; rows with local edits are
        left to ``merge_edited``."""
        stage, target = self.table, self.target
        changed = and_(target.c.id.is_not(None), self._differs(), self._not_edited(edited))
        foreign = and_(target.c.id.is_not(None), target.c.office_id.is_distinct_from(stage.c.office_id)) \
            if check_owner else false()
        new, updated, foreign_rows = self.connection.execute(
            select(func.count(case((target.c.id.is_(None), 1))), func.count(case((changed, 1))),
                   func.count(case((foreign, 1))))
            .select_from(stage.outerjoin(target, target.c.id == stage.c.id))).one()
        return int(new), int(updated), int(foreign_rows)

    def _values(self) -> dict[str, Any]:
        """The staged columns, self references pointing at the row itself for now."""
        stage = self.table
        return {n: case((stage.c[n].is_not(None), stage.c.id)) if n in self.self_refs else stage.c[n]
                for n in self.names}

    def new_rows(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.connection.execute(select(self.table).where(~self._exists())).mappings()]

    def rows(self, ids: list[uuid.UUID]) -> list[dict[str, Any]]:
        return [dict(r) for r in self.connection.execute(
            select(self.table).where(self.table.c.id.in_(ids))).mappings()]

    def free_id_numbers(self, edited: list[uuid.UUID]) -> None:
        """Persons whose ID number moves to another archive in this package (a merge or its undo) let
        go of it first, and so do the other persons about to be rewritten: one statement updates them
        in no set order, so the one-live-archive-per-ID-number index must never see two at once."""
        target, stage = self.target, self.table
        self.connection.execute(update(target).where(
            target.c.id == stage.c.id, target.c.id_number.is_not(None),
            or_(target.c.id_number.is_distinct_from(stage.c.id_number),
                and_(self._differs(), self._not_edited(edited)))).values(id_number=None))

    def write(self, edited: list[uuid.UUID], *, new: int, updated: int) -> None:
        """Changed rows updated (every column, stamps included), new rows inserted; a statement with
        nothing to do (``classify`` counted none) is not sent."""
        target, stage = self.target, self.table
        values = self._values()
        if updated:
            self.connection.execute(update(target).where(target.c.id == stage.c.id, self._differs(),
                                                         self._not_edited(edited))
                                    .values({n: v for n, v in values.items() if n != "id"}))
        if new:
            self.connection.execute(insert(target).from_select(
                self.names, select(*[v.label(n) if n in self.self_refs else v for n, v in values.items()])
                .where(~self._exists())))

    def restore_self_references(self) -> None:
        """Now every row is there, point them where the package says (updated_at named, so the
        column's on-update stamp does not replace the sender's)."""
        target, stage = self.target, self.table
        for name in self.self_refs:
            self.connection.execute(update(target).where(target.c.id == stage.c.id, stage.c[name].is_not(None))
                                    .values({name: stage.c[name], "updated_at": stage.c.updated_at}))

    def count_written(self) -> int:
        return int(self.connection.execute(select(func.count()).select_from(self.table)
                                           .join(self.target, self.target.c.id == self.table.c.id)).scalar_one())

    def drop(self) -> None:
        self.table.drop(self.connection)


def _same_id(value: Any, expected: uuid.UUID) -> bool:
    """A package's UUID text equals ``expected`` (the usual spelling compared as text, any other parsed)."""
    if not isinstance(value, str):
        return False
    if value == str(expected):
        return True
    try:
        return uuid.UUID(value) == expected
    except ValueError:
        return False


def _apply(workspace: Workspace, uow: UnitOfWork, package: OpenedPackage, local: Office, report: ImportReport,
           *, dry_run: bool) -> None:
    _Applier(workspace, uow, package, local, report, dry_run).run()


def _owner_column(table: Table) -> Any:
    return table.c.id if table.name == "office" else table.c.get("office_id", table.c.id)


def _owner(table: Table, row: dict[str, Any]) -> Any:
    if table.name == "subject":
        return None
    return row["id"] if table.name == "office" else row["office_id"]


def _self_pointing(row: dict[str, Any], self_refs: list[str]) -> dict[str, Any]:
    if not self_refs:
        return row
    return row | {c: row["id"] for c in self_refs if row.get(c) is not None}


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
