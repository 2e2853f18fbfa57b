"""per-user grant of 检举控告类 access, forced password change after a reset, audit time index

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 12:00:00.000000

``user_account.read_accusation``: NULL follows the role's default, true grants and false revokes the
right to read 检举控告类 content and accusers' identities. ``must_change_password`` is set by an
administrator's reset and cleared when the user picks their own password. The audit page filters
by time, so ``audit_event.at`` gets an index.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('read_accusation', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('read_accusation')
