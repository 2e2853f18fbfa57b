"""Generate a large township database for the benchmarks — fast, with bulk SQL.

    .venv/bin/python bench/generate.py OUT_DIR --contacts 1000000 --persons 200000 --matters 300000 [--seed N]

OUT_DIR becomes an initialised data folder (the office is created by ``app.services.offices.initialise``,
like tests/conftest.py does, plus the demo staff of ``app.services.demo_names``), then three years of
work up to today are planned in memory and written straight into SQLite with ``executemany`` in one
transaction — the services are bypassed because they take ~50 ms per contact. The rows are the ones the
services would have written for the same history, so the program, the statistics and ``xinfang check``
work on the result:

* persons: names from the demo name tables, normalised, with ``name_initials``/``name_pinyin`` from
  app.domain.names; ~86 % with a valid ID number (check character computed, unique per office, most from
  the office's county); phones in ``person_phone``; village, address, tags.
* contacts: the demo's channel mix by weekday, collective visits (headcount ≥ 5 with 2–5
  representatives), skip-level visits, leader receptions, threats, anonymous letters; the first contact
  of a matter opens it (``is_repeat`` 0), every later one is a repeat (``is_repeat`` 1, ``repeat_suggested``
  1) dated after the matter was registered; ``contact_person`` rows for everyone named.
* matters: the demo's statutory roads (accept / decline / route / forward / assign, dispatch, extension,
  reply, delivery, evaluation, close, review, re-review, conclusion, reopening, assigned-down matters and
  objections), each step checked with app.domain.workflow and the same date rules as the services; steps
  dated after today are not taken, so recent matters are still open. ``matter_event`` rows (seq 1..n, the
  services' ``data``), ``matter_petitioner``, and ``matter_deadline`` rows computed with
  app.domain.deadlines.compute_clocks on the office's WorkCalendar.
* documents: every notice the steps issue (acceptance, decline, legal channel, referral, extension, reply
  with its delivery record), numbered gap-free per kind and year in order of issue with the office's
  文号 prefix; ``number_series`` holds the last number of every series (contacts, matters, notices).
* the full-text index (revision 0003, trigger-maintained): its triggers are dropped for the load and
  the index is filled once at the end, the way ``content_search.rebuild_index`` does (a contentless
  FTS5 table has no 'rebuild' command), then the triggers are created again from their stored SQL.
  ``--fts triggers`` keeps the triggers live instead (slower; see bench/README.md).
* audit trail: ONE event ``bulk_load`` (through app.services.audit.record in a UnitOfWork, so the hash
  chain stays valid) describes the whole load, instead of the ~7 million per-row events the services
  would have written. The chain check stays meaningful and the audit table stays small; nothing in the
  program reads per-row audit events for its figures.

Bulk-load settings: secondary indexes and the FTS triggers are dropped and re-created from their own
SQL afterwards, ``journal_mode=OFF`` and ``synchronous=OFF`` during the load (a failed run leaves a
broken folder: delete it), WAL again at the end. No ANALYZE is run: the program never runs one, so the
query plans measured on this database are the ones a clerk's PC gets.
"""

from __future__ import annotations

import argparse
import bisect
import json
import queue
import random
import sqlite3
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.domain import workflow  # noqa: E402
from app.domain.calendar import DayUnit, WorkCalendar  # noqa: E402
from app.domain.deadlines import (  # noqa: E402
    OBJECTION_WORKING_DAYS,
    REREVIEW_WINDOW_DAYS,
    REVIEW_WINDOW_DAYS,
    compute_clocks,
    handling_due,
)
from app.domain.enums import (  # noqa: E402
    PERSON_TAGS,
    Channel,
    DocumentKind,
    MatterSource,
    MatterState,
    MatterType,
    Role,
    SkipLevel,
)
from app.domain.names import name_initials, name_pinyin, normalize_name  # noqa: E402
from app.domain.phones import normalize_phone  # noqa: E402
from app.domain.workflow import Action  # noqa: E402
from app.errors import IllegalTransition  # noqa: E402
from app.services import audit, demo_content as tx, demo_names as nm, demo_plan as dp  # noqa: E402
from app.services.demo_plan import DECIDE, HANDLE, pick  # noqa: E402
from app.services.context import UnitOfWork, system_clock  # noqa: E402
from app.services.documents import document_prefix  # noqa: E402
from app.services.matters import dates_of  # noqa: E402
from app.services.numbering import contact_number, document_number, matter_number  # noqa: E402
from app.services.offices import OfficeSetup, initialise  # noqa: E402
from app.services.passwords import hash_password  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402
from app.settings import SPEC_BY_KEY  # noqa: E402
from db.models import Base, Office, ResponsibleUnit, UserAccount, Village  # noqa: E402
from db import stats_day  # noqa: E402
from db.search_index import DOC_TABLE, FTS_TABLE, SOURCES, TRIGGERS  # noqa: E402

OFFICE = dict(name="某某县某某镇人民政府", short_name="某某镇", division_code="330106101000",
              parent_name="某某县信访局", admin_login="admin", admin_name="王管理")
ADMIN_PASSWORD = "abc12345"  # the tests' password; the demo staff use nm.DEMO_PASSWORD
YEARS = 3
ONE_DAY = timedelta(days=1)
ASSIGNED_DOWN_SHARE = 0.01  # matters assigned down by the county (no contact of their own)
CORE_SHARE = 0.01  # matters of long-term petitioners (信访老户): many repeat contacts, appealed
# ID numbers: most petitioners were born in the county; the rest married in or moved here.
OTHER_DIVISIONS = ("330102", "330105", "330108", "330110", "330122", "330182", "340121", "360124",
                   "412723", "511321", "522124", "430524")
LOCAL_ID_SHARE = 0.85
TABLES = ("person", "person_phone", "person_tag", "contact", "contact_person", "matter",
          "matter_petitioner", "matter_event", "matter_deadline", "document", "number_series")
_HANDED_ON = frozenset({"object", "decline", "route_legal", "forward", "assign"})

