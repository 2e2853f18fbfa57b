"""Import sync packages: verified by the envelope, applied in one transaction, checked, recorded.

Order of work for one package: already imported? (then nothing: "已导入"); missing earlier
packages? (then wait, unless forced); an older package after a newer one? (its rows are already
superseded by the newer one, which carried every change since the last acknowledgement: recorded
only). Otherwise tombstones (children first), then rows (parents first) are upserted by global UUID,
only rows the sender owns, never over a row another office owns. Afterwards every written row is
counted back and the totals compared with the manifest; any difference rolls everything back.
"""

from __future__ import annotations

import uuid
from collections import Counter
from operator import itemgetter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Connection, Table, Uuid, any_, bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.enums import MatterSource, MatterType, OfficeLevel
from app.domain.permissions import Permission
from app.errors import PackageRejected
from app.services import audit
from app.services.attachments import blob_path
from app.services.context import Actor, UnitOfWork
from app.services.workspace import Workspace
from app.sync import conflicts
from app.sync.changes import TOMBSTONE, tables_for
from app.sync.envelope import OpenedPackage, open_package
from app.sync.exporting import link_for
from db.change_log import synced_tables
from db.models import (
    ContactPerson, Document, MatterEvent, MatterPetitioner, Office, SyncImport, SyncLink, SyncPartner,
)
from db.row_codec import TableCodec

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
    status: str  # imported | already | superseded | dry_run
    tables: dict[str, Counter[str]] = field(default_factory=dict)
    missing: list[int] = field(default_factory=list)
    forced: bool = False
    conflicts: int = 0
    parallel: int = 0
    assigned_matters: int = 0

    def total(self, kind: str) -> int:
        return sum(c[kind] for c in self.tables.values())


class _Rollback(Exception):
    """Ends a dry run's transaction without keeping anything."""


def import_packages(workspace: Workspace, actor: Actor, paths: list[Path], *, dry_run: bool = False,
                    force_gap: bool = False) -> list[ImportReport]:
    """Each package in its own transaction, in the order given; stops at the first refusal."""
    actor.require(Permission.MANAGE_SETTINGS)
    return [import_package(workspace, actor, Path(p), dry_run=dry_run, force_gap=force_gap) for p in paths]


