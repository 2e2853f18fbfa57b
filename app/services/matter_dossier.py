"""一案一卷: everything the dossier page shows about one matter, gathered in one read.

Facts, petitioners, contacts, the labelled event history, the stored clocks with countdowns, the
next statutory actions (only legal transitions; each says whether this user may take it now and,
if not, why — in the words of the rule that would refuse it), the case-owning leader, supervision
notes, the satisfaction evaluation and the catalogue (卷内目录) of its registration sheets, notices
and attachments in the order they were made. Values are codes and dates; the UI labels them.
Accusation matters (检举控告类) hide title, content and petitioners from roles that may not read them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select

from app.domain import workflow
from app.domain.deadlines import CLOCK_LABELS, OFFICE_DUTIES, handling_due, rereview_window_estimated
from app.domain.enums import Clock, MatterSource, MatterState, MatterType, Role
from app.domain.permissions import Permission, allows
from app.domain.workflow import ACTION_LABELS, STATE_LABELS, Action
from app.errors import DomainError, IllegalTransition
from app.services import audit
from app.services.attachments import list_attachments
from app.services.case_ownership import OwnedCase, leader_cases
from app.services.context import UnitOfWork
from app.services.dictionaries import subject_names, subject_path
from app.services.documents import documents_of_matter
from app.services.matter_list import urgency_of
from app.services.matter_queries import MASKED, live_clock_condition
from app.services.matters import DECIDING, dates_of, load_matter, office_report_days
from app.services.persons import PersonSummary, summaries
from app.services.village_work import ProxyInfo, proxies_of
from app.settings import SPEC_BY_KEY
from db.models import Contact, ContactPerson, Matter, MatterDeadline, MatterEvent, Person, ResponsibleUnit
from db.models import Supervision, SupervisionReply, UserAccount, Village

# Matter columns shown as facts, in dossier order (the UI labels each).
FACT_KEYS = (
    "source", "assigned_by", "assigned_due_on", "simplified", "confidential", "pending_proceeding",
    "decision", "decided_on", "decision_reason", "legal_channel", "referred_to", "no_notice_reason",
    "accepted_on", "extension_days", "extension_reason", "replied_on", "reply_result",
    "reply_delivered_on", "closed_on", "review_requested_on", "review_decided_on", "review_delivered_on",
    "rereview_requested_on", "rereview_decided_on", "concluded_on", "reopened_on", "resolution",
    "resolved_on", "is_backlog", "backlog_since", "historical", "needs_review",
)


@dataclass(frozen=True)
class ContactInfo:
    id: uuid.UUID
    number: str
    channel: str
    contact_at: datetime
    headcount: int
    is_repeat: bool
    skip_level: str | None
    leader_reception: bool
    leader_name: str
    content: str
    persons: tuple[str, ...]
    clerk: str
    flags: tuple[str, ...]  # anonymous, threat, confidential


@dataclass(frozen=True)
class EventInfo:
    seq: int
    action: Action
    label: str
    from_label: str
    to_label: str
    occurred_on: date
    actor: str
    note: str
    details: tuple[tuple[str, Any], ...]  # (data key, value) with unit and handler ids as names


@dataclass(frozen=True)
class ClockInfo:
    clock: Clock
    label: str
    starts_on: date
    days: int
    unit: str
    due_on: date
    met_on: date | None
    live: bool  # still owed (see matter_queries.live_clock_condition)
    office_duty: bool
    days_left: int | None  # live clocks only; negative when overdue
    urgency: str  # overdue / soon / week / ok / window (petitioner's, live) / met / ended
    note: str = ""  # how the clock was started when a recorded date is still missing


@dataclass(frozen=True)
class ActionOffer:
    action: Action
    label: str
    allowed: bool
    reason: str = ""  # why not, when not allowed


@dataclass(frozen=True)
class SupervisionInfo:
    id: uuid.UUID
    source: str
    supervisor: str
    request: str
    issued_on: date
    due_on: date | None
    replied_on: date | None
    reply: str


@dataclass(frozen=True)
class Evaluation:
    satisfaction: str | None
    evaluated_on: date | None
    method: str
    asked_by: str


@dataclass(frozen=True)
class CatalogueItem:
    position: int
    kind: str  # registration | document | attachment
    code: str  # channel / document kind / MIME type
    title: str  # contact number / 文号 / file name
    on: date
    detail: tuple[tuple[str, Any], ...]
    ref_id: uuid.UUID


@dataclass(frozen=True)
class MatterDossier:
    id: uuid.UUID
    number: str
    title: str
    matter_type: MatterType
    subject_code: str | None
    subject: str
    state: MatterState
    state_label: str
    source: MatterSource
    registered_on: date
    village: str
    responsible_unit: str
    handler: str
    case_leader: str
    facts: tuple[tuple[str, Any], ...]  # (Matter column, value) for FACT_KEYS that hold a value
    masked: bool
    petitioners: tuple[PersonSummary, ...]
    contacts: tuple[ContactInfo, ...]
    events: tuple[EventInfo, ...]
    clocks: tuple[ClockInfo, ...]
    actions: tuple[ActionOffer, ...]
    supervisions: tuple[SupervisionInfo, ...]
    evaluation: Evaluation | None
    catalogue: tuple[CatalogueItem, ...]
    today: date
    case: OwnedCase | None = None  # 领导包案 with its four fixes and progress
    proxies: tuple[ProxyInfo, ...] = ()  # 信访代办


@dataclass(frozen=True)
class StepChoices:
    """What the step dialogs offer to pick: responsible units and the users who handle matters, and
    the office's 交办报告期限 the 交办 dialog starts from."""

    units: tuple[tuple[uuid.UUID, str], ...]
    handlers: tuple[tuple[uuid.UUID, str], ...]
    report_days: int = int(SPEC_BY_KEY["assignment_report_days"].default)  # until the office's is read