# Column order of every row tuple below; checked against the ORM tables at start-up.
COLUMNS: dict[str, tuple[str, ...]] = {
    "person": ("id", "office_id", "created_at", "updated_at", "name", "name_initials", "name_pinyin",
               "gender", "id_number", "birth_date", "home_division", "address", "village_id", "ethnicity",
               "follow_up_officer", "notes", "merged_into_id", "last_contact_at"),
    "person_phone": ("id", "office_id", "created_at", "updated_at", "person_id", "phone", "position"),
    "person_tag": ("id", "office_id", "created_at", "updated_at", "person_id", "tag"),
    "contact": ("id", "office_id", "created_at", "updated_at", "number", "channel", "contact_at",
                "headcount", "skip_level", "is_repeat", "repeat_suggested", "repeat_override_reason",
                "receiving_clerk_id", "leader_reception", "leader_name", "content", "problem_village_id",
                "problem_division_code", "matter_id", "anonymous", "threat", "confidential", "purpose"),
    "contact_person": ("id", "office_id", "created_at", "updated_at", "contact_id", "person_id", "position"),
    "matter": ("id", "office_id", "created_at", "updated_at", "number", "title", "matter_type",
               "subject_code", "state", "source", "simplified", "confidential", "pending_proceeding",
               "problem_village_id", "responsible_unit_id", "case_leader", "handler_id", "registered_on",
               "assigned_by", "assigned_due_on", "reopened_on", "decision", "decided_on", "decision_reason",
               "legal_channel", "referred_to", "no_notice_reason", "accepted_on", "extension_days",
               "extension_reason", "replied_on", "reply_result", "reply_delivered_on", "satisfaction",
               "evaluated_on", "closed_on", "review_requested_on", "review_decided_on",
               "rereview_requested_on", "rereview_decided_on", "concluded_on", "resolution", "resolved_on",
               "is_backlog", "backlog_since", "report_days", "review_delivered_on", "historical", "needs_review"),
    "matter_petitioner": ("id", "office_id", "created_at", "updated_at", "matter_id", "person_id", "position"),
    "matter_event": ("id", "office_id", "created_at", "updated_at", "matter_id", "seq", "action",
                     "from_state", "to_state", "occurred_on", "actor_id", "note", "data"),
    "matter_deadline": ("id", "office_id", "created_at", "updated_at", "matter_id", "clock", "starts_on",
                        "days", "unit", "due_on", "met_on"),
    "document": ("id", "office_id", "created_at", "updated_at", "kind", "number", "series_year",
                 "series_seq", "issued_on", "matter_id", "person_id", "contact_id", "file_id",
                 "issued_by_id", "delivery_method", "delivered_on", "delivery_receiver", "delivery_note",
                 "matter_event_seq"),
    "number_series": ("office_id", "series", "year", "last_value"),
}

# uuid.uuid4() bits, drawn from a seeded generator so that a seed gives the same database.
_V4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_V4_SET = (0x4000 << 64) | (0x8000 << 48)


def dashed(h: str) -> str:
    """The str(uuid) form of a 32-digit hex id (what services put into JSON)."""
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


class Ids:
    def __init__(self, seed: int) -> None:
        self._bits = random.Random(seed * 7919 + 17).getrandbits

    def __call__(self) -> str:
        return "%032x" % ((self._bits(128) & _V4_CLEAR) | _V4_SET)


