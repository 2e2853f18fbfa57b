"""Earlier matters of the persons at the desk, and whether this contact looks like a repeat of one.

The program's own rule (register_contact) joins a contact to the newest matter of the same persons
on the same subject; that matter is marked ``auto_join`` so the form can say so before saving. The
score adds what the rule cannot see: how close the new content is to what was said before.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.domain.enums import MatterState, MatterType
from app.domain.permissions import Permission
from app.domain.workflow import FINISHED_STATES, STATE_LABELS
from app.services.contacts import _repeat_candidate
from app.services.context import UnitOfWork
from app.services.dictionaries import subject_names, subject_path
from app.services.matter_queries import MASKED
from db.models import Contact, Matter, MatterPetitioner

MAX_MATTERS = 20
TEXTS_PER_MATTER = 3
LIKELY, POSSIBLE = "likely", "possible"
# Words every petition uses: they would make any two texts look alike.
_COMMON = ("反映", "要求", "问题", "解决", "处理", "相关", "部门", "情况", "信访", "来访", "再次", "原事项",
           "至今", "尽快", "办理", "进度", "答复")
_NOT_TEXT = re.compile(r"[\W_\d]+")


@dataclass(frozen=True)
class EarlierMatter:
    id: uuid.UUID
    number: str
    title: str
    subject_code: str | None
    subject: str
    matter_type: MatterType
    state_label: str
    finished: bool
    registered_on: date
    contacts: int
    last_contact_on: date | None
    same_subject: bool
    similarity: float  # 0..1, content against the matter's title and latest contacts
    verdict: str  # LIKELY, POSSIBLE or ""
    auto_join: bool  # register_contact would join this matter unless told otherwise

    @property
    def score(self) -> int:
        """0-100 for sorting and showing: the subject weighs most, then the wording."""
        return round(100 * min(1.0, 0.55 * self.same_subject + 0.45 * self.similarity
                               + 0.1 * (not self.finished)))


def _bigrams(text: str) -> set[str]:
    cleaned = _NOT_TEXT.sub(" ", text)
    for word in _COMMON:
        cleaned = cleaned.replace(word, " ")
    grams: set[str] = set()
    for run in cleaned.split():
        grams.update(run[i:i + 2] for i in range(len(run) - 1))
        if len(run) == 1:
            grams.add(run)
    return grams


def similarity(a: str, b: str) -> float:
    """Dice coefficient over character bigrams: 1.0 for the same wording, 0.0 for nothing shared."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def verdict(same_subject: bool, sim: float, content_given: bool) -> str:
    if same_subject and (not content_given or sim >= 0.2) or sim >= 0.5:
        return LIKELY
    if same_subject or sim >= 0.25:
        return POSSIBLE
    return ""


def earlier_matters(uow: UnitOfWork, person_ids: list[uuid.UUID], subject_code: str | None = None,
                    content: str = "") -> list[EarlierMatter]:
    """The persons' matters, most likely repeat first."""
    uow.actor.require(Permission.READ)
    if not person_ids:
        return []
    session = uow.session
    matters = list(session.scalars(
        select(Matter).where(Matter.id.in_(
            select(MatterPetitioner.matter_id).where(MatterPetitioner.person_id.in_(person_ids))))
        .order_by(Matter.registered_on.desc(), Matter.number.desc()).limit(MAX_MATTERS)))
    if not matters:
        return []
    ids = [m.id for m in matters]
    texts = _contact_texts(uow, ids)
    counts = dict(session.execute(
        select(Contact.matter_id, func.count()).where(Contact.matter_id.in_(ids)).group_by(Contact.matter_id)
    ).all())
    last = dict(session.execute(
        select(Contact.matter_id, func.max(Contact.contact_at)).where(Contact.matter_id.in_(ids))
        .group_by(Contact.matter_id)).all())
    auto = _repeat_candidate(uow, tuple(person_ids), subject_code)
    names = subject_names(session)
    see_accusations = uow.actor.may(Permission.READ_ACCUSATION)
    content_given = bool(_bigrams(content))  # a saved phrase alone says nothing specific
    rows = []
    for m in matters:
        hidden = m.matter_type == MatterType.ACCUSATION.value and not see_accusations
        same = bool(subject_code) and m.subject_code == subject_code
        sim = max((similarity(content, t) for t in [m.title, *texts.get(m.id, [])]), default=0.0) \
            if content_given else 0.0
        state = MatterState(m.state)
        rows.append(EarlierMatter(
            id=m.id, number=m.number, title=MASKED if hidden else m.title, subject_code=m.subject_code,
            subject=subject_path(names, m.subject_code), matter_type=MatterType(m.matter_type),
            state_label=STATE_LABELS[state], finished=state in FINISHED_STATES,
            registered_on=m.registered_on, contacts=counts.get(m.id, 0),
            last_contact_on=last[m.id].date() if last.get(m.id) else None, same_subject=same,
            similarity=round(sim, 2), verdict=verdict(same, sim, content_given),
            auto_join=auto is not None and auto.id == m.id,
        ))
    rows.sort(key=lambda r: (not r.auto_join, -r.score, -r.registered_on.toordinal()))
    return rows


def _contact_texts(uow: UnitOfWork, matter_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """The latest few contents said about each matter."""
    ranked = (select(Contact.matter_id, Contact.content,
                     func.row_number().over(partition_by=Contact.matter_id,
                                            order_by=Contact.contact_at.desc()).label("n"))
              .where(Contact.matter_id.in_(matter_ids)).subquery())
    result: dict[uuid.UUID, list[str]] = {}
    for matter_id, content in uow.session.execute(
            select(ranked.c.matter_id, ranked.c.content).where(ranked.c.n <= TEXTS_PER_MATTER)):
        result.setdefault(matter_id, []).append(content)
    return result
