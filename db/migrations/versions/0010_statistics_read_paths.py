"""Statistics: index-only read paths for the residence villages and the repeat-contact tests

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 13:00:00.000000

A year's report at 1,000,000 contacts read the contact table row of every contact of every
candidate matter (to test is_repeat and contact_at) and the contact_person row of every contact
(to find position 0). Both now come from an index alone. Plain indexes: SQLite chooses them
without ANALYZE (they match more equality terms than the single-column ones), PostgreSQL too.

The rates read candidate matters slice by slice (registered, replied, delivered, closed, resolved in
the period, ...), each skipping the matters of the earlier slices; the dated indexes now carry the
earlier slices' dates, so a skipped matter costs an index entry instead of a table row.
"""

from __future__ import annotations

from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


# Dated slice index → the dates of the earlier slices it carries (after office_id and its own date).
WIDENED = {
    "replied_on": ["registered_on"],
    "reply_delivered_on": ["registered_on", "replied_on"],
    "closed_on": ["registered_on", "replied_on", "reply_delivered_on"],
    "resolved_on": ["registered_on", "replied_on", "reply_delivered_on", "closed_on"],
}


def upgrade() -> None:
    for column, earlier in WIDENED.items():
        op.drop_index(f"ix_matter_stats_{column}", table_name="matter")
        op.create_index(f"ix_matter_stats_{column}", "matter", ["office_id", column, *earlier], unique=False)
    op.create_index('ix_contact_person_main', 'contact_person', ['contact_id', 'position', 'person_id'],
                    unique=False)
    op.create_index('ix_contact_matter_repeat', 'contact', ['matter_id', 'is_repeat', 'contact_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_contact_matter_repeat', table_name='contact')
    op.drop_index('ix_contact_person_main', table_name='contact_person')
    for column in WIDENED:
        op.drop_index(f"ix_matter_stats_{column}", table_name="matter")
        op.create_index(f"ix_matter_stats_{column}", "matter", ["office_id", column], unique=False)
