"""full-text index over contact content and matter titles (SQLite FTS5 trigram; none on PostgreSQL)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 12:00:00.000000

SQLite: a contentless FTS5 table with the trigram tokenizer (substring search for queries of 3+
characters), a map from its rowids to the source rows' UUIDs, triggers that keep both in step on
every insert, update and delete, and a backfill of what is already stored. An SQLite built without
FTS5 or the trigram tokenizer (older than 3.34) gets no index: search then scans (see
app/services/content_search.py). PostgreSQL: nothing — the county hub searches with ILIKE.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.exc import OperationalError

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# (kind, table, text column, column naming the matter); frozen here, as a migration must be.
SOURCES = (("contact", "contact", "content", "matter_id"), ("matter", "matter", "title", "id"))


def _triggers(kind: str, table: str, column: str, matter: str) -> list[str]:
    delete_old = (
        f"INSERT INTO content_fts(content_fts, rowid, body) "
        f"SELECT 'delete', id, old.{column} FROM content_fts_doc WHERE source_id = old.id;"
    )
    insert_new = (
        f"INSERT INTO content_fts(rowid, body) "
        f"SELECT id, new.{column} FROM content_fts_doc WHERE source_id = new.id;"
    )
    return [
        f"CREATE TRIGGER content_fts_{kind}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO content_fts_doc(kind, source_id, matter_id) VALUES ('{kind}', new.id, new.{matter}); "
        f"{insert_new} END",
        # A contentless FTS5 table forgets a text by being told its old value ('delete' command).
        f"CREATE TRIGGER content_fts_{kind}_au AFTER UPDATE OF {column} ON {table} BEGIN "
        f"{delete_old} {insert_new} END",
        f"CREATE TRIGGER content_fts_{kind}_ad AFTER DELETE ON {table} BEGIN "
        f"{delete_old} DELETE FROM content_fts_doc WHERE source_id = old.id; END",
    ]


# A contact moved to another matter takes its text along (the matter's own id never changes).
RELINK = ("CREATE TRIGGER content_fts_contact_am AFTER UPDATE OF matter_id ON contact BEGIN "
          "UPDATE content_fts_doc SET matter_id = new.matter_id WHERE source_id = new.id; END")


def _trigram_available() -> bool:
    connection = op.get_bind()
    try:
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE temp.content_fts_probe USING fts5(x, tokenize='trigram')")
    except OperationalError:
        return False
    connection.exec_driver_sql("DROP TABLE temp.content_fts_probe")
    return True


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite" or not _trigram_available():
        return
    # matter_id rides along so a search never has to look the contact up to find its matter.
    op.execute("CREATE TABLE content_fts_doc (id INTEGER PRIMARY KEY, kind VARCHAR(10) NOT NULL, "
               "source_id CHAR(32) NOT NULL UNIQUE, matter_id CHAR(32))")
    op.execute("CREATE VIRTUAL TABLE content_fts USING fts5(body, content='', tokenize='trigram')")
    for kind, table, column, matter in SOURCES:
        op.execute(f"INSERT INTO content_fts_doc(kind, source_id, matter_id) SELECT '{kind}', id, {matter} "
                   f"FROM {table}")
        op.execute(f"INSERT INTO content_fts(rowid, body) SELECT d.id, t.{column} FROM content_fts_doc d "
                   f"JOIN {table} t ON t.id = d.source_id WHERE d.kind = '{kind}'")
        for statement in _triggers(kind, table, column, matter):
            op.execute(statement)
    op.execute(RELINK)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS content_fts_contact_am")
    for kind, *_rest in SOURCES:
        for suffix in ("ai", "au", "ad"):
            op.execute(f"DROP TRIGGER IF EXISTS content_fts_{kind}_{suffix}")
    op.execute("DROP TABLE IF EXISTS content_fts")
    op.execute("DROP TABLE IF EXISTS content_fts_doc")
