"""Issue, re-print, batch and deliver notices (文书) as PDF files kept in the dossier.

Issuing a notice allocates its 文号 (``documents.issue_document``), renders the PDF and stores it as
an attachment of the Document row, all in the caller's one unit of work: either the number, the row
and the file exist together, or none does. Asking again returns the stored file and the same
number. A kind the matter's recorded facts do not allow is refused with the reason.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.domain.enums import DeliveryMethod, DocumentKind
from app.domain.permissions import Permission
from app.domain.text import clean_content
from app.errors import NotFound, StorageError, ValidationError
from app.notices import forms
from app.notices.blocks import NoticeDocument
from app.notices.letters import compose_letter
from app.notices.render import render_pdf
from app.services import audit, documents, matter_steps as st, matters, notice_archive, notice_facts, secrecy
from app.services.attachments import attachment_file, store_bytes
from app.services.context import UnitOfWork
from app.services.documents import DOCUMENT_LABELS, DocumentInfo
from app.services.notice_rules import require_allowed
from app.services.notice_templates import effective_template
from app.services.workspace import Workspace
from db.ids import new_id
from db.models import Attachment, Contact, Document, Matter, Office

# Notices a petitioner receives, which a 送达回证 accompanies (newest is the default).
DELIVERED_KINDS = (DocumentKind.ACCEPTANCE, DocumentKind.DECLINE, DocumentKind.NO_LONGER_ACCEPTED,
                   DocumentKind.LEGAL_CHANNEL, DocumentKind.EXTENSION, DocumentKind.REPLY)
LETTER_KINDS = frozenset(DELIVERED_KINDS) | {DocumentKind.REFERRAL}
RECEIPT_NOTE = "所附文书：{label} {number}"


@dataclass(frozen=True)
class IssuedNotice:
    document: DocumentInfo
    attachment_id: uuid.UUID
    path: Path  # the stored PDF (named by its hash; copy it before opening in a viewer)
    size: int
    reissued: bool  # True: the notice existed and its stored PDF was returned unchanged

    @property
    def label(self) -> str:
        return self.document.label

    @property
    def number(self) -> str | None:
        return self.document.number


@dataclass(frozen=True)
class NoticeRow:
    document: DocumentInfo
    matter_number: str
    has_file: bool
    accompanies: str  # for a delivery receipt: the notice it goes with

    @property
    def label(self) -> str:
        return self.document.label


def _fields(kind: DocumentKind, fields: Mapping[str, str] | None) -> dict[str, str]:
    allowed = notice_facts.FIELDS[kind]
    clean: dict[str, str] = {}
    for key, value in (fields or {}).items():
        if key not in allowed:
            raise ValidationError("notice_field", f"文书：{DOCUMENT_LABELS[kind]}没有可填写的“{key}”项",
                                  field=key)
        clean[key] = clean_content(value, field=key, label=key, max_length=5000, required=False)
    return clean


def _contact(uow: UnitOfWork, matter: Matter, contact_id: uuid.UUID | None) -> Contact | None:
    query = select(Contact).where(Contact.matter_id == matter.id)
    if contact_id is not None:
        query = query.where(Contact.id == contact_id)
    return uow.session.scalars(query.order_by(Contact.contact_at.desc())).first()


def _target(uow: UnitOfWork, matter: Matter, target_id: uuid.UUID | None) -> Document | None:
    if target_id is not None:
        doc = uow.session.get(Document, target_id)
        if doc is None or doc.matter_id != matter.id or DocumentKind(doc.kind) not in DELIVERED_KINDS:
            raise ValidationError("receipt_target", "送达回证：所附文书不属于该事项或无需送达", field="target")
        return doc
    docs = [d for k in DELIVERED_KINDS if (d := documents.find_document(uow, k, matter))]
    return max(docs, key=lambda d: (d.issued_on, d.matter_event_seq or 0, d.created_at), default=None)


def _receipt_note(target: Document) -> str:
    return RECEIPT_NOTE.format(label=DOCUMENT_LABELS[DocumentKind(target.kind)], number=target.number or "")


def _existing(uow: UnitOfWork, kind: DocumentKind, matter: Matter, contact: Contact | None,
              target: Document | None) -> Document | None:
    if kind is DocumentKind.REGISTRATION:
        if contact is None:
            return None
        return uow.session.scalars(select(Document).where(
            Document.kind == kind.value, Document.contact_id == contact.id)).first()
    if kind is DocumentKind.DELIVERY_RECEIPT:
        if target is None:
            return None
        return uow.session.scalars(select(Document).join(Attachment, Attachment.id == Document.file_id).where(
            Document.matter_id == matter.id, Document.kind == kind.value,
            Attachment.note == _receipt_note(target))).first()
    return documents.find_document(uow, kind, matter)


def issue_notice(uow: UnitOfWork, workspace: Workspace, kind: DocumentKind, matter_id: uuid.UUID, *,
                 fields: Mapping[str, str] | None = None, contact_id: uuid.UUID | None = None,
                 target_id: uuid.UUID | None = None) -> IssuedNotice:
    """Issue ``kind`` for the matter, or return the one already issued (same number, same file)."""
    uow.actor.require(Permission.ISSUE_DOCUMENT)
    kind = DocumentKind(kind)
    clean = _fields(kind, fields)
    matter = matters.load_matter(uow, matter_id)
    contact = _contact(uow, matter, contact_id) if kind is DocumentKind.REGISTRATION else None
    target = _target(uow, matter, target_id) if kind is DocumentKind.DELIVERY_RECEIPT else None
    doc = _existing(uow, kind, matter, contact, target)
    if doc is not None and doc.file_id is not None:
        return _issued(uow, workspace, doc, reissued=True)
    if doc is None:
        sibling = {DocumentKind.DECLINE: DocumentKind.NO_LONGER_ACCEPTED,
                   DocumentKind.NO_LONGER_ACCEPTED: DocumentKind.DECLINE}.get(kind)
        require_allowed(kind, matter, has_contact=contact is not None, has_target=target is not None,
                        sibling_issued=sibling is not None and documents.find_document(uow, sibling, matter)
                        is not None)
        doc = documents.issue_document(uow, kind, matter, uow.today())
        doc.contact_id = contact.id if contact else None
        people = matter.petitioners
        doc.person_id = people[0].person_id if kind is DocumentKind.DELIVERY_RECEIPT and people else None
    return _store(uow, workspace, doc, matter, clean, contact=contact, target=target)


def ensure_pdf(uow: UnitOfWork, workspace: Workspace, document_id: uuid.UUID,
               fields: Mapping[str, str] | None = None) -> IssuedNotice:
    """The notice's stored PDF, rendering and storing it first for a notice issued by a step."""
    doc = documents.get_document(uow, document_id)
    if doc.file_id is not None:
        return _issued(uow, workspace, doc, reissued=True)
    uow.actor.require(Permission.ISSUE_DOCUMENT)
    kind = DocumentKind(doc.kind)
    if kind is DocumentKind.DELIVERY_RECEIPT or doc.matter_id is None:
        raise NotFound("notice_no_file", "文书：该文书没有可重新生成的文件", field="document_id")
    matter = matters.load_matter(uow, doc.matter_id)
    contact = uow.session.get(Contact, doc.contact_id) if doc.contact_id else None
    return _store(uow, workspace, doc, matter, _fields(kind, fields), contact=contact, target=None)