def step_choices(uow: UnitOfWork) -> StepChoices:
    uow.actor.require(Permission.READ)
    units = tuple((i, n) for i, n in uow.session.execute(select(ResponsibleUnit.id, ResponsibleUnit.name).where(
        ResponsibleUnit.office_id == uow.office_id, ResponsibleUnit.active).order_by(ResponsibleUnit.name)))
    users = uow.session.execute(select(UserAccount.id, UserAccount.display_name, UserAccount.role).where(
        UserAccount.office_id == uow.office_id, UserAccount.active, ~UserAccount.is_system)
        .order_by(UserAccount.display_name)).all()
    handlers = tuple((i, n) for i, n, role in users if allows(Role(role), Permission.HANDLE_MATTER))
    return StepChoices(units, handlers, office_report_days(uow))


def load_dossier(uow: UnitOfWork, matter_id: uuid.UUID, attachments_dir: Path) -> MatterDossier:
    uow.actor.require(Permission.READ)
    matter = load_matter(uow, matter_id)
    masked = matter.matter_type == MatterType.ACCUSATION.value and not uow.actor.may(
        Permission.READ_ACCUSATION)
    audit.record_access(uow, "open", "matter", matter.id, masked=masked)
    users = _user_names(uow)
    state = MatterState(matter.state)
    contacts = _contacts(uow, matter, users, masked)
    events = _events(uow, matter, users)
    return MatterDossier(
        id=matter.id, number=matter.number, title=MASKED if masked else matter.title,
        matter_type=MatterType(matter.matter_type), subject_code=matter.subject_code,
        subject=subject_path(subject_names(uow.session), matter.subject_code), state=state,
        state_label=STATE_LABELS[state], source=MatterSource(matter.source),
        registered_on=matter.registered_on, village=_name(uow, Village, matter.problem_village_id),
        responsible_unit=_name(uow, ResponsibleUnit, matter.responsible_unit_id),
        handler=users.get(matter.handler_id, "") if matter.handler_id else "",
        case_leader=matter.case_leader, facts=_facts(matter, masked), masked=masked,
        petitioners=() if masked else tuple(summaries(
            uow.session, [p.person_id for p in matter.petitioners])),
        contacts=contacts, events=events, clocks=_clocks(uow, matter), actions=offers(uow, matter),
        supervisions=_supervisions(uow, matter), evaluation=_evaluation(matter, events),
        catalogue=_catalogue(uow, matter, contacts, attachments_dir), today=uow.today(),
        case=next(iter(leader_cases(uow, include_settled=True, matter_id=matter.id)), None),
        proxies=proxies_of(uow, matter.id),
    )


def _facts(matter: Matter, masked: bool) -> tuple[tuple[str, Any], ...]:
    hidden = {"decision_reason", "extension_reason"} if masked else set()
    facts = []
    for key in FACT_KEYS:
        value = getattr(matter, key)
        if key in hidden or value in (None, "", False) or (key == "source" and value == "contact") or (
                key == "resolution" and value == "unresolved"):
            continue
        facts.append((key, value))
    return tuple(facts)


def _user_names(uow: UnitOfWork) -> dict[uuid.UUID, str]:
    return {i: n for i, n in uow.session.execute(
        select(UserAccount.id, UserAccount.display_name).where(UserAccount.office_id == uow.office_id))}


def _name(uow: UnitOfWork, model: type[Village] | type[ResponsibleUnit], row_id: uuid.UUID | None) -> str:
    if row_id is None:
        return ""
    row = uow.session.get(model, row_id)
    return row.name if row is not None else ""