class Times:
    """Local wall-clock minutes since ``base`` (an int per moment) and their stored text forms.

    ``contact_at`` is local and naive ("YYYY-MM-DD HH:MM:00.000000"); ``created_at``/``updated_at``
    are UTC (the UtcDateTime columns), with microseconds.
    """

    def __init__(self, first: date, last: date) -> None:
        self.base = first - timedelta(days=2)
        days = (last - self.base).days + 4
        self.day = [(self.base + timedelta(days=i)).isoformat() for i in range(days)]
        self.hm = [f"{h:02d}:{m:02d}" for h in range(24) for m in range(60)]
        offset = datetime.now().astimezone().utcoffset() or timedelta(0)
        self.offset = int(offset.total_seconds() // 60)

    def minute(self, d: date, minute_of_day: int) -> int:
        return (d - self.base).days * 1440 + minute_of_day

    def date_of(self, minute: int) -> date:
        return self.base + timedelta(days=minute // 1440)

    def local(self, minute: int) -> str:
        return f"{self.day[minute // 1440]} {self.hm[minute % 1440]}:00.000000"

    def utc(self, minute: int, micro: int) -> str:
        m = minute - self.offset
        return f"{self.day[m // 1440]} {self.hm[m % 1440]}:{micro // 1_000_000:02d}.{micro % 1_000_000:06d}"


class FastRandom(random.Random):
    """random.Random with cheap integer draws and single weighted picks (the stdlib ones cost ~2 µs).

    Seeded like any Random, so a seed still gives the same database; the tiny float rounding bias does
    not matter for test data.
    """

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        if stop is None:
            return int(self.random() * start)
        return start + int(self.random() * (stop - start))

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Any) -> Any:
        return seq[int(self.random() * len(seq))]

    def choices(self, population: Any, weights: Any = None, *, cum_weights: Any = None,  # type: ignore[override]
                k: int = 1) -> list[Any]:
        if k != 1:
            return super().choices(population, weights, cum_weights=cum_weights, k=k)
        if cum_weights is None:
            if weights is None:
                return [population[int(self.random() * len(population))]]
            cum_weights = list(accumulate(weights))
        last = len(population) - 1
        return [population[bisect.bisect(cum_weights, self.random() * cum_weights[-1], 0, last)]]


_JSON_STR: dict[str, str] = {}


def to_json(data: dict[str, Any]) -> str:
    """json.dumps(data) (what SQLAlchemy's JSON type stores) for flat dicts, with escaped texts cached."""
    parts = []
    for key, value in data.items():
        if isinstance(value, str):
            text = _JSON_STR.get(value)
            if text is None:
                text = _JSON_STR[value] = json.dumps(value)
        elif value is None:
            text = "null"
        elif type(value) is int:
            text = str(value)
        else:
            text = json.dumps(value)
        parts.append(f'"{key}": {text}')
    return "{" + ", ".join(parts) + "}"


class Person:
    __slots__ = ("n", "id", "name", "gender", "ethnicity", "born", "id_number", "phones", "village",
                 "address", "tags", "officer", "notes", "minute", "subjects", "reusable")


class Doc:
    __slots__ = ("id", "kind", "on", "matter", "actor", "minute", "micro", "seq", "number", "method",
                 "delivered_on", "receiver", "event_seq")


class Matter:
    __slots__ = (
        "n", "id", "number", "spec", "mtype", "village", "persons", "minute", "registered_on", "core",
        "collective", "anonymous", "simplified", "source", "assigned_due_on", "topic", "slots", "clerk",
        "handler", "channel", "skip", "override", "content", "title", "confidential", "steps", "events",
        "docs", "updated", "state", "decision", "decided_on", "decision_reason", "legal_channel",
        "referred_to", "no_notice_reason", "accepted_on", "extension_days", "extension_reason", "replied_on",
        "reply_result", "reply_delivered_on", "satisfaction", "evaluated_on", "closed_on",
        "review_requested_on", "review_decided_on", "review_delivered_on", "rereview_requested_on",
        "rereview_decided_on", "concluded_on", "reopened_on", "responsible_unit_id", "handler_id", "hearing_days", "repeats",
        "report_days", "historical",
    )

    def __init__(self) -> None:
        for key in ("decision", "decided_on", "legal_channel", "accepted_on", "extension_days", "replied_on",
                    "reply_result", "reply_delivered_on", "satisfaction", "evaluated_on", "closed_on",
                    "review_requested_on", "review_decided_on", "review_delivered_on", "rereview_requested_on",
                    "rereview_decided_on", "concluded_on", "reopened_on", "responsible_unit_id",
                    "handler_id", "assigned_due_on", "skip"):
            setattr(self, key, None)
        self.decision_reason = self.referred_to = self.no_notice_reason = self.extension_reason = ""
        self.hearing_days = self.repeats = 0
        self.report_days, self.historical = None, False
        self.override = False
        self.persons = []
        self.docs = []
        self.events = []


class Plan:
    """Three years of a township's work up to ``now``, in memory."""

    def __init__(self, rng: random.Random, ids: Ids, cfg: dict[str, Any], contacts: int, persons: int,
                 matters: int, log: Any) -> None:
        self.rng, self.ids, self.cfg, self.log = rng, ids, cfg, log
        self.n_contacts, self.n_persons, self.n_matters = contacts, persons, matters
        self.now: datetime = cfg["now"]
        self.today = self.now.date()
        self.cal: WorkCalendar = cfg["calendar"]
        self.first_day = self.today - timedelta(days=365 * YEARS)
        self.times = Times(self.first_day, self.today)
        self._working: dict[date, bool] = {}
        self._deadline: dict[tuple[date, int, Any], date] = {}
        self.people: list[Person] = []
        self.matters: list[Matter] = []
        self.contacts: list[tuple[Any, ...]] = []
        self.docs: list[Doc] = []
        self.id_numbers: set[str] = set()
        self.names: dict[str, tuple[str, str, str]] = {}
        self.surnames = tuple(s for s, _ in nm.SURNAMES[:40])
        self.village_weights = list(accumulate(rng.uniform(0.4, 2.0) for _ in cfg["villages"]))
        self.leaders = cfg["leaders"]
        self.township = dp.Office(cfg["county"], cfg["township"], [name for _, name in cfg["villages"]], cfg["units"],
                                  cfg["handlers"])
        self.keep_steps = False  # --verify replays the steps through the services
        # The calendar's deadline() is pure: memoise it (a few thousand distinct calls answer millions).
        cal = self.cal
        memo = self._deadline
        plain = WorkCalendar.deadline

        def deadline(start: date, days: int, unit: DayUnit | None = None) -> date:
            key = (start, days, unit)
            due = memo.get(key)
            if due is None:
                due = memo[key] = plain(cal, start, days, unit)
            return due

        cal.deadline = deadline  # type: ignore[method-assign]

    # --- calendar helpers ---------------------------------------------------------------------
    def working(self, d: date) -> bool:
        w = self._working.get(d)
        if w is None:
            w = self._working[d] = self.cal.is_working_day(d)
        return w

    def time_of(self, day: date, channel: Channel) -> int:
        rng = self.rng
        minute = dp.minute_of_day(rng, channel)
        if day == self.today:
            cap = self.now.hour * 60 + self.now.minute - 1
            if minute > cap:
                minute = max(0, cap - rng.randint(0, 60))
        return self.times.minute(day, minute)

    # --- pass 1: matters and their first contacts ---------------------------------------------
    def plan_matters(self) -> None:
        rng, cfg = self.rng, self.cfg
        last = self.today if self.now.hour >= 9 else self.today - ONE_DAY
        days = [self.first_day + timedelta(days=i) for i in range(1, (last - self.first_day).days + 1)]
        self.days = days
        cum = list(accumulate(dp.day_weight(d, i / len(days), self.working(d)) for i, d in enumerate(days)))
        assigned = max(1, round(self.n_matters * ASSIGNED_DOWN_SHARE)) if self.n_matters >= 10 else 0
        opened = self.n_matters - assigned
        picked = sorted(rng.choices(range(len(days)), cum_weights=cum, k=opened))
        early = int(opened * 0.55)
        core_at = set(rng.sample(range(early), min(early, max(1, int(opened * CORE_SHARE)))))
        season = {month: _subject_table(month, False) for month in range(1, 13)}
        core_season = {month: _subject_table(month, True) for month in range(1, 13)}
        villages = range(len(cfg["villages"]))
        for pos, day_index in enumerate(picked):
            day = days[day_index]
            core = pos in core_at
            specs, weights = (core_season if core else season)[day.month]
            spec = rng.choices(specs, cum_weights=weights)[0]
            m = Matter()
            m.spec, m.core = spec, core
            m.mtype = rng.choices(_TYPES[spec.code][0], _TYPES[spec.code][1])[0]
            m.channel = dp.first_channel(rng, core, self.working(day))
            m.collective = m.channel is Channel.VISIT and not core and rng.random() < spec.collective
            m.anonymous = (not core and not m.collective and m.channel in (Channel.LETTER, Channel.ONLINE)
                           and rng.random() < (0.25 if m.mtype is MatterType.ACCUSATION else 0.02))
            m.village = rng.choices(villages, cum_weights=self.village_weights)[0]
            m.persons = [None] * (rng.randint(2, 5) if m.collective else 0 if m.anonymous else 1)
            m.simplified = (m.mtype is MatterType.CLAIM and not core and not m.collective
                            and rng.random() < 0.08)
            m.source = MatterSource.CONTACT.value
            m.registered_on = day
            m.minute = self.time_of(day, m.channel)
            m.clerk = rng.randrange(len(cfg["receptionists"]))
            m.handler = rng.randrange(len(cfg["handlers"]))
            if m.channel is Channel.VISIT and not m.collective and rng.random() < 0.006:
                m.skip = pick(rng, tx.SKIP_WEIGHTS)
            self.matters.append(m)
        span = max(1, (self.today - self.first_day).days - 120)
        for i in range(assigned):
            back = 30 if i == 0 else 40 if i == 1 else 90 + rng.randrange(span)
            day = self.today - timedelta(days=back)
            m = Matter()
            m.spec = _weighted_spec(rng, season[day.month])
            m.core, m.mtype, m.channel, m.collective, m.anonymous = False, MatterType.CLAIM, None, False, False
            m.village = rng.randrange(len(cfg["villages"]))
            m.persons = [None]
            m.simplified = False
            m.source = MatterSource.ASSIGNED_DOWN.value
            m.registered_on = day
            m.minute = self.times.minute(day, 630)
            m.clerk = rng.randrange(len(cfg["receptionists"]))
            m.handler = rng.randrange(len(cfg["handlers"]))
            m.assigned_due_on = day + timedelta(days=45 if i < 2 else rng.choice((30, 45, 60)))
            self.matters.append(m)
        self.matters.sort(key=lambda m: m.minute)
        seen: Counter[int] = Counter()
        for n, m in enumerate(self.matters):
            m.n, m.id = n, self.ids()
            year = m.registered_on.year
            seen[year] += 1
            m.number = matter_number(year, seen[year])
        self.matter_series = dict(seen)

    # --- pass 2: petitioners ------------------------------------------------------------------
    def plan_persons(self) -> None:
        rng = self.rng
        slots = sum(len(m.persons) for m in self.matters)
        if self.n_persons > slots:
            raise SystemExit(f"--persons {self.n_persons} is more than the {slots} petitioner places of "
                             f"{len(self.matters)} matters: ask for fewer persons or more matters")
        needed = self.n_persons
        for m in self.matters:
            chosen: list[Person] = []
            for _ in range(len(m.persons)):
                p = None
                if not m.core and not (needed and rng.random() < needed / slots):
                    p = self.reuse(m, chosen, tries=6 if needed else 60)
                if p is None and needed == 0:  # only old petitioners left: allow the same subject
                    p = self.reuse(m, chosen, tries=60, same_subject=True)
                    # The program suggests their earlier matter; the clerk opens a new one, with a reason.
                    m.override = m.override or (p is not None and m.spec.code in p.subjects)
                if p is None:
                    p = self.person(m)
                    needed -= 1
                slots -= 1
                chosen.append(p)
            m.persons = chosen
            if chosen and chosen[0].village != m.village and rng.random() < 0.8:
                m.village = chosen[0].village
            for p in chosen:
                p.subjects.add(m.spec.code)
            # The problem's place: mostly the petitioner's own village.
            if rng.random() >= 0.9:
                m.village = rng.randrange(len(self.cfg["villages"]))

    def reuse(self, m: Matter, chosen: list[Person], tries: int, same_subject: bool = False) -> Person | None:
        people, rng = self.people, self.rng
        for _ in range(tries):
            if not people:
                return None
            p = people[rng.randrange(len(people))]
            if p.reusable and p not in chosen and (same_subject or m.spec.code not in p.subjects) and (
                    not m.collective or p.village == m.village or rng.random() < 0.3):
                return p
        return None

    def person(self, m: Matter) -> Person:
        rng, cfg = self.rng, self.cfg
        p = Person()
        p.n, p.id, p.minute = len(self.people), self.ids(), m.minute
        if p.n < len(nm.FEATURED_NAMES):
            raw, gender, ethnicity = nm.FEATURED_NAMES[p.n]
        else:
            drawn = nm.person_name(rng)
            raw, gender, ethnicity = drawn.name, drawn.gender, drawn.ethnicity
        forms = self.names.get(raw)
        if forms is None:
            name = normalize_name(raw)
            forms = self.names[raw] = (name, name_initials(name), name_pinyin(name))
        p.name = forms
        p.gender, p.ethnicity = gender, ethnicity
        p.born = nm.birth_date(rng, self.today)
        age = (self.today - p.born).days // 365
        p.id_number = None
        if rng.random() < 0.86:
            division = cfg["county_code"] if rng.random() < LOCAL_ID_SHARE else rng.choice(OTHER_DIVISIONS)
            for _ in range(20):
                number = nm.id_number_18(division, p.born, gender, rng)
                if number not in self.id_numbers:
                    self.id_numbers.add(number)
                    p.id_number = number
                    break
        p.phones = list(dict.fromkeys(normalize_phone(x) for x in nm.phones(rng, age)))
        p.village = m.village
        p.address = nm.address(rng, cfg["villages"][m.village][1])
        tags, p.officer = dp.person_tags(rng, core=m.core, subject=m.spec.code, gender=gender, age=age)
        p.tags = sorted(set(tags), key=lambda t: (t not in PERSON_TAGS, t))
        p.notes = "长期上访，需重点关注。" if m.core else ""
        p.subjects = set()
        p.reusable = m.source == MatterSource.CONTACT.value
        self.people.append(p)
        return p

    # --- pass 3: texts of the matters and their first contacts --------------------------------
    def plan_texts(self) -> None:
        rng, cfg = self.rng, self.cfg
        county, township = cfg["county"], cfg["township"]
        nvillages = len(cfg["villages"])
        for m in self.matters:
            vname = cfg["villages"][m.village][1]
            other = cfg["villages"][(m.village + 1) % nvillages][1]
            topic_t, content_t = rng.choice(m.spec.templates)
            m.slots = tx.draw_slots(rng, village=vname, other_village=other, on=m.registered_on,
                                    township=township, county=county, surnames=self.surnames)
            m.topic = tx.fill(topic_t, m.slots)
            m.confidential = m.mtype is MatterType.ACCUSATION
            if m.source == MatterSource.ASSIGNED_DOWN.value:
                m.title = f"（{county}信访局交办）{tx.title_for(m.topic, m.mtype)}"
                m.content = None
                continue
            m.title = tx.title_for(m.topic, m.mtype)
            content = tx.compose_content(rng, content_t, m.mtype, m.slots)
            if m.skip is not None:
                content = dp.skip_content(county, m.registered_on, m.skip, m.topic) + content
            m.content = content

    # --- pass 4: every contact ------------------------------------------------------------------
    def plan_contacts(self) -> None:
        rng = self.rng
        opened = [m for m in self.matters if m.source == MatterSource.CONTACT.value]
        repeats = self.n_contacts - len(opened)
        if repeats < 0:
            raise SystemExit(f"--contacts {self.n_contacts} is fewer than the {len(opened)} matters "
                             "opened by a contact: ask for more contacts or fewer matters")
        last = self.days[-1]
        weights = []
        for m in opened:
            if m.anonymous or m.registered_on >= last - timedelta(days=2):
                w = 0.0
            elif m.core:
                w = 25.0
            else:
                w = 0.0 if rng.random() < 0.45 else rng.expovariate(1.0) * (1.5 if m.collective else 1.0)
            weights.append(w)
        if repeats and not any(weights):
            raise SystemExit("no matter can take a repeat contact: ask for more matters")
        cum = list(accumulate(weights))
        for i in rng.choices(range(len(opened)), cum_weights=cum, k=repeats):
            opened[i].repeats += 1
        serial = 0
        for m in opened:
            serial += 1
            self.contacts.append(self.contact(m, m.minute, serial, False, m.channel, tuple(m.persons),
                                              m.content, m.skip))
            if not m.repeats:
                continue
            first = m.registered_on + ONE_DAY
            room = (last - first).days
            for _ in range(m.repeats):
                if m.core:
                    day = first + timedelta(days=rng.randint(0, room))
                else:
                    gap = int(rng.expovariate(1 / 40))
                    day = first + timedelta(days=gap if gap <= room else rng.randint(0, room))
                serial += 1
                self.contacts.append(self.repeat_contact(m, day, serial))
        self.contacts.sort(key=lambda c: (c[0], c[1]))

    def repeat_contact(self, m: Matter, day: date, serial: int) -> tuple[Any, ...]:
        visit = dp.repeat_visit(self.rng, core=m.core, working=self.working(day), petitioners=m.persons,
                                topic=m.topic, slots=m.slots, county=self.cfg["county"], day=day)
        return self.contact(m, self.time_of(day, visit.channel), serial, True, visit.channel,
                            visit.representatives, visit.content, visit.skip, visit.threat)

    def contact(self, m: Matter, minute: int, serial: int, repeat: bool, channel: Channel,
                reps: tuple[Person, ...], content: str, skip: SkipLevel | None,
                threat: bool = False) -> tuple[Any, ...]:
        rng = self.rng
        headcount = dp.headcount(rng, channel, m.collective, len(reps))
        leader = dp.receiving_leader(rng, channel, skip, self.times.date_of(minute), self.leaders)
        clerk = m.clerk if not repeat else rng.randrange(len(self.cfg["receptionists"]))
        return (minute, serial, m, repeat, channel, reps, headcount, skip, leader, clerk, threat, content)

    # --- pass 5: roads ----------------------------------------------------------------------------
    def plan_roads(self) -> None:
        for m in self.matters:
            road = Road(self.rng, self.cal, self.working, self.township, m, m.registered_on,
                        m.persons[0].name[0] if m.persons else None)
            if m.source == MatterSource.ASSIGNED_DOWN.value:
                road.assigned_down()
            else:
                road.natural()
            self.apply(m, road.steps)
        # 文号: gap-free per kind and year, in order of issue.
        self.docs.sort(key=lambda d: (d.on, d.minute, d.micro))
        seen: Counter[tuple[str, int]] = Counter()
        prefix, words = self.cfg["doc_prefix"], self.cfg["doc_words"]
        for d in self.docs:
            key = (d.kind.value, d.on.year)
            seen[key] += 1
            d.seq = seen[key]
            d.number = document_number(prefix, words.get(d.kind.value, ""), d.on.year, d.seq)
        self.doc_series = dict(seen)

    def issue(self, m: Matter, kind: DocumentKind, on: date, actor: str, minute: int,
              current: dict[DocumentKind, Doc]) -> Doc:
        existing = current.get(kind)
        if existing is not None:
            return existing
        d = Doc()
        d.id, d.kind, d.on, d.matter, d.actor, d.minute = self.ids(), kind, on, m, actor, minute
        d.micro = self.rng.randrange(0, 50_000_000)
        d.method = d.delivered_on = None
        d.receiver = ""
        d.event_seq = len(m.events)  # the matter's newest event when issued (documents.issue_document)
        current[kind] = d
        m.docs.append(d)
        self.docs.append(d)
        return d

    def apply(self, m: Matter, steps: list[tuple[date, Action, str, tuple[Any, ...]]]) -> None:
        """Carry the road out the way matters.perform does, up to today; record events and notices."""
        cfg, cal, today = self.cfg, self.cal, self.today
        state = MatterState.REGISTERED
        clerk = cfg["receptionists"][m.clerk]
        m.events = [(Action.REGISTER.value, None, state.value, m.registered_on, clerk, m.minute,
                     {"source": m.source})]
        last_on, last_minute = m.registered_on, m.minute
        current: dict[DocumentKind, Doc] = {}
        taken = [] if self.keep_steps else None
        for on, action, role, params in steps:
            if on > today:
                break
            target = workflow.target_state(action, state)
            if on < last_on:
                raise AssertionError(f"{m.number}: step {action} dated before the previous one")
            actor = clerk if role == DECIDE else cfg["handlers"][m.handler]
            minute = max(self.times.minute(on, 510 + self.rng.randrange(480)), last_minute + 1)
            issued = len(m.docs)
            data = self.handle(m, action, on, params, actor, minute, current)
            if action is Action.REOPEN:
                current = {}
            m.events.append((action.value, state.value, target.value, on, actor, minute, data))
            if taken is not None:
                taken.append((on, action, actor, params, minute, m.docs[-1].micro if len(m.docs) > issued else 0))
            state, last_on, last_minute = target, on, minute
        m.state = state.value
        m.updated = last_minute
        m.steps = taken

    def handle(self, m: Matter, action: Action, on: date, params: tuple[Any, ...], actor: str,
               minute: int, current: dict[DocumentKind, Doc]) -> dict[str, Any]:
        """The facts each step records (app.services.matters' step handlers), and its event data."""
        A = Action
        if action in (A.ACCEPT, A.DECLINE, A.ROUTE_LEGAL):
            kind = {A.ACCEPT: DocumentKind.ACCEPTANCE, A.DECLINE: DocumentKind.DECLINE,
                    A.ROUTE_LEGAL: DocumentKind.LEGAL_CHANNEL}[action]
            m.no_notice_reason = ""
            doc = self.issue(m, kind, on, actor, minute, current)
            data: dict[str, Any] = {"document_id": ("id", doc), "document_number": ("number", doc)}
            m.decided_on = on
            if action is A.ACCEPT:
                m.decision, m.decision_reason, m.accepted_on = "accept", "", on
                if params[0] and not m.simplified:
                    raise AssertionError("simplified track is chosen at registration here")
            elif action is A.DECLINE:
                m.decision, m.decision_reason = "decline", params[0]
                data["reason"] = params[0]
            else:
                channel, body = params
                m.decision, m.decision_reason = "route_legal", ""
                m.legal_channel, m.referred_to = channel.value, body
                data |= {"channel": channel.value, "body": body}
            return data
        if action in (A.FORWARD, A.ASSIGN):
            m.decision, m.decided_on, m.decision_reason = action.value, on, ""
            m.report_days = ASSIGNMENT_REPORT_DAYS if action is A.ASSIGN else None
            m.referred_to = params[0]
            doc = self.issue(m, DocumentKind.REFERRAL, on, actor, minute, current)
            return {"to": params[0], "document_id": ("id", doc), "document_number": ("number", doc)}
        if action is A.OBJECT:
            workflow.check_assigned_down(MatterSource(m.source))
            due = self.cal.deadline(m.reopened_on or m.registered_on, OBJECTION_WORKING_DAYS, DayUnit.WORKING)
            if on > due:
                raise AssertionError(f"{m.number}: objection after its 5 working days")
            m.decision, m.decided_on, m.decision_reason = "object", on, params[0]
            return {"reason": params[0]}
        if action is A.RECEIVE_REPORT:
            m.closed_on = on
            return {"summary": params[0]}
        if action is A.DISPATCH:
            unit, handler = params
            m.responsible_unit_id, m.handler_id = unit, handler
            return {"responsible_unit_id": dashed(unit) if unit else None,
                    "handler_id": dashed(handler) if handler else None}
        if action is A.EXTEND:
            days, reason = params
            original = handling_due(self.cal, dates_of(m))
            workflow.check_extension(days, m.extension_days is not None, on, original)
            m.extension_days, m.extension_reason = days, reason
            doc = self.issue(m, DocumentKind.EXTENSION, on, actor, minute, current)
            return {"days": days, "reason": reason, "document_number": ("number", doc)}
        if action is A.REPLY:
            result, summary = params
            m.replied_on, m.reply_result = on, result.value
            doc = self.issue(m, DocumentKind.REPLY, on, actor, minute, current)
            return {"result": result.value, "summary": summary, "document_number": ("number", doc)}
        if action is A.DELIVER_REPLY:
            method, receiver = params
            if m.reply_delivered_on is not None or on < m.replied_on:
                raise AssertionError(f"{m.number}: bad delivery")
            doc = self.issue(m, DocumentKind.REPLY, m.replied_on, actor, minute, current)
            doc.method, doc.delivered_on, doc.receiver = method.value, on, receiver.strip()
            m.reply_delivered_on = on
            return {"method": method.value, "receiver": receiver.strip()}
        if action is A.EVALUATE:
            workflow.require_reply_delivered(m.reply_delivered_on)
            satisfaction, method = params
            m.satisfaction, m.evaluated_on = satisfaction.value, on
            return {"satisfaction": satisfaction.value, "method": method}
        if action is A.CLOSE:
            workflow.require_reply_delivered(m.reply_delivered_on)
            m.closed_on = on
            return {}
        if action is A.REQUEST_REVIEW:
            workflow.require_reply_delivered(m.reply_delivered_on, "登记复查申请")
            m.review_requested_on = on
            return {"body": params[0]}
        if action is A.DECIDE_REVIEW:
            m.review_decided_on = on
            return {"outcome": params[0]}
        if action is A.DELIVER_REVIEW:
            m.review_delivered_on = on
            return {}
        if action is A.REQUEST_REREVIEW:
            m.rereview_requested_on = on
            return {"body": params[0]}
        if action is A.DECIDE_REREVIEW:
            outcome, hearing = params
            m.rereview_decided_on = m.concluded_on = on
            m.hearing_days = hearing
            return {"outcome": outcome, "hearing_days": hearing}
        if action is A.CONCLUDE:
            start, days = ((m.review_delivered_on, REREVIEW_WINDOW_DAYS) if m.review_decided_on
                           else (m.reply_delivered_on, REVIEW_WINDOW_DAYS))
            window = self.cal.deadline(start, days, DayUnit.CALENDAR) if start else None
            workflow.check_window_passed(window, on)
            m.concluded_on = on
            return {}
        if action is A.REOPEN:
            for key in _REOPEN_CLEARS:
                setattr(m, key, None)
            m.referred_to = m.decision_reason = m.extension_reason = ""
            m.reopened_on, m.hearing_days = on, 0
            return {"new_facts": params[0]}
        raise AssertionError(action)


class Road(dp.Road):
    """The shared roads (app/services/demo_plan.py) and the generator's own 上级交办件."""

    def assigned_down(self) -> None:
        """上级交办件: a few objected to within 5 working days; the rest accepted, handled, answered."""
        rng, m = self.rng, self.m
        if m.n % 33 == 0:  # type: ignore[attr-defined]
            self.go(2, Action.OBJECT, DECIDE, tx.fill(tx.OBJECTION_REASON, m.slots), shift=False)
            return
        self.go(rng.randint(1, 3), Action.ACCEPT, DECIDE, False)
        self.step(rng.randint(0, 2), Action.DISPATCH, HANDLE)
        span = (m.assigned_due_on - self.at).days  # type: ignore[attr-defined]
        self.step(int(span * rng.uniform(0.4, 0.85)), Action.REPLY, HANDLE)
        self.finish()


ASSIGNMENT_REPORT_DAYS = int(SPEC_BY_KEY["assignment_report_days"].default)  # a new office's rule
_REOPEN_CLEARS = ("decision", "decided_on", "accepted_on", "extension_days", "replied_on",
                  "reply_result", "reply_delivered_on", "satisfaction", "evaluated_on", "closed_on",
                  "review_requested_on", "review_decided_on", "review_delivered_on", "rereview_requested_on",
                  "rereview_decided_on", "concluded_on", "legal_channel")
_TYPES = {s.code: ([t for t, _ in s.types], [w for _, w in s.types]) for s in tx.SUBJECTS}


def _subject_table(month: int, core: bool) -> tuple[list[Any], list[float]]:
    specs = [s for s in tx.SUBJECTS if s.long_term] if core else list(tx.SUBJECTS)
    return specs, list(accumulate(s.weight * (2.5 if month in s.season else 1.0) for s in specs))


def _weighted_spec(rng: random.Random, table: tuple[list[Any], list[float]]) -> Any:
    return rng.choices(table[0], cum_weights=table[1])[0]


# --- writing -------------------------------------------------------------------------------------

class Writer:
    """Builds the rows from the plan; a background thread runs the INSERTs.

    sqlite3 releases the GIL while SQLite works, so building the next batch (Python) overlaps with
    storing the previous one (SQLite) on a second core.
    """

    def __init__(self, con: sqlite3.Connection, plan: Plan, office: str, log: Any) -> None:
        self.con, self.plan, self.office, self.log = con, plan, office, log
        self.t = plan.times
        self.rng = FastRandom(plan.rng.random())
        self.counts: Counter[str] = Counter()
        self.queue: queue.Queue[tuple[str, list[Any] | None] | None] = queue.Queue(maxsize=3)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._store, name="sqlite-writer", daemon=True)
        self.thread.start()

    def _store(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue
            sql, rows = item
            try:
                if rows is None:
                    self.con.execute(sql)
                else:
                    self.con.executemany(sql, rows)
            except BaseException as exc:  # handed to the main thread by insert() / join()
                self.error = exc

    def _put(self, sql: str, rows: list[Any] | None) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((sql, rows))

    def insert(self, table: str, rows: list[Any]) -> None:
        cols = COLUMNS[table]
        self.counts[table] += len(rows)
        self._put(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows)

    def join(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def stamp(self, minute: int) -> str:
        return self.t.utc(minute, self.rng.randrange(60_000_000))

    def persons(self) -> None:
        office, ids, t = self.office, self.plan.ids, self.t
        people = self.plan.people
        cfg = self.plan.cfg
        rows, phones, tags = [], [], []
        for p in people:
            at = self.stamp(p.minute)
            name, initials, pinyin = p.name
            rows.append((p.id, office, at, at, name, initials, pinyin, p.gender.value, p.id_number,
                         p.born.isoformat() if p.id_number else None, p.id_number[:6] if p.id_number else None,
                         p.address, cfg["villages"][p.village][0], p.ethnicity, p.officer, p.notes, None,
                         None))  # last_contact_at: filled once after the load (fill_last_contact)
            for i, phone in enumerate(p.phones):
                phones.append((ids(), office, at, at, p.id, phone, i))
            for tag in p.tags:
                tags.append((ids(), office, at, at, p.id, tag))
        self.insert("person", rows)
        self.insert("person_phone", phones)
        self.insert("person_tag", tags)

    def contacts(self) -> Counter[int]:
        office, ids, t, plan = self.office, self.plan.ids, self.t, self.plan
        villages, clerks = plan.cfg["villages"], plan.cfg["receptionists"]
        years: Counter[int] = Counter()
        batch, people = [], []
        total = len(plan.contacts)
        for i, c in enumerate(plan.contacts):
            minute, _, m, repeat, channel, reps, headcount, skip, leader, clerk, threat, content = c
            year = int(t.day[minute // 1440][:4])
            years[year] += 1
            cid = ids()
            at = self.stamp(minute)
            batch.append((
                cid, office, at, at, contact_number(year, years[year]), channel.value, t.local(minute), headcount,
                skip.value if skip else None, int(repeat), int(repeat or m.override),
                "另有新的诉求，与原事项不是同一问题" if m.override and not repeat else "",
                clerks[clerk], int(bool(leader)), leader, content, villages[m.village][0], None, m.id,
                int(m.anonymous), int(threat), int(m.confidential), tx.PURPOSES[m.mtype],
            ))
            for pos, p in enumerate(reps):
                people.append((ids(), office, at, at, cid, p.id, pos))
            if len(batch) == 100_000:
                self.insert("contact", batch)
                self.insert("contact_person", people)
                batch, people = [], []
                self.log(f"  contacts {i + 1:,}/{total:,}")
        self.insert("contact", batch)
        self.insert("contact_person", people)
        return years

    def matters(self) -> None:
        office, ids, t, plan = self.office, self.plan.ids, self.t, self.plan
        villages, cal = plan.cfg["villages"], plan.cal
        rows, petitioners, events, deadlines = [], [], [], []
        total = len(plan.matters)
        for i, m in enumerate(plan.matters):
            created = self.stamp(m.minute)
            updated = self.stamp(m.updated) if m.updated != m.minute else created
            rows.append((
                m.id, office, created, updated, m.number, m.title, m.mtype.value, m.spec.code, m.state, m.source,
                int(m.simplified), int(m.confidential), None, villages[m.village][0], m.responsible_unit_id, "",
                m.handler_id, m.registered_on.isoformat(),
                plan.cfg["county"] + "信访局" if m.source == MatterSource.ASSIGNED_DOWN.value else "",
                _iso(m.assigned_due_on), _iso(m.reopened_on), m.decision, _iso(m.decided_on), m.decision_reason,
                m.legal_channel, m.referred_to, m.no_notice_reason, _iso(m.accepted_on), m.extension_days,
                m.extension_reason, _iso(m.replied_on), m.reply_result, _iso(m.reply_delivered_on), m.satisfaction,
                _iso(m.evaluated_on), _iso(m.closed_on), _iso(m.review_requested_on), _iso(m.review_decided_on),
                _iso(m.rereview_requested_on), _iso(m.rereview_decided_on), _iso(m.concluded_on), "unresolved",
                None, 0, None, m.report_days, _iso(m.review_delivered_on), 0, 0,
            ))
            for pos, p in enumerate(m.persons):
                petitioners.append((ids(), office, created, created, m.id, p.id, pos))
            for seq, (action, from_state, to_state, on, actor, minute, data) in enumerate(m.events, 1):
                at = created if seq == 1 else self.stamp(minute)
                resolved = {k: _resolve(v) for k, v in data.items()}
                payload = to_json(resolved)
                if i < 2000 and payload != json.dumps(resolved):
                    raise AssertionError(f"to_json differs from json.dumps: {payload}")
                events.append((ids(), office, at, at, m.id, seq, action, from_state, to_state, on.isoformat(),
                               actor, "", payload))
            for clock in compute_clocks(cal, dates_of(m, m.hearing_days)):
                deadlines.append((ids(), office, created, updated, m.id, clock.clock.value,
                                  clock.starts_on.isoformat(), clock.days, clock.unit.value,
                                  clock.due_on.isoformat(), _iso(clock.met_on)))
            if len(rows) == 50_000:
                self._flush_matters(rows, petitioners, events, deadlines)
                rows, petitioners, events, deadlines = [], [], [], []
                self.log(f"  matters {i + 1:,}/{total:,}")
        self._flush_matters(rows, petitioners, events, deadlines)
        docs = []
        for d in plan.docs:
            at = t.utc(d.minute, d.micro)
            docs.append((d.id, office, at, at, d.kind.value, d.number, d.on.year, d.seq, d.on.isoformat(),
                         d.matter.id, None, None, None, d.actor, d.method, _iso(d.delivered_on), d.receiver, "",
                         d.event_seq))
        self.insert("document", docs)

    def _flush_matters(self, rows: list[Any], petitioners: list[Any], events: list[Any],
                       deadlines: list[Any]) -> None:
        self.insert("matter", rows)
        self.insert("matter_petitioner", petitioners)
        self.insert("matter_event", events)
        self.insert("matter_deadline", deadlines)

    def number_series(self, contact_years: Counter[int]) -> None:
        rows = [(self.office, "contact", y, n) for y, n in sorted(contact_years.items())]
        rows += [(self.office, "matter", y, n) for y, n in sorted(self.plan.matter_series.items())]
        rows += [(self.office, f"doc:{kind}", y, n) for (kind, y), n in sorted(self.plan.doc_series.items())]
        self._put("DELETE FROM number_series", None)
        self.insert("number_series", rows)


def _resolve(value: Any) -> Any:
    if isinstance(value, tuple):
        attr, doc = value
        return dashed(doc.id) if attr == "id" else doc.number
    return value


# --- the run -------------------------------------------------------------------------------------

def check_columns() -> None:
    for table, cols in COLUMNS.items():
        model = set(Base.metadata.tables[table].columns.keys())
        if set(cols) != model or len(cols) != len(model):
            raise SystemExit(f"bench/generate.py is out of date with the schema of {table}: "
                             f"missing {sorted(model - set(cols))}, unknown {sorted(set(cols) - model)}")


def set_up(folder: Path, now: datetime) -> dict[str, Any]:
    """Initialise the office through the services; read what the plan needs."""
    ws = Workspace.open(folder, clock=lambda: now)
    try:
        initialise(ws, OfficeSetup(admin_password=ADMIN_PASSWORD,
                                   villages=tuple(nm.VILLAGE_NAMES[:nm.VILLAGE_TARGET]), **OFFICE))
        office_id = ws.local_office_id()
        password_hash = hash_password(nm.DEMO_PASSWORD)
        with ws.database.write() as session:
            for u in nm.DEMO_USERS:
                if u.login != OFFICE["admin_login"]:
                    session.add(UserAccount(office_id=office_id, login=u.login, display_name=u.display_name,
                                            role=u.role.value, password_hash=password_hash))
        actor = ws.system_actor()
        with ws.read(actor) as uow:
            s = uow.session
            office = s.get(Office, office_id)
            users = {r: [u.id.hex for u in s.query(UserAccount).filter_by(role=r.value, is_system=False)
                         .order_by(UserAccount.login)] for r in Role}
            return {
                "office_id": office_id.hex, "county": office.parent_name.removesuffix("信访局") or "本县",
                "township": office.short_name, "county_code": office.division_code[:6],
                "villages": [(v.id.hex, v.name) for v in s.query(Village).order_by(Village.name)],
                "units": {u.name: u.id.hex for u in s.query(ResponsibleUnit)},
                "receptionists": users[Role.RECEPTIONIST], "handlers": users[Role.HANDLER],
                "leaders": tuple(u.display_name for u in nm.DEMO_USERS if u.role is Role.LEADER),
                "calendar": uow.calendar, "now": now, "doc_prefix": document_prefix(uow),
                "doc_words": dict(uow.setting("document_words")), "actor": actor,
            }
    finally:
        ws.close()


def _schema_objects(con: sqlite3.Connection) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    marks = ",".join("?" * len(TABLES))
    indexes = con.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                          f"AND tbl_name IN ({marks})", TABLES).fetchall()
    triggers = con.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
                           f"({','.join('?' * len(TRIGGERS))})", TRIGGERS).fetchall()
    return indexes, triggers


def _recency_triggers(con: sqlite3.Connection) -> list[tuple[str, str]]:
    return con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                       "AND (name LIKE 'person_last_contact_%' OR name LIKE 'stats_day_%')").fetchall()


@contextmanager
def recency_suspended(con: sqlite3.Connection) -> Iterator[None]:
    """The triggers keeping person.last_contact_at (revision 0004) and the report's day tables
    (revision stats_day) dropped during a bulk load inside ``con``'s transaction: per row they would
    recompute a person's newest contact or regroup a day (through indexes a load may have dropped).
    Afterwards both are filled from every row and the triggers re-created. bench_sync.py's township
    fill uses it too."""
    recency = _recency_triggers(con)
    for name, _ in recency:
        con.execute(f"DROP TRIGGER {name}")
    yield
    fill_last_contact(con)
    for statement in stats_day.rebuild_sql("sqlite"):
        con.execute(statement)
    for name, sql in recency:
        con.execute(sql)


def fill_last_contact(con: sqlite3.Connection) -> None:
    con.execute("UPDATE person SET last_contact_at = (SELECT max(c.contact_at) FROM contact_person cp "
                "JOIN contact c ON c.id = cp.contact_id WHERE cp.person_id = person.id)")


def fill_search_index(con: sqlite3.Connection, cfg: dict[str, Any]) -> int:
    """Index every text once through content_search.rebuild_index, on the loading connection.

    Run after the load's COMMIT: the session borrows the raw connection (autocommit mode, so each of
    the rebuild's few big statements is its own transaction; SQLAlchemy's first-connect rollback
    would otherwise undo the load).
    """
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session
    from sqlalchemy.pool import StaticPool

    from app.services.content_search import rebuild_index

    engine = create_engine("sqlite://", creator=lambda: con, poolclass=StaticPool)
    with Session(engine) as session:
        indexed = rebuild_index(UnitOfWork(session, cfg["actor"], lambda: cfg["now"]))
        session.commit()
    return indexed


def record_load(folder: Path, now: datetime, summary: dict[str, Any]) -> None:
    ws = Workspace.open(folder, clock=lambda: now)
    try:
        actor = ws.system_actor()
        with ws.database.write() as session:
            uow = UnitOfWork(session, actor, ws.clock)
            audit.record(uow, "bulk_load", "office", actor.office_id, after=summary)
    finally:
        ws.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path, help="new data folder (must not exist, or be empty)")
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--matters", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", type=date.fromisoformat, help="last day of the data (default: today)")
    parser.add_argument("--fts", choices=("rebuild", "triggers"), default="rebuild",
                        help="fill the full-text index once at the end (default) or through its triggers")
    args = parser.parse_args(argv)
    folder: Path = args.out_dir
    if folder.exists() and any(folder.iterdir()):
        parser.error(f"{folder} exists and is not empty")
    if min(args.contacts, args.persons, args.matters) < 1:
        parser.error("counts must be positive")
    check_columns()
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f} s, cpu {time.process_time():6.1f} s] {message}", flush=True)

    now = system_clock() if args.today is None else datetime.combine(args.today, datetime.min.time()).replace(hour=17)
    cfg = set_up(folder, now)
    log(f"initialised {folder} (office {OFFICE['short_name']}, {len(cfg['villages'])} villages); today {now:%Y-%m-%d %H:%M}")

    db = folder / "xinfang.db"
    con = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "foreign_keys = OFF", "cache_size = -1000000",
                   "temp_store = MEMORY"):
        con.execute(f"PRAGMA {pragma}")
    indexes, triggers = _schema_objects(con)
    con.execute("BEGIN")
    with recency_suspended(con):
        for name, _ in indexes:
            con.execute(f"DROP INDEX {name}")
        if args.fts == "rebuild":
            for name, _ in triggers:
                con.execute(f"DROP TRIGGER {name}")

        rng = FastRandom(args.seed)
        plan = Plan(rng, Ids(args.seed), cfg, args.contacts, args.persons, args.matters, log)
        writer = Writer(con, plan, cfg["office_id"], log)
        plan.plan_matters()
        log(f"planned {len(plan.matters):,} matters")
        plan.plan_persons()
        writer.persons()
        log(f"planned and queued {len(plan.people):,} persons")
        plan.plan_texts()
        plan.plan_contacts()
        log(f"planned {len(plan.contacts):,} contacts")
        contact_years = writer.contacts()
        log("queued contacts")
        plan.plan_roads()
        log(f"planned roads: {sum(len(m.events) for m in plan.matters):,} events, {len(plan.docs):,} notices")
        writer.matters()
        writer.number_series(contact_years)
        writer.join()
        log("wrote matters, events, deadlines, notices")
        for name, sql in indexes:
            con.execute(sql)
        log(f"re-created {len(indexes)} indexes")
    log("filled person.last_contact_at and the report's day tables, re-created their triggers")
    con.execute("COMMIT")
    if args.fts == "rebuild":
        indexed = fill_search_index(con, cfg)
        for name, sql in triggers:
            con.execute(sql)
        log(f"filled the full-text index ({indexed:,} texts) and re-created its triggers")
    con.execute("PRAGMA journal_mode = WAL")
    con.close()
    counts = dict(sorted(writer.counts.items()))
    record_load(folder, now, {
        "generator": "bench/generate.py", "seed": args.seed, "today": now.date(),
        "contacts": args.contacts, "persons": args.persons, "matters": args.matters, "rows": counts,
    })
    size = sum(p.stat().st_size for p in folder.glob("xinfang.db*"))
    states = Counter(m.state for m in plan.matters)
    log("done")
    print(f"rows: {counts}")
    print(f"matters by state: {dict(states.most_common())}")
    print(f"database: {db} — {size / 1e9:.2f} GB; total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
