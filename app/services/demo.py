"""Deterministic, realistic demo data for ``xinfang demo``, the first-run wizard, tests and screenshots.

``load_demo`` first *plans* three years of work up to the workspace's "today" — villages, staff,
petitioners, contacts and every matter's road with its dates — from ``random.Random(seed)`` alone,
then *carries the plan out through the services* (register_contact, open_matter, perform), in
chronological order, a few hundred contacts per unit of work. The services decide first vs repeat,
number everything and enforce the statutory road, so the demo cannot contain what a clerk could not
have typed. Same seed and same today give the same data (row UUIDs aside). The planning of visits
and roads is shared with bench/generate.py (app/services/demo_plan.py); leaders' work follows the
contacts and matters (app/services/demo_leader.py).
"""

from __future__ import annotations

import heapq
import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from app.domain.calendar import WorkCalendar
from app.domain.deadlines import OFFICE_DUTIES
from app.domain.enums import Channel, MatterSource, MatterState, MatterType, Role, Satisfaction, SkipLevel
from app.domain.identity import Gender
from app.domain.permissions import Permission
from app.errors import Conflict
from app.domain.workflow import Action
from app.services import audit, demo_content as tx, demo_names as nm, matter_steps as st, matters, persons
from app.services import demo_plan as plan
from app.services.demo_plan import DECIDE, HANDLE, Road, Step
from app.services.contacts import NewContact, register_contact
from app.services.demo_leader import load_leader_work
from app.services.context import Actor, UnitOfWork
from app.services.matters import NewMatter, open_matter
from app.services.passwords import hash_password
from app.services.persons import PersonInput
from app.services.workspace import Workspace
from db.ids import new_id
from db.models import (CaseOwnership, Contact, KeyPerson, LeaderReception, Matter, MatterDeadline, Office, Person,
                       ResponsibleUnit, ScreenedConflict, UserAccount, Village)

BATCH_CONTACTS = 200
YEARS = 3
ONE_DAY = timedelta(days=1)
# What each planned step's params are (app/services/demo_plan.Road), as the step's fields.
STEP_FIELDS: dict[Action, tuple[type[st.Step], tuple[str, ...]]] = {
    Action.ACCEPT: (st.Accept, ("simplified",)), Action.DECLINE: (st.Decline, ("reason",)),
    Action.ROUTE_LEGAL: (st.RouteLegal, ("channel", "body")), Action.FORWARD: (st.Forward, ("to",)),
    Action.ASSIGN: (st.Assign, ("to",)), Action.RECEIVE_REPORT: (st.ReceiveReport, ("summary",)),
    Action.OBJECT: (st.Object, ("reason",)), Action.DISPATCH: (st.Dispatch, ("responsible_unit_id", "handler_id")),
    Action.EXTEND: (st.Extend, ("days", "reason")), Action.REPLY: (st.Reply, ("result", "summary")),
    Action.DELIVER_REPLY: (st.DeliverReply, ("method", "receiver")),
    Action.EVALUATE: (st.Evaluate, ("satisfaction", "method")), Action.CLOSE: (st.Close, ()),
    Action.REQUEST_REVIEW: (st.RequestReview, ("body",)), Action.DECIDE_REVIEW: (st.DecideReview, ("outcome",)),
    Action.DELIVER_REVIEW: (st.DeliverReview, ()), Action.REQUEST_REREVIEW: (st.RequestRereview, ("body",)),
    Action.DECIDE_REREVIEW: (st.DecideRereview, ("outcome", "hearing_days")), Action.CONCLUDE: (st.Conclude, ()),
    Action.REOPEN: (st.Reopen, ("new_facts",)),
}


def to_step(on: date, action: Action, params: tuple[Any, ...]) -> st.Step:
    step, names = STEP_FIELDS[action]
    return step(on=on, **dict(zip(names, params, strict=True)))  # type: ignore[arg-type]


@dataclass(frozen=True)
class DemoSummary:
    """What the database holds after loading (whole-office counts)."""

    villages: int
    users: int
    persons: int
    contacts: int
    matters: int
    matters_by_state: dict[MatterState, int]
    collective: int
    skip_level: int
    repeat: int
    overdue: int  # matters with an office clock past due and not met
    due_within_3: int
    due_within_7: int
    leader_receptions: int
    assigned_down: int
    cancelled: bool = False
    reception_records: int = 0  # 领导接访 / 下访 / 约访 held
    case_ownerships: int = 0
    screened_conflicts: int = 0  # items found (carried copies not counted again)
    key_persons: int = 0


