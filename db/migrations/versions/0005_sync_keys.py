"""sync keys: the local office's private keys and the enrolled partner offices

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.base


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('office_key',
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('signing_private', sa.LargeBinary(length=32), nullable=False),
    sa.Column('encryption_private', sa.LargeBinary(length=32), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_office_key_office_id_office')),
    sa.PrimaryKeyConstraint('office_id', name=op.f('pk_office_key'))
    )
    op.create_table('sync_partner',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('division_code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=30), nullable=False),
    sa.Column('signing_public', sa.LargeBinary(length=32), nullable=False),
    sa.Column('encryption_public', sa.LargeBinary(length=32), nullable=False),
    sa.Column('enrolled_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_partner')),
    sa.UniqueConstraint('division_code', name=op.f('uq_sync_partner_division_code'))
    )


def downgrade() -> None:
    op.drop_table('sync_partner')
    op.drop_table('office_key')
