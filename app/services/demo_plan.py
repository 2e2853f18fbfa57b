"""The planning shared by the demo data (app/services/demo.py) and the benchmark generator
(bench/generate.py): who comes when and how (channel mix by weekday and season, time of day,
headcount of collective visits, leader receptions, repeat visits, skip-level trips), the petitioners'
tags, and every matter's statutory road with its dates.

Pure Python on a ``random.Random``: the demo carries the plan out through the services, the generator
writes rows in bulk. A road is a list of ``(day, Action, role, params)``; ``params`` are what the step
needs, in the order ``Road`` documents per action (the demo turns them into ``matter_steps`` steps).
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import Any, Protocol

from app.domain.calendar import DayUnit, WorkCalendar
from app.domain.enums import Channel, DeliveryMethod, MatterType, ReplyResult, Satisfaction, SkipLevel
from app.domain.identity import Gender
from app.domain.workflow import Action
from app.services import demo_content as tx, demo_names as nm

CHANNEL_MIX = ((Channel.VISIT, 45), (Channel.LETTER, 20), (Channel.PHONE, 20), (Channel.ONLINE, 13),
               (Channel.FAX, 2))
REST_DAY_MIX = ((Channel.VISIT, 15), (Channel.PHONE, 30), (Channel.ONLINE, 52), (Channel.FAX, 3))
CORE_MIX = ((Channel.VISIT, 70), (Channel.PHONE, 15), (Channel.LETTER, 10), (Channel.ONLINE, 5))
MONTH_FACTOR = (1.25, 0.8, 1.15, 1.1, 1.0, 0.95, 0.9, 0.9, 0.95, 0.85, 1.05, 1.2)
WEEKDAY_FACTOR = (1.35, 1.15, 1.2, 1.0, 0.9, 0.22, 0.12)
LEADER_DAY = 2  # Wednesday: the published 领导接访日
DELIVERY_MIX = ((DeliveryMethod.DIRECT, 60), (DeliveryMethod.POST, 25), (DeliveryMethod.ELECTRONIC, 10),
                (DeliveryMethod.LEFT, 5))
SATISFACTION_MIX = ((Satisfaction.SATISFIED, 80), (Satisfaction.BASICALLY, 14), (Satisfaction.DISSATISFIED, 6))
ONE_DAY = timedelta(days=1)
DECIDE, HANDLE = "decide", "handle"  # who takes a step: the desk (decisions) or the matter's handler
Step = tuple[date, Action, str, tuple[Any, ...]]

_TABLES: dict[int, tuple[list[Any], list[float]]] = {}


def pick(rng: random.Random, table: tuple[tuple[Any, float], ...]) -> Any:
    """One key of a ((key, weight), ...) table; the same draw as ``rng.choices(keys, weights)[0]``, with
    the cumulative weights kept (the generator draws millions)."""
    found = _TABLES.get(id(table))
    if found is None:
        found = _TABLES[id(table)] = ([k for k, _ in table], list(accumulate(w for _, w in table)))
    keys, cum = found
    return keys[bisect.bisect(cum, rng.random() * cum[-1], 0, len(keys) - 1)]


# --- who comes when ------------------------------------------------------------------------------

def day_weight(day: date, frac: float, working: bool) -> float:
    """How busy ``day`` is: weekday and season, public holidays quiet, a slight rise over the years
    (``frac`` = how far into the planned span)."""
    wd = day.weekday()
    if working:
        factor = WEEKDAY_FACTOR[wd] if wd < 5 else 1.0  # a Saturday 调休 working day
    else:
        factor = WEEKDAY_FACTOR[wd] if wd >= 5 else 0.15  # public holiday
    return MONTH_FACTOR[day.month - 1] * factor * (1.08 - 0.16 * frac)


def first_channel(rng: random.Random, core: bool, working: bool) -> Channel:
    return Channel.VISIT if core else pick(rng, CHANNEL_MIX if working else REST_DAY_MIX)


def minute_of_day(rng: random.Random, channel: Channel) -> int:
    """Office hours for visits (mostly mornings), letters and calls; online at any waking hour."""
    if channel is Channel.VISIT:
        return rng.randint(510, 705) if rng.random() < 0.65 else rng.randint(840, 1035)
    if channel is Channel.ONLINE:
        return rng.randint(420, 1410)
    if channel is Channel.LETTER:
        return rng.randint(540, 990)
    return rng.randint(480, 1050)


def headcount(rng: random.Random, channel: Channel, collective: bool, named: int) -> int:
    """人次 of one contact: collective visits 5–60, joint letters now and then, never fewer than named."""
    if collective and channel is Channel.VISIT:
        count = int(rng.triangular(5, 60, 12))
    elif channel is Channel.VISIT:
        count = rng.choices((1, 2, 3), (85, 12, 3))[0]
    elif channel is Channel.LETTER and rng.random() < 0.04:
        count = rng.randint(3, 30)  # 联名信
    else:
        count = 1
    return max(count, named)


def receiving_leader(rng: random.Random, channel: Channel, skip: SkipLevel | None, day: date,
                     leaders: Sequence[str]) -> str:
    """The leader who received a visit: often on the published reception day, rarely otherwise."""
    if channel is Channel.VISIT and skip is None and rng.random() < (0.3 if day.weekday() == LEADER_DAY else 0.03):
        return rng.choice(leaders)
    return ""


def skip_content(county: str, day: date, skip: SkipLevel, topic: str) -> str:
    place = f"{county}信访局" if skip is SkipLevel.COUNTY else tx.SKIP_PLACES[skip]
    return f"据{county}信访局通报，信访人于{day.month}月{day.day}日赴{place}上访，反映{topic}问题。"


@dataclass(frozen=True)
class RepeatVisit:
    channel: Channel
    representatives: tuple[Any, ...]
    skip: SkipLevel | None
    threat: bool
    content: str


def repeat_visit(rng: random.Random, *, core: bool, working: bool, petitioners: Sequence[Any], topic: str,
                 slots: dict[str, str], county: str, day: date) -> RepeatVisit:
    """A later contact about the same matter: long-term petitioners mostly come in person and now and
    then travel to a higher level; collective matters send some of their representatives again."""
    channel = pick(rng, CORE_MIX if core else CHANNEL_MIX if working else REST_DAY_MIX)
    reps = tuple(list(petitioners[:1]) + [p for p in petitioners[1:] if rng.random() < 0.7])
    skip = None
    if channel is Channel.VISIT and rng.random() < (0.35 if core else 0.03):
        skip = pick(rng, tx.SKIP_WEIGHTS)
    threat = core and rng.random() < 0.05
    if skip is not None:
        content = skip_content(county, day, skip, topic) + "镇里已派专人接回并做好稳控和化解工作。"
    else:
        content = tx.REPEAT_OPENERS[channel.value] + topic + rng.choice(tx.REPEAT_TAILS)
        if threat:
            content += tx.THREAT_TAIL
        if len(content) < 40 or rng.random() < 0.3:
            content += tx.fill(rng.choice(tx.BACKGROUND), slots)
    return RepeatVisit(channel, reps, skip, threat, content)


def person_tags(rng: random.Random, *, core: bool, subject: str, gender: Gender, age: int) -> tuple[list[str], str]:
    """A petitioner's tags and, for those the office keeps in touch with, the follow-up officer."""
    tags: list[str] = []
    if core:
        tags = ["信访老户"] + (["重点人员"] if rng.random() < 0.7 else [])
    elif rng.random() < (0.3 if subject in ("0801", "0804", "0602", "0201") else 0.04):
        tags.append("困难群众")
    if subject == "0802" or (gender is Gender.MALE and age > 40 and rng.random() < 0.02):
        tags.append("退役军人")
    if rng.random() < 0.02:
        tags.append("残疾人")
    if age > 65 and rng.random() < 0.02:
        tags.append("老党员")
    officer = rng.choice(nm.FOLLOW_UP_OFFICERS) if {"信访老户", "重点人员", "困难群众"} & set(tags) else ""
    return tags, officer


