"""What the registration desk (来访登记) needs besides register_contact: its pick lists, a check of
a new person before it is registered, and the state of a matter with its next statutory steps.

The earlier matters of the chosen persons and the "looks like a repeat" score live in
``app.services.repeat_check``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.domain.enums import MatterSource, MatterState, Role
from app.domain.names import name_initials
from app.domain.permissions import Permission, allows
from app.domain.workflow import DECISION_ACTIONS, Action, legal_actions
from app.errors import Conflict
from app.services import matter_steps as st, persons
from app.services.context import UnitOfWork
from app.services.documents import DocumentInfo, documents_of_matter
from app.services.leader_receptions import receiving_leader_today
from app.services.matter_queries import OpenClock, rows_for
from app.services.matter_dossier import StepChoices
from app.services.matters import load_matter, office_report_days, perform
from app.services.person_search import PersonHit, open_matter_numbers
from db.models import Contact, ResponsibleUnit, Subject, UserAccount, Village

LEADER_NAMES_LIMIT = 30


@dataclass(frozen=True)
class VillageItem:
    id: uuid.UUID
    name: str
    initials: str


@dataclass(frozen=True)
class SubjectItem:
    code: str
    name: str
    parent_code: str | None
    path: str  # "城乡建设/征地拆迁"; a first-level subject is its own name
    initials: str  # pinyin initials of the path's names, for typing "zdcq"


@dataclass(frozen=True)
class DeskLists:
    now: datetime  # the office's clock, so a new form starts at "now" as the services see it
    villages: tuple[VillageItem, ...]
    subjects: tuple[SubjectItem, ...]
    units: tuple[tuple[uuid.UUID, str], ...]  # responsible units (责任单位) for forward / assign
    leaders: tuple[str, ...]  # leaders' names for leader reception (领导接访)
    may_register: bool
    may_decide: bool
    report_days: int  # the office's 交办报告期限, the 交办 dialog's starting value
    receiving_leader: str = ""  # today's published receiving leader (三定一公开), pre-selected on the form

    @property
    def step_choices(self) -> StepChoices:
        return StepChoices(self.units, (), self.report_days)


def desk_lists(uow: UnitOfWork) -> DeskLists:
    uow.actor.require(Permission.READ)
    session = uow.session
    villages = tuple(
        VillageItem(vid, name, name_initials(name)) for vid, name in session.execute(
            select(Village.id, Village.name)
            .where(Village.office_id == uow.office_id, Village.active).order_by(Village.name)))
    units = tuple((uid, name) for uid, name in session.execute(
        select(ResponsibleUnit.id, ResponsibleUnit.name)
        .where(ResponsibleUnit.office_id == uow.office_id, ResponsibleUnit.active)
        .order_by(ResponsibleUnit.name)))
    role = uow.actor.role
    return DeskLists(
        now=uow.now(), villages=villages, subjects=_subjects(uow), units=units,
        leaders=_leader_names(uow),
        may_register=allows(role, Permission.REGISTER_CONTACT),
        may_decide=allows(role, Permission.DECIDE_MATTER) and allows(role, Permission.ISSUE_DOCUMENT),
        report_days=office_report_days(uow),
        receiving_leader=slot.leader if (slot := receiving_leader_today(uow)) else "",
    )


def _subjects(uow: UnitOfWork) -> tuple[SubjectItem, ...]:
    rows = list(uow.session.execute(
        select(Subject.code, Subject.name, Subject.parent_code)
        .where(Subject.active).order_by(Subject.sort_order, Subject.code)))
    names = {code: name for code, name, _parent in rows}
    items = []
    for code, name, parent in rows:
        parent_name = names.get(parent) if parent else None
        path = f"{parent_name}/{name}" if parent_name else name
        initials = " ".join(name_initials(n) for n in (name, parent_name) if n)
        items.append(SubjectItem(code, name, parent, path, initials))
    return tuple(items)


def _leader_names(uow: UnitOfWork) -> tuple[str, ...]:
    """Leader accounts first, then names clerks typed for earlier leader receptions."""
    accounts = list(uow.session.scalars(
        select(UserAccount.display_name)
        .where(UserAccount.office_id == uow.office_id, UserAccount.role == Role.LEADER.value,
               UserAccount.active).order_by(UserAccount.display_name)))
    typed = uow.session.scalars(
        select(Contact.leader_name)
        .where(Contact.office_id == uow.office_id, Contact.leader_reception, Contact.leader_name != "")
        .group_by(Contact.leader_name).order_by(Contact.leader_name).limit(LEADER_NAMES_LIMIT))
    return tuple(dict.fromkeys([*accounts, *typed]))


# --- persons ----------------------------------------------------------------------------------


def person_hits(uow: UnitOfWork, ids: list[uuid.UUID]) -> list[PersonHit]:
    """PersonHit rows (age, village, open matters) for known archives, in the order given."""
    uow.actor.require(Permission.READ)
    found = persons.summaries(uow.session, ids)
    matters = open_matter_numbers(uow.session, ids)
    today = uow.today()
    return [PersonHit(p, p.age(today), tuple(matters.get(p.id, []))) for p in found]


@dataclass(frozen=True)
class NewPersonCheck:
    data: persons.PersonInput
    existing: PersonHit | None  # the archive that already has this ID number


def check_new_person(uow: UnitOfWork, data: persons.PersonInput) -> NewPersonCheck:
    """Run create_person's own checks without writing; name the archive holding the ID number.

    The person is created with the contact (one transaction), so an abandoned form leaves no
    archive behind; create_person refuses a duplicate again at that moment.
    """
    uow.actor.require(Permission.EDIT_PERSON)
    values = persons._clean(uow, data)  # noqa: SLF001 - the very checks create_person runs
    persons._clean_phones(data.phones)  # noqa: SLF001
    try:
        persons._ensure_unique_id(uow.session, uow.office_id, values.get("id_number"))  # noqa: SLF001
    except Conflict as clash:
        existing = person_hits(uow, [uuid.UUID(clash.params["person_id"])])
        return NewPersonCheck(data, existing[0] if existing else None)
    return NewPersonCheck(data, None)


# --- the matter after registration: its state and next statutory steps -----------------------


@dataclass(frozen=True)
class MatterBrief:
    id: uuid.UUID
    number: str
    title: str
    subject: str
    state: MatterState
    state_label: str
    registered_on: date
    next_steps: tuple[Action, ...]  # legal decision steps (accept / decline / route / forward / assign)
    open_clocks: tuple[OpenClock, ...]
    documents: tuple[DocumentInfo, ...]  # notices issued so far, oldest first


def matter_brief(uow: UnitOfWork, matter_id: uuid.UUID) -> MatterBrief:
    uow.actor.require(Permission.READ)
    matter = load_matter(uow, matter_id)
    row = rows_for(uow, [matter])[0]
    steps = tuple(a for a in legal_actions(row.state, MatterSource(matter.source))
                  if a in DECISION_ACTIONS)
    docs = tuple(documents_of_matter(uow, matter_id))
    return MatterBrief(matter.id, matter.number, row.title, row.subject, row.state, row.state_label,
                       matter.registered_on, steps, row.open_clocks, docs)


def perform_step(uow: UnitOfWork, matter_id: uuid.UUID, step: st.Step) -> MatterBrief:
    """Carry out one statutory step (matters.perform) and return the matter as it now stands."""
    perform(uow, matter_id, step)
    uow.session.flush()
    return matter_brief(uow, matter_id)
