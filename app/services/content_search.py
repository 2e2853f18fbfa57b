"""Full-text search over what petitioners said (contact content) and matter titles.

A matter matches when its title, or the content of one of its contacts, contains every word of the
query (words are split on spaces; each word is a plain substring, case-insensitive for Latin
letters). Three paths answer it:

* SQLite, a word of 3+ characters: the FTS5 trigram index of revision 0003 (``content_fts``) finds
  the texts — milliseconds at a million contacts. Shorter words in the same query only filter
  those texts.
* SQLite, only words of 1–2 characters (trigram matching cannot see them), or no index on this
  build: a LIKE scan of contact content and matter titles — about half a second per million
  contacts, so callers run it off the UI thread (``needs_scan`` says when). LIKE is never run
  against the FTS table itself: on SQLite 3.40 that returns wrong (empty) results.
* PostgreSQL (the county hub): ILIKE over the same columns (a pg_trgm index, if an administrator
  creates one, speeds it up without any change here).

Accusation matters (检举控告类) are searched only for roles that may read them, so a hit cannot
reveal what an accusation says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    Boolean, ColumnElement, Integer, Select, Uuid, and_, column, false, func, literal_column, or_, select, table,
    union,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.domain.enums import MatterType
from app.domain.permissions import Permission
from app.domain.text import clean_query
from app.services.context import UnitOfWork
from db.models import Contact, Matter
from db.search_index import DOC_TABLE, FTS_TABLE, SOURCES, TRIGGERS

TRIGRAM = 3
MAX_WORDS = 8

fts = table(FTS_TABLE, column("rowid", Integer))
doc = table(DOC_TABLE, column("id", Integer), column("kind"), column("source_id", Uuid()), column("matter_id", Uuid()))


@dataclass(frozen=True)
class Query:
    words: tuple[str, ...]

    @property
    def indexed(self) -> tuple[str, ...]:
        return tuple(w for w in self.words if len(w) >= TRIGRAM)

    @property
    def short(self) -> tuple[str, ...]:
        return tuple(w for w in self.words if len(w) < TRIGRAM)


def parse(text: str) -> Query:
    """Words of the query, without repeats (full-width spaces separate words too)."""
    words: list[str] = []
    for word in clean_query(text).replace("\u3000", " ").split():
        if word not in words:
            words.append(word)
    return Query(tuple(words[:MAX_WORDS]))


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def index_available(session: Session) -> bool:
    """The trigram index exists (SQLite built with FTS5 3.34+, at revision 0003 or later)."""
    if not _is_sqlite(session):
        return False
    info = session.info
    if "content_fts" not in info:
        info["content_fts"] = session.connection().exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = ?", (FTS_TABLE,)).scalar() == 1
    return bool(info["content_fts"])


def needs_scan(session: Session, text: str) -> bool:
    """True when answering ``text`` reads every contact (seconds at millions: run it off the UI thread)."""
    query = parse(text)
    return bool(query.words) and (not query.indexed or not index_available(session))


def fts_phrase(words: Sequence[str]) -> str:
    """An FTS5 query requiring every word as a substring (each quoted: no operators get through)."""
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


def _contains(session: Session, col: ColumnElement[str], words: Sequence[str]) -> list[ColumnElement[bool]]:
    if _is_sqlite(session):  # SQLite's LIKE already ignores the case of Latin letters
        return [col.contains(w, autoescape=True) for w in words]
    return [col.icontains(w, autoescape=True) for w in words]


def _indexed_matter_ids(session: Session, query: Query) -> Select[tuple[object]]:
    match = literal_column(FTS_TABLE).op("MATCH")(fts_phrase(query.indexed))
    hits = select(doc.c.matter_id).select_from(fts).join(doc, doc.c.id == fts.c.rowid).where(match)
    if not query.short:
        return hits  # the map row names the matter: no contact is read
    # Shorter words filter the texts the index found, so they are read from their rows.
    from_contacts = (hits.join(Contact, Contact.id == doc.c.source_id)
                     .where(doc.c.kind == "contact", *_contains(session, Contact.content, query.short)))
    from_titles = (hits.join(Matter, Matter.id == doc.c.source_id)
                   .where(doc.c.kind == "matter", *_contains(session, Matter.title, query.short)))
    return union(from_contacts, from_titles)  # type: ignore[return-value]


def _scanned_matter_ids(session: Session, query: Query) -> Select[tuple[object]]:
    from_contacts = select(Contact.matter_id).where(
        Contact.matter_id.is_not(None), *_contains(session, Contact.content, query.words))
    from_titles = select(Matter.id).where(*_contains(session, Matter.title, query.words))
    return union(from_contacts, from_titles)  # type: ignore[return-value]


def _matter_by_matter(session: Session, query: Query) -> ColumnElement[bool]:
    """The scan's condition tested matter by matter: the title, then the matter's own contacts."""
    in_contacts = select(literal_column("1")).where(
        Contact.matter_id == Matter.id, *_contains(session, Contact.content, query.words)).exists()
    return or_(and_(*_contains(session, Matter.title, query.words)), in_contacts)


def matter_condition(uow: UnitOfWork, text: str, *, first_rows: bool = False) -> ColumnElement[bool]:
    """Condition on ``Matter``: the matter's title or one of its contacts contains every word.

    ``first_rows``: the caller walks matters in an indexed order and stops after a screenful. A
    query that must scan is then tested matter by matter along that walk, which stops as soon as
    the screenful is found (a common 1–2 character word: tens of milliseconds instead of seconds;
    a word found nowhere still reads everything, as the scan does).
    """
    query = parse(text)
    if not query.words:
        return false()
    session = uow.session
    if query.indexed and index_available(session):
        condition = Matter.id.in_(_indexed_matter_ids(session, query))
    elif first_rows:
        condition = _matter_by_matter(session, query)
    else:
        condition = Matter.id.in_(_scanned_matter_ids(session, query))
    if not uow.actor.may(Permission.READ_ACCUSATION):
        condition = and_(condition, Matter.matter_type != MatterType.ACCUSATION.value)
    return condition


def own_office(uow: UnitOfWork) -> ColumnElement[bool]:
    """Matters of this office. A township's file holds one office, so on SQLite the planner is told the
    condition is nearly always true: it then drives a search or a deadline filter from its short id list
    instead of walking every matter of the office (0.5 s instead of 1.9 s for 56,000 hits in 300,000)."""
    own = Matter.office_id == uow.office_id
    if not _is_sqlite(uow.session):
        return own
    return func.likelihood(own, literal_column("0.99"), type_=Boolean)


def search_matter_ids(uow: UnitOfWork, text: str) -> set[object]:
    """The ids of this office's matters matching ``text`` (unordered; tests and scripts)."""
    uow.actor.require(Permission.READ)
    return set(uow.session.scalars(select(Matter.id).where(own_office(uow), matter_condition(uow, text))))


