"""keys for attachments encrypted at rest: the office's data key, its per-user wraps, attachment.encrypted

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 12:00:00.000000

Existing attachments stay as they are (encrypted = false) until an administrator turns encryption on
(app/services/data_keys.py), which encrypts them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.base

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _synced() -> list[sa.Column]:
    return [
        sa.Column('office_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
        sa.Column('updated_at', db.base.UtcDateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('data_key',
    sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
    *_synced(),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_data_key_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_key'))
    )
    with op.batch_alter_table('data_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_key_office_id'), ['office_id'], unique=False)

    op.create_table('key_wrap',
    sa.Column('data_key_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('kdf', sa.String(length=20), nullable=False),
    sa.Column('kdf_params', sa.JSON(), nullable=False),
    sa.Column('salt', sa.LargeBinary(length=32), nullable=False),
    sa.Column('nonce', sa.LargeBinary(length=12), nullable=False),
    sa.Column('wrapped', sa.LargeBinary(length=64), nullable=False),
    *_synced(),
    sa.ForeignKeyConstraint(['data_key_id'], ['data_key.id'], name=op.f('fk_key_wrap_data_key_id_data_key')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_key_wrap_office_id_office')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_key_wrap_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_wrap')),
    sa.UniqueConstraint('data_key_id', 'user_id', name=op.f('uq_key_wrap_data_key_id_user_id'))
    )
    with op.batch_alter_table('key_wrap', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_wrap_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_key_wrap_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('encrypted', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_column('encrypted')
    op.drop_table('key_wrap')
    op.drop_table('data_key')
