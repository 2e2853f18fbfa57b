"""Form-shaped notices: the registration sheet, the delivery receipt, the dossier cover and catalogue.

Each takes plain facts (already formatted strings) and the kind's template (title and labels), and
returns the blocks of a ruled form inside the GB/T 9704 text area.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.notices import blocks as b
from app.notices.fonts import Role
from app.notices.templates import Template, fill

C = b.Align.CENTER
BLANK_DATE = "　　年　　月　　日"
CHECKED, UNCHECKED = "■", "□"
METHODS = ("direct", "post", "electronic", "left")


def _label(text: str, width: float, size: float = b.TABLE_SIZE) -> b.Cell:
    return b.Cell(text, width, align=C, role=Role.HEADING, size=size)


def _value(text: str, width: float, align: b.Align = b.Align.LEFT, size: float = b.TABLE_SIZE) -> b.Cell:
    return b.Cell(text, width, align=align, size=size)


def _pair(label: str, value: str, *, label_mm: float, min_mm: float = 12.0, top: bool = False,
          size: float = b.TABLE_SIZE) -> b.Row:
    return b.Row((_label(label, label_mm, size), _value(value, 156 - label_mm, size=size)), min_mm, top)


# --- 来访登记表 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    name: str
    gender: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class RegistrationFacts:
    office_name: str
    number: str
    time: str
    channel: str
    is_visit: bool
    headcount: str
    persons: tuple[PersonFacts, ...]
    summary: str
    content: str
    matter_type: str
    subject: str
    location: str
    earlier: str
    clerk: str
    leader: str


def registration(t: Template, f: RegistrationFacts) -> b.NoticeDocument:
    lab = t["labels"]
    values = {"office_name": f.office_name}
    w1, w2 = 29.0, 49.0
    rows = [b.Row((_label(lab["channel"], w1), _value(f.channel, w2),
                   _label(lab["headcount"], w1), _value(f.headcount, w2)))]
    for p in f.persons:
        rows += [
            b.Row((_label(lab["name"], w1), _value(p.name, w2), _label(lab["gender"], w1), _value(p.gender, w2))),
            b.Row((_label(lab["id_number"], w1), _value(p.id_number, w2),
                   _label(lab["phone"], w1), _value(p.phone, w2))),
            _pair(lab["address"], p.address, label_mm=w1),
        ]
    rows += [
        b.Row((_label(lab["matter_type"], w1), _value(f.matter_type, w2),
               _label(lab["subject"], w1), _value(f.subject, w2))),
        _pair(lab["location"], f.location, label_mm=w1),
        _pair(lab["summary"], f.summary, label_mm=w1),
        _pair(lab["content"], f.content, label_mm=w1, min_mm=45.0, top=True),
        _pair(lab["earlier"], f.earlier or fill(t["first_contact"], values, "first_contact"), label_mm=w1),
        b.Row((_label(lab["clerk"], w1), _value(f.clerk, w2), _label(lab["leader"], w1), _value(f.leader, w2))),
        b.Row((_label(lab["signature"], w1), _value(fill(t["confirm"], values, "confirm"), w2),
               _label(lab["date"], w1), _value(BLANK_DATE, w2, C)), 26.0, top=True),
    ]
    title = fill(t["title_visit" if f.is_visit else "title_other"], values, "title")
    head = f"{lab['number']}：{f.number}　　{lab['time']}：{f.time}"
    return b.NoticeDocument(
        (b.Title(title), b.TextLine(head, size=b.TABLE_SIZE), b.Table(tuple(rows))),
        title=title.replace("\n", ""), author=f.office_name, subject=f.number, keywords=(f.number,))


# --- 送达回证 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptFacts:
    office_name: str
    document: str  # name and 文号 of the document delivered
    addressee: str
    address: str
    method: str | None  # a DeliveryMethod value once the delivery is recorded
    delivered_on: str
    server: str
    remarks: str
    issue_date: str


def delivery_receipt(t: Template, f: ReceiptFacts) -> b.NoticeDocument:
    lab = t["labels"]
    values = {"office_name": f.office_name} | {
        m: CHECKED if f.method == m else UNCHECKED for m in METHODS}
    sign = fill(t["receiver_sign"], values, "receiver_sign")  # signed by hand, never printed
    w = 48.0
    rows = (
        _pair(lab["document"], f.document, label_mm=w, min_mm=16.0),
        _pair(lab["addressee"], f.addressee, label_mm=w),
        _pair(lab["address"], f.address, label_mm=w),
        _pair(lab["method"], fill(t["methods"], values, "methods"), label_mm=w, min_mm=16.0),
        _pair(lab["delivered_on"], f.delivered_on or BLANK_DATE, label_mm=w),
        _pair(lab["receiver"], sign, label_mm=w, min_mm=28.0, top=True),
        _pair(lab["proxy"], "", label_mm=w, min_mm=16.0),
        _pair(lab["server"], f.server, label_mm=w),
        _pair(lab["remarks"], f.remarks or fill(t["remarks_hint"], values, "remarks_hint"), label_mm=w,
              min_mm=20.0, top=True),
        _pair(lab["office"], f"{f.office_name}（印章）\n{f.issue_date}", label_mm=w, min_mm=26.0),
    )
    title = fill(t["title"], values, "title")
    return b.NoticeDocument(
        (b.Title(title), b.Blank(), b.Table(rows)),
        title=title.replace("\n", ""), author=f.office_name, subject=f.document)


# --- 档案封面 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverFacts:
    office_name: str
    archive_number: str
    matter: str
    petitioners: str
    matter_type: str
    subject: str
    period: str
    retention: str
    pages: str
    filed_by: str
    filed_on: str


def _cover(t: Template, office_name: str, pairs: tuple[tuple[str, str], ...], key: str, *,
           row_mm: float = 15.0) -> b.NoticeDocument:
    """A cover page: title, subtitle, then one ruled row per (label key, value) in body size."""
    lab = t["labels"]
    values = {"office_name": office_name}
    rows = tuple(_pair(lab[k], v, label_mm=36.0, min_mm=row_mm, size=b.BODY_SIZE) for k, v in pairs)
    title = fill(t["title"], values, "title")
    return b.NoticeDocument(
        (b.Title(title), b.TextLine(fill(t["subtitle"], values, "subtitle"), align=C),
         b.Blank(2), b.Table(rows)),
        title=title.replace("\n", ""), author=office_name, subject=key, keywords=(key,), page_numbers=False)


def archive_cover(t: Template, f: CoverFacts) -> b.NoticeDocument:
    pairs = (("archive_number", f.archive_number), ("matter", f.matter), ("petitioners", f.petitioners),
             ("matter_type", f.matter_type), ("subject", f.subject), ("period", f.period),
             ("retention", f.retention), ("volume", f.pages), ("unit", f.office_name),
             ("filed_by", f.filed_by), ("filed_on", f.filed_on))
    return _cover(t, f.office_name, pairs, f.archive_number)


# --- 一人一档封面 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonCoverFacts:
    office_name: str
    name: str
    gender: str
    id_number: str
    phones: str
    address: str
    tags: str
    matters: str
    contacts: str
    period: str
    retention: str
    filed_by: str
    filed_on: str


def person_cover(t: Template, f: PersonCoverFacts) -> b.NoticeDocument:
    pairs = (("name", f.name), ("gender", f.gender), ("id_number", f.id_number), ("phones", f.phones),
             ("address", f.address), ("tags", f.tags), ("matters", f.matters), ("contacts", f.contacts),
             ("period", f.period), ("retention", f.retention), ("unit", f.office_name),
             ("filed_by", f.filed_by), ("filed_on", f.filed_on))
    # Thirteen rows: 12 mm each keeps the cover on one page.
    return _cover(t, f.office_name, pairs, f.id_number or f.name, row_mm=12.0)


# --- 卷内目录 + 卷内备考表 ---------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueItem:
    number: str
    author: str
    name: str
    date: str  # yyyymmdd, as archives write it
    pages: str
    remarks: str = ""


@dataclass(frozen=True)
class CatalogueFacts:
    office_name: str
    archive_number: str
    items: tuple[CatalogueItem, ...]
    total_pages: int
    missing: str
    filed_by: str
    filed_on: str
    checked_by: str = ""
    extra: tuple[str, ...] = field(default=())


CATALOGUE_COLUMNS = (("item", 12.0), ("number", 37.0), ("author", 20.0), ("name", 41.0), ("date", 21.0),
                     ("pages", 12.0), ("remarks", 13.0))
CATALOGUE_SIZE = 12.0


def catalogue(t: Template, f: CatalogueFacts) -> b.NoticeDocument:
    lab = t["labels"]
    size = CATALOGUE_SIZE
    header = b.Row(tuple(_label(lab[k], w, size) for k, w in CATALOGUE_COLUMNS), 10.0)
    rows = [header]
    for i, item in enumerate(f.items, start=1):
        texts = (str(i), item.number, item.author, item.name, item.date, item.pages, item.remarks)
        rows.append(b.Row(tuple(_value(text, w, C if k in ("item", "date", "pages") else b.Align.LEFT, size)
                                for text, (k, w) in zip(texts, CATALOGUE_COLUMNS)), 10.0))
    values = {"office_name": f.office_name, "items": str(len(f.items)), "pages": str(f.total_pages),
              "missing": f.missing or t["missing_none"]}
    notes = "\n".join((fill(t["notes"], values, "notes"), *f.extra))
    number_line = b.TextLine(f"{lab['archive_number']}：{f.archive_number}", size=b.TABLE_SIZE)
    w = 29.0
    notes_rows = (
        b.Row((_label(lab["notes"], 156.0),), 10.0),
        b.Row((_value(notes, 156.0),), 110.0, top=True),
        b.Row((_label(lab["filed_by"], w), _value(f.filed_by, 49.0), _label(lab["checked_by"], w),
               _value(f.checked_by, 49.0))),
        _pair(lab["filed_on"], f.filed_on, label_mm=w),
    )
    return b.NoticeDocument(
        (b.Title(t["title"]), number_line, b.Table(tuple(rows), header_rows=1), b.PageBreak(),
         b.Title(t["notes_title"]), number_line, b.Table(notes_rows)),
        title=t["title"], author=f.office_name, subject=f.archive_number, keywords=(f.archive_number,))
