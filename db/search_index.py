"""Names of the SQLite full-text index over contact content and matter titles (revision 0003).

The index lives outside the ORM models: an FTS5 virtual table (``content_fts``, trigram tokenizer,
contentless) plus ``content_fts_doc``, which maps each indexed text to the row it came from by UUID
(so the FTS rowids stay valid when SQLite renumbers implicit rowids: VACUUM, table rebuilds) and to
its matter. Triggers on ``contact`` and ``matter`` keep both in step. PostgreSQL has none of this.

A migration that rebuilds ``contact`` or ``matter`` (alembic batch mode on SQLite drops and
recreates the table) drops these triggers with it and must create them again.
"""

from __future__ import annotations

FTS_TABLE = "content_fts"
DOC_TABLE = "content_fts_doc"
# FTS5's own shadow tables of content_fts (contentless: no _content table).
SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config", "_content")
TRIGGERS = (
    "content_fts_contact_ai", "content_fts_contact_au", "content_fts_contact_ad",
    "content_fts_contact_am", "content_fts_matter_ai", "content_fts_matter_au", "content_fts_matter_ad",
)
# Where each kind of indexed text comes from: kind -> (table, text column, column naming its matter).
SOURCES = {"contact": ("contact", "content", "matter_id"), "matter": ("matter", "title", "id")}


def is_search_table(name: str | None) -> bool:
    """True for the index's tables, which the ORM models do not declare."""
    if not name:
        return False
    return name in (FTS_TABLE, DOC_TABLE) or any(name == FTS_TABLE + s for s in SHADOW_SUFFIXES)


def include_name(name: str | None, type_: str, _parent_names: object = None) -> bool:
    """alembic ``include_name`` hook: leave the full-text index out of autogenerate comparisons."""
    return not (type_ == "table" and is_search_table(name))
