"""Derived-data triggers stand aside on a flag instead of being switched off

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23 18:00:00.000000

The sync import suspended the PostgreSQL triggers of ``person.last_contact_at`` (revision 0004) and
of the day tables (revision 0013) with ``ALTER TABLE … DISABLE TRIGGER`` and made their work up once
per package. That statement locks the table against every other writer until the commit, so the
packages of twenty townships could only be imported one after another; and SQLite, where a trigger
cannot be switched off, ran them row by row (a 50,000-row package: 28 s instead of 6 s).

Each trigger now stands aside while its transaction has set its flag (db/deferred.py):
PostgreSQL reads a per-transaction setting (``xinfang.defer_last_contact``,
``xinfang.defer_stats_day``) that locks nothing; SQLite reads a row of the new table
``trigger_deferral``, written and removed inside the import's own transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db import last_contact, stats_day

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('trigger_deferral',
                    sa.Column('flag', sa.String(length=40), nullable=False),
                    sa.PrimaryKeyConstraint('flag', name=op.f('pk_trigger_deferral')))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(last_contact.PG_TRIGGER_FUNCTIONS)
        for statement in stats_day.pg_trigger_functions():
            op.execute(statement)
        return
    for name, sql in [*last_contact.sqlite_trigger_sql().items(), *stats_day.sqlite_trigger_sql().items()]:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(sql)


def downgrade() -> None:
    # The guards stay: with the table gone a SQLite guard could not be read, so they are rebuilt without it.
    if op.get_bind().dialect.name == "sqlite":
        for name, sql in [*last_contact.sqlite_trigger_sql().items(), *stats_day.sqlite_trigger_sql().items()]:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            op.execute(sql.replace(f"WHEN {_guard(name)} AND (", "WHEN (").replace(f" WHEN {_guard(name)}", ""))
    op.drop_table('trigger_deferral')


def _guard(name: str) -> str:
    from db.deferred import sqlite_guard

    flag = last_contact.LAST_CONTACT_FLAG if name.startswith("person_last_contact") else stats_day.STATS_DAY_FLAG
    return sqlite_guard(flag)
