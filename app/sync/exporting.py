"""Write sync packages: a township's changes for its county, or the county's return packages.

Each package carries the rows changed since the change-log position of the last package the
receiver acknowledged (so a package lost on the way is covered by the next one), our
acknowledgement of the receiver's packages (``received``), and the attachment files its rows name.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.enums import OfficeLevel
from app.domain.permissions import Permission
from app.errors import NotFound
from app.services import audit
from app.services.context import Actor
from app.services.workspace import Workspace
from app.sync.changes import (
    Scope, attachment_hashes, changed_tables, count_changes, current_change, format_version, iter_table, tables_for,
)
from app.sync.attachment_files import outgoing
from app.sync.container import Progress
from app.sync.envelope import write_package
from app.sync.keys import active_partners, partner_by_code
from db.models import Office, SyncLink, SyncPartner, SyncSent


@dataclass(frozen=True)
class ExportResult:
    path: Path
    receiver: str
    sequence: int
    full: bool
    rows: dict[str, int]


def link_for(session: Session, partner_id: uuid.UUID) -> SyncLink:
    link = session.get(SyncLink, partner_id)
    if link is None:
        link = SyncLink(partner_id=partner_id, last_sent_seq=0, last_acked_seq=0, last_received_seq=0, received=[])
        session.add(link)
        session.flush()
    return link


def receivers(session: Session, local: Office, office_code: str | None) -> list[SyncPartner]:
    """The county for a township; every enrolled township (or the one named) for the county."""
    if office_code:
        return [partner_by_code(session, office_code)]
    wanted = OfficeLevel.TOWNSHIP if local.level == OfficeLevel.COUNTY.value else OfficeLevel.COUNTY
    found = [p for p in active_partners(session) if p.level == wanted.value]
    if not found:
        raise NotFound("no_partner", "同步单位：尚未登记任何可发送的单位，请先完成登记（xinfang sync join / admit）",
                       field="office")
    return found


def scope_for(session: Session, local: Office, partner: SyncPartner, *, full: bool) -> Scope:
    link = link_for(session, partner.id)
    acked = session.get(SyncSent, (partner.id, link.last_acked_seq)) if link.last_acked_seq else None
    since = 0 if full or acked is None else acked.upto_change
    return Scope(local.id, OfficeLevel(local.level), partner.id, since, current_change(session))


def pending_changes(workspace: Workspace, actor: Actor, office_code: str | None = None) -> dict[str, dict[str, int]]:
    """Per receiver, rows per table the next package would carry."""
    with workspace.read(actor) as uow:
        local = _local(uow.session, actor)
        return {p.division_code: count_changes(uow.session, scope_for(uow.session, local, p, full=False))
                for p in receivers(uow.session, local, office_code)}


def _local(session: Session, actor: Actor) -> Office:
    office = session.get(Office, actor.office_id)
    assert office is not None, "the actor's office always exists"
    return office


def export_packages(workspace: Workspace, actor: Actor, directory: Path, *, full: bool = False,
                    office_code: str | None = None, progress: Progress | None = None) -> list[ExportResult]:
    """One package per receiver, each recorded in its own transaction (a failure removes its file)."""
    actor.require(Permission.MANAGE_SETTINGS)
    with workspace.read(actor) as uow:
        targets = [p.id for p in receivers(uow.session, _local(uow.session, actor), office_code)]
    return [_export_one(workspace, actor, directory, partner_id, full, progress) for partner_id in targets]


def _export_one(workspace: Workspace, actor: Actor, directory: Path, partner_id: uuid.UUID, full: bool,
                progress: Progress | None) -> ExportResult:
    written: Path | None = None
    try:
        with workspace.write(actor) as uow:
            session = uow.session
            local = _local(session, actor)
            partner = session.get(SyncPartner, partner_id)
            assert partner is not None
            link = link_for(session, partner.id)
            scope = scope_for(session, local, partner, full=full)
            sequence = link.last_sent_seq + 1
            rows: dict[str, int] = {}
            changed = changed_tables(session, scope)
            tables = {t.name: _counted(iter_table(session, t, scope, changed), t.name, rows)
                      for t in tables_for(scope.local_level)}
            files = outgoing(workspace.attachments_dir, workspace.keyring, attachment_hashes(session, scope))
            # The county writes one package per township: each in a folder named by the township's code
            # (the file names carry the sender's code and sequence, which repeat across townships).
            target = directory / partner.division_code if local.level == OfficeLevel.COUNTY.value else directory
            target.mkdir(exist_ok=True)
            written = write_package(
                session, target, receiver=partner, sequence=sequence, acked_sequence=link.last_acked_seq,
                tables=tables, attachments=files, format_version=format_version(session, scope, changed),
                extra_manifest={"full": full, "since_change": scope.since, "upto_change": scope.upto,
                                "received": sorted(link.received),
                                "tombstones": {n: dead for n, (_, dead) in changed.items() if dead}},
                progress=progress)
            rows = {name: n for name, n in rows.items() if n}
            session.add(SyncSent(partner_id=partner.id, sequence=sequence, since_change=scope.since,
                                 upto_change=scope.upto, full=full, file_name=written.name, rows=rows))
            link.last_sent_seq = sequence
            audit.record(uow, "sync_export", "sync_partner", partner.id,
                         after={"sequence": sequence, "file": written.name, "full": full, "rows": rows})
            return ExportResult(written, partner.division_code, sequence, full, rows)
    except BaseException:
        if written is not None:
            written.unlink(missing_ok=True)
        raise


def _counted(rows: Iterator[dict[str, Any]], name: str, counts: dict[str, int]) -> Iterator[dict[str, Any]]:
    counts[name] = 0
    for row in rows:
        counts[name] += 1
        yield row


def last_exports(session: Session) -> list[SyncSent]:
    return list(session.scalars(select(SyncSent).order_by(SyncSent.created_at.desc())))
