"""What a notice says: the matter's recorded facts turned into the texts its template and form show.

Dates are written 2026年11月23日 (Arabic numerals, as GB/T 9704 asks). An accuser's identity never
reaches a document sent to a unit (转送交办单), and neither does a confidential petitioner's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime

from sqlalchemy import select

from app.domain.calendar import DayUnit
from app.domain.deadlines import HANDLING_DAYS, SIMPLIFIED_HANDLING_WORKING_DAYS, handling_due, handling_unit
from app.domain.enums import Clock, Decision, DocumentKind, MatterSource, MatterType
from app.domain.workflow import Action, MAX_EXTENSION_DAYS
from app.errors import ValidationError
from app.notices import forms
from app.notices.letters import fill_subtexts
from app.notices.templates import Template, fill
from app.services.dictionaries import subject_names, subject_path
from app.services.documents import DOCUMENT_LABELS
from app.services.matters import dates_of
from app.services.persons import live_person
from app.statistics.labels import CHANNEL_LABELS, MATTER_TYPE_LABELS
from app.services.context import UnitOfWork
from db.models import (
    Contact, ContactPerson, Document, Matter, MatterDeadline, MatterEvent, Office, Person, PersonPhone,
    UserAccount, Village,
)

GENDER_LABELS = {"male": "男", "female": "女"}
ASSIGNED_CHANNEL = "上级交办"
ANONYMOUS = "匿名"
REVIEW_DAYS = 30  # 《信访工作条例》第三十五条
EARLIER_SHOWN = 5


def cn_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def cn_datetime(moment: datetime) -> str:
    return f"{cn_date(moment.date())}{moment.hour}时{moment.minute:02d}分"


def archive_date(day: date | None) -> str:
    return day.strftime("%Y%m%d") if day else ""


def _clause(text: str) -> str:
    """A clerk's sentence used inside a template sentence: no closing full stop of its own."""
    return text.strip().rstrip("。；;.")


def _user_name(uow: UnitOfWork, user_id: uuid.UUID | None) -> str:
    user = uow.session.get(UserAccount, user_id) if user_id else None
    return user.display_name if user else ""


def petitioners(uow: UnitOfWork, matter: Matter) -> list[Person]:
    return [live_person(uow.session, mp.person_id) for mp in matter.petitioners]


def contacts_of(uow: UnitOfWork, matter: Matter) -> list[Contact]:
    return list(uow.session.scalars(select(Contact).where(Contact.matter_id == matter.id)
                                    .order_by(Contact.contact_at)))


def _phone(uow: UnitOfWork, person: Person) -> str:
    return uow.session.scalars(select(PersonPhone.phone).where(PersonPhone.person_id == person.id)
                               .order_by(PersonPhone.position)).first() or ""


def _event_data(uow: UnitOfWork, matter: Matter, action: Action) -> dict[str, object]:
    data = uow.session.scalars(select(MatterEvent.data).where(
        MatterEvent.matter_id == matter.id, MatterEvent.action == action.value)
        .order_by(MatterEvent.seq.desc())).first()
    return dict(data or {})


def hides_identity(matter: Matter) -> bool:
    return matter.matter_type == MatterType.ACCUSATION.value or matter.confidential


def base_values(uow: UnitOfWork, matter: Matter, doc: Document) -> dict[str, str]:
    """Placeholders every letter-shaped template may use."""
    office = uow.session.get(Office, uow.office_id)
    assert office is not None
    people = petitioners(uow, matter)
    names = [p.name for p in people]
    first = next(iter(contacts_of(uow, matter)), None)
    assigned = matter.source == MatterSource.ASSIGNED_DOWN.value
    return {
        "office_name": office.name, "office_short_name": office.short_name,
        "parent_name": office.parent_name, "document_number": doc.number or "",
        "issue_date": cn_date(doc.issued_on), "matter_number": matter.number,
        "matter_title": _clause(matter.title), "matter_type": MATTER_TYPE_LABELS[matter.matter_type],
        "subject": subject_path(subject_names(uow.session), matter.subject_code),
        "registered_date": cn_date(matter.registered_on),
        "contact_date": cn_date(first.contact_at.date() if first else matter.registered_on),
        "channel": CHANNEL_LABELS[first.channel] if first else (ASSIGNED_CHANNEL if assigned else "来信"),
        "addressee": "、".join(names) or "信访人", "you": "你们" if len(names) > 1 else "你",
        "petitioner_names": "、".join(names) or ANONYMOUS,
        "petitioner_short": names[0] + (f"等{len(names)}人" if len(names) > 1 else "") if names else "",
        "contact_person": _user_name(uow, doc.issued_by_id),
        "contact_phone": str(uow.setting("office_phone") or ""),
        "decided_date": cn_date(matter.decided_on), "accepted_date": cn_date(matter.accepted_on),
    }


