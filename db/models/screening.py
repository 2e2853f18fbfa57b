"""矛盾纠纷排查: monthly screening rounds and the conflicts found in them."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, OfficeOwned, code, long, short


class ScreeningRound(OfficeOwned, Base):
    """One month's sweep; ``month`` is the first day of the month."""

    __tablename__ = "screening_round"
    __table_args__ = (UniqueConstraint("office_id", "month"),)

    month: Mapped[date]
    opened_on: Mapped[date]


class ScreenedConflict(OfficeOwned, Base):
    """A conflict found in a round. Carried over to the next round as a new row pointing back at this
    one (``carried_from_id``), so every round keeps what it saw; ``matter_id`` once it became a matter."""

    __tablename__ = "screened_conflict"
    __table_args__ = (Index("ix_screened_conflict_found_on", "found_on"),)

    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("screening_round.id"), index=True)
    carried_from_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("screened_conflict.id"))
    found_on: Mapped[date]
    village_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("village.id"), index=True)
    parties: Mapped[long]
    kind: Mapped[short]
    risk: Mapped[code]
    summary: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    responsible: Mapped[short]
    due_on: Mapped[date | None]
    status: Mapped[code]
    resolved_on: Mapped[date | None]
    matter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("matter.id"), index=True)
    status_note: Mapped[str] = mapped_column(String(400), default="")