def perform_step(uow: UnitOfWork, workspace: Workspace, matter_id: uuid.UUID, step: st.Step,
                 fields: Mapping[str, str] | None = None) -> tuple[Matter, list[IssuedNotice]]:
    """Carry out a step and store the PDF of every notice it issued, in the same unit of work."""
    matter = matters.perform(uow, matter_id, step)
    missing = uow.session.scalars(select(Document).where(
        Document.matter_id == matter.id, Document.file_id.is_(None),
        Document.kind.in_([k.value for k in LETTER_KINDS])).order_by(Document.created_at)).all()
    issued = []
    for doc in missing:
        own = notice_facts.FIELDS[DocumentKind(doc.kind)]
        issued.append(ensure_pdf(uow, workspace, doc.id, {k: v for k, v in (fields or {}).items() if k in own}))
    return matter, issued


def _render(uow: UnitOfWork, workspace: Workspace, doc: Document, matter: Matter, fields: dict[str, str],
            contact: Contact | None, target: Document | None) -> NoticeDocument:
    kind = DocumentKind(doc.kind)
    template = effective_template(uow, kind)
    if kind in LETTER_KINDS:
        values = notice_facts.letter_values(uow, kind, matter, doc, template, fields)
        office = uow.session.get(Office, uow.office_id)
        assert office is not None
        return compose_letter(template, values, title=DOCUMENT_LABELS[kind], number=doc.number,
                              office=office.name, date=values["issue_date"])
    if kind is DocumentKind.REGISTRATION:
        assert contact is not None
        return forms.registration(template, notice_facts.registration_facts(uow, matter, contact))
    if kind is DocumentKind.DELIVERY_RECEIPT:
        assert target is not None
        return forms.delivery_receipt(template, notice_facts.receipt_facts(uow, matter, doc, target, fields))
    folder = workspace.attachments_dir
    if kind is DocumentKind.ARCHIVE_COVER:
        return forms.archive_cover(template, notice_archive.cover_facts(uow, folder, matter, fields))
    return forms.catalogue(template, notice_archive.catalogue_facts(uow, folder, matter, fields))


