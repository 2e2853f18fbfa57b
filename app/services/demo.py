"""Deterministic, realistic demo data for ``xinfang demo``, the first-run wizard, tests and screenshots.

``load_demo`` first *plans* three years of work up to the workspace's "today" — villages, staff,
petitioners, contacts and every matter's road with its dates — from ``random.Random(seed)`` alone,
then *carries the plan out through the services* (register_contact, open_matter, perform), in
chronological order, a few hundred contacts per unit of work. The services decide first vs repeat,
number everything and enforce the statutory road, so the demo cannot contain what a clerk could not
have typed. Same seed and same today give the same data (row UUIDs aside).
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

from app.domain.calendar import DayUnit, WorkCalendar
from app.domain.deadlines import OFFICE_DUTIES
from app.domain.enums import (Channel, DeliveryMethod, MatterSource, MatterState, MatterType,
                              ReplyResult, Role, Satisfaction, SkipLevel)
from app.domain.identity import Gender
from app.domain.permissions import Permission
from app.errors import Conflict
from app.services import audit, demo_content as tx, demo_names as nm, matter_steps as st, matters, persons
from app.services.contacts import NewContact, register_contact
from app.services.demo_leader import load_leader_work
from app.services.context import Actor, UnitOfWork
from app.services.matters import NewMatter, open_matter
from app.services.passwords import hash_password
from app.services.persons import PersonInput
from app.services.workspace import Workspace
from db.models import (CaseOwnership, Contact, KeyPerson, LeaderReception, Matter, MatterDeadline, Office, Person,
                       ResponsibleUnit, ScreenedConflict, UserAccount, Village)

BATCH_CONTACTS = 200
YEARS = 3
CHANNEL_MIX = ((Channel.VISIT, 45), (Channel.LETTER, 20), (Channel.PHONE, 20), (Channel.ONLINE, 13),
               (Channel.FAX, 2))
REST_DAY_MIX = ((Channel.VISIT, 15), (Channel.PHONE, 30), (Channel.ONLINE, 52), (Channel.FAX, 3))
CORE_MIX = ((Channel.VISIT, 70), (Channel.PHONE, 15), (Channel.LETTER, 10), (Channel.ONLINE, 5))
MONTH_FACTOR = (1.25, 0.8, 1.15, 1.1, 1.0, 0.95, 0.9, 0.9, 0.95, 0.85, 1.05, 1.2)
WEEKDAY_FACTOR = (1.35, 1.15, 1.2, 1.0, 0.9, 0.22, 0.12)
LEADER_DAY = 2  # Wednesday: the published 领导接访日
ONE_DAY = timedelta(days=1)
DECIDE, HANDLE = "decide", "handle"


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
    steps: list[tuple[date, st.Step, str]] = field(default_factory=list)
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
        tags: list[str] = []
        if core:
            tags = ["信访老户"] + (["重点人员"] if rng.random() < 0.7 else [])
        elif rng.random() < (0.3 if spec.code in ("0801", "0804", "0602", "0201") else 0.04):
            tags.append("困难群众")
        if spec.code == "0802" or (gender is Gender.MALE and age > 40 and rng.random() < 0.02):
            tags.append("退役军人")
        if rng.random() < 0.02:
            tags.append("残疾人")
        if age > 65 and rng.random() < 0.02:
            tags.append("老党员")
        officer = rng.choice(nm.FOLLOW_UP_OFFICERS) if {"信访老户", "重点人员", "困难群众"} & set(tags) else ""
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

    def day_weight(self, d: date, frac: float) -> float:
        wd = d.weekday()
        if self.cal.is_working_day(d):
            factor = WEEKDAY_FACTOR[wd] if wd < 5 else 1.0  # a Saturday 调休 working day
        else:
            factor = WEEKDAY_FACTOR[wd] if wd >= 5 else 0.15  # public holiday
        return MONTH_FACTOR[d.month - 1] * factor * (1.08 - 0.16 * frac)

    def plan_contacts(self) -> None:
        rng, days = self.rng, self.days()
        weights = [self.day_weight(d, i / len(days)) for i, d in enumerate(days)]
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
        channel = Channel.VISIT if core else _pick(rng, CHANNEL_MIX if working else REST_DAY_MIX)
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
            skip = _pick(rng, tx.SKIP_WEIGHTS)
            content = self.skip_content(m, day, skip) + content
        self.contacts.append(self.contact(m, day, channel, tuple(petitioners), content, False, skip))
        return m

    def repeat_contact(self, m: _Matter, day: date) -> _Contact:
        rng = self.rng
        working = self.cal.is_working_day(day)
        channel = _pick(rng, CORE_MIX if m.core else CHANNEL_MIX if working else REST_DAY_MIX)
        reps = tuple(m.petitioners[:1] + [p for p in m.petitioners[1:] if rng.random() < 0.7])
        skip = None
        if channel is Channel.VISIT and rng.random() < (0.35 if m.core else 0.03):
            skip = _pick(rng, tx.SKIP_WEIGHTS)
        threat = m.core and rng.random() < 0.05
        if skip is not None:
            content = self.skip_content(m, day, skip) + "镇里已派专人接回并做好稳控和化解工作。"
        else:
            content = tx.REPEAT_OPENERS[channel.value] + m.topic + rng.choice(tx.REPEAT_TAILS)
            if threat:
                content += tx.THREAT_TAIL
            if len(content) < 40 or rng.random() < 0.3:
                content += tx.fill(rng.choice(tx.BACKGROUND), m.slots)
        return self.contact(m, day, channel, reps, content, True, skip, threat)

    def skip_content(self, m: _Matter, day: date, skip: SkipLevel) -> str:
        place = tx.SKIP_PLACES[skip]
        if skip is SkipLevel.COUNTY:
            place = f"{self.cfg.county}信访局"
        return f"据{self.cfg.county}信访局通报，信访人于{day.month}月{day.day}日赴{place}上访，反映{m.topic}问题。"

    def contact(self, m: _Matter, day: date, channel: Channel, reps: tuple[_Person, ...], content: str,
                repeat: bool, skip: SkipLevel | None, threat: bool = False) -> _Contact:
        rng = self.rng
        if m.collective and channel is Channel.VISIT:
            headcount = int(rng.triangular(5, 60, 12))
        elif channel is Channel.VISIT:
            headcount = rng.choices((1, 2, 3), (85, 12, 3))[0]
        elif channel is Channel.LETTER and rng.random() < 0.04:
            headcount = rng.randint(3, 30)  # 联名信
        else:
            headcount = 1
        headcount = max(headcount, len(reps))
        leader = ""
        if channel is Channel.VISIT and skip is None and rng.random() < (0.3 if day.weekday() == LEADER_DAY else 0.03):
            leader = rng.choice(self.cfg.leaders)
        clerk = m.clerk if not repeat else rng.randrange(len(self.cfg.receptionists))
        return _Contact(self.time_of(day, channel), m, channel, reps, headcount, repeat, content, clerk,
                        skip, leader, threat)

    def time_of(self, day: date, channel: Channel) -> datetime:
        rng = self.rng
        if channel is Channel.VISIT:
            minute = rng.randint(510, 705) if rng.random() < 0.65 else rng.randint(840, 1035)
        elif channel is Channel.ONLINE:
            minute = rng.randint(420, 1410)
        elif channel is Channel.LETTER:
            minute = rng.randint(540, 990)
        else:
            minute = rng.randint(480, 1050)
        at = datetime.combine(day, time()) + timedelta(minutes=minute)
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
            road = _Road(self, m)
            if i == 0:  # objected to: not within this township's competence
                reason = tx.fill(tx.OBJECTION_REASON, slots)
                road.go(2, lambda on: st.Object(on=on, reason=reason), DECIDE, shift=False)
            elif i == 1:  # still in handling, its result deadline only days away
                road.go(2, lambda on: st.Accept(on=on), DECIDE, shift=False)
                road.go(1, road.dispatch, HANDLE, shift=False)
            else:
                road.go(rng.randint(1, 3), lambda on: st.Accept(on=on), DECIDE)
                road.go(rng.randint(0, 2), road.dispatch, HANDLE)
                span = (m.assigned_due - road.at).days  # type: ignore[operator]
                road.go(int(span * rng.uniform(0.4, 0.85)), road.reply, HANDLE)
                road.finish()
            m.steps = road.steps
            self.matters.append(m)

    # -- roads -----------------------------------------------------------------------------------
    def plan_roads(self) -> None:
        for m in self.matters:
            if m.source is MatterSource.CONTACT:
                road = _Road(self, m)
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
            road = _Road(self, m)
            build(road)
            m.steps = road.steps


def _pick(rng: random.Random, table: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([k for k, _ in table], [w for _, w in table])[0]


Make = Callable[[date], st.Step]


class _Road:
    """Builds one matter's steps with their dates; steps after today are left out when executing."""

    def __init__(self, planner: _Planner, m: _Matter) -> None:
        self.p, self.m, self.rng, self.cal = planner, m, planner.rng, planner.cal
        self.at = m.registered
        self.steps: list[tuple[date, st.Step, str]] = []

    def workday(self, d: date) -> date:
        while not self.cal.is_working_day(d):
            d += ONE_DAY
        return d

    def on(self, day: date, make: Make, role: str) -> date:
        """A step on ``day`` (never before the previous one)."""
        day = max(day, self.at)
        self.steps.append((day, make(day), role))
        self.at = day
        return day

    def go(self, days: int, make: Make, role: str, *, shift: bool = True) -> date:
        """A step ``days`` after the previous one, moved to a working day unless ``shift`` is off."""
        day = self.at + timedelta(days=days)
        return self.on(self.workday(day) if shift else day, make, role)

    # -- step factories ---------------------------------------------------------------------------
    def unit_name(self) -> str:
        code = self.m.spec.code
        return tx.UNIT_OVERRIDES.get(code) or tx.OUTCOMES[code[:2]].unit

    def dispatch(self, on: date) -> st.Step:
        cfg = self.p.cfg
        return st.Dispatch(on=on, responsible_unit_id=cfg.units.get(self.unit_name()),
                           handler_id=cfg.handlers[self.m.handler].user_id)

    def reply(self, on: date) -> st.Step:
        result = _pick(self.rng, tx.REPLY_WEIGHTS[self.m.mtype])
        if self.m.core:
            result = self.rng.choice((ReplyResult.NOT_SUPPORT, ReplyResult.EXPLAIN))
        text = tx.fill(self.rng.choice(tx.REPLIES[result]), self.m.slots | {"unit": self.unit_name()})
        return st.Reply(on=on, result=result, summary=text)

    def deliver(self, on: date) -> st.Step:
        method = _pick(self.rng, ((DeliveryMethod.DIRECT, 60), (DeliveryMethod.POST, 25),
                                  (DeliveryMethod.ELECTRONIC, 10), (DeliveryMethod.LEFT, 5)))
        return st.DeliverReply(on=on, method=method, receiver=self.m.petitioners[0].data.name)

    def evaluate(self, satisfaction: Satisfaction) -> Make:
        method = self.rng.choice(("当面", "当面", "电话", "网上"))
        return lambda on: st.Evaluate(on=on, satisfaction=satisfaction, method=method)

    def request_review(self, on: date) -> st.Step:
        return st.RequestReview(on=on, body=f"{self.p.cfg.county}人民政府")

    def decide_review(self, on: date) -> st.Step:
        return st.DecideReview(on=on, outcome=self.rng.choice(tx.REVIEW_OUTCOMES))

    def request_rereview(self, on: date) -> st.Step:
        return st.RequestRereview(on=on, body="市人民政府")

    def decide_rereview(self, on: date) -> st.Step:
        return st.DecideRereview(on=on, outcome=self.rng.choice(tx.REREVIEW_OUTCOMES),
                                 hearing_days=self.rng.choice((0, 0, 0, 5, 10)))

    def window_end(self, start: date) -> date:
        """Last day of the petitioner's 30-day window to ask for (re-)review."""
        return self.cal.deadline(start, 30, DayUnit.CALENDAR)

    # -- roads ------------------------------------------------------------------------------------
    def natural(self) -> None:
        rng, m = self.rng, self.m
        if m.core:
            self.core()
            return
        delay = rng.choice((0, 1, 1, 2)) if m.simplified else rng.choices(
            (0, 1, 2, 3, 4, 5, 6, 8, 10, 13), (20, 22, 18, 12, 8, 6, 4, 4, 3, 3))[0]
        if rng.random() < 0.02:
            delay = rng.randint(16, 24)  # decided late: shows in 及时受理率
        if m.anonymous:
            kind = "assign" if rng.random() < 0.6 else "forward"
        else:
            roll, legal = rng.random(), m.spec.route_legal
            forward = 0.25 if (m.mtype is MatterType.ACCUSATION and m.spec.code.startswith("11")) else 0.05
            kind = ("route" if roll < legal else "forward" if roll < legal + forward
                    else "assign" if roll < legal + forward + 0.04
                    else "decline" if roll < legal + forward + 0.09 else "accept")
        self.decide(kind, delay)
        if kind == "accept":
            self.handle()
        if rng.random() < 0.02:
            self.maybe_reopen()

    def decide(self, kind: str, delay: int, *, report: bool = True) -> None:
        m, cfg, rng = self.m, self.p.cfg, self.rng
        code, county = m.spec.code, cfg.county
        if kind == "accept":
            self.go(delay, lambda on: st.Accept(on=on, simplified=m.simplified), DECIDE)
        elif kind == "decline":
            reason = tx.fill(rng.choice(tx.DECLINE_REASONS), m.slots)
            self.go(delay, lambda on: st.Decline(on=on, reason=reason), DECIDE)
        elif kind == "route":
            channel, body = tx.LEGAL_OVERRIDES.get(code) or tx.OUTCOMES[code[:2]].legal
            body = county + body
            self.go(delay, lambda on: st.RouteLegal(on=on, channel=channel, body=body), DECIDE)
        elif kind == "forward":
            to = county + (tx.FORWARD_OVERRIDES.get(code) or tx.OUTCOMES[code[:2]].forward_to)
            if m.mtype is MatterType.ACCUSATION and code.startswith("11"):
                to = f"{county}纪委监委"
            self.go(delay, lambda on: st.Forward(on=on, to=to), DECIDE)
        elif kind == "assign":
            village = cfg.villages[m.village][1]
            to = (f"{village}{'居' if village.endswith('社区') else '村'}民委员会" if rng.random() < 0.4
                  else f"{cfg.township}{self.unit_name()}")
            self.go(delay, lambda on: st.Assign(on=on, to=to), DECIDE)
            if report:
                summary = tx.fill(rng.choice(tx.REPORT_SUMMARIES), {"to": to})
                self.go(rng.randint(10, 40), lambda on: st.ReceiveReport(on=on, summary=summary), HANDLE)

    def handle(self, *, reopened: bool = False) -> None:
        rng, m = self.rng, self.m
        accepted = self.at
        if rng.random() < 0.8:
            self.go(rng.randint(0, 3), self.dispatch, HANDLE)
        roll = rng.random()
        if m.simplified:
            after = rng.randint(3, 12)
        elif roll < 0.07 and not reopened:
            days, reason = rng.choice((15, 20, 30, 30)), rng.choice(tx.EXTENSION_REASONS)
            self.on(self.workday(accepted + timedelta(days=rng.randint(36, 50))),
                    lambda on: st.Extend(on=on, days=days, reason=reason), HANDLE)
            after = rng.randint(62, 58 + days)
        elif roll < 0.10:
            after = rng.randint(61, 80)  # replied late, without an extension
        elif roll < 0.106:
            return  # stuck: nobody replied — overdue, and in time a 积案
        else:
            after = int(rng.triangular(6, 58, 28))
        self.on(self.workday(accepted + timedelta(days=after)), self.reply, HANDLE)
        self.finish()

    def finish(self, satisfaction: Satisfaction | None = None, review: float | None = None) -> None:
        """Deliver the reply, perhaps evaluate, then close, or go through review and re-review."""
        rng, m = self.rng, self.m
        if not m.petitioners:
            return
        delivered = self.go(rng.choice((0, 1, 1, 2, 3, 5)), self.deliver, HANDLE)
        rated = satisfaction is not None or rng.random() < (0.88 if m.mtype is MatterType.CLAIM else 0.35)
        if rated:
            satisfaction = satisfaction or _pick(rng, ((Satisfaction.SATISFIED, 80), (Satisfaction.BASICALLY, 14),
                                                       (Satisfaction.DISSATISFIED, 6)))
            self.go(rng.randint(0, 10), self.evaluate(satisfaction), HANDLE)
        if review is None:
            review = 0.55 if satisfaction is Satisfaction.DISSATISFIED else 0.004
        if rng.random() < review:
            if rng.random() < 0.4:
                self.go(rng.randint(0, 4), lambda on: st.Close(on=on), HANDLE)
            self.on(self.workday(delivered + timedelta(days=rng.randint(5, 20))), self.request_review, HANDLE)
            decided = self.go(rng.randint(15, 28), self.decide_review, HANDLE)
            if rng.random() < (0.8 if m.core else 0.4):
                self.go(rng.randint(5, 18), self.request_rereview, HANDLE)
                self.go(rng.randint(18, 28), self.decide_rereview, HANDLE)
            else:
                self.on(self.window_end(decided) + timedelta(days=rng.randint(1, 20)),
                        lambda on: st.Conclude(on=on), HANDLE)
            return
        if rng.random() < (0.92 if rated else 0.97):
            self.go(rng.randint(0, 7), lambda on: st.Close(on=on), HANDLE)
            if rng.random() < 0.1:
                self.on(self.window_end(delivered) + timedelta(days=rng.randint(1, 30)),
                        lambda on: st.Conclude(on=on), HANDLE)

    def maybe_reopen(self) -> None:
        if not self.steps or not isinstance(self.steps[-1][1], (st.Close, st.Conclude, st.Decline,
                                                                st.RouteLegal, st.DecideRereview)):
            return
        facts = tx.fill(self.rng.choice(tx.NEW_FACTS), self.m.slots)
        self.go(self.rng.randint(60, 400), lambda on: st.Reopen(on=on, new_facts=facts), DECIDE)
        self.go(self.rng.randint(1, 5), lambda on: st.Accept(on=on), DECIDE)
        self.handle(reopened=True)

    def core(self) -> None:
        """A long-term petitioner's matter: handled, not supported, appealed to the end."""
        rng, m = self.rng, self.m
        roll = rng.random()
        if roll < 0.15:
            self.decide("route" if m.spec.route_legal > 0.1 else "decline", rng.randint(1, 5))
            return
        self.go(rng.randint(1, 5), lambda on: st.Accept(on=on), DECIDE)
        self.go(rng.randint(0, 3), self.dispatch, HANDLE)
        if roll < 0.3:
            self.go(40, lambda on: st.Extend(on=on, days=30, reason=tx.EXTENSION_REASONS[1]), HANDLE)
            self.go(rng.randint(25, 45), self.reply, HANDLE)
        else:
            self.go(rng.randint(30, 55), self.reply, HANDLE)
        self.finish(Satisfaction.DISSATISFIED, review=0.9)