def _contacts(uow: UnitOfWork, matter: Matter, users: dict[uuid.UUID, str],
              masked: bool) -> tuple[ContactInfo, ...]:
    contacts = list(uow.session.scalars(select(Contact).where(Contact.matter_id == matter.id)
                                        .order_by(Contact.contact_at, Contact.number)))
    names: dict[uuid.UUID, list[str]] = {}
    for contact_id, name in uow.session.execute(
            select(ContactPerson.contact_id, Person.name).join(Person, Person.id == ContactPerson.person_id)
            .where(ContactPerson.contact_id.in_([c.id for c in contacts])).order_by(ContactPerson.position)):
        names.setdefault(contact_id, []).append(name)
    return tuple(ContactInfo(
        id=c.id, number=c.number, channel=c.channel, contact_at=c.contact_at, headcount=c.headcount,
        is_repeat=c.is_repeat, skip_level=c.skip_level, leader_reception=c.leader_reception,
        leader_name=c.leader_name, content=MASKED if masked else c.content,
        persons=(MASKED,) if masked and names.get(c.id) else tuple(names.get(c.id, [])),
        clerk=users.get(c.receiving_clerk_id, ""),
        flags=tuple(f for f in ("anonymous", "threat", "confidential") if getattr(c, f)),
    ) for c in contacts)


def _events(uow: UnitOfWork, matter: Matter, users: dict[uuid.UUID, str]) -> tuple[EventInfo, ...]:
    rows = uow.session.scalars(select(MatterEvent).where(MatterEvent.matter_id == matter.id)
                               .order_by(MatterEvent.seq))
    events = []
    for e in rows:
        action = Action(e.action)
        events.append(EventInfo(
            seq=e.seq, action=action, label=ACTION_LABELS[action],
            from_label=STATE_LABELS[MatterState(e.from_state)] if e.from_state else "",
            to_label=STATE_LABELS[MatterState(e.to_state)], occurred_on=e.occurred_on,
            actor=users.get(e.actor_id, ""), note=e.note, details=_details(uow, e.data or {}, users)))
    return tuple(events)


def _details(uow: UnitOfWork, data: dict[str, Any], users: dict[uuid.UUID, str]) -> tuple[tuple[str, Any], ...]:
    details = []
    for key, value in data.items():
        if key == "document_id" or value in (None, ""):
            continue
        if key == "responsible_unit_id":
            value = _name(uow, ResponsibleUnit, uuid.UUID(str(value)))
        elif key == "handler_id":
            value = users.get(uuid.UUID(str(value)), "")
        details.append((key, value))
    return tuple(details)


REREVIEW_ESTIMATED_NOTE = ("信访人收到复查意见的日期尚未登记，暂按复查决定日期起算；"
                           "请“登记复查意见送达”，期限将自收到之日起算")


def _clocks(uow: UnitOfWork, matter: Matter) -> tuple[ClockInfo, ...]:
    today = uow.today()
    # Liveness as a column (see matter_queries.live_clocks): found through the matter's own index.
    rows = uow.session.execute(
        select(MatterDeadline, live_clock_condition().label("live")).join(Matter, Matter.id == MatterDeadline.matter_id)
        .where(MatterDeadline.matter_id == matter.id)).all()
    order = list(Clock)
    estimated = rereview_window_estimated(dates_of(matter))
    clocks = []
    for d, live in sorted(rows, key=lambda r: order.index(Clock(r[0].clock))):
        clock, live = Clock(d.clock), bool(live)
        days_left = (d.due_on - today).days if live else None
        if not live:
            urgency = "met" if d.met_on else "ended"
        elif clock not in OFFICE_DUTIES:
            urgency = "window"
        else:
            urgency = urgency_of(days_left) or "ok"
        note = REREVIEW_ESTIMATED_NOTE if clock is Clock.REREVIEW_REQUEST and estimated else ""
        clocks.append(ClockInfo(clock, CLOCK_LABELS[clock], d.starts_on, d.days, d.unit, d.due_on,
                                d.met_on, live, clock in OFFICE_DUTIES, days_left, urgency, note))
    return tuple(clocks)


def offers(uow: UnitOfWork, matter: Matter) -> tuple[ActionOffer, ...]:
    """The legal next actions, each with whether this user may take it today (and why not)."""
    state, source = MatterState(matter.state), MatterSource(matter.source)
    result = []
    for action in workflow.legal_actions(state, source):
        try:
            uow.actor.require(Permission.DECIDE_MATTER if action in DECIDING else Permission.HANDLE_MATTER)
            _precheck(uow, matter, action)
        except DomainError as refusal:
            result.append(ActionOffer(action, ACTION_LABELS[action], False, refusal.message))
        else:
            result.append(ActionOffer(action, ACTION_LABELS[action], True))
    return tuple(result)