def _store(uow: UnitOfWork, workspace: Workspace, doc: Document, matter: Matter, fields: dict[str, str], *,
           contact: Contact | None, target: Document | None) -> IssuedNotice:
    pdf = render_pdf(_render(uow, workspace, doc, matter, fields, contact, target))
    label = DOCUMENT_LABELS[DocumentKind(doc.kind)]
    name = f"{label} {doc.number or (contact.number if contact else matter.number)}.pdf"
    note = _receipt_note(target) if target is not None else ""
    stored = store_bytes(uow, workspace.attachments_dir, pdf, name, "document", doc.id, note=note)
    doc.file_id = stored.id
    uow.session.flush()
    return IssuedNotice(documents.info(doc), stored.id, attachment_file(uow, workspace.attachments_dir, stored.id),
                        stored.size, reissued=False)


def _guard_secret(uow: UnitOfWork, kind: DocumentKind, matter_id: uuid.UUID | None,
                  issued_by: uuid.UUID | None = None) -> None:
    """Notices of a 检举控告类 matter name the accuser (the referral never does): only users granted
    READ_ACCUSATION, or the clerk who issued the notice, may see or print them."""
    if matter_id is None or kind is DocumentKind.REFERRAL or issued_by == uow.actor.user_id:
        return
    secrecy.require_content_access(uow, "matter", matter_id, "文书")


def _issued(uow: UnitOfWork, workspace: Workspace, doc: Document, *, reissued: bool) -> IssuedNotice:
    assert doc.file_id is not None
    _guard_secret(uow, DocumentKind(doc.kind), doc.matter_id, doc.issued_by_id)
    audit.record_access(uow, "print", "document", doc.id, kind=doc.kind, number=doc.number)
    path = attachment_file(uow, workspace.attachments_dir, doc.file_id)
    return IssuedNotice(documents.info(doc), doc.file_id, path, path.stat().st_size, reissued)


def notice_pdf(uow: UnitOfWork, workspace: Workspace, document_id: uuid.UUID) -> bytes:
    """The stored PDF of an issued notice, exactly as first issued."""
    uow.actor.require(Permission.READ)
    doc = documents.get_document(uow, document_id)
    if doc.file_id is None:
        raise NotFound("notice_no_file", f"文书：{DOCUMENT_LABELS[DocumentKind(doc.kind)]}尚未生成文件，请先出具",
                       field="document_id")
    _guard_secret(uow, DocumentKind(doc.kind), doc.matter_id, doc.issued_by_id)
    # Reading the file is viewing it (the preview); printing and saving a copy are recorded by
    # notice_printing when they happen, with the printer or the path.
    audit.record_access(uow, "open", "document", doc.id, kind=doc.kind, number=doc.number)
    try:
        return attachment_file(uow, workspace.attachments_dir, doc.file_id).read_bytes()
    except OSError as exc:
        raise StorageError("notice_read", f"文书：无法读取文件（{exc.strerror or exc}）", field="document_id") from exc