# --- upkeep ------------------------------------------------------------------------------------

def index_problems(uow: UnitOfWork) -> list[str]:
    """What is wrong with the index (empty when it is whole): triggers, counts, FTS5's own check."""
    session = uow.session
    if not index_available(session):
        return []
    run = session.connection().exec_driver_sql
    present = {name for (name,) in run("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    problems = [f"trigger {t} is missing" for t in TRIGGERS if t not in present]
    for kind, (source, _column, _matter) in SOURCES.items():
        stored = run(f"SELECT count(*) FROM {source}").scalar()
        indexed = run(f"SELECT count(*) FROM {DOC_TABLE} WHERE kind = '{kind}'").scalar()
        if stored != indexed:
            problems.append(f"{kind}: {stored} rows, {indexed} indexed")
    strays = run(f"SELECT count(*) FROM {DOC_TABLE} d JOIN contact c ON c.id = d.source_id "
                 "WHERE d.kind = 'contact' AND d.matter_id IS NOT c.matter_id").scalar()
    if strays:
        problems.append(f"contact: {strays} texts name another matter than their contact")
    try:
        run(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('integrity-check')")
    except DBAPIError as exc:  # FTS5 reports a damaged index as an error
        problems.append(f"integrity-check: {exc.orig}")
    return problems


def rebuild_index(uow: UnitOfWork) -> int:
    """Index every contact and matter title afresh (repair); returns the number of texts indexed."""
    uow.actor.require(Permission.MANAGE_SETTINGS)
    session = uow.session
    if not index_available(session):
        return 0
    run = session.connection().exec_driver_sql
    run(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
    run(f"DELETE FROM {DOC_TABLE}")
    for kind, (source, text_column, matter_column) in SOURCES.items():
        run(f"INSERT INTO {DOC_TABLE}(kind, source_id, matter_id) SELECT '{kind}', id, {matter_column} FROM {source}")
        run(f"INSERT INTO {FTS_TABLE}(rowid, body) SELECT d.id, t.{text_column} FROM {DOC_TABLE} d "
            f"JOIN {source} t ON t.id = d.source_id WHERE d.kind = '{kind}'")
    return int(run(f"SELECT count(*) FROM {DOC_TABLE}").scalar() or 0)
