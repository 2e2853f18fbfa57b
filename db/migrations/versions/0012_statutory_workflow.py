"""Statutory workflow points: notice rounds by event order, the report clock of a matter assigned out,
receipt of the review decision, matters imported from an old ledger

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 15:00:00.000000

- document.matter_event_seq: the seq of the matter's newest event when the notice was issued. A matter
  reopened on new facts needs new notices; which notices belong to the current round was decided by
  comparing created_at timestamps, which two writes in the same instant cannot tell apart. Existing
  notices are numbered the way the old comparison read them (events created strictly before the notice).
- matter.report_days: the days a unit has to report the result of a matter the township assigned (交办).
- matter.review_delivered_on: the day the petitioner received the review decision (复查意见); the
  re-review window runs from it.
- matter.historical / matter.needs_review: a matter imported from an old Excel ledger, and whether the
  clerk still has to look at it (no result recorded in the ledger). Matters an earlier ledger import
  opened (their first contact came from an import_record) and that nobody has taken a step on since are
  flagged for review, and the decision clock they were given from the ledger's date is dropped — it only
  raised false overdue alarms. (No event is written for them: a migration has no user to record.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs: a batch would rebuild matter on SQLite and lose its full-text triggers.
    op.add_column('document', sa.Column('matter_event_seq', sa.Integer(), nullable=True))
    op.add_column('matter', sa.Column('report_days', sa.Integer(), nullable=True))
    op.add_column('matter', sa.Column('review_delivered_on', sa.Date(), nullable=True))
    op.add_column('matter', sa.Column('historical', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('matter', sa.Column('needs_review', sa.Boolean(), nullable=False, server_default=sa.false()))
    # Bound booleans: a literal true/1 is not portable between SQLite and PostgreSQL.
    op.execute(sa.text(
        "UPDATE matter SET historical = :yes, needs_review = :yes WHERE state = 'registered' "
        "AND NOT EXISTS (SELECT 1 FROM matter_event e WHERE e.matter_id = matter.id AND e.seq > 1) "
        "AND (SELECT c.id FROM contact c WHERE c.matter_id = matter.id ORDER BY c.contact_at, c.number LIMIT 1) "
        "IN (SELECT r.contact_id FROM import_record r)").bindparams(yes=True))
    op.execute(sa.text(
        "DELETE FROM matter_deadline WHERE clock = 'decision' AND matter_id IN "
        "(SELECT id FROM matter WHERE needs_review = :yes)").bindparams(yes=True))
    op.execute(
        "UPDATE document SET matter_event_seq = COALESCE((SELECT max(e.seq) FROM matter_event e "
        "WHERE e.matter_id = document.matter_id AND e.created_at < document.created_at), 0) "
        "WHERE matter_id IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('matter') as batch:
        batch.drop_column('needs_review')
        batch.drop_column('historical')
        batch.drop_column('review_delivered_on')
        batch.drop_column('report_days')
    with op.batch_alter_table('document') as batch:
        batch.drop_column('matter_event_seq')