def letter_values(uow: UnitOfWork, kind: DocumentKind, matter: Matter, doc: Document, template: Template,
                  fields: Mapping[str, str]) -> dict[str, str]:
    """All placeholders of a letter-shaped kind: the base ones, the kind's own, then the clerk's."""
    values = base_values(uow, matter, doc)
    values.update(_KIND_VALUES[kind](uow, matter, template, values, fields))
    values.update({k: _clause(v) if k == "reason" else v for k, v in fields.items() if v})
    values = fill_subtexts(template, values, SUBTEXTS.get(kind, ()))
    if kind is DocumentKind.REPLY and not values.get("legal_basis"):
        values["legal_basis_sentence"] = ""
    if kind is DocumentKind.REFERRAL and hides_identity(matter):
        values = _without_identity(uow, matter, values)
    return values


# Placeholders that name the petitioner: a referral of a secret matter gets a neutral word instead,
# whatever an administrator's edited template asks for.
IDENTITY_PLACEHOLDERS = ("addressee", "petitioner_names", "petitioner_short")
REFERRAL_FIELD_LABELS = {"matter_title": "事项摘要", "deadline": "办理期限", "unit": "责任单位"}


def identity_of(uow: UnitOfWork, matter: Matter) -> set[str]:
    """Names, ID numbers and phone numbers of everybody who raised the matter, on any contact."""
    person_ids = {mp.person_id for mp in matter.petitioners} | set(uow.session.scalars(
        select(ContactPerson.person_id).join(Contact, Contact.id == ContactPerson.contact_id)
        .where(Contact.matter_id == matter.id)))
    people = uow.session.execute(select(Person.name, Person.id_number).where(Person.id.in_(person_ids)))
    phones = uow.session.scalars(select(PersonPhone.phone).where(PersonPhone.person_id.in_(person_ids)))
    return {s for row in people for s in row if s} | {p for p in phones if p}


def _without_identity(uow: UnitOfWork, matter: Matter, values: dict[str, str]) -> dict[str, str]:
    """The referral goes to the unit that may be the accused: 《信访工作条例》 forbids passing on the
    accuser's identity, so identity placeholders are neutral and any text still naming them is refused."""
    neutral = values | {key: "信访人" for key in IDENTITY_PLACEHOLDERS}
    identity = identity_of(uow, matter)
    for key, value in neutral.items():
        if any(part in value for part in identity):
            raise ValidationError(
                "referral_identity", f"转送交办单：检举控告类（保密）事项不得写入信访人的姓名、身份证号或电话，"
                f"请修改“{REFERRAL_FIELD_LABELS.get(key, key)}”中的相应文字", field=key)
    return neutral


# Template texts filled first and then used as placeholders (a clerk's own text for one notice wins).
SUBTEXTS: dict[DocumentKind, tuple[str, ...]] = {
    DocumentKind.DECLINE: ("legal_basis", "alternative"),
    DocumentKind.NO_LONGER_ACCEPTED: ("legal_basis", "alternative"),
    DocumentKind.REPLY: ("request", "decision", "legal_basis_sentence"),
}


def _acceptance(uow: UnitOfWork, matter: Matter, t: Template, v: dict[str, str],
                fields: Mapping[str, str]) -> dict[str, str]:
    limit = (f"{SIMPLIFIED_HANDLING_WORKING_DAYS}个工作日" if matter.simplified else f"{HANDLING_DAYS}日")
    return {"handling_limit": limit, "max_extension_days": str(MAX_EXTENSION_DAYS),
            "reply_due": cn_date(handling_due(uow.calendar, dates_of(matter)))}


def _decline(uow: UnitOfWork, matter: Matter, t: Template, v: dict[str, str],
             fields: Mapping[str, str]) -> dict[str, str]:
    return {"reason": _clause(matter.decision_reason) or "该事项不属于本机关受理范围"}


