"""report submissions, corrections, imported ledger rows; statistics indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.base


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_submission',
    sa.Column('period_kind', sa.String(length=30), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('submitted_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('submitted_by_id', sa.Uuid(), nullable=False),
    sa.Column('note', sa.String(length=400), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_report_submission_office_id_office')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user_account.id'], name=op.f('fk_report_submission_submitted_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_submission')),
    sa.UniqueConstraint('office_id', 'period_kind', 'period_start', name=op.f('uq_report_submission_office_id_period_kind_period_start'))
    )
    with op.batch_alter_table('report_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_submission_office_id'), ['office_id'], unique=False)

    op.create_table('report_correction',
    sa.Column('submission_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Uuid(), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_report_correction_office_id_office')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_report_correction_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['submission_id'], ['report_submission.id'], name=op.f('fk_report_correction_submission_id_report_submission')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_correction')),
    sa.UniqueConstraint('submission_id', 'seq', name=op.f('uq_report_correction_submission_id_seq'))
    )
    with op.batch_alter_table('report_correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_correction_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_correction_submission_id'), ['submission_id'], unique=False)

    op.create_table('import_record',
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('contact_id', sa.Uuid(), nullable=False),
    sa.Column('source_name', sa.String(length=400), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.Column('sheet', sa.String(length=100), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_import_record_contact_id_contact')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_import_record_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_record')),
    sa.UniqueConstraint('office_id', 'fingerprint', name=op.f('uq_import_record_office_id_fingerprint'))
    )
    with op.batch_alter_table('import_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_record_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_record_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_record_office_id'), ['office_id'], unique=False)

    # Statistics read contacts through one covering index, and matters by office and date.
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index('ix_contact_stats', ['office_id', 'contact_at', 'channel', 'headcount', 'is_repeat', 'skip_level', 'leader_reception', 'matter_id', 'problem_village_id', 'id'], unique=False)

    with op.batch_alter_table('matter', schema=None) as batch_op:
        batch_op.create_index('ix_matter_stats_backlog_since', ['office_id', 'backlog_since'], unique=False)
        batch_op.create_index('ix_matter_stats_closed_on', ['office_id', 'closed_on'], unique=False)
        batch_op.create_index('ix_matter_stats_is_backlog', ['office_id', 'is_backlog'], unique=False)
        batch_op.create_index('ix_matter_stats_registered_on', ['office_id', 'registered_on'], unique=False)
        batch_op.create_index('ix_matter_stats_replied_on', ['office_id', 'replied_on'], unique=False)
        batch_op.create_index('ix_matter_stats_reply_delivered_on', ['office_id', 'reply_delivered_on'], unique=False)
        batch_op.create_index('ix_matter_stats_resolved_on', ['office_id', 'resolved_on'], unique=False)

    with op.batch_alter_table('matter_deadline', schema=None) as batch_op:
        batch_op.create_index('ix_matter_deadline_clock_due', ['clock', 'due_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('matter_deadline', schema=None) as batch_op:
        batch_op.drop_index('ix_matter_deadline_clock_due')

    with op.batch_alter_table('matter', schema=None) as batch_op:
        batch_op.drop_index('ix_matter_stats_resolved_on')
        batch_op.drop_index('ix_matter_stats_reply_delivered_on')
        batch_op.drop_index('ix_matter_stats_replied_on')
        batch_op.drop_index('ix_matter_stats_registered_on')
        batch_op.drop_index('ix_matter_stats_is_backlog')
        batch_op.drop_index('ix_matter_stats_closed_on')
        batch_op.drop_index('ix_matter_stats_backlog_since')

    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_stats')

    with op.batch_alter_table('import_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_record_office_id'))
        batch_op.drop_index(batch_op.f('ix_import_record_contact_id'))
        batch_op.drop_index(batch_op.f('ix_import_record_batch_id'))

    op.drop_table('import_record')
    with op.batch_alter_table('report_correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_correction_submission_id'))
        batch_op.drop_index(batch_op.f('ix_report_correction_office_id'))

    op.drop_table('report_correction')
    with op.batch_alter_table('report_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_submission_office_id'))

    op.drop_table('report_submission')