def import_package(workspace: Workspace, actor: Actor, path: Path, *, dry_run: bool = False,
                   force_gap: bool = False) -> ImportReport:
    actor.require(Permission.MANAGE_SETTINGS)
    outcome: list[ImportReport] = []
    try:
        with workspace.write(actor) as uow, open_package(uow.session, path) as package:
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
        report.status = "superseded"
    else:
        _apply(workspace, uow, package, local, report, dry_run=dry_run)
    if dry_run:
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
        self.new_assignments: list[dict[str, Any]] = []
        self.merges: list[dict[str, Any]] = []

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
        unknown = sorted(set(self.package.tables) - set(tables))
        if unknown:
            raise PackageRejected("unexpected_table", f"同步包 {self.package.path.name} 含{self.sender.name}"
                                  f"不应发送的表：{'、'.join(unknown)}。未导入任何数据", field="package")
        ordered = [t for t in synced_tables() if t.name in tables and t.name in self.package.tables]
        for table in reversed(ordered):
            self.delete_tombstones(table)
        for table in ordered:
            self.upsert(table)
        self.check_counts(ordered)
        if not self.dry_run:
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
        codec = TableCodec(table)
        counter = self.report.tables.setdefault(table.name, Counter())
        self_refs = [c.name for c in table.columns for fk in c.foreign_keys if fk.column.table is table]
        if table.name == "person" and not self.dry_run and self.holds_rows_of_sender(table):
            self.free_id_numbers(table, codec)
        pointing: list[dict[str, Any]] = []
        for batch in _batches(r for r in self.package.iter_rows(table.name) if not r.get(TOMBSTONE)):
            rows = [self.prepare(table, codec.decode(r)) for r in batch]
            pointing += [r for r in rows if any(r.get(c) is not None for c in self_refs)]
            self.upsert_batch(table, codec, rows, counter, self_refs)
        if pointing and not self.dry_run:
            self.restore_self_references(table, pointing, self_refs)

    def holds_rows_of_sender(self, table: Table) -> bool:
        return self.connection.execute(
            select(table.c.id).where(table.c.office_id == self.sender.id).limit(1)).first() is not None

    def prepare(self, table: Table, row: dict[str, Any]) -> dict[str, Any]:
        owner = row.get("id") if table.name == "office" else row.get("office_id")
        if table.name != "subject" and owner != self.sender.id:
            raise self.refuse(table.name, row.get("id"), "不属于发送单位")
        if table.name == "assignment" and row.get("to_office_id") != self.local.id:
            raise self.refuse(table.name, row.get("id"), "交办给了其他单位")
        if table.name == "user_account":
            row |= _FOREIGN_USER | {"login": f"{row['login']}@{self.sender.division_code}"[:50]}
        return row

    def upsert_batch(self, table: Table, codec: TableCodec, rows: list[dict[str, Any]], counter: Counter[str],
                     self_refs: list[str]) -> None:
        ids = [r["id"] for r in rows]
        current = {r["id"]: dict(r) for r in self.connection.execute(select(table).where(self.among(table.c.id, ids))).mappings()}
        edits = conflicts.local_edits(self.session, table.name, [i for i in ids if i in current])
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for row in rows:
            existing = current.get(row["id"])
            if existing is None:
                counter["new"] += 1
                inserts.append(row)
                self.note_new(table.name, row)
                continue
            if _owner(table, existing) != _owner(table, row):
                raise self.refuse(table.name, row["id"], "在本库中属于其他单位")
            merged = conflicts.merge(codec, row, existing, edits.get(row["id"], {}))
            same = all(merged.values.get(k) == existing.get(k) for k in merged.values if k not in _STAMPS)
            if merged.conflicts:
                counter["conflicting"] += 1
                self.report.conflicts += len(merged.conflicts)
            elif same:
                counter["unchanged"] += 1
                continue
            else:
                counter["updated"] += 1
            self.report.parallel += len(merged.parallel)
            if not self.dry_run and (merged.conflicts or merged.parallel):
                conflicts.record(self.session, codec, self.sender.id, self.package.sequence, row["id"], merged,
                                 row, self.now)
            updates.append(merged.values)
        if self.dry_run:
            return
        if inserts:
            self.insert(table, [_self_pointing(r, self_refs) for r in inserts])
        if updates:
            columns = [c.name for c in table.columns if c.name != "id"]
            stmt = (update(table).where(table.c.id == bindparam("_id"))
                    .values({c: bindparam(f"_{c}") for c in columns}))
            self.connection.execute(stmt, [
                {"_id": u["id"], **{f"_{c}": u.get(c) for c in columns}}
                for u in (_self_pointing(u, self_refs) for u in updates)])
        written = self.connection.execute(select(func.count()).select_from(table)
                                          .where(self.among(table.c.id, ids))).scalar_one()
        if written != len(ids):
            raise PackageRejected("count_after_import", f"同步包 {self.package.path.name}：表 {table.name} 写入后核对"
                                  f"只有 {written} 行，应为 {len(ids)} 行，已全部撤销", field="package")

    def insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """New rows: by COPY on PostgreSQL (several times faster than INSERT for a county's bulk import)."""
        if self.connection.dialect.name != "postgresql":
            self.connection.execute(table.insert(), rows)
            return
        import psycopg
        from psycopg.types.json import Json

        columns = list(table.columns)
        names = [c.name for c in columns]
        wrapped = [i for i, c in enumerate(columns) if isinstance(c.type, JSON)]
        pick = itemgetter(*names)
        raw = self.connection.connection.driver_connection
        quoted = ", ".join(f'"{n}"' for n in names)
        statement = f'COPY "{table.name}" ({quoted}) FROM STDIN'
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    values = list(pick(row))  # every column: the sender runs the same format version
                    for i in wrapped:
                        if values[i] is not None:
                            values[i] = Json(values[i])
                    copy.write_row(values)
        except psycopg.IntegrityError as exc:  # the driver's own: give it SQLAlchemy's shape like INSERT's
            raise IntegrityError(statement, None, exc) from exc

    def note_new(self, table: str, row: dict[str, Any]) -> None:
        if table == "assignment":
            self.new_assignments.append(row)
        elif table == "person_merge" and row.get("status") == "merged":
            self.merges.append(row)

    def free_id_numbers(self, table: Table, codec: TableCodec) -> None:
        """Persons whose ID number moves to another archive in this package let go of it first
        (a merge or its undo), so the one-live-archive-per-ID-number index never sees two at once."""
        for batch in _batches(r for r in self.package.iter_rows(table.name) if not r.get(TOMBSTONE)):
            wanted = {uuid.UUID(r["id"]): r.get("id_number") for r in batch}
            held = self.connection.execute(select(table.c.id, table.c.id_number)
                                           .where(self.among(table.c.id, list(wanted)), table.c.id_number.is_not(None)))
            moving = [row_id for row_id, number in held if wanted[row_id] != number]
            if moving:
                self.connection.execute(update(table).where(self.among(table.c.id, moving)).values(id_number=None))

    def restore_self_references(self, table: Table, pointing: list[dict[str, Any]], self_refs: list[str]) -> None:
        """Rows were written pointing at themselves (a merged archive's survivor may come later in the
        package); now every row is there, point them where the package says."""
        for name in self_refs:
            # updated_at named, so the column's on-update stamp does not replace the sender's.
            values = [{"_id": r["id"], "_v": r[name], "_u": r["updated_at"]} for r in pointing if r.get(name)]
            if values:
                self.connection.execute(update(table).where(table.c.id == bindparam("_id"))
                                        .values({name: bindparam("_v"), "updated_at": bindparam("_u")}), values)

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
        import hashlib

        for name in self.package.attachment_names:
            target = blob_path(self.workspace.attachments_dir, name)
            if target.is_file():
                continue
            data = self.package.attachment(name)
            if hashlib.sha256(data).hexdigest() != name:
                raise PackageRejected("attachment_hash", f"同步包 {self.package.path.name}：附件 {name} 的内容与其"
                                      "校验值不符", field="package")
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            partial.write_bytes(data)
            partial.replace(target)


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