def _legal_channel(uow: UnitOfWork, matter: Matter, t: Template, v: dict[str, str],
                   fields: Mapping[str, str]) -> dict[str, str]:
    channel = matter.legal_channel or "other"
    return {"legal_channel": t["channels"].get(channel, ""), "competent_body": matter.referred_to,
            "where": "", "time_limit": fill(t["time_limits"].get(channel, ""), v, f"time_limits.{channel}")}


def _report_due(uow: UnitOfWork, matter: Matter) -> date:
    """The date the 交办单 asks the unit to report its result by: the due date of the matter's clock
    交办报告期限, as the deadline board shows it. A 转送 owes no report (its wording prints no date) and a
    matter assigned before the program kept that clock has none: for them, 60 days from the decision."""
    report_due = uow.session.scalar(select(MatterDeadline.due_on).where(
        MatterDeadline.matter_id == matter.id, MatterDeadline.clock == Clock.ASSIGNMENT_REPORT.value))
    return report_due or uow.calendar.deadline(matter.decided_on or uow.today(), HANDLING_DAYS)


def _referral_deadline(uow: UnitOfWork, matter: Matter, fields: Mapping[str, str]) -> str:
    """The printed deadline is the clock's: a clerk's text for it is refused unless it says the same."""
    deadline = cn_date(_report_due(uow, matter))
    typed = fields.get("deadline", "").strip()
    if typed and typed != deadline:
        raise ValidationError(
            "referral_deadline", f"{REFERRAL_FIELD_LABELS['deadline']}：印在交办单上的是本事项的交办报告期限"
            f"{deadline}，不能另填“{typed}”（报告期限在交办时确定）", field="deadline")
    return deadline


def _referral(uow: UnitOfWork, matter: Matter, t: Template, v: dict[str, str],
              fields: Mapping[str, str]) -> dict[str, str]:
    assign = matter.decision == Decision.ASSIGN.value
    hidden = hides_identity(matter)
    deadline = _referral_deadline(uow, matter, fields)
    numbers = [c.number for c in contacts_of(uow, matter)]
    values = {"referral_word": "交办" if assign else "转送", "unit": matter.referred_to,
              "petitioner_info": t["confidential_petitioner"] if hidden else v["petitioner_names"],
              "deadline": deadline, "secrecy": t["secrecy"] if hidden else "",
              "attachments": (f"信访材料{len(numbers)}份（登记编号：{'、'.join(numbers)}）" if numbers
                              else "信访材料1份")}
    key = "assign_requirement" if assign else "forward_requirement"
    values["report_requirement"] = fill(t[key], v | values, key)
    return values


def _extension(uow: UnitOfWork, matter: Matter, t: Template, v: dict[str, str],
               fields: Mapping[str, str]) -> dict[str, str]:
    original = handling_due(uow.calendar, dates_of(matter))
    days = matter.extension_days or 0
    new_due = uow.session.scalar(select(MatterDeadline.due_on).where(
        MatterDeadline.matter_id == matter.id, MatterDeadline.clock == Clock.HANDLING.value))
    unit = handling_unit(uow.calendar, matter.simplified)
    if new_due is None and original is not None:
        new_due = uow.calendar.deadline(original, days, unit)
    return {"original_due": cn_date(original), "new_due": cn_date(new_due), "extension_days": str(days),
            "extension_unit": "个工作日" if unit is DayUnit.WORKING else "日",
            "extension_reason": _clause(matter.extension_reason)}


def _reply(uow: UnitOfWork, matter: Matter, t: Template, v: dict[str, str],
           fields: Mapping[str, str]) -> dict[str, str]:
    summary = str(_event_data(uow, matter, Action.REPLY).get("summary", ""))
    office = uow.session.get(Office, uow.office_id)
    review_body = str(uow.setting("review_body") or "") or (office.parent_name if office else "")
    return {"facts": summary, "result_phrase": t["results"].get(matter.reply_result or "", ""),
            "review_days": str(REVIEW_DAYS), "review_body": review_body or "上一级行政机关",
            "legal_basis": ""}


def _none(uow: UnitOfWork, matter: Matter, t: Template, v: dict[str, str],
          fields: Mapping[str, str]) -> dict[str, str]:
    return {}


_KIND_VALUES: dict[DocumentKind, Callable[..., dict[str, str]]] = {
    DocumentKind.ACCEPTANCE: _acceptance, DocumentKind.DECLINE: _decline,
    DocumentKind.NO_LONGER_ACCEPTED: _decline, DocumentKind.LEGAL_CHANNEL: _legal_channel,
    DocumentKind.REFERRAL: _referral, DocumentKind.EXTENSION: _extension, DocumentKind.REPLY: _reply,
}

