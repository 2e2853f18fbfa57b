"""Per enrolled partner: packages sent and acknowledged, received, missing, last import (the import page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.domain.permissions import Permission
from app.services.context import UnitOfWork
from db.models import SyncConflict, SyncImport, SyncLink, SyncPartner, SyncSent


@dataclass(frozen=True)
class LinkStatus:
    division_code: str
    name: str
    level: str
    last_sent: int
    last_acknowledged: int
    last_received: int
    missing: tuple[int, ...]  # received a later package, but not these
    last_import_at: datetime | None
    open_conflicts: int


def partner_links(uow: UnitOfWork) -> list[LinkStatus]:
    uow.actor.require(Permission.READ)
    rows = uow.session.execute(select(SyncPartner, SyncLink).outerjoin(SyncLink, SyncLink.partner_id == SyncPartner.id)
                               .where(SyncPartner.active).order_by(SyncPartner.division_code)).all()
    counts = dict(uow.session.execute(
        select(SyncConflict.partner_id, func.count()).where(SyncConflict.kind == "conflict",
                                                           SyncConflict.resolved_at.is_(None))
        .group_by(SyncConflict.partner_id)).all())
    found = []
    for partner, link in rows:
        received = set(link.received) if link else set()
        top = max(received, default=0)
        found.append(LinkStatus(
            partner.division_code, partner.name, partner.level, link.last_sent_seq if link else 0,
            link.last_acked_seq if link else 0, top, tuple(n for n in range(1, top) if n not in received),
            link.last_import_at if link else None, counts.get(partner.id, 0)))
    return found


def last_exchange(uow: UnitOfWork) -> datetime | None:
    """When a package last left or arrived (UTC): the status bar's 上次同步."""
    uow.actor.require(Permission.READ)
    sent = uow.session.scalar(select(func.max(SyncSent.created_at)))
    received = uow.session.scalar(select(func.max(SyncImport.imported_at)))
    return max((t for t in (sent, received) if t is not None), default=None)
