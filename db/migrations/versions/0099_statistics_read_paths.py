"""Statistics: index-only read paths for the residence villages and the repeat-contact tests

Revision ID: 0099
Revises: 0004
Create Date: 2026-11-23 13:00:00.000000

A year's report at 1,000,000 contacts read the contact table row of every contact of every
candidate matter (to test is_repeat and contact_at) and the contact_person row of every contact
(to find position 0). Both now come from an index alone. Plain indexes: SQLite chooses them
without ANALYZE (they match more equality terms than the single-column ones), PostgreSQL too.
"""

from __future__ import annotations

from alembic import op

revision = '0099'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_contact_person_main', 'contact_person', ['contact_id', 'position', 'person_id'],
                    unique=False)
    op.create_index('ix_contact_matter_repeat', 'contact', ['matter_id', 'is_repeat', 'contact_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_contact_matter_repeat', table_name='contact')
    op.drop_index('ix_contact_person_main', table_name='contact_person')
