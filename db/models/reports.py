"""Submitted reports with their frozen figures and corrections; rows brought in from Excel ledgers.

Also declares the covering index the statistics read contacts through: a month's or a year's
counts are answered from the index alone, without visiting the contact rows.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, OfficeOwned, UtcDateTime, code, long
from db.models.contacts import Contact, ContactPerson
from db.models.matters import Matter, MatterDeadline


class ReportSubmission(OfficeOwned, Base):
    """A period's report the office sent upward; ``figures`` is what was sent, never changed."""

    __tablename__ = "report_submission"
    __table_args__ = (UniqueConstraint("office_id", "period_kind", "period_start"),)

    period_kind: Mapped[code]
    period_start: Mapped[date]
    period_end: Mapped[date]
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    submitted_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[long] = mapped_column(default="")

    corrections: Mapped[list[ReportCorrection]] = relationship(
        back_populates="submission", order_by="ReportCorrection.seq", cascade="all, delete-orphan"
    )


class ReportCorrection(OfficeOwned, Base):
    """A recorded correction of a submitted report: the changed figures, why, who and when."""

    __tablename__ = "report_correction"
    __table_args__ = (UniqueConstraint("submission_id", "seq"),)

    submission_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("report_submission.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    # [{"key": "by_channel.visit.batches", "before": 12, "after": 13}, ...]
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))

    submission: Mapped[ReportSubmission] = relationship(back_populates="corrections")


class ImportRecord(OfficeOwned, Base):
    """One ledger row imported as a contact; its fingerprint makes a re-import create nothing new."""

    __tablename__ = "import_record"
    __table_args__ = (UniqueConstraint("office_id", "fingerprint"),)

    fingerprint: Mapped[str] = mapped_column(String(64))
    contact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contact.id"), index=True)
    source_name: Mapped[long]
    source_sha256: Mapped[str] = mapped_column(String(64))
    sheet: Mapped[str] = mapped_column(String(100))
    row_number: Mapped[int] = mapped_column(Integer)
    batch_id: Mapped[uuid.UUID] = mapped_column(index=True)


# Statistics indexes on tables owned by other modules (declared here so the statistics' needs stay
# together with the migration that adds them).
CONTACT_STATS_INDEX = Index(
    "ix_contact_stats", Contact.office_id, Contact.contact_at, Contact.channel, Contact.headcount,
    Contact.is_repeat, Contact.skip_level, Contact.leader_reception, Contact.matter_id,
    Contact.problem_village_id, Contact.id,
)
# The rates read their candidate matters in slices, in this order (app/statistics/rates.py SLICES);
# a slice skips the matters an earlier dated slice took. Each dated index carries the dates of the
# earlier slices, so a matter already taken is skipped in the index without reading its row.
_SLICE_DATES = (Matter.registered_on, Matter.replied_on, Matter.reply_delivered_on, Matter.closed_on,
                Matter.resolved_on)
MATTER_DATE_INDEXES = tuple(
    Index(f"ix_matter_stats_{column.name}", Matter.office_id, column, *_SLICE_DATES[:i])
    for i, column in enumerate(_SLICE_DATES)
) + tuple(Index(f"ix_matter_stats_{column.name}", Matter.office_id, column)
          for column in (Matter.backlog_since, Matter.is_backlog))
DEADLINE_DUE_INDEX = Index("ix_matter_deadline_clock_due", MatterDeadline.clock, MatterDeadline.due_on)
# Residence villages read each contact's main petitioner (position 0) from the index alone.
MAIN_PERSON_INDEX = Index("ix_contact_person_main", ContactPerson.contact_id, ContactPerson.position,
                          ContactPerson.person_id)
# The rates' "opened by a first contact" and "no repeat contact by the cut-off" tests, index only.
CONTACT_REPEAT_INDEX = Index("ix_contact_matter_repeat", Contact.matter_id, Contact.is_repeat, Contact.contact_at)
