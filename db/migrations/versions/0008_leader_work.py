"""leader work (schedule, receptions, case ownership, village receptions, proxy), dispute screening, key persons and sensitive periods

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.base


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('screening_round',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_screening_round_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_round')),
    sa.UniqueConstraint('office_id', 'month', name=op.f('uq_screening_round_office_id_month'))
    )
    with op.batch_alter_table('screening_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screening_round_office_id'), ['office_id'], unique=False)

    op.create_table('sensitive_period',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=400), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_sensitive_period_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sensitive_period'))
    )
    with op.batch_alter_table('sensitive_period', schema=None) as batch_op:
        batch_op.create_index('ix_sensitive_period_dates', ['starts_on', 'ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_sensitive_period_office_id'), ['office_id'], unique=False)

    op.create_table('reception_schedule',
    sa.Column('leader_id', sa.Uuid(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('time_slot', sa.String(length=100), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('topics', sa.String(length=400), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['leader_id'], ['user_account.id'], name=op.f('fk_reception_schedule_leader_id_user_account')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_reception_schedule_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reception_schedule'))
    )
    with op.batch_alter_table('reception_schedule', schema=None) as batch_op:
        batch_op.create_index('ix_reception_schedule_held_on', ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_reception_schedule_leader_id'), ['leader_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reception_schedule_office_id'), ['office_id'], unique=False)

    op.create_table('village_reception',
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('village_id', sa.Uuid(), nullable=False),
    sa.Column('officials', sa.String(length=400), nullable=False),
    sa.Column('contacts_registered', sa.Integer(), nullable=False),
    sa.Column('cases_discussed', sa.Integer(), nullable=False),
    sa.Column('screening_done', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_village_reception_office_id_office')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_village_reception_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_village_reception'))
    )
    with op.batch_alter_table('village_reception', schema=None) as batch_op:
        batch_op.create_index('ix_village_reception_held_on', ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_village_reception_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_village_reception_village_id'), ['village_id'], unique=False)

    op.create_table('case_ownership',
    sa.Column('matter_id', sa.Uuid(), nullable=False),
    sa.Column('leader_id', sa.Uuid(), nullable=False),
    sa.Column('staff', sa.String(length=400), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('target_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('settled_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('evaluation', sa.String(length=20), nullable=True),
    sa.Column('no_evaluation_reason', sa.String(length=400), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['leader_id'], ['user_account.id'], name=op.f('fk_case_ownership_leader_id_user_account')),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], name=op.f('fk_case_ownership_matter_id_matter')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_case_ownership_office_id_office')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_ownership'))
    )
    with op.batch_alter_table('case_ownership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_ownership_leader_id'), ['leader_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_ownership_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_ownership_office_id'), ['office_id'], unique=False)

    op.create_table('key_person',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('officer_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(length=400), nullable=False),
    sa.Column('follow_up_days', sa.Integer(), nullable=False),
    sa.Column('listed_on', sa.Date(), nullable=False),
    sa.Column('removed_on', sa.Date(), nullable=True),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_key_person_office_id_office')),
    sa.ForeignKeyConstraint(['officer_id'], ['user_account.id'], name=op.f('fk_key_person_officer_id_user_account')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_key_person_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_person'))
    )
    with op.batch_alter_table('key_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_person_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_key_person_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_key_person_person_id'), ['person_id'], unique=False)

    op.create_table('leader_reception',
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('leader_id', sa.Uuid(), nullable=False),
    sa.Column('schedule_id', sa.Uuid(), nullable=True),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('village_id', sa.Uuid(), nullable=True),
    sa.Column('persons', sa.String(length=400), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['leader_id'], ['user_account.id'], name=op.f('fk_leader_reception_leader_id_user_account')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_leader_reception_office_id_office')),
    sa.ForeignKeyConstraint(['schedule_id'], ['reception_schedule.id'], name=op.f('fk_leader_reception_schedule_id_reception_schedule')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_leader_reception_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leader_reception'))
    )
    with op.batch_alter_table('leader_reception', schema=None) as batch_op:
        batch_op.create_index('ix_leader_reception_held_on', ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_leader_reception_leader_id'), ['leader_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leader_reception_office_id'), ['office_id'], unique=False)

    op.create_table('petition_proxy',
    sa.Column('matter_id', sa.Uuid(), nullable=False),
    sa.Column('ordered_on', sa.Date(), nullable=False),
    sa.Column('request', sa.Text(), nullable=False),
    sa.Column('proxy_id', sa.Uuid(), nullable=True),
    sa.Column('dispatched_on', sa.Date(), nullable=True),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('rated_on', sa.Date(), nullable=True),
    sa.Column('rating', sa.String(length=20), nullable=True),
    sa.Column('rating_note', sa.String(length=400), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], name=op.f('fk_petition_proxy_matter_id_matter')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_petition_proxy_office_id_office')),
    sa.ForeignKeyConstraint(['proxy_id'], ['user_account.id'], name=op.f('fk_petition_proxy_proxy_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_proxy'))
    )
    with op.batch_alter_table('petition_proxy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_proxy_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_proxy_office_id'), ['office_id'], unique=False)

    op.create_table('screened_conflict',
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('carried_from_id', sa.Uuid(), nullable=True),
    sa.Column('found_on', sa.Date(), nullable=False),
    sa.Column('village_id', sa.Uuid(), nullable=True),
    sa.Column('parties', sa.String(length=400), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('risk', sa.String(length=30), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('responsible', sa.String(length=100), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('matter_id', sa.Uuid(), nullable=True),
    sa.Column('status_note', sa.String(length=400), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['carried_from_id'], ['screened_conflict.id'], name=op.f('fk_screened_conflict_carried_from_id_screened_conflict')),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], name=op.f('fk_screened_conflict_matter_id_matter')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_screened_conflict_office_id_office')),
    sa.ForeignKeyConstraint(['round_id'], ['screening_round.id'], name=op.f('fk_screened_conflict_round_id_screening_round')),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_screened_conflict_village_id_village')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screened_conflict'))
    )
    with op.batch_alter_table('screened_conflict', schema=None) as batch_op:
        batch_op.create_index('ix_screened_conflict_found_on', ['found_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_screened_conflict_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_screened_conflict_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_screened_conflict_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_screened_conflict_village_id'), ['village_id'], unique=False)

    op.create_table('case_progress',
    sa.Column('ownership_id', sa.Uuid(), nullable=False),
    sa.Column('noted_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_case_progress_author_id_user_account')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_case_progress_office_id_office')),
    sa.ForeignKeyConstraint(['ownership_id'], ['case_ownership.id'], name=op.f('fk_case_progress_ownership_id_case_ownership')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_progress'))
    )
    with op.batch_alter_table('case_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_progress_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_progress_ownership_id'), ['ownership_id'], unique=False)

    op.create_table('key_person_contact',
    sa.Column('key_person_id', sa.Uuid(), nullable=False),
    sa.Column('contacted_on', sa.Date(), nullable=False),
    sa.Column('way', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('officer_id', sa.Uuid(), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['key_person_id'], ['key_person.id'], name=op.f('fk_key_person_contact_key_person_id_key_person')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_key_person_contact_office_id_office')),
    sa.ForeignKeyConstraint(['officer_id'], ['user_account.id'], name=op.f('fk_key_person_contact_officer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_person_contact'))
    )
    with op.batch_alter_table('key_person_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_person_contact_key_person_id'), ['key_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_key_person_contact_office_id'), ['office_id'], unique=False)

    op.create_table('leader_reception_contact',
    sa.Column('reception_id', sa.Uuid(), nullable=False),
    sa.Column('contact_id', sa.Uuid(), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_leader_reception_contact_contact_id_contact')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_leader_reception_contact_office_id_office')),
    sa.ForeignKeyConstraint(['reception_id'], ['leader_reception.id'], name=op.f('fk_leader_reception_contact_reception_id_leader_reception')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leader_reception_contact')),
    sa.UniqueConstraint('reception_id', 'contact_id', name=op.f('uq_leader_reception_contact_reception_id_contact_id'))
    )
    with op.batch_alter_table('leader_reception_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leader_reception_contact_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leader_reception_contact_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leader_reception_contact_reception_id'), ['reception_id'], unique=False)

    op.create_table('leader_reception_matter',
    sa.Column('reception_id', sa.Uuid(), nullable=False),
    sa.Column('matter_id', sa.Uuid(), nullable=False),
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', db.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], name=op.f('fk_leader_reception_matter_matter_id_matter')),
    sa.ForeignKeyConstraint(['office_id'], ['office.id'], name=op.f('fk_leader_reception_matter_office_id_office')),
    sa.ForeignKeyConstraint(['reception_id'], ['leader_reception.id'], name=op.f('fk_leader_reception_matter_reception_id_leader_reception')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leader_reception_matter')),
    sa.UniqueConstraint('reception_id', 'matter_id', name=op.f('uq_leader_reception_matter_reception_id_matter_id'))
    )
    with op.batch_alter_table('leader_reception_matter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leader_reception_matter_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leader_reception_matter_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leader_reception_matter_reception_id'), ['reception_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('leader_reception_matter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leader_reception_matter_reception_id'))
        batch_op.drop_index(batch_op.f('ix_leader_reception_matter_office_id'))
        batch_op.drop_index(batch_op.f('ix_leader_reception_matter_matter_id'))

    op.drop_table('leader_reception_matter')
    with op.batch_alter_table('leader_reception_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leader_reception_contact_reception_id'))
        batch_op.drop_index(batch_op.f('ix_leader_reception_contact_office_id'))
        batch_op.drop_index(batch_op.f('ix_leader_reception_contact_contact_id'))

    op.drop_table('leader_reception_contact')
    with op.batch_alter_table('key_person_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_person_contact_office_id'))
        batch_op.drop_index(batch_op.f('ix_key_person_contact_key_person_id'))

    op.drop_table('key_person_contact')
    with op.batch_alter_table('case_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_progress_ownership_id'))
        batch_op.drop_index(batch_op.f('ix_case_progress_office_id'))

    op.drop_table('case_progress')
    with op.batch_alter_table('screened_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screened_conflict_village_id'))
        batch_op.drop_index(batch_op.f('ix_screened_conflict_round_id'))
        batch_op.drop_index(batch_op.f('ix_screened_conflict_office_id'))
        batch_op.drop_index(batch_op.f('ix_screened_conflict_matter_id'))
        batch_op.drop_index('ix_screened_conflict_found_on')

    op.drop_table('screened_conflict')
    with op.batch_alter_table('petition_proxy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_proxy_office_id'))
        batch_op.drop_index(batch_op.f('ix_petition_proxy_matter_id'))

    op.drop_table('petition_proxy')
    with op.batch_alter_table('leader_reception', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leader_reception_office_id'))
        batch_op.drop_index(batch_op.f('ix_leader_reception_leader_id'))
        batch_op.drop_index('ix_leader_reception_held_on')

    op.drop_table('leader_reception')
    with op.batch_alter_table('key_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_person_person_id'))
        batch_op.drop_index(batch_op.f('ix_key_person_officer_id'))
        batch_op.drop_index(batch_op.f('ix_key_person_office_id'))

    op.drop_table('key_person')
    with op.batch_alter_table('case_ownership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_ownership_office_id'))
        batch_op.drop_index(batch_op.f('ix_case_ownership_matter_id'))
        batch_op.drop_index(batch_op.f('ix_case_ownership_leader_id'))

    op.drop_table('case_ownership')
    with op.batch_alter_table('village_reception', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_village_reception_village_id'))
        batch_op.drop_index(batch_op.f('ix_village_reception_office_id'))
        batch_op.drop_index('ix_village_reception_held_on')

    op.drop_table('village_reception')
    with op.batch_alter_table('reception_schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reception_schedule_office_id'))
        batch_op.drop_index(batch_op.f('ix_reception_schedule_leader_id'))
        batch_op.drop_index('ix_reception_schedule_held_on')

    op.drop_table('reception_schedule')
    with op.batch_alter_table('sensitive_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sensitive_period_office_id'))
        batch_op.drop_index('ix_sensitive_period_dates')

    op.drop_table('sensitive_period')
    with op.batch_alter_table('screening_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screening_round_office_id'))

    op.drop_table('screening_round')
