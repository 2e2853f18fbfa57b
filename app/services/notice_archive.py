"""The dossier's archive pages (一案一卷): the cover and the catalogue with its notes sheet (备考表).

Catalogue order follows the filing rule in documents.md: the closing documents first, then the
handling materials, then the original registration records and scans, then the rest; page numbers
run on through the volume, counted from the stored PDFs.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import select

from app.domain.enums import DocumentKind
from app.errors import ValidationError
from app.notices import forms
from app.services.attachments import attachment_bytes, stored_path
from app.services.context import UnitOfWork
from app.services.documents import DOCUMENT_LABELS
from app.services.dictionaries import subject_names, subject_path
from app.services.notice_facts import archive_date, cn_date, petitioners
from app.statistics.labels import MATTER_TYPE_LABELS
from db.models import Attachment, Contact, Document, Matter, MatterEvent, Office, UserAccount

RETENTIONS = ("永久", "30年", "10年")
MAX_VOLUME_PAGES = 200  # documents.md: a volume holds at most 200 pages
_GROUP: dict[str, int] = {
    DocumentKind.REPLY: 0, DocumentKind.NO_LONGER_ACCEPTED: 0, DocumentKind.DECLINE: 0,
    DocumentKind.LEGAL_CHANNEL: 0, DocumentKind.EXTENSION: 1, DocumentKind.REFERRAL: 1,
    DocumentKind.ACCEPTANCE: 1, DocumentKind.REGISTRATION: 2, DocumentKind.DELIVERY_RECEIPT: 3,
}
ARCHIVE_KINDS = frozenset({DocumentKind.ARCHIVE_COVER.value, DocumentKind.CATALOGUE.value})


def pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _file_pages(uow: UnitOfWork, attachments_dir: Path, att: Attachment | None) -> int | None:
    if att is None or not stored_path(attachments_dir, att).is_file():
        return None
    if att.mime != "application/pdf" or (att.encrypted and not uow.keyring.unlocked):
        return 1  # a sealed scan printed without the key (command line) counts as one page
    try:
        return pdf_pages(attachment_bytes(uow, attachments_dir, att.id))
    except Exception:  # a damaged scan still takes its place in the volume
        return 1


def _office(uow: UnitOfWork) -> Office:
    office = uow.session.get(Office, uow.office_id)
    assert office is not None
    return office


def _filer(uow: UnitOfWork) -> str:
    user = uow.session.get(UserAccount, uow.actor.user_id)
    return user.display_name if user else ""


def _entries(uow: UnitOfWork, attachments_dir: Path, matter: Matter) -> list[tuple[int, forms.CatalogueItem, int | None]]:
    """(group, item, pages) for every document and scan of the dossier, in filing order."""
    office = _office(uow)
    docs = uow.session.scalars(select(Document).where(Document.matter_id == matter.id)
                               .order_by(Document.issued_on, Document.created_at)).all()
    found: list[tuple[int, str, forms.CatalogueItem, int | None]] = []
    for doc in docs:
        if doc.kind in ARCHIVE_KINDS:
            continue
        att = uow.session.get(Attachment, doc.file_id) if doc.file_id else None
        pages = _file_pages(uow, attachments_dir, att)
        item = forms.CatalogueItem(doc.number or "", office.short_name, DOCUMENT_LABELS[DocumentKind(doc.kind)],
                                   archive_date(doc.issued_on), "", "" if pages else "缺电子件")
        found.append((_GROUP.get(doc.kind, 3), archive_date(doc.issued_on), item, pages))
    contact_ids = list(uow.session.scalars(select(Contact.id).where(Contact.matter_id == matter.id)))
    owners = [("matter", matter.id)] + [("contact", cid) for cid in contact_ids]
    for entity_type, entity_id in owners:
        for att in uow.session.scalars(select(Attachment).where(
                Attachment.entity_type == entity_type, Attachment.entity_id == entity_id)
                .order_by(Attachment.created_at)):
            day = att.created_at.date()
            item = forms.CatalogueItem("", "信访人" if entity_type == "contact" else office.short_name,
                                       att.original_name, archive_date(day), "")
            found.append((2 if entity_type == "contact" else 3, archive_date(day), item,
                          _file_pages(uow, attachments_dir, att)))
    found.sort(key=lambda e: (e[0], e[1]))
    return [(g, item, pages) for g, _, item, pages in found]


def _numbered(entries: list[tuple[int, forms.CatalogueItem, int | None]]) -> tuple[list[forms.CatalogueItem], int]:
    items, page = [], 0
    for _, item, pages in entries:
        if pages:
            span = str(page + 1) if pages == 1 else f"{page + 1}-{page + pages}"
            page += pages
            item = forms.CatalogueItem(item.number, item.author, item.name, item.date, span, item.remarks)
        items.append(item)
    return items, page


def _period(uow: UnitOfWork, matter: Matter) -> str:
    last = uow.session.scalars(select(MatterEvent.occurred_on).where(MatterEvent.matter_id == matter.id)
                               .order_by(MatterEvent.seq.desc())).first()
    end = matter.concluded_on or matter.closed_on or last or matter.registered_on
    return f"{cn_date(matter.registered_on)}至{cn_date(end)}"


def cover_facts(uow: UnitOfWork, attachments_dir: Path, matter: Matter,
                fields: Mapping[str, str]) -> forms.CoverFacts:
    retention = fields.get("retention") or str(uow.setting("archive_retention") or "30年")
    if retention not in RETENTIONS:
        raise ValidationError("retention", f"保管期限：须为{'、'.join(RETENTIONS)}之一", field="retention")
    _, pages = _numbered(_entries(uow, attachments_dir, matter))
    names = "、".join(p.name for p in petitioners(uow, matter)) or "匿名"
    return forms.CoverFacts(
        office_name=_office(uow).name, archive_number=matter.number, matter=matter.title, petitioners=names,
        matter_type=MATTER_TYPE_LABELS[matter.matter_type],
        subject=subject_path(subject_names(uow.session), matter.subject_code), period=_period(uow, matter),
        retention=retention, pages=f"{pages}页", filed_by=_filer(uow), filed_on=cn_date(uow.today()))


def catalogue_facts(uow: UnitOfWork, attachments_dir: Path, matter: Matter,
                    fields: Mapping[str, str]) -> forms.CatalogueFacts:
    items, pages = _numbered(_entries(uow, attachments_dir, matter))
    missing = [i.name for i in items if i.remarks == "缺电子件"]
    notes = f"以下文件缺少电子件，以纸质件归档：{'、'.join(missing)}。" if missing else ""
    extra = (f"本卷超过{MAX_VOLUME_PAGES}页，应分册装订。",) if pages > MAX_VOLUME_PAGES else ()
    return forms.CatalogueFacts(
        office_name=_office(uow).name, archive_number=matter.number, items=tuple(items), total_pages=pages,
        missing=notes, filed_by=_filer(uow), filed_on=cn_date(uow.today()),
        checked_by=fields.get("checked_by", ""), extra=extra)
