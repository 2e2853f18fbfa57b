"""The cover page of a petitioner's archive (一人一档封面).

Unlike the dossier cover of a closed matter, a person's archive keeps growing, so the cover is not
a numbered Document stored once: it is rendered from the archive as it stands whenever it is printed,
and each printing is recorded in the audit trail. Accusation matters (检举控告类) appear on it only for
users allowed to see who accused whom.
"""

from __future__ import annotations

import uuid
from sqlalchemy import func, select

from app.domain.enums import MatterType
from app.domain.permissions import Permission
from app.errors import ValidationError
from app.notices import forms
from app.notices.render import render_pdf
from app.notices.templates import merged
from app.services import audit
from app.services.context import UnitOfWork
from app.services.notice_archive import RETENTIONS
from app.services.notice_facts import GENDER_LABELS, cn_date
from app.services.persons import live_person, summaries
from db.models import Contact, ContactPerson, Matter, MatterPetitioner, Office, UserAccount

TEMPLATE = "person-cover"
MAX_LISTED_MATTERS = 12  # more than a cover line holds; the rest is counted


def _matters_line(uow: UnitOfWork, person_id: uuid.UUID) -> str:
    query = (select(Matter.number).join(MatterPetitioner, MatterPetitioner.matter_id == Matter.id)
             .where(MatterPetitioner.person_id == person_id).order_by(Matter.registered_on, Matter.number))
    if not uow.actor.may(Permission.READ_ACCUSATION):
        query = query.where(Matter.matter_type != MatterType.ACCUSATION.value)
    numbers = list(uow.session.scalars(query))
    if not numbers:
        return "无"
    listed = "、".join(numbers[:MAX_LISTED_MATTERS])
    more = "等" if len(numbers) > MAX_LISTED_MATTERS else ""
    return f"{len(numbers)}件：{listed}{more}"


def cover_facts(uow: UnitOfWork, person_id: uuid.UUID, retention: str) -> forms.PersonCoverFacts:
    if retention not in RETENTIONS:
        raise ValidationError("retention", f"保管期限：须为{'、'.join(RETENTIONS)}之一", field="retention")
    person = live_person(uow.session, person_id)
    summary = summaries(uow.session, [person.id])[0]
    count, first, last = uow.session.execute(
        select(func.count(), func.min(Contact.contact_at), func.max(Contact.contact_at))
        .join(ContactPerson, ContactPerson.contact_id == Contact.id)
        .where(ContactPerson.person_id == person.id)).one()
    office = uow.session.get(Office, uow.office_id)
    filer = uow.session.get(UserAccount, uow.actor.user_id)
    assert office is not None
    return forms.PersonCoverFacts(
        office_name=office.name, name=summary.name, gender=GENDER_LABELS.get(summary.gender or "", ""),
        id_number=summary.id_number or "", phones="、".join(summary.phones),
        address=" ".join(part for part in (summary.village, summary.address) if part),
        tags="、".join(summary.tags), matters=_matters_line(uow, person.id),
        contacts=f"{count}次",
        period=f"{cn_date(first.date())}至{cn_date(last.date())}" if first and last else "",
        retention=retention, filed_by=filer.display_name if filer else "", filed_on=cn_date(uow.today()))


def render_person_cover(uow: UnitOfWork, person_id: uuid.UUID, *, retention: str | None = None) -> bytes:
    """The cover as a PDF, from the archive as it stands now; the printing is audited."""
    uow.actor.require(Permission.ISSUE_DOCUMENT)
    facts = cover_facts(uow, person_id, retention or str(uow.setting("archive_retention") or "30年"))
    pdf = render_pdf(forms.person_cover(merged(TEMPLATE, None), facts))
    audit.record(uow, "print", "person", person_id, after={"document": TEMPLATE})
    return pdf