# --- the plan --------------------------------------------------------------------------------------

@dataclass(eq=False)
class _Person:
    data: PersonInput
    village: int
    created: date
    subjects: set[str] = field(default_factory=set)
    reusable: bool = True
    uid: uuid.UUID | None = None


@dataclass(eq=False)
class _Matter:
    n: int
    spec: tx.SubjectSpec
    mtype: MatterType
    village: int
    petitioners: list[_Person]
    registered: date
    topic: str
    slots: dict[str, str]
    clerk: int
    handler: int
    collective: bool = False
    anonymous: bool = False
    core: bool = False
    simplified: bool = False
    source: MatterSource = MatterSource.CONTACT
    assigned_due: date | None = None
    steps: list[Step] = field(default_factory=list)
    showcase: str = ""
    uid: uuid.UUID | None = None


@dataclass(eq=False)
class _Contact:
    at: datetime
    matter: _Matter
    channel: Channel
    persons: tuple[_Person, ...]
    headcount: int
    repeat: bool
    content: str
    clerk: int
    skip: SkipLevel | None = None
    leader: str = ""
    threat: bool = False


@dataclass
class _Setting:
    office_id: uuid.UUID
    township: str
    county: str
    county_code: str
    office_code: str
    villages: list[tuple[uuid.UUID, str, bool]]  # id, name, to create
    units: dict[str, uuid.UUID]
    new_users: list[tuple[uuid.UUID, nm.DemoUser]]
    receptionists: list[Actor]
    handlers: list[Actor]
    leaders: tuple[str, ...]
    calendar: WorkCalendar
    now: datetime