def _precheck(uow: UnitOfWork, matter: Matter, action: Action) -> None:
    """The recorded-facts rules of matters.perform that can be known before the clerk types anything."""
    today = uow.today()
    if action is Action.EXTEND:
        due = handling_due(uow.calendar, dates_of(matter))
        if due is not None:
            workflow.check_extension(1, matter.extension_days is not None, today, due)
    elif action in (Action.EVALUATE, Action.CLOSE):
        workflow.require_reply_delivered(matter.reply_delivered_on)
        if action is Action.EVALUATE and matter.reply_delivered_on is not None:
            workflow.check_evaluation(matter.satisfaction is not None, matter.reply_delivered_on,
                                      int(uow.setting("evaluation_window_days")), today)
    elif action is Action.REQUEST_REVIEW:
        workflow.require_reply_delivered(matter.reply_delivered_on, "登记复查申请")
    elif action is Action.DELIVER_REPLY and matter.reply_delivered_on is not None:
        raise IllegalTransition("delivered_twice", f"送达：答复意见已于 {matter.reply_delivered_on.isoformat()} 送达",
                                field="reply_delivered_on")
    elif action is Action.CONCLUDE:
        if matter.review_decided_on is not None:
            workflow.require_review_delivered(matter.review_delivered_on)
        window = Clock.REREVIEW_REQUEST if matter.review_decided_on else Clock.REVIEW_REQUEST
        due = uow.session.scalar(select(MatterDeadline.due_on).where(
            MatterDeadline.matter_id == matter.id, MatterDeadline.clock == window.value))
        workflow.check_window_passed(due, today)


def _supervisions(uow: UnitOfWork, matter: Matter) -> tuple[SupervisionInfo, ...]:
    """The notes on the matter, each with the answer of the matter's own office (if given)."""
    rows = uow.session.execute(
        select(Supervision, SupervisionReply.replied_on, SupervisionReply.reply)
        .outerjoin(SupervisionReply, and_(SupervisionReply.supervision_id == Supervision.id,
                                          SupervisionReply.office_id == matter.office_id))
        .where(Supervision.matter_id == matter.id).order_by(Supervision.issued_on, Supervision.created_at))
    return tuple(SupervisionInfo(s.id, s.source, s.supervisor, s.request, s.issued_on, s.due_on,
                                 replied_on, reply or "") for s, replied_on, reply in rows)


def _evaluation(matter: Matter, events: tuple[EventInfo, ...]) -> Evaluation | None:
    asked = [e for e in events if e.action is Action.EVALUATE]
    if matter.satisfaction is None and not asked:
        return None
    last = asked[-1] if asked else None
    method = str(dict(last.details).get("method", "")) if last else ""
    return Evaluation(matter.satisfaction, matter.evaluated_on, method, last.actor if last else "")


def _local_day(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone().date()


def _catalogue(uow: UnitOfWork, matter: Matter, contacts: tuple[ContactInfo, ...],
               attachments_dir: Path) -> tuple[CatalogueItem, ...]:
    """卷内目录: registration sheets, notices and attachments, in the order they were made."""
    items: list[tuple[date, int, Any, CatalogueItem]] = []  # (day, kind order, order within kind, item)
    for c in contacts:
        items.append((c.contact_at.date(), 0, c.contact_at, CatalogueItem(
            0, "registration", c.channel, c.number, c.contact_at.date(), (("clerk", c.clerk),), c.id)))
    docs = documents_of_matter(uow, matter.id)
    for i, d in enumerate(docs):
        detail = (("delivery_method", d.delivery_method.value if d.delivery_method else None),
                  ("delivered_on", d.delivered_on), ("receiver", d.delivery_receiver))
        items.append((d.issued_on, 1, i, CatalogueItem(
            0, "document", d.kind.value, d.number or "", d.issued_on,
            tuple((k, v) for k, v in detail if v), d.id)))
    owners = ([("matter", matter.id)] + [("contact", c.id) for c in contacts]
              + [("document", d.id) for d in docs])
    for a in list_attachments(uow, attachments_dir, owners):
        day = _local_day(a.added_at)
        items.append((day, 2, a.added_at.replace(tzinfo=None), CatalogueItem(
            0, "attachment", a.mime, a.name, day, (("size", a.size), ("present", a.present)), a.id)))
    items.sort(key=lambda t: (t[0], t[1], t[2]))
    return tuple(replace(item, position=n) for n, (_d, _k, _t, item) in enumerate(items, 1))
