"""领导包案 and 督办: name the case-owning leader of a matter, record supervision and its reply.

These record facts beside the statutory road (they change no state and no clock), so they are not
workflow steps; each needs the OWN_MATTER permission (leaders, administrators) and is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, select

from app.domain.permissions import Permission
from app.domain.text import clean_content, clean_line
from app.errors import NotFound, ValidationError
from app.services import audit
from app.services.context import UnitOfWork
from app.services.matters import load_matter
from db.ids import new_id
from db.models import Matter, Supervision, SupervisionReply

# Who presses for progress (Supervision.source).
SUPERVISION_SOURCES = ("upper", "township")  # 上级督办 (e.g. arriving in a county return package), 本级督办
SOURCE_LABELS = {"upper": "上级督办", "township": "本级督办"}


@dataclass(frozen=True)
class NewSupervision:
    source: str
    supervisor: str
    request: str
    issued_on: date
    due_on: date | None = None


def set_case_leader(uow: UnitOfWork, matter_id: uuid.UUID, leader: str) -> None:
    """Name (or, with an empty name, clear) the leader personally responsible for the matter."""
    uow.actor.require(Permission.OWN_MATTER)
    matter = load_matter(uow, matter_id)
    name = clean_line(leader, field="case_leader", label="包案领导", max_length=50, required=False)
    before = matter.case_leader
    matter.case_leader = name
    audit.record(uow, "set_case_leader", "matter", matter.id,
                 before={"case_leader": before}, after={"case_leader": name})


def add_supervision(uow: UnitOfWork, matter_id: uuid.UUID, data: NewSupervision) -> uuid.UUID:
    uow.actor.require(Permission.OWN_MATTER)
    matter = load_matter(uow, matter_id)
    if data.source not in SUPERVISION_SOURCES:
        raise ValidationError("supervision_source", "督办来源：请选择", field="source")
    if data.issued_on > uow.today():
        raise ValidationError("future_date", "督办日期：不能晚于今天", field="issued_on")
    if data.issued_on < matter.registered_on:
        raise ValidationError("before_matter", f"督办日期：不能早于事项登记日期 {matter.registered_on.isoformat()}",
                              field="issued_on")
    if data.due_on is not None and data.due_on < data.issued_on:
        raise ValidationError("due_before_issue", "督办期限：不能早于督办日期", field="due_on")
    row = Supervision(
        id=new_id(), office_id=uow.office_id, matter_id=matter.id, source=data.source,
        supervisor=clean_line(data.supervisor, field="supervisor", label="督办单位（人）", max_length=100),
        request=clean_content(data.request, field="request", label="督办要求"),
        issued_on=data.issued_on, due_on=data.due_on)
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow, "supervise", "matter", matter.id, after={
        "supervision_id": row.id, "source": data.source, "supervisor": row.supervisor,
        "due_on": data.due_on})
    return row.id


def reply_supervision(uow: UnitOfWork, supervision_id: uuid.UUID, on: date, reply: str) -> None:
    """Record (or correct) the answer this office gives to a note on one of its matters. The answer is
    this office's own row: a county's note stays the county's, the reply travels up in the next package."""
    uow.actor.require(Permission.OWN_MATTER)
    row = uow.session.get(Supervision, supervision_id)
    if row is None:
        raise NotFound("supervision", "督办记录：不存在", field="supervision_id")
    if load_matter(uow, row.matter_id).office_id != uow.office_id:
        raise ValidationError("not_our_matter", "督办反馈：只能由事项所属单位反馈",
                              field="supervision_id")
    if on > uow.today():
        raise ValidationError("future_date", "反馈日期：不能晚于今天", field="replied_on")
    if on < row.issued_on:
        raise ValidationError("reply_before_issue", "反馈日期：不能早于督办日期", field="replied_on")
    text = clean_content(reply, field="reply", label="反馈情况")
    answer = _reply_of(uow, row.id)
    before = {"replied_on": answer.replied_on, "reply": answer.reply} if answer else None
    if answer is None:
        answer = SupervisionReply(id=new_id(), office_id=uow.office_id, supervision_id=row.id,
                                  replied_on=on, reply=text)
        uow.session.add(answer)
    answer.replied_on, answer.reply = on, text
    audit.record(uow, "supervision_reply", "supervision", row.id, before=before, after={"replied_on": on})


def _reply_of(uow: UnitOfWork, supervision_id: uuid.UUID) -> SupervisionReply | None:
    return uow.session.scalar(select(SupervisionReply).where(SupervisionReply.supervision_id == supervision_id,
                                                             SupervisionReply.office_id == uow.office_id))


@dataclass(frozen=True)
class SupervisionDue:
    supervision_id: uuid.UUID
    matter_id: uuid.UUID
    number: str
    source_label: str
    supervisor: str
    request: str
    due_on: date
    days_left: int  # negative: days overdue


def due_supervisions(uow: UnitOfWork, within_days: int) -> tuple[SupervisionDue, ...]:
    """Supervision of this office's matters (its own notes and an upper office's) that this office has not
    answered, due within ``within_days`` days or already overdue, most urgent first."""
    uow.actor.require(Permission.READ)
    today = uow.today()
    rows = uow.session.execute(
        select(Supervision, Matter.number).join(Matter, Matter.id == Supervision.matter_id)
        .where(Matter.office_id == uow.office_id, Supervision.due_on <= today + timedelta(days=within_days),
               ~exists().where(SupervisionReply.supervision_id == Supervision.id,
                               SupervisionReply.office_id == uow.office_id))
        .order_by(Supervision.due_on, Matter.number)).all()
    return tuple(SupervisionDue(s.id, s.matter_id, number, SOURCE_LABELS.get(s.source, s.source), s.supervisor,
                                s.request, s.due_on, (s.due_on - today).days)  # type: ignore[operator]
                 for s, number in rows)
