"""What the 数据同步 page shows: this office's sync identity and its enrolled partners."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import func, select

from app.domain.enums import OfficeLevel
from app.services.context import UnitOfWork
from app.sync.envelope import local_office
from app.sync.keys import fingerprint, office_keys
from db.models import SyncLink, SyncPartner, SyncSent


@dataclass(frozen=True)
class PartnerStatus:
    id: uuid.UUID
    name: str
    division_code: str
    level: OfficeLevel
    fingerprint: str
    enrolled_at: datetime
    active: bool
    last_sent: int = 0  # our last package to them
    last_acked: int = 0  # ... of which they confirmed every one up to this
    last_export_at: datetime | None = None
    last_received: int = 0  # their highest package imported here
    last_import_at: datetime | None = None
    missing: list[int] = field(default_factory=list)  # their numbers below last_received not imported


@dataclass(frozen=True)
class SyncOverview:
    office_name: str
    division_code: str
    level: OfficeLevel
    fingerprint: str | None  # None until the keys are made (at the first enrolment)
    partners: list[PartnerStatus]

    @property
    def active_partners(self) -> list[PartnerStatus]:
        return [p for p in self.partners if p.active]

    @property
    def county(self) -> PartnerStatus | None:
        """A township's county (its one upward partner), if enrolled."""
        return next((p for p in self.active_partners if p.level is OfficeLevel.COUNTY), None)


def _status(p: SyncPartner, link: SyncLink | None, exported_at: datetime | None) -> PartnerStatus:
    base = PartnerStatus(p.id, p.name, p.division_code, OfficeLevel(p.level),
                         fingerprint(p.signing_public, p.encryption_public), p.enrolled_at, p.active)
    if link is None:
        return base
    received = set(link.received or [])
    return replace(base, last_sent=link.last_sent_seq, last_acked=link.last_acked_seq, last_export_at=exported_at,
                   last_received=link.last_received_seq, last_import_at=link.last_import_at,
                   missing=[n for n in range(1, link.last_received_seq) if n not in received])


def sync_overview(uow: UnitOfWork) -> SyncOverview:
    office = local_office(uow.session)
    keys = office_keys(uow.session, office.id)
    links = {link.partner_id: link for link in uow.session.scalars(select(SyncLink))}
    exported = dict(uow.session.execute(select(SyncSent.partner_id, func.max(SyncSent.created_at))
                                        .group_by(SyncSent.partner_id)).all())
    partners = [
        _status(p, links.get(p.id), exported.get(p.id))
        for p in uow.session.scalars(select(SyncPartner).order_by(SyncPartner.active.desc(),
                                                                  SyncPartner.division_code))
    ]
    return SyncOverview(office.name, office.division_code, OfficeLevel(office.level),
                        keys.fingerprint if keys is not None else None, partners)