# --- roads ---------------------------------------------------------------------------------------

class RoadMatter(Protocol):
    """What a road needs to know of its matter (both planners' matter records have these)."""

    spec: tx.SubjectSpec
    mtype: MatterType
    village: int
    handler: int
    slots: dict[str, str]
    core: bool
    simplified: bool
    anonymous: bool


@dataclass(frozen=True)
class Office:
    """The township the roads run in: names for the texts, ids the dispatch step carries."""

    county: str
    township: str
    villages: Sequence[str]
    units: Mapping[str, Any]  # responsible unit name -> its id
    handlers: Sequence[Any]  # handler ids, by the matter's ``handler`` index


class Road:
    """One matter's steps with their dates; the caller leaves out steps after today.

    params per action: ACCEPT (simplified,), DECLINE (reason,), ROUTE_LEGAL (channel, body), FORWARD
    (to,), ASSIGN (to,), RECEIVE_REPORT (summary,), OBJECT (reason,), DISPATCH (unit id, handler id),
    EXTEND (days, reason), REPLY (result, text), DELIVER_REPLY (method, receiver), EVALUATE
    (satisfaction, method), REQUEST_REVIEW (body,), DECIDE_REVIEW (outcome,), DELIVER_REVIEW (), REQUEST_REREVIEW (body,),
    DECIDE_REREVIEW (outcome, hearing days), REOPEN (new facts,), CLOSE and CONCLUDE ().
    """

    def __init__(self, rng: random.Random, cal: WorkCalendar, working: Callable[[date], bool], office: Office,
                 m: RoadMatter, start: date, receiver: str | None) -> None:
        self.rng, self.cal, self.working, self.office, self.m = rng, cal, working, office, m
        self.receiver = receiver  # the first petitioner's name; None when nobody can be answered
        self.at = start
        self.steps: list[Step] = []

    def workday(self, d: date) -> date:
        while not self.working(d):
            d += ONE_DAY
        return d

    def on(self, day: date, action: Action, role: str, *params: Any) -> date:
        """A step on ``day`` (never before the previous one)."""
        day = max(day, self.at)
        self.steps.append((day, action, role, params))
        self.at = day
        return day

    def go(self, days: int, action: Action, role: str, *params: Any, shift: bool = True) -> date:
        """A step ``days`` after the previous one, moved to a working day unless ``shift`` is off."""
        day = self.at + timedelta(days=days)
        return self.on(self.workday(day) if shift else day, action, role, *params)

    # -- step parameters, drawn when the step is planned --------------------------------------------
    def unit_name(self) -> str:
        code = self.m.spec.code
        return tx.UNIT_OVERRIDES.get(code) or tx.OUTCOMES[code[:2]].unit

    def params(self, action: Action) -> tuple[Any, ...]:
        """The drawn parameters of the steps whose values are not the road's choice."""
        rng, m = self.rng, self.m
        if action is Action.DISPATCH:
            return self.office.units.get(self.unit_name()), self.office.handlers[m.handler]
        if action is Action.REPLY:
            result = pick(rng, tx.REPLY_WEIGHTS[m.mtype])
            if m.core:
                result = rng.choice((ReplyResult.NOT_SUPPORT, ReplyResult.EXPLAIN))
            return result, tx.fill(rng.choice(tx.REPLIES[result]), m.slots | {"unit": self.unit_name()})
        if action is Action.DELIVER_REPLY:
            return pick(rng, DELIVERY_MIX), self.receiver
        if action is Action.REQUEST_REVIEW:
            return (f"{self.office.county}人民政府",)
        if action is Action.DECIDE_REVIEW:
            return (rng.choice(tx.REVIEW_OUTCOMES),)
        if action is Action.REQUEST_REREVIEW:
            return ("市人民政府",)
        if action is Action.DECIDE_REREVIEW:
            return rng.choice(tx.REREVIEW_OUTCOMES), rng.choice((0, 0, 0, 5, 10))
        if action is Action.ACCEPT:
            return (m.simplified,)
        return ()

    def step(self, days: int, action: Action, role: str) -> date:
        return self.go(days, action, role, *self.params(action))

    def step_on(self, day: date, action: Action, role: str) -> date:
        return self.on(day, action, role, *self.params(action))

    def evaluation(self, satisfaction: Satisfaction) -> tuple[Satisfaction, str]:
        return satisfaction, self.rng.choice(("当面", "当面", "电话", "网上"))

    def window_end(self, start: date) -> date:
        """Last day of the petitioner's 30-day window to ask for (re-)review."""
        return self.cal.deadline(start, 30, DayUnit.CALENDAR)

    # -- roads ----------------------------------------------------------------------------------------
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
        m, office, rng = self.m, self.office, self.rng
        code, county = m.spec.code, office.county
        if kind == "accept":
            self.step(delay, Action.ACCEPT, DECIDE)
        elif kind == "decline":
            self.go(delay, Action.DECLINE, DECIDE, tx.fill(rng.choice(tx.DECLINE_REASONS), m.slots))
        elif kind == "route":
            channel, body = tx.LEGAL_OVERRIDES.get(code) or tx.OUTCOMES[code[:2]].legal
            self.go(delay, Action.ROUTE_LEGAL, DECIDE, channel, county + body)
        elif kind == "forward":
            to = county + (tx.FORWARD_OVERRIDES.get(code) or tx.OUTCOMES[code[:2]].forward_to)
            if m.mtype is MatterType.ACCUSATION and code.startswith("11"):
                to = f"{county}纪委监委"
            self.go(delay, Action.FORWARD, DECIDE, to)
        elif kind == "assign":
            village = office.villages[m.village]
            to = (f"{village}{'居' if village.endswith('社区') else '村'}民委员会" if rng.random() < 0.4
                  else f"{office.township}{self.unit_name()}")
            self.go(delay, Action.ASSIGN, DECIDE, to)
            if report:
                summary = tx.fill(rng.choice(tx.REPORT_SUMMARIES), {"to": to})
                self.go(rng.randint(10, 40), Action.RECEIVE_REPORT, HANDLE, summary)

    def handle(self, *, reopened: bool = False) -> None:
        rng, m = self.rng, self.m
        accepted = self.at
        if rng.random() < 0.8:
            self.step(rng.randint(0, 3), Action.DISPATCH, HANDLE)
        roll = rng.random()
        if m.simplified:
            after = rng.randint(3, 12)
        elif roll < 0.07 and not reopened:
            days, reason = rng.choice((15, 20, 30, 30)), rng.choice(tx.EXTENSION_REASONS)
            self.on(self.workday(accepted + timedelta(days=rng.randint(36, 50))), Action.EXTEND, HANDLE, days, reason)
            after = rng.randint(62, 58 + days)
        elif roll < 0.10:
            after = rng.randint(61, 80)  # replied late, without an extension
        elif roll < 0.106:
            return  # stuck: nobody replied — overdue, and in time a 积案
        else:
            after = int(rng.triangular(6, 58, 28))
        self.step_on(self.workday(accepted + timedelta(days=after)), Action.REPLY, HANDLE)
        self.finish()

    def finish(self, satisfaction: Satisfaction | None = None, review: float | None = None) -> None:
        """Deliver the reply, perhaps evaluate, then close, or go through review and re-review."""
        rng, m = self.rng, self.m
        if self.receiver is None:
            return
        delivered = self.step(rng.choice((0, 1, 1, 2, 3, 5)), Action.DELIVER_REPLY, HANDLE)
        rated = satisfaction is not None or rng.random() < (0.88 if m.mtype is MatterType.CLAIM else 0.35)
        if rated:
            satisfaction = satisfaction or pick(rng, SATISFACTION_MIX)
            days = rng.randint(0, 10)
            self.go(days, Action.EVALUATE, HANDLE, *self.evaluation(satisfaction))
        if review is None:
            review = 0.55 if satisfaction is Satisfaction.DISSATISFIED else 0.004
        if rng.random() < review:
            if rng.random() < 0.4:
                self.go(rng.randint(0, 4), Action.CLOSE, HANDLE)
            self.step_on(self.workday(delivered + timedelta(days=rng.randint(5, 20))), Action.REQUEST_REVIEW, HANDLE)
            self.step(rng.randint(15, 28), Action.DECIDE_REVIEW, HANDLE)
            if rng.random() < (0.8 if m.core else 0.4):
                self.step(rng.randint(5, 18), Action.REQUEST_REREVIEW, HANDLE)
                self.step(rng.randint(18, 28), Action.DECIDE_REREVIEW, HANDLE)
            else:
                # The 复核 window runs from the petitioner's receipt of the review decision (a fixed
                # delay: no draw, so the rest of the plan stays as it was).
                received = self.go(3, Action.DELIVER_REVIEW, HANDLE)
                self.on(self.window_end(received) + timedelta(days=rng.randint(1, 20)), Action.CONCLUDE, HANDLE)
            return
        if rng.random() < (0.92 if rated else 0.97):
            self.go(rng.randint(0, 7), Action.CLOSE, HANDLE)
            if rng.random() < 0.1:
                self.on(self.window_end(delivered) + timedelta(days=rng.randint(1, 30)), Action.CONCLUDE, HANDLE)

    def maybe_reopen(self) -> None:
        if not self.steps or self.steps[-1][1] not in (Action.CLOSE, Action.CONCLUDE, Action.DECLINE,
                                                        Action.ROUTE_LEGAL, Action.DECIDE_REREVIEW):
            return
        facts = tx.fill(self.rng.choice(tx.NEW_FACTS), self.m.slots)
        self.go(self.rng.randint(60, 400), Action.REOPEN, DECIDE, facts)
        self.go(self.rng.randint(1, 5), Action.ACCEPT, DECIDE, False)
        self.handle(reopened=True)

    def core(self) -> None:
        """A long-term petitioner's matter: handled, not supported, appealed to the end."""
        rng, m = self.rng, self.m
        roll = rng.random()
        if roll < 0.15:
            self.decide("route" if m.spec.route_legal > 0.1 else "decline", rng.randint(1, 5))
            return
        self.go(rng.randint(1, 5), Action.ACCEPT, DECIDE, False)
        self.step(rng.randint(0, 3), Action.DISPATCH, HANDLE)
        if roll < 0.3:
            self.go(40, Action.EXTEND, HANDLE, 30, tx.EXTENSION_REASONS[1])
            self.step(rng.randint(25, 45), Action.REPLY, HANDLE)
        else:
            self.step(rng.randint(30, 55), Action.REPLY, HANDLE)
        self.finish(Satisfaction.DISSATISFIED, review=0.9)


__all__ = [
    "CHANNEL_MIX", "CORE_MIX", "DECIDE", "HANDLE", "LEADER_DAY", "REST_DAY_MIX", "Office", "RepeatVisit", "Road",
    "Step", "day_weight", "first_channel", "headcount", "minute_of_day", "person_tags", "pick",
    "receiving_leader", "repeat_visit", "skip_content",
]
