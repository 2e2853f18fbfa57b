"""Leaders' petition work: reception schedule (三定一公开) and records, 领导包案, village receptions and
信访代办 (petition proxy). Every row is synced (global UUID, owning office, timestamps)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, OfficeOwned, code, long, short


class ReceptionSchedule(OfficeOwned, Base):
    """One published slot of 领导接访: which leader, when, where, for which topics or areas."""

    __tablename__ = "reception_schedule"
    __table_args__ = (Index("ix_reception_schedule_held_on", "held_on"),)

    leader_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    held_on: Mapped[date]
    time_slot: Mapped[short]
    place: Mapped[short]
    topics: Mapped[long] = mapped_column(default="")
    published_on: Mapped[date | None]


class LeaderReception(OfficeOwned, Base):
    """A reception held (接访), a leader's visit to a village (下访) or an appointment (约访)."""

    __tablename__ = "leader_reception"
    __table_args__ = (Index("ix_leader_reception_held_on", "held_on"),)

    kind: Mapped[code]
    held_on: Mapped[date]
    leader_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    schedule_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reception_schedule.id"))
    place: Mapped[short] = mapped_column(default="")
    village_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("village.id"))
    persons: Mapped[long] = mapped_column(default="")
    headcount: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")


class LeaderReceptionContact(OfficeOwned, Base):
    __tablename__ = "leader_reception_contact"
    __table_args__ = (UniqueConstraint("reception_id", "contact_id"),)

    reception_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leader_reception.id"), index=True)
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contact.id"), index=True)


class LeaderReceptionMatter(OfficeOwned, Base):
    __tablename__ = "leader_reception_matter"
    __table_args__ = (UniqueConstraint("reception_id", "matter_id"),)

    reception_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("leader_reception.id"), index=True)
    matter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("matter.id"), index=True)


class CaseOwnership(OfficeOwned, Base):
    """领导包案 with the four fixes (定领导、定人员、定时限、定措施); ended when handed to another leader."""

    __tablename__ = "case_ownership"

    matter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("matter.id"), index=True)
    leader_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    staff: Mapped[long]
    measures: Mapped[str] = mapped_column(Text)
    assigned_on: Mapped[date]
    target_on: Mapped[date]
    ended_on: Mapped[date | None]
    settled_on: Mapped[date | None]
    outcome: Mapped[str] = mapped_column(Text, default="")
    evaluation: Mapped[str | None] = mapped_column(String(20))
    no_evaluation_reason: Mapped[long] = mapped_column(default="")


class CaseProgress(OfficeOwned, Base):
    """A progress note of an owned matter."""

    __tablename__ = "case_progress"

    ownership_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_ownership.id"), index=True)
    noted_on: Mapped[date]
    note: Mapped[str] = mapped_column(Text)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))


class VillageReception(OfficeOwned, Base):
    """村级接访: 有访接访、无访说案、无案说事、无事排查."""

    __tablename__ = "village_reception"
    __table_args__ = (Index("ix_village_reception_held_on", "held_on"),)

    held_on: Mapped[date]
    village_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("village.id"), index=True)
    officials: Mapped[long]
    contacts_registered: Mapped[int] = mapped_column(Integer, default=0)
    cases_discussed: Mapped[int] = mapped_column(Integer, default=0)
    screening_done: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")


class PetitionProxy(OfficeOwned, Base):
    """信访代办 on a matter: 点单 (ordered) → 派单 (dispatched) → 接单 (accepted) → 评单 (rated)."""

    __tablename__ = "petition_proxy"

    matter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("matter.id"), index=True)
    ordered_on: Mapped[date]
    request: Mapped[str] = mapped_column(Text)
    proxy_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    dispatched_on: Mapped[date | None]
    accepted_on: Mapped[date | None]
    rated_on: Mapped[date | None]
    rating: Mapped[str | None] = mapped_column(String(20))
    rating_note: Mapped[long] = mapped_column(default="")
