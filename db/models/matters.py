"""信访事项 (一案一卷): the matter, its petitioners, its append-only events, clocks and supervision.

The matter row holds the current facts for fast queries and statistics; every change is also an
append-only MatterEvent, from which the dossier's history is read and which travels in sync packages.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, OfficeOwned, code, long, short


class Matter(OfficeOwned, Base):
    __tablename__ = "matter"
    __table_args__ = (
        UniqueConstraint("office_id", "number"),
        Index("ix_matter_state", "state"),
        Index("ix_matter_registered_on", "registered_on"),
    )

    number: Mapped[str] = mapped_column(String(20))
    title: Mapped[long]
    matter_type: Mapped[code]
    subject_code: Mapped[str | None] = mapped_column(String(20), index=True)
    state: Mapped[code]
    source: Mapped[code] = mapped_column(default="contact")
    simplified: Mapped[bool] = mapped_column(default=False)
    confidential: Mapped[bool] = mapped_column(default=False)
    pending_proceeding: Mapped[str | None] = mapped_column(String(20))
    problem_village_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("village.id"), index=True)
    responsible_unit_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("responsible_unit.id"), index=True
    )
    case_leader: Mapped[short] = mapped_column(default="")
    handler_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)

    registered_on: Mapped[date]
    # 上级交办件: who assigned it down and the result deadline they set.
    assigned_by: Mapped[short] = mapped_column(default="")
    assigned_due_on: Mapped[date | None]

    reopened_on: Mapped[date | None]
    decision: Mapped[str | None] = mapped_column(String(20))
    decided_on: Mapped[date | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    legal_channel: Mapped[str | None] = mapped_column(String(20))
    referred_to: Mapped[short] = mapped_column(default="")
    # 交办 (assigned out): the days the unit has to report its result, fixed when assigned.
    report_days: Mapped[int | None] = mapped_column(Integer)
    no_notice_reason: Mapped[long] = mapped_column(default="")
    accepted_on: Mapped[date | None]
    extension_days: Mapped[int | None] = mapped_column(Integer)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    replied_on: Mapped[date | None]
    reply_result: Mapped[str | None] = mapped_column(String(20))
    reply_delivered_on: Mapped[date | None]
    satisfaction: Mapped[str | None] = mapped_column(String(20))
    evaluated_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    review_requested_on: Mapped[date | None]
    review_decided_on: Mapped[date | None]
    review_delivered_on: Mapped[date | None]  # the petitioner received the review decision
    rereview_requested_on: Mapped[date | None]
    rereview_decided_on: Mapped[date | None]
    concluded_on: Mapped[date | None]
    resolution: Mapped[code] = mapped_column(default="unresolved")
    resolved_on: Mapped[date | None]
    is_backlog: Mapped[bool] = mapped_column(default=False)
    # Imported from an old Excel ledger (台账): the office did not record its statutory road here.
    historical: Mapped[bool] = mapped_column(default=False, server_default=false())
    needs_review: Mapped[bool] = mapped_column(default=False, server_default=false())  # clerk to review
    backlog_since: Mapped[date | None]

    petitioners: Mapped[list[MatterPetitioner]] = relationship(
        back_populates="matter", order_by="MatterPetitioner.position", cascade="all, delete-orphan"
    )
    events: Mapped[list[MatterEvent]] = relationship(
        back_populates="matter", order_by="MatterEvent.seq", cascade="all, delete-orphan"
    )
    deadlines: Mapped[list[MatterDeadline]] = relationship(
        back_populates="matter", order_by="MatterDeadline.starts_on", cascade="all, delete-orphan"
    )


class MatterPetitioner(OfficeOwned, Base):
    __tablename__ = "matter_petitioner"
    __table_args__ = (UniqueConstraint("matter_id", "person_id"),)

    matter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("matter.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    matter: Mapped[Matter] = relationship(back_populates="petitioners")


class MatterEvent(OfficeOwned, Base):
    """One step of a matter's life. Never updated or deleted."""

    __tablename__ = "matter_event"
    __table_args__ = (UniqueConstraint("matter_id", "seq"),)

    matter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("matter.id"))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[code]
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[code]
    occurred_on: Mapped[date]
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    matter: Mapped[Matter] = relationship(back_populates="events")


class MatterDeadline(OfficeOwned, Base):
    """A statutory clock of a matter. Derived from recorded dates; recomputed on every transition."""

    __tablename__ = "matter_deadline"
    __table_args__ = (
        UniqueConstraint("matter_id", "clock"),
        Index("ix_matter_deadline_open", "met_on", "due_on"),
    )

    matter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("matter.id"))
    clock: Mapped[code]
    starts_on: Mapped[date]
    days: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(10))
    due_on: Mapped[date]
    met_on: Mapped[date | None]

    matter: Mapped[Matter] = relationship(back_populates="deadlines")


class Supervision(OfficeOwned, Base):
    """督办: an upper office or the township's leadership presses for progress by a date. The note
    belongs to the office that issued it; the answer is a SupervisionReply of the office that gives it."""

    __tablename__ = "supervision"

    matter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("matter.id"), index=True)
    source: Mapped[code]
    supervisor: Mapped[short]
    request: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date]
    due_on: Mapped[date | None]


class SupervisionReply(OfficeOwned, Base):
    """The answer (反馈) to a supervision note, owned by the office that gives it: a county's note and
    the township's reply travel in opposite directions without either office writing the other's row."""

    __tablename__ = "supervision_reply"
    __table_args__ = (UniqueConstraint("supervision_id", "office_id"),)

    supervision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("supervision.id"), index=True)
    replied_on: Mapped[date]
    reply: Mapped[str] = mapped_column(Text)
