"""Issue notices (文书) with gap-free 文号, and record their delivery.

A notice kind is issued once per matter: asking again returns the stored document with its number,
so a re-print never consumes a new number.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select

from app.domain.enums import DeliveryMethod, DocumentKind
from app.domain.permissions import Permission
from app.domain.workflow import Action
from app.domain.text import clean_line
from app.errors import NotFound, ValidationError
from app.services import audit
from app.services.context import UnitOfWork
from app.services.numbering import document_number, next_number
from db.ids import new_id
from db.models import Document, Matter, MatterEvent, Office

# Kinds that carry no 文号 of their own (the registration sheet has the contact's number; a delivery
# receipt names the document it accompanies; archive pages belong to the dossier).
UNNUMBERED = frozenset(
    {DocumentKind.REGISTRATION, DocumentKind.DELIVERY_RECEIPT, DocumentKind.ARCHIVE_COVER,
     DocumentKind.CATALOGUE}
)
# Kinds issued once per contact (registration sheet) or per delivered notice (receipt), not per matter.
PER_ITEM = frozenset({DocumentKind.REGISTRATION, DocumentKind.DELIVERY_RECEIPT})
DOCUMENT_LABELS: dict[DocumentKind, str] = {
    DocumentKind.REGISTRATION: "来访登记表", DocumentKind.ACCEPTANCE: "受理告知书",
    DocumentKind.DECLINE: "不予受理告知书", DocumentKind.NO_LONGER_ACCEPTED: "不再受理告知书",
    DocumentKind.LEGAL_CHANNEL: "依法分类处理告知书", DocumentKind.REFERRAL: "转送交办单",
    DocumentKind.EXTENSION: "延期办理告知书", DocumentKind.REPLY: "答复意见书",
    DocumentKind.DELIVERY_RECEIPT: "送达回证", DocumentKind.ARCHIVE_COVER: "档案封面",
    DocumentKind.CATALOGUE: "卷内目录",
}


@dataclass(frozen=True)
class DocumentInfo:
    id: uuid.UUID
    kind: DocumentKind
    number: str | None
    issued_on: date
    matter_id: uuid.UUID | None
    delivery_method: DeliveryMethod | None
    delivered_on: date | None
    delivery_receiver: str

    @property
    def label(self) -> str:
        return DOCUMENT_LABELS[self.kind]


def info(doc: Document) -> DocumentInfo:
    return DocumentInfo(
        doc.id, DocumentKind(doc.kind), doc.number, doc.issued_on, doc.matter_id,
        DeliveryMethod(doc.delivery_method) if doc.delivery_method else None, doc.delivered_on,
        doc.delivery_receiver,
    )


def document_prefix(uow: UnitOfWork) -> str:
    prefix = str(uow.setting("document_prefix") or "")
    if prefix:
        return prefix
    office = uow.session.get(Office, uow.office_id)
    assert office is not None
    return f"{office.short_name}信"


def find_document(uow: UnitOfWork, kind: DocumentKind, matter: Matter) -> Document | None:
    """The notice of this kind issued for the matter in its current round, if any."""
    same_kind = select(Document).where(Document.matter_id == matter.id, Document.kind == kind.value)
    return uow.session.scalars(_current_round(uow, matter, same_kind)
                               .order_by(Document.matter_event_seq, Document.created_at)).first()


def issue_document(uow: UnitOfWork, kind: DocumentKind, matter: Matter, on: date) -> Document:
    uow.actor.require(Permission.ISSUE_DOCUMENT)
    existing = None if kind in PER_ITEM else find_document(uow, kind, matter)
    if existing is not None:
        return existing
    doc = Document(id=new_id(), office_id=uow.office_id, kind=kind.value, issued_on=on,
                   matter_id=matter.id, issued_by_id=uow.actor.user_id,
                   matter_event_seq=_last_event_seq(uow, matter))
    if kind not in UNNUMBERED:
        words = uow.setting("document_words")
        seq = next_number(uow.session, uow.office_id, f"doc:{kind.value}", on.year)
        doc.series_year, doc.series_seq = on.year, seq
        doc.number = document_number(document_prefix(uow), words.get(kind.value, ""), on.year, seq)
    uow.session.add(doc)
    uow.session.flush()
    audit.record(uow, "issue", "document", doc.id,
                 after={"kind": kind.value, "number": doc.number, "matter_id": matter.id})
    return doc


def _current_round(uow: UnitOfWork, matter: Matter,
                   query: Select[tuple[Document]]) -> Select[tuple[Document]]:
    """Limit ``query`` to notices issued since the matter was last reopened.

    A matter reopened on new facts is decided and answered afresh: it needs new notices with new
    numbers, while the earlier round's notices (and their delivery records) stay on file unchanged.
    """
    if matter.reopened_on is None:
        return query
    # By the matter's own event order, not by timestamps: a notice and a reopening written in the
    # same instant (a script, a sync import, a coarse clock) must still fall on the right side.
    reopen_seq = uow.session.scalar(select(func.max(MatterEvent.seq)).where(
        MatterEvent.matter_id == matter.id, MatterEvent.action == Action.REOPEN.value))
    return query if reopen_seq is None else query.where(Document.matter_event_seq >= reopen_seq)


def _last_event_seq(uow: UnitOfWork, matter: Matter) -> int:
    """The seq of the matter's newest event (a step issuing a notice appends its own event after it)."""
    return uow.session.scalar(select(func.max(MatterEvent.seq)).where(MatterEvent.matter_id == matter.id)) or 0


def record_delivery(uow: UnitOfWork, doc: Document, method: DeliveryMethod, on: date,
                    receiver: str, note: str = "") -> None:
    if on < doc.issued_on:
        raise ValidationError("delivery_before_issue",
                              f"送达日期：不能早于文书出具日期 {doc.issued_on.isoformat()}",
                              field="delivered_on")
    if on > uow.today():
        raise ValidationError("future_date", "送达日期：不能晚于今天", field="delivered_on")
    before = {"delivery_method": doc.delivery_method, "delivered_on": doc.delivered_on}
    doc.delivery_method = method.value
    doc.delivered_on = on
    doc.delivery_receiver = clean_line(receiver, field="delivery_receiver", label="签收人",
                                       max_length=50, required=method is DeliveryMethod.DIRECT)
    doc.delivery_note = clean_line(note, field="delivery_note", label="备注", max_length=200,
                                   required=False)
    audit.record(uow, "deliver", "document", doc.id, before=before,
                 after={"delivery_method": method.value, "delivered_on": on})


def documents_of_matter(uow: UnitOfWork, matter_id: uuid.UUID) -> list[DocumentInfo]:
    docs = uow.session.scalars(
        select(Document).where(Document.matter_id == matter_id)
        .order_by(Document.issued_on, Document.created_at)
    )
    return [info(d) for d in docs]


def get_document(uow: UnitOfWork, document_id: uuid.UUID) -> Document:
    doc = uow.session.get(Document, document_id)
    if doc is None:
        raise NotFound("document", "文书：不存在", field="document_id")
    return doc