class _Planner:
    def __init__(self, rng: random.Random, cfg: _Setting, contacts: int) -> None:
        self.rng, self.cfg, self.n = rng, cfg, contacts
        self.today = cfg.now.date()
        self.cal = cfg.calendar
        self.matters: list[_Matter] = []
        self.contacts: list[_Contact] = []
        self.people: list[_Person] = []
        self.id_numbers: set[str] = set()
        self.surnames = tuple(s for s, _ in nm.SURNAMES[:40])
        self.village_weights = [rng.uniform(0.4, 2.0) for _ in cfg.villages]
        self.office = plan.Office(cfg.county, cfg.township, [name for _, name, _ in cfg.villages], cfg.units,
                                  [h.user_id for h in cfg.handlers])

    # -- people ----------------------------------------------------------------------------------
    def person(self, village: int, on: date, spec: tx.SubjectSpec, *, core: bool = False) -> _Person:
        rng = self.rng
        featured = len(self.people) < len(nm.FEATURED_NAMES)
        if featured:
            name, gender, ethnicity = nm.FEATURED_NAMES[len(self.people)]
        else:
            drawn = nm.person_name(rng)
            name, gender, ethnicity = drawn.name, drawn.gender, drawn.ethnicity
        born = nm.birth_date(rng, self.today)
        age = (self.today - born).days // 365
        id_number = self._id_number(born, gender, rng.random())
        tags, officer = plan.person_tags(rng, core=core, subject=spec.code, gender=gender, age=age)
        vname = self.cfg.villages[village][1]
        data = PersonInput(
            name=name, id_number=id_number, gender=gender, phones=nm.phones(rng, age),
            address=nm.address(rng, vname), village_id=self.cfg.villages[village][0],
            ethnicity=ethnicity, tags=tuple(tags), follow_up_officer=officer,
            notes="长期上访，需重点关注。" if core else "",
        )
        p = _Person(data, village, on)
        self.people.append(p)
        return p

    def _id_number(self, born: date, gender: Gender, roll: float) -> str:
        if roll >= 0.86:
            return ""  # not known yet (letters, calls, elderly people without their card)
        for _ in range(20):
            if roll >= 0.8 and born.year < 1976:
                shown, full = nm.id_number_15(self.cfg.county_code, born, gender, self.rng)
            else:
                shown = full = nm.id_number_18(self.cfg.county_code, born, gender, self.rng)
            if full not in self.id_numbers:
                self.id_numbers.add(full)
                return shown
        return ""

    def reuse(self, on: date, subject: str, village: int | None = None) -> _Person | None:
        """An earlier petitioner who has not yet raised this subject (so a new matter follows)."""
        for _ in range(6):
            if not self.people:
                return None
            p = self.rng.choice(self.people)
            if p.reusable and p.created < on and subject not in p.subjects and (
                    village is None or p.village == village or self.rng.random() < 0.3):
                return p
        return None

    # -- contacts and matters --------------------------------------------------------------------
    def days(self) -> list[date]:
        start = self.today - timedelta(days=365 * YEARS)
        last = self.today if self.cfg.now.time() >= time(9, 0) else self.today - ONE_DAY
        return [start + timedelta(days=i) for i in range(1, (last - start).days + 1)]

    def plan_contacts(self) -> None:
        rng, days = self.rng, self.days()
        weights = [plan.day_weight(d, i / len(days), self.cal.is_working_day(d)) for i, d in enumerate(days)]
        picked = sorted(rng.choices(range(len(days)), weights, k=self.n))
        early = int(self.n * 0.55)  # long-term petitioners started in the first half
        core_at = set(rng.sample(range(early), min(early, max(4, self.n // 160))))
        wishes: list[tuple[date, int, int]] = []
        for pos, day_index in enumerate(picked):
            day = days[day_index]
            if pos not in core_at and wishes and wishes[0][0] <= day:
                _, _, mn = heapq.heappop(wishes)
                matter = self.matters[mn]
                if matter.registered < day:
                    self.contacts.append(self.repeat_contact(matter, day))
                    continue
            matter = self.new_matter(day, core=pos in core_at)
            for wish in self.wish_dates(matter):
                heapq.heappush(wishes, (wish, len(self.matters) * 100 + len(wishes), matter.n))
        self.contacts.sort(key=lambda c: c.at)

    def wish_dates(self, m: _Matter) -> list[date]:
        rng = self.rng
        if m.anonymous:
            return []
        if m.core:
            count = rng.randint(8, 22)
            gap = max(7, (self.today - m.registered).days // count)
            dates, at = [], m.registered
            for _ in range(count):
                at += timedelta(days=max(1, int(gap * rng.uniform(0.4, 1.6))))
                dates.append(at)
            return dates
        count = rng.choices((0, 1, 2, 3, 4), (50, 28, 12, 6, 4) if m.collective else (78, 13, 5, 2, 2))[0]
        dates, at = [], m.registered
        for _ in range(count):
            at += timedelta(days=3 + int(rng.expovariate(1 / 30)))
            dates.append(at)
        return dates

    def pick_subject(self, day: date, core: bool) -> tx.SubjectSpec:
        specs = [s for s in tx.SUBJECTS if s.long_term] if core else list(tx.SUBJECTS)
        weights = [s.weight * (2.5 if day.month in s.season else 1.0) for s in specs]
        return self.rng.choices(specs, weights)[0]

    def new_matter(self, day: date, *, core: bool = False) -> _Matter:
        rng, cfg = self.rng, self.cfg
        spec = self.pick_subject(day, core)
        mtype = rng.choices([t for t, _ in spec.types], [w for _, w in spec.types])[0]
        working = self.cal.is_working_day(day)
        channel = plan.first_channel(rng, core, working)
        collective = channel is Channel.VISIT and not core and rng.random() < spec.collective
        anonymous = (not core and not collective and channel in (Channel.LETTER, Channel.ONLINE)
                     and rng.random() < (0.25 if mtype is MatterType.ACCUSATION else 0.02))
        village = rng.choices(range(len(cfg.villages)), self.village_weights)[0]
        petitioners: list[_Person] = []
        if collective:
            for _ in range(rng.randint(2, 5)):
                old = self.reuse(day, spec.code, village) if rng.random() < 0.15 else None
                if old is None or old in petitioners:
                    old = self.person(village, day, spec)
                petitioners.append(old)
        elif not anonymous:
            old = None if core else self.reuse(day, spec.code) if rng.random() < 0.22 else None
            petitioners.append(old or self.person(village, day, spec, core=core))
        if petitioners and petitioners[0].village != village and rng.random() < 0.8:
            village = petitioners[0].village  # most people petition about their own village
        for p in petitioners:
            p.subjects.add(spec.code)
        problem_village = village if rng.random() < 0.9 else rng.randrange(len(cfg.villages))
        other = cfg.villages[(problem_village + 1) % len(cfg.villages)][1]
        topic_t, content_t = rng.choice(spec.templates)
        slots = tx.draw_slots(rng, village=cfg.villages[problem_village][1], other_village=other,
                              on=day, township=cfg.township, county=cfg.county, surnames=self.surnames)
        m = _Matter(
            n=len(self.matters), spec=spec, mtype=mtype, village=problem_village,
            petitioners=petitioners, registered=day, topic=tx.fill(topic_t, slots), slots=slots,
            clerk=rng.randrange(len(cfg.receptionists)), handler=rng.randrange(len(cfg.handlers)),
            collective=collective, anonymous=anonymous, core=core,
            simplified=(mtype is MatterType.CLAIM and not core and not collective and rng.random() < 0.08),
        )
        self.matters.append(m)
        content = tx.compose_content(rng, content_t, mtype, slots)
        skip = None
        if channel is Channel.VISIT and not collective and rng.random() < 0.006:
            skip = plan.pick(rng, tx.SKIP_WEIGHTS)
            content = plan.skip_content(cfg.county, day, skip, m.topic) + content
        self.contacts.append(self.contact(m, day, channel, tuple(petitioners), content, False, skip))
        return m

    def repeat_contact(self, m: _Matter, day: date) -> _Contact:
        visit = plan.repeat_visit(self.rng, core=m.core, working=self.cal.is_working_day(day),
                                  petitioners=m.petitioners, topic=m.topic, slots=m.slots, county=self.cfg.county,
                                  day=day)
        return self.contact(m, day, visit.channel, visit.representatives, visit.content, True, visit.skip, visit.threat)

    def contact(self, m: _Matter, day: date, channel: Channel, reps: tuple[_Person, ...], content: str,
                repeat: bool, skip: SkipLevel | None, threat: bool = False) -> _Contact:
        rng = self.rng
        headcount = plan.headcount(rng, channel, m.collective, len(reps))
        leader = plan.receiving_leader(rng, channel, skip, day, self.cfg.leaders)
        clerk = m.clerk if not repeat else rng.randrange(len(self.cfg.receptionists))
        return _Contact(self.time_of(day, channel), m, channel, reps, headcount, repeat, content, clerk,
                        skip, leader, threat)

    def time_of(self, day: date, channel: Channel) -> datetime:
        rng = self.rng
        at = datetime.combine(day, time()) + timedelta(minutes=plan.minute_of_day(rng, channel))
        if day == self.today:
            cap = self.cfg.now - timedelta(minutes=1)
            if at > cap:
                at = cap - timedelta(minutes=rng.randint(0, 60))
        return at.replace(second=0, microsecond=0)

    # -- 上级交办件 -------------------------------------------------------------------------------
    def plan_assigned_down(self) -> None:
        rng, t = self.rng, self.today
        count = max(3, self.n // 400)
        when = [t - timedelta(days=30), t - timedelta(days=40)]
        when += sorted(t - timedelta(days=rng.randint(90, 365 * YEARS - 30)) for _ in range(count - 2))
        for i, day in enumerate(when):
            spec = self.pick_subject(day, False)
            village = rng.randrange(len(self.cfg.villages))
            p = self.person(village, day, spec)
            p.reusable = False
            p.subjects.add(spec.code)
            topic_t, _ = rng.choice(spec.templates)
            slots = tx.draw_slots(rng, village=self.cfg.villages[village][1], other_village="",
                                  on=day, township=self.cfg.township, county=self.cfg.county,
                                  surnames=self.surnames)
            m = _Matter(n=len(self.matters), spec=spec, mtype=MatterType.CLAIM, village=village,
                        petitioners=[p], registered=day, topic=tx.fill(topic_t, slots), slots=slots,
                        clerk=rng.randrange(len(self.cfg.receptionists)),
                        handler=rng.randrange(len(self.cfg.handlers)), source=MatterSource.ASSIGNED_DOWN,
                        assigned_due=day + timedelta(days=45 if i < 2 else rng.choice((30, 45, 60))))
            road = self.road(m)
            if i == 0:  # objected to: not within this township's competence
                road.go(2, Action.OBJECT, DECIDE, tx.fill(tx.OBJECTION_REASON, slots), shift=False)
            elif i == 1:  # still in handling, its result deadline only days away
                road.go(2, Action.ACCEPT, DECIDE, False, shift=False)
                road.go(1, Action.DISPATCH, HANDLE, *road.params(Action.DISPATCH), shift=False)
            else:
                road.go(rng.randint(1, 3), Action.ACCEPT, DECIDE, False)
                road.step(rng.randint(0, 2), Action.DISPATCH, HANDLE)
                span = (m.assigned_due - road.at).days  # type: ignore[operator]
                road.step(int(span * rng.uniform(0.4, 0.85)), Action.REPLY, HANDLE)
                road.finish()
            m.steps = road.steps
            self.matters.append(m)

    # -- roads -----------------------------------------------------------------------------------
    def road(self, m: _Matter) -> Road:
        return Road(self.rng, self.cal, self.cal.is_working_day, self.office, m, m.registered,
                    m.petitioners[0].data.name if m.petitioners else None)

    def plan_roads(self) -> None:
        for m in self.matters:
            if m.source is MatterSource.CONTACT:
                road = self.road(m)
                road.natural()
                m.steps = road.steps

    def plan_showcases(self) -> None:
        """Make sure every state and the interesting clocks exist at today, however small the demo."""
        t = self.today
        for name, ideal, latest, build, prefer in _showcases(self, t):
            candidates = [m for m in self.matters if m.source is MatterSource.CONTACT and not m.core
                          and not m.anonymous and not m.showcase and m.mtype is MatterType.CLAIM
                          and m.registered <= latest]
            if name == "registered_overdue":
                candidates = [m for m in candidates if self.cal.deadline(m.registered, 15) < t]
            if not candidates:
                continue
            m = min(candidates, key=lambda c: (abs((c.registered - ideal).days)
                                               + (0 if c.spec.code in prefer else 20), c.n))
            m.showcase, m.simplified = name, False
            road = self.road(m)
            build(road)
            m.steps = road.steps


# --- showcases: the states and clocks every demo must show at today ---------------------------

Build = Callable[[Road], None]
D, H = DECIDE, HANDLE
SATISFIED, BASICALLY, DISSATISFIED = Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.DISSATISFIED
Part = tuple[int, Action | Satisfaction, str]  # days before today, the step (a satisfaction: evaluate), role


def _showcases(p: _Planner, t: date) -> list[tuple[str, date, date, Build, tuple[str, ...]]]:
    """(name, ideal registration day, latest registration day, builder, preferred subjects)."""

    def d(n: int) -> date:
        return t - timedelta(days=n)

    def chain(*parts: Part) -> Build:
        def build(road: Road) -> None:
            for back, what, role in parts:
                if isinstance(what, Satisfaction):
                    road.on(d(back), Action.EVALUATE, role, *road.evaluation(what))
                elif what is Action.ACCEPT:
                    road.on(d(back), what, role, False)
                elif what is Action.EXTEND:
                    road.on(d(back), what, role, 30, tx.EXTENSION_REASONS[0])
                else:
                    road.step_on(d(back), what, role)
        return build

    def due_between(lo: int, hi: int) -> int:
        """Days before today to accept so that the reply deadline (office rule) is in [t+lo, t+hi]."""
        for back in range(1, 200):
            if t + timedelta(days=lo) <= p.cal.deadline(d(back), 60) <= t + timedelta(days=hi):
                return back
        return 60 - lo

    def reopened(r: Road) -> None:
        r.decide("decline", 3)
        r.on(d(40), Action.REOPEN, DECIDE, tx.fill(tx.NEW_FACTS[0], r.m.slots))
        r.on(d(38), Action.ACCEPT, DECIDE, False)
        r.step_on(d(37), Action.DISPATCH, HANDLE)

    A = Action
    accept, dispatch, reply, deliver, close, extend = A.ACCEPT, A.DISPATCH, A.REPLY, A.DELIVER_REPLY, A.CLOSE, A.EXTEND
    review, decide_review = A.REQUEST_REVIEW, A.DECIDE_REVIEW
    rereview, decide_rereview = A.REQUEST_REREVIEW, A.DECIDE_REREVIEW
    happy, basically, unhappy = SATISFIED, BASICALLY, DISSATISFIED

    due3, due7, late = due_between(1, 3), due_between(4, 7), due_between(-25, -10)
    legal = ("0501", "0503", "0502", "0504", "0203", "0205")
    return [
        ("registered_overdue", d(25), d(18), lambda r: None, ()),
        ("registered_fresh", d(1), t, lambda r: None, ()),
        ("accepted", d(5), d(3), chain((3, accept, D)), ()),
        ("due_within_3", d(due3 + 3), d(due3), chain((due3, accept, D), (due3 - 1, dispatch, H)), ()),
        ("due_within_7", d(due7 + 3), d(due7), chain((due7, accept, D), (due7 - 1, dispatch, H)), ()),
        ("overdue_handling", d(late + 3), d(late), chain((late, accept, D), (late - 2, dispatch, H)), ()),
        ("extended", d(73), d(70), chain((70, accept, D), (69, dispatch, H), (20, extend, H)), ()),
        ("replied", d(43), d(40), chain((40, accept, D), (39, dispatch, H), (6, reply, H),
                                        (4, deliver, H)), ()),
        ("evaluated", d(53), d(50), chain((50, accept, D), (49, dispatch, H), (12, reply, H),
                                          (10, deliver, H), (8, happy, H)), ()),
        ("closed", d(63), d(60), chain((60, accept, D), (59, dispatch, H), (25, reply, H),
                                       (22, deliver, H), (20, basically, H), (18, close, H)), ()),
        ("under_review", d(83), d(80), chain((80, accept, D), (79, dispatch, H), (38, reply, H),
                                             (35, deliver, H), (33, unhappy, H), (12, review, H)), ()),
        ("reviewed", d(123), d(120), chain((120, accept, D), (118, dispatch, H), (75, reply, H),
                                           (72, deliver, H), (70, unhappy, H), (50, review, H),
                                           (10, decide_review, H)), ()),
        ("under_rereview", d(133), d(130), chain((130, accept, D), (128, dispatch, H), (83, reply, H),
                                                 (80, deliver, H), (78, unhappy, H), (60, review, H),
                                                 (32, decide_review, H), (8, rereview, H)), ()),
        ("concluded", d(253), d(250), chain((250, accept, D), (248, dispatch, H), (200, reply, H),
                                            (197, deliver, H), (195, unhappy, H), (180, review, H),
                                            (155, decide_review, H), (140, rereview, H),
                                            (115, decide_rereview, H)), ()),
        ("declined", d(100), d(3), lambda r: r.decide("decline", 2), ()),
        ("routed", d(150), d(3), lambda r: r.decide("route", 3), legal),
        ("forwarded", d(60), d(3), lambda r: r.decide("forward", 2), ()),
        ("assigned", d(12), d(10), lambda r: r.decide("assign", 1, report=False), ()),
        ("reopened", d(300), d(60), reopened, ()),
    ]


# --- carrying the plan out ------------------------------------------------------------------------

class _Runner:
    """Executes planned operations in one batch's unit of work, each as the user who would do it."""

    def __init__(self, uow: UnitOfWork, cfg: _Setting) -> None:
        self.uow, self.cfg = uow, cfg
        self._uows: dict[uuid.UUID, UnitOfWork] = {}

    def as_(self, actor: Actor) -> UnitOfWork:
        if actor.user_id == self.uow.actor.user_id:
            return self.uow
        if actor.user_id not in self._uows:
            self._uows[actor.user_id] = UnitOfWork(self.uow.session, actor, self.uow.clock)
        return self._uows[actor.user_id]

    def contact(self, c: _Contact) -> None:
        m = c.matter
        uow = self.as_(self.cfg.receptionists[c.clerk])
        result = register_contact(uow, NewContact(
            channel=c.channel, contact_at=c.at, content=c.content,
            persons=tuple(p.uid or p.data for p in c.persons), headcount=c.headcount,
            subject_code=m.spec.code, matter_type=m.mtype, title=tx.title_for(m.topic, m.mtype),
            skip_level=c.skip, leader_reception=bool(c.leader), leader_name=c.leader,
            problem_village_id=self.cfg.villages[m.village][0], anonymous=m.anonymous,
            threat=c.threat, confidential=m.mtype is MatterType.ACCUSATION, simplified=m.simplified,
            purpose=tx.PURPOSES[m.mtype],
        ))
        for p, pid in zip(c.persons, result.person_ids, strict=True):
            p.uid = pid
        if c.repeat != result.is_repeat or (c.repeat and result.matter_id != m.uid):
            raise RuntimeError(f"demo plan out of step with the service at contact {result.number}")
        m.uid = result.matter_id

    def assigned_down(self, m: _Matter) -> None:
        uow = self.as_(self.cfg.receptionists[m.clerk])
        uow.actor.require(Permission.REGISTER_CONTACT)
        p = m.petitioners[0]
        p.uid = persons.create_person(uow, p.data)
        matter = open_matter(uow, NewMatter(
            title=f"（{self.cfg.county}信访局交办）{tx.title_for(m.topic, m.mtype)}", matter_type=m.mtype,
            subject_code=m.spec.code, registered_on=m.registered, petitioner_ids=(p.uid,),
            problem_village_id=self.cfg.villages[m.village][0], source=MatterSource.ASSIGNED_DOWN,
            assigned_by=f"{self.cfg.county}信访局", assigned_due_on=m.assigned_due,
        ))
        m.uid = matter.id

    def step(self, m: _Matter, step: Step) -> None:
        on, action, role, params = step
        pool = self.cfg.receptionists if role == DECIDE else self.cfg.handlers
        actor = pool[m.clerk % len(pool)] if role == DECIDE else pool[m.handler]
        assert m.uid is not None
        matters.perform(self.as_(actor), m.uid, to_step(on, action, params))


Op = tuple[tuple[Any, ...], Callable[[_Runner], None], bool]


def _operations(plan: _Planner) -> list[Op]:
    """Every planned operation up to today, in the order a clerk would have done them."""
    today = plan.today
    ops: list[Op] = []
    for i, c in enumerate(plan.contacts):
        ops.append(((c.at.date(), 0, c.at, i), lambda r, c=c: r.contact(c), True))
    for m in plan.matters:
        if m.source is MatterSource.ASSIGNED_DOWN:
            at = datetime.combine(m.registered, time(10, 30))
            ops.append(((m.registered, 0, at, -1 - m.n), lambda r, m=m: r.assigned_down(m), False))
        for k, step in enumerate(m.steps):
            if step[0] > today:
                break
            ops.append(((step[0], 1, m.n, k), lambda r, m=m, s=step: r.step(m, s), False))
    ops.sort(key=lambda op: op[0])
    return ops


def _batches(ops: list[Op]) -> list[list[Op]]:
    batches: list[list[Op]] = [[]]
    in_batch = 0
    for op in ops:
        if op[2] and in_batch == BATCH_CONTACTS:
            batches.append([])
            in_batch = 0
        batches[-1].append(op)
        in_batch += op[2]
    return batches


def _read_setting(workspace: Workspace, actor: Actor) -> _Setting:
    with workspace.read(actor) as uow:
        s = uow.session
        office = s.get(Office, actor.office_id)
        assert office is not None
        county = office.parent_name.removesuffix("信访局") or "本县"
        existing = list(s.execute(select(Village.id, Village.name).where(
            Village.office_id == office.id, Village.active).order_by(Village.name)).all())
        villages = [(vid, name, False) for vid, name in existing]
        taken = {name for _, name in existing}
        for name in nm.VILLAGE_NAMES:
            if len(villages) >= nm.VILLAGE_TARGET:
                break
            if name not in taken:
                villages.append((new_id(), name, True))
        units = dict(s.execute(select(ResponsibleUnit.name, ResponsibleUnit.id).where(
            ResponsibleUnit.office_id == office.id, ResponsibleUnit.active)).all())
        logins = set(s.scalars(select(UserAccount.login)))
        new_users = [(new_id(), u) for u in nm.DEMO_USERS if u.login not in logins]

        def actors(role: Role) -> list[Actor]:
            found = [Actor(uid, u.login, u.display_name, u.role, office.id)
                     for uid, u in new_users if u.role is role]
            return found or [actor]

        leaders = tuple(u.display_name for u in nm.DEMO_USERS if u.role is Role.LEADER)
        return _Setting(
            office_id=office.id, township=office.short_name, county=county,
            county_code=office.division_code[:6], office_code=office.division_code, villages=villages,
            units=units, new_users=new_users, receptionists=actors(Role.RECEPTIONIST),
            handlers=actors(Role.HANDLER), leaders=leaders, calendar=uow.calendar, now=uow.now(),
        )


def _refuse_if_loaded(uow: UnitOfWork) -> None:
    if uow.session.scalar(select(func.count()).select_from(Contact)):
        raise Conflict("demo_not_empty", "演示数据：数据库中已有来访登记，只能在空库中载入演示数据", field="db")


def _setup(uow: UnitOfWork, cfg: _Setting, seed: int, contacts: int) -> None:
    """Villages and demo staff, in the first batch's unit of work."""
    _refuse_if_loaded(uow)
    for n, (vid, name, new) in enumerate(cfg.villages):
        if new:
            uow.session.add(Village(id=vid, office_id=cfg.office_id, name=name,
                                    division_code=nm.village_division_code(cfg.office_code, name, n)))
    if cfg.new_users:
        password_hash = hash_password(nm.DEMO_PASSWORD)
        for uid, u in cfg.new_users:
            uow.session.add(UserAccount(id=uid, office_id=cfg.office_id, login=u.login,
                                        display_name=u.display_name, role=u.role.value,
                                        password_hash=password_hash))
    uow.session.flush()
    audit.record(uow, "load_demo", "office", cfg.office_id, after={
        "seed": seed, "contacts": contacts, "villages": [n for _, n, new in cfg.villages if new],
        "users": [u.login for _, u in cfg.new_users]})


def load_demo(workspace: Workspace, actor: Actor, *, seed: int = 2026, contacts: int = 5000,
              progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None) -> DemoSummary:
    """Fill an empty database with three years of demo work up to ``workspace.clock()``.

    Writes ``BATCH_CONTACTS`` contacts (with the steps dated among them) per unit of work; between
    batches it reports ``progress(done, total)`` and stops if ``cancelled()`` says so — what was
    written stays, whole batches only. Refuses (Conflict) a database that already has contacts.
    """
    actor.require(Permission.LOAD_DEMO)
    if contacts < 1:
        raise ValueError("contacts must be >= 1")
    with workspace.read(actor) as uow:
        _refuse_if_loaded(uow)
    cfg = _read_setting(workspace, actor)
    planner = _Planner(random.Random(seed), cfg, contacts)
    planner.plan_contacts()
    planner.plan_assigned_down()
    planner.plan_roads()
    planner.plan_showcases()
    batches = _batches(_operations(planner))
    done, stopped = 0, False
    for i, batch in enumerate(batches):
        if cancelled is not None and cancelled():
            stopped = True
            break
        with workspace.write(actor) as uow:
            if i == 0:
                _setup(uow, cfg, seed, contacts)
            runner = _Runner(uow, cfg)
            for _, run, _ in batch:
                run(runner)
        done += sum(1 for op in batch if op[2])
        if progress is not None:
            progress(done, contacts)
    if not stopped:
        load_leader_work(workspace, actor, seed)
    return summarize(workspace, actor, cancelled=stopped)


def summarize(workspace: Workspace, actor: Actor, *, cancelled: bool = False) -> DemoSummary:
    """Counts of what the office's database holds now (the figures a demo run reports)."""
    with workspace.read(actor) as uow:
        s, office, today = uow.session, actor.office_id, uow.today()

        def count(model: Any, *where: Any) -> int:
            return s.scalar(select(func.count()).select_from(model).where(*where)) or 0

        by_state = Counter({MatterState(k): v for k, v in s.execute(
            select(Matter.state, func.count()).where(Matter.office_id == office).group_by(Matter.state))})

        def clocks(*where: Any) -> int:
            return s.scalar(select(func.count(func.distinct(MatterDeadline.matter_id))).where(
                MatterDeadline.office_id == office, MatterDeadline.met_on.is_(None),
                MatterDeadline.clock.in_([c.value for c in OFFICE_DUTIES]), *where)) or 0

        return DemoSummary(
            villages=count(Village, Village.office_id == office),
            users=count(UserAccount, UserAccount.office_id == office, ~UserAccount.is_system),
            persons=count(Person, Person.office_id == office, Person.merged_into_id.is_(None)),
            contacts=count(Contact, Contact.office_id == office),
            matters=count(Matter, Matter.office_id == office),
            matters_by_state=dict(sorted(by_state.items())),
            collective=count(Contact, Contact.office_id == office, Contact.channel == Channel.VISIT.value,
                             Contact.headcount >= 5),
            skip_level=count(Contact, Contact.office_id == office, Contact.skip_level.is_not(None)),
            repeat=count(Contact, Contact.office_id == office, Contact.is_repeat),
            overdue=clocks(MatterDeadline.due_on < today),
            due_within_3=clocks(MatterDeadline.due_on >= today, MatterDeadline.due_on <= today + timedelta(days=3)),
            due_within_7=clocks(MatterDeadline.due_on >= today, MatterDeadline.due_on <= today + timedelta(days=7)),
            leader_receptions=count(Contact, Contact.office_id == office, Contact.leader_reception),
            assigned_down=count(Matter, Matter.office_id == office,
                                Matter.source == MatterSource.ASSIGNED_DOWN.value),
            cancelled=cancelled,
            reception_records=count(LeaderReception, LeaderReception.office_id == office),
            case_ownerships=count(CaseOwnership, CaseOwnership.office_id == office),
            screened_conflicts=count(ScreenedConflict, ScreenedConflict.office_id == office,
                                     ScreenedConflict.carried_from_id.is_(None)),
            key_persons=count(KeyPerson, KeyPerson.office_id == office, KeyPerson.removed_on.is_(None)),
        )