def render_batch(uow: UnitOfWork, workspace: Workspace, document_ids: Sequence[uuid.UUID]) -> bytes:
    """One PDF with the stored notices one after another (for printing a day's notices at once)."""
    from pypdf import PdfReader, PdfWriter

    if not document_ids:
        raise ValidationError("batch_empty", "批量打印：没有选择文书", field="document_ids")
    writer = PdfWriter()
    for document_id in document_ids:
        writer.append(PdfReader(io.BytesIO(notice_pdf(uow, workspace, document_id))))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _rows(uow: UnitOfWork, docs: Sequence[Document]) -> list[NoticeRow]:
    numbers: dict[uuid.UUID, str] = {}
    notes: dict[uuid.UUID, str] = {}
    if docs:
        numbers = {mid: number for mid, number in uow.session.execute(select(Matter.id, Matter.number).where(
            Matter.id.in_({d.matter_id for d in docs if d.matter_id})))}
        notes = {aid: note for aid, note in uow.session.execute(select(Attachment.id, Attachment.note).where(
            Attachment.id.in_({d.file_id for d in docs if d.file_id})))}
    return [NoticeRow(documents.info(d), numbers.get(d.matter_id, "") if d.matter_id else "",
                      d.file_id is not None,
                      notes.get(d.file_id, "").removeprefix("所附文书：") if d.file_id else "")
            for d in docs]


def list_notices(uow: UnitOfWork, matter_id: uuid.UUID) -> list[NoticeRow]:
    uow.actor.require(Permission.READ)
    matters.load_matter(uow, matter_id)
    return _rows(uow, uow.session.scalars(select(Document).where(Document.matter_id == matter_id)
                                          .order_by(Document.issued_on, Document.created_at)).all())


def notices_issued_on(uow: UnitOfWork, day: date, kind: DocumentKind | None = None) -> list[NoticeRow]:
    """The notices issued on ``day`` (of one kind), in number order: what batch printing offers."""
    uow.actor.require(Permission.READ)
    query = select(Document).where(Document.issued_on == day)
    if kind is not None:
        query = query.where(Document.kind == DocumentKind(kind).value)
    return _rows(uow, uow.session.scalars(query.order_by(Document.kind, Document.series_seq,
                                                         Document.created_at)).all())


def record_notice_delivery(uow: UnitOfWork, document_id: uuid.UUID, method: DeliveryMethod, on: date,
                           receiver: str, note: str = "") -> DocumentInfo:
    """Record how and when a notice reached its addressee; a reply's delivery is the matter's step."""
    doc = documents.get_document(uow, document_id)
    kind = DocumentKind(doc.kind)
    if kind is DocumentKind.REPLY and doc.matter_id is not None:
        matters.perform(uow, doc.matter_id, st.DeliverReply(on=on, method=method, receiver=receiver,
                                                             note=note))
        return documents.info(doc)
    if kind not in LETTER_KINDS:
        raise ValidationError("not_delivered", f"送达：{DOCUMENT_LABELS[kind]}不送达信访人，无需记录送达",
                              field="document_id")
    uow.actor.require(Permission.ISSUE_DOCUMENT)
    documents.record_delivery(uow, doc, method, on, receiver, note)
    return documents.info(doc)


def preview_notice(uow: UnitOfWork, workspace: Workspace, kind: DocumentKind, matter_id: uuid.UUID, *,
                   fields: Mapping[str, str] | None = None) -> bytes:
    """What issuing would print now, without a number and without storing anything."""
    uow.actor.require(Permission.READ)
    kind = DocumentKind(kind)
    if kind in (DocumentKind.REGISTRATION, DocumentKind.DELIVERY_RECEIPT):
        raise ValidationError("preview_kind", "预览：登记表和送达回证请直接出具", field="kind")
    matter = matters.load_matter(uow, matter_id)
    require_allowed(kind, matter, has_contact=True, has_target=True)
    _guard_secret(uow, kind, matter.id)
    draft = Document(id=new_id(), office_id=uow.office_id, kind=kind.value, issued_on=uow.today(),
                     matter_id=matter.id, issued_by_id=uow.actor.user_id,
                     number=None if kind in documents.UNNUMBERED else "（文号待定）")
    return render_pdf(_render(uow, workspace, draft, matter, _fields(kind, fields), None, None))
