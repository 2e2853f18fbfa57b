"""What the 数据同步 page shows: this office's sync identity and its enrolled partners.

Package sequences per partner come from app/sync/links.py; this adds who the partners are (with
the key fingerprints the clerks compare), the ones deactivated, and when we last wrote to each.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.domain.enums import OfficeLevel
from app.services.context import UnitOfWork
from app.sync.envelope import local_office
from app.sync.keys import fingerprint, office_keys
from app.sync.links import LinkStatus, partner_links
from db.models import SyncPartner, SyncSent


@dataclass(frozen=True)
class PartnerStatus:
    id: uuid.UUID
    name: str
    division_code: str
    level: OfficeLevel
    fingerprint: str
    enrolled_at: datetime
    active: bool
    link: LinkStatus | None  # None for a deactivated partner
    last_export_at: datetime | None


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


def sync_overview(uow: UnitOfWork) -> SyncOverview:
    office = local_office(uow.session)
    keys = office_keys(uow.session, office.id)
    links = {link.division_code: link for link in partner_links(uow)}
    exported = dict(uow.session.execute(select(SyncSent.partner_id, func.max(SyncSent.created_at))
                                        .group_by(SyncSent.partner_id)).all())
    partners = [
        PartnerStatus(p.id, p.name, p.division_code, OfficeLevel(p.level),
                      fingerprint(p.signing_public, p.encryption_public), p.enrolled_at, p.active,
                      links.get(p.division_code) if p.active else None, exported.get(p.id))
        for p in uow.session.scalars(select(SyncPartner).order_by(SyncPartner.active.desc(),
                                                                  SyncPartner.division_code))
    ]
    return SyncOverview(office.name, office.division_code, OfficeLevel(office.level),
                        keys.fingerprint if keys is not None else None, partners)
