"""Alembic environment: always run from code (db.migrate) with a live connection."""

from __future__ import annotations

from alembic import context

from db.models import Base
from db.search_index import include_name

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached by a bare `alembic` call
    raise RuntimeError("run migrations through db.migrate, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
    render_as_batch=True,
    compare_type=True,
    # The SQLite full-text index is made by raw SQL in its revision, not by the models.
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
