"""Statistics: contacts counted per office and day, kept by triggers

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 15:00:00.000000

A year's report grouped every contact of the period (≈ 350,000 at 1,000,000 contacts) by its
classes, its matter's type, subject and unit, its problem village and its main petitioner's village.
Those groupings are now kept per (office, day) in stats_day_class and stats_day_key; triggers on
contact, contact_person, matter and person regroup the days a write touches (db/stats_day.py), on
every write path. The backfill groups every contact once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db import stats_day

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'stats_day_class',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('office_id', sa.Uuid(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('channel', sa.String(length=30), nullable=False),
        sa.Column('big', sa.Boolean(), nullable=False),
        sa.Column('multi', sa.Boolean(), nullable=False),
        sa.Column('is_repeat', sa.Boolean(), nullable=False),
        sa.Column('skip_level', sa.String(length=20), nullable=True),
        sa.Column('leader_reception', sa.Boolean(), nullable=False),
        sa.Column('batches', sa.Integer(), nullable=False),
        sa.Column('person_visits', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_day_class')),
    )
    op.create_index('ix_stats_day_class_day', 'stats_day_class', ['office_id', 'day'], unique=False)
    op.create_table(
        'stats_day_key',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('office_id', sa.Uuid(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('dimension', sa.String(length=30), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=True),
        sa.Column('batches', sa.Integer(), nullable=False),
        sa.Column('person_visits', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_day_key')),
    )
    op.create_index('ix_stats_day_key_day', 'stats_day_key',
                    ['office_id', 'day', 'dimension', 'key', 'batches', 'person_visits'], unique=False)
    connection = op.get_bind()
    stats_day.rebuild_all(connection)
    stats_day.install_triggers(connection)


def downgrade() -> None:
    stats_day.drop_triggers(op.get_bind())
    op.drop_index('ix_stats_day_key_day', table_name='stats_day_key')
    op.drop_table('stats_day_key')
    op.drop_index('ix_stats_day_class_day', table_name='stats_day_class')
    op.drop_table('stats_day_class')