# --- showcases: the states and clocks every demo must show at today ---------------------------

Build = Callable[[_Road], None]


def _showcases(p: _Planner, t: date) -> list[tuple[str, date, date, Build, tuple[str, ...]]]:
    """(name, ideal registration day, latest registration day, builder, preferred subjects)."""

    def d(n: int) -> date:
        return t - timedelta(days=n)

    def chain(*parts: tuple[int, Callable[[_Road], Make], str]) -> Build:
        def build(road: _Road) -> None:
            for back, factory, role in parts:
                road.on(d(back), factory(road), role)
        return build

    def accept(r: _Road) -> Make:
        return lambda on: st.Accept(on=on)

    def close(r: _Road) -> Make:
        return lambda on: st.Close(on=on)

    def extend(r: _Road) -> Make:
        return lambda on: st.Extend(on=on, days=30, reason=tx.EXTENSION_REASONS[0])

    def happy(r: _Road) -> Make:
        return r.evaluate(Satisfaction.SATISFIED)

    def basically(r: _Road) -> Make:
        return r.evaluate(Satisfaction.BASICALLY)

    def unhappy(r: _Road) -> Make:
        return r.evaluate(Satisfaction.DISSATISFIED)

    def due_between(lo: int, hi: int) -> int:
        """Days before today to accept so that the reply deadline (office rule) is in [t+lo, t+hi]."""
        for back in range(1, 200):
            if t + timedelta(days=lo) <= p.cal.deadline(d(back), 60) <= t + timedelta(days=hi):
                return back
        return 60 - lo

    def reopened(r: _Road) -> None:
        r.decide("decline", 3)
        r.on(d(40), lambda on: st.Reopen(on=on, new_facts=tx.fill(tx.NEW_FACTS[0], r.m.slots)), DECIDE)
        r.on(d(38), lambda on: st.Accept(on=on), DECIDE)
        r.on(d(37), r.dispatch, HANDLE)

    D, H = DECIDE, HANDLE
    dispatch, reply, deliver = _Road.dispatch, _Road.reply, _Road.deliver
    review, decide_review = _Road.request_review, _Road.decide_review
    rereview, decide_rereview = _Road.request_rereview, _Road.decide_rereview

    def m(f: Callable[[_Road, date], st.Step]) -> Callable[[_Road], Make]:
        return lambda r: (lambda on: f(r, on))

    due3, due7, late = due_between(1, 3), due_between(4, 7), due_between(-25, -10)
    legal = ("0501", "0503", "0502", "0504", "0203", "0205")
    return [
        ("registered_overdue", d(25), d(18), lambda r: None, ()),
        ("registered_fresh", d(1), t, lambda r: None, ()),
        ("accepted", d(5), d(3), chain((3, accept, D)), ()),
        ("due_within_3", d(due3 + 3), d(due3), chain((due3, accept, D), (due3 - 1, m(dispatch), H)), ()),
        ("due_within_7", d(due7 + 3), d(due7), chain((due7, accept, D), (due7 - 1, m(dispatch), H)), ()),
        ("overdue_handling", d(late + 3), d(late), chain((late, accept, D), (late - 2, m(dispatch), H)), ()),
        ("extended", d(73), d(70), chain((70, accept, D), (69, m(dispatch), H), (20, extend, H)), ()),
        ("replied", d(43), d(40), chain((40, accept, D), (39, m(dispatch), H), (6, m(reply), H),
                                        (4, m(deliver), H)), ()),
        ("evaluated", d(53), d(50), chain((50, accept, D), (49, m(dispatch), H), (12, m(reply), H),
                                          (10, m(deliver), H), (8, happy, H)), ()),
        ("closed", d(63), d(60), chain((60, accept, D), (59, m(dispatch), H), (25, m(reply), H),
                                       (22, m(deliver), H), (20, basically, H), (18, close, H)), ()),
        ("under_review", d(83), d(80), chain((80, accept, D), (79, m(dispatch), H), (38, m(reply), H),
                                             (35, m(deliver), H), (33, unhappy, H), (12, m(review), H)), ()),
        ("reviewed", d(123), d(120), chain((120, accept, D), (118, m(dispatch), H), (75, m(reply), H),
                                           (72, m(deliver), H), (70, unhappy, H), (50, m(review), H),
                                           (10, m(decide_review), H)), ()),
        ("under_rereview", d(133), d(130), chain((130, accept, D), (128, m(dispatch), H), (83, m(reply), H),
                                                 (80, m(deliver), H), (78, unhappy, H), (60, m(review), H),
                                                 (32, m(decide_review), H), (8, m(rereview), H)), ()),
        ("concluded", d(253), d(250), chain((250, accept, D), (248, m(dispatch), H), (200, m(reply), H),
                                            (197, m(deliver), H), (195, unhappy, H), (180, m(review), H),
                                            (155, m(decide_review), H), (140, m(rereview), H),
                                            (115, m(decide_rereview), H)), ()),
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

    def step(self, m: _Matter, step: st.Step, role: str) -> None:
        pool = self.cfg.receptionists if role == DECIDE else self.cfg.handlers
        actor = pool[m.clerk % len(pool)] if role == DECIDE else pool[m.handler]
        assert m.uid is not None
        matters.perform(self.as_(actor), m.uid, step)


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
        for k, (on, step, role) in enumerate(m.steps):
            if on > today:
                break
            ops.append(((on, 1, m.n, k), lambda r, m=m, s=step, role=role: r.step(m, s, role), False))
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
                villages.append((uuid.uuid4(), name, True))
        units = dict(s.execute(select(ResponsibleUnit.name, ResponsibleUnit.id).where(
            ResponsibleUnit.office_id == office.id, ResponsibleUnit.active)).all())
        logins = set(s.scalars(select(UserAccount.login)))
        new_users = [(uuid.uuid4(), u) for u in nm.DEMO_USERS if u.login not in logins]

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