# Texts a clerk may write for one notice when issuing it (the GUI's "补充内容" fields). The 交办单's
# "deadline" is the matter's clock: given, it must say the same date (see _referral_deadline).
FIELDS: dict[DocumentKind, frozenset[str]] = {
    DocumentKind.ACCEPTANCE: frozenset(),
    DocumentKind.DECLINE: frozenset({"reason", "legal_basis", "alternative"}),
    DocumentKind.NO_LONGER_ACCEPTED: frozenset({"reason", "legal_basis", "alternative"}),
    DocumentKind.LEGAL_CHANNEL: frozenset({"competent_body", "where", "time_limit"}),
    DocumentKind.REFERRAL: frozenset({"deadline", "attachments"}),
    DocumentKind.EXTENSION: frozenset(),
    DocumentKind.REPLY: frozenset({"request", "facts", "decision", "legal_basis"}),
    DocumentKind.REGISTRATION: frozenset(),
    DocumentKind.DELIVERY_RECEIPT: frozenset({"server", "remarks", "address"}),
    DocumentKind.ARCHIVE_COVER: frozenset({"retention"}),
    DocumentKind.CATALOGUE: frozenset({"checked_by"}),
}


# --- forms -----------------------------------------------------------------------------------


def registration_facts(uow: UnitOfWork, matter: Matter, contact: Contact) -> forms.RegistrationFacts:
    office = uow.session.get(Office, uow.office_id)
    assert office is not None
    people = [live_person(uow.session, cp.person_id) for cp in contact.persons]
    persons = tuple(forms.PersonFacts(p.name, GENDER_LABELS.get(p.gender or "", ""), p.id_number or "",
                                      _phone(uow, p), p.address) for p in people) or (forms.PersonFacts(ANONYMOUS),)
    village = uow.session.get(Village, contact.problem_village_id) if contact.problem_village_id else None
    headcount = f"{contact.headcount}人" + (f"（代表{len(people)}人）" if contact.headcount > 1 and people else "")
    return forms.RegistrationFacts(
        office_name=office.name, number=contact.number, time=cn_datetime(contact.contact_at),
        channel=CHANNEL_LABELS[contact.channel], is_visit=contact.channel == "visit", headcount=headcount,
        persons=persons, summary=matter.title, content=contact.content,
        matter_type=MATTER_TYPE_LABELS[matter.matter_type],
        subject=subject_path(subject_names(uow.session), matter.subject_code),
        location=village.name if village else "", earlier=_earlier(uow, contact, [p.id for p in people]),
        clerk=_user_name(uow, contact.receiving_clerk_id), leader=contact.leader_name)


def _earlier(uow: UnitOfWork, contact: Contact, person_ids: list[uuid.UUID]) -> str:
    if not person_ids:
        return ""
    rows = uow.session.scalars(
        select(Contact).join(ContactPerson, ContactPerson.contact_id == Contact.id)
        .where(ContactPerson.person_id.in_(person_ids), Contact.contact_at < contact.contact_at)
        .distinct().order_by(Contact.contact_at.desc()).limit(EARLIER_SHOWN + 1)).all()
    shown = [f"{cn_date(c.contact_at.date())}{CHANNEL_LABELS[c.channel]}（{c.number}）" for c in rows[:EARLIER_SHOWN]]
    return "；".join(shown) + ("等" if len(rows) > EARLIER_SHOWN else "")


def receipt_facts(uow: UnitOfWork, matter: Matter, doc: Document, target: Document,
                  fields: Mapping[str, str]) -> forms.ReceiptFacts:
    office = uow.session.get(Office, uow.office_id)
    assert office is not None
    people = petitioners(uow, matter)
    label = DOCUMENT_LABELS[DocumentKind(target.kind)]
    return forms.ReceiptFacts(
        office_name=office.name, document=f"{label}\n{target.number or ''}".strip(),
        addressee="、".join(p.name for p in people) or ANONYMOUS,
        address=fields.get("address") or next((p.address for p in people if p.address), ""),
        method=target.delivery_method, delivered_on=cn_date(target.delivered_on),
        server=fields.get("server", ""),
        remarks=fields.get("remarks") or target.delivery_note, issue_date=cn_date(doc.issued_on))
