"""Contacts counted per office and day, kept exact by database triggers (revision stats_day).

A year's report grouped ~350,000 contacts per period, joined to their matters and main
petitioners. The summable figures are now read from two small tables filled with the very same
groupings, one (office, day) at a time:

* ``stats_day_class``: 批次 and 人次 by the contact's classifying columns (channel, ≥ 5 people,
  > 1 person, repeat, skip-level target, leader reception) — the single-valued counts;
* ``stats_day_key``: 批次 and 人次 by one breakdown's key (``DIMENSIONS``) — matter type, subject,
  responsible unit, problem village (through the contact's matter) and the main petitioner's
  village (every position-0 petitioner, or none).

Triggers never add or subtract: whenever a write can move a contact between groups, they delete the
touched days' rows and group those days' contacts again (a day is a few hundred contacts, read
through ``ix_contact_stats``). So the tables hold what a live grouping of those days gives, by
construction. What moves a contact: the contact itself (insert, delete, any counted column), its
position-0 contact_person rows, its matter's type, subject or unit, its main petitioner's village.
Foreign keys keep a contact from naming a matter or person that does not exist, so inserting or
deleting a matter or person moves nothing.

SQLite runs a row trigger per written row (one day each). PostgreSQL runs one statement trigger per
statement, with the statement's rows as transition tables: a bulk import regroups each touched
day once per statement, not once per row.

This module is the schema's SQL, used by the migration that installs it and by the bulk loaders of
bench/; changing what it creates needs a new migration.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, Date, MetaData, Table, Uuid

from db.deferred import Derived, index_lookups, pg_guard, sqlite_guard

# stats_day_key.dimension values: the report section each one feeds.
MATTER_DIMENSIONS = ("by_matter_type", "by_subject_level2", "by_responsible_unit", "by_village")
RESIDENCE = "by_residence_village"
DIMENSIONS = (*MATTER_DIMENSIONS, RESIDENCE)

# What a trigger regroups: everything, the matter-derived breakdowns, or the residence villages.
ALL, MATTER, PERSON = "all", "matter", "person"

CLASS_COLUMNS = "office_id, day, channel, big, multi, is_repeat, skip_level, leader_reception, batches, person_visits"
KEY_COLUMNS = "office_id, day, dimension, key, batches, person_visits"


class _Dialect:
    def __init__(self, name: str) -> None:
        self.postgresql = name == "postgresql"

    def day(self, contact: str) -> str:
        return f"CAST({contact}.contact_at AS date)" if self.postgresql else f"substr({contact}.contact_at, 1, 10)"

    def next_day(self, day: str) -> str:
        return f"{day} + 1" if self.postgresql else f"date({day}, '+1 day')"


def _contacts(d: _Dialect, days: str | None) -> str:
    """The contacts to group, as ``c``: all of them, or those of the (o, d) pairs ``days`` selects."""
    if days is None:
        return "contact c"
    return (f"(SELECT DISTINCT o, d FROM ({days}) AS touched) AS days JOIN contact c "
            f"ON c.office_id = days.o AND c.contact_at >= days.d AND c.contact_at < {d.next_day('days.d')}")


def _fill(d: _Dialect, what: str, days: str | None, where: str = "TRUE") -> list[str]:
    """INSERT … SELECT statements grouping the contacts of ``days`` (None: every contact) that
    match ``where``."""
    c, day = _contacts(d, days), d.day("c")
    out = []
    if what == ALL:
        classes = "c.channel, c.headcount >= 5, c.headcount > 1, c.is_repeat, c.skip_level, c.leader_reception"
        out.append(f"INSERT INTO stats_day_class ({CLASS_COLUMNS}) SELECT c.office_id, {day}, {classes}, "
                   f"count(*), sum(c.headcount) FROM {c} WHERE {where} GROUP BY c.office_id, {day}, {classes}")
    if what in (ALL, MATTER):
        dimensions = " UNION ALL ".join(f"SELECT '{name}' AS dimension" for name in MATTER_DIMENSIONS)
        keys = dict(zip(MATTER_DIMENSIONS, ("g.t", "g.s", "g.u", "g.v")))
        key = "CASE k.dimension " + " ".join(f"WHEN '{n}' THEN {k}" for n, k in keys.items()) + " END"
        out.append(
            f"INSERT INTO stats_day_key ({KEY_COLUMNS}) SELECT g.o, g.d, k.dimension, {key}, sum(g.b), sum(g.p) "
            f"FROM (SELECT c.office_id AS o, {day} AS d, m.matter_type AS t, m.subject_code AS s, "
            f"CAST(m.responsible_unit_id AS text) AS u, CAST(c.problem_village_id AS text) AS v, "
            f"count(*) AS b, sum(c.headcount) AS p FROM {c} LEFT JOIN matter m ON m.id = c.matter_id "
            f"WHERE {where} GROUP BY c.office_id, {day}, m.matter_type, m.subject_code, m.responsible_unit_id, "
            f"c.problem_village_id) AS g CROSS JOIN ({dimensions}) AS k GROUP BY g.o, g.d, k.dimension, {key}")
    if what in (ALL, PERSON):
        out.append(
            f"INSERT INTO stats_day_key ({KEY_COLUMNS}) SELECT c.office_id, {day}, '{RESIDENCE}', "
            f"CAST(p.village_id AS text), count(*), sum(c.headcount) FROM {c} "
            f"LEFT JOIN contact_person cp ON cp.contact_id = c.id AND cp.position = 0 "
            f"LEFT JOIN person p ON p.id = cp.person_id WHERE {where} GROUP BY c.office_id, {day}, p.village_id")
    return out


def _clear(what: str, days: str) -> list[str]:
    """DELETE the touched days' rows, found through the (office_id, day) indexes: a row-value
    ``(office_id, day) IN (…)`` let SQLite search by office_id alone, every day of the office."""
    def rows(table: str, only: str = "") -> str:
        return (f"DELETE FROM {table} WHERE id IN (SELECT t.id FROM (SELECT DISTINCT o, d FROM ({days}) AS touched) "
                f"AS days JOIN {table} t ON t.office_id = days.o AND t.day = days.d{only})")

    residence = f" AND t.dimension = '{RESIDENCE}'"
    if what == ALL:
        return [rows("stats_day_class"), rows("stats_day_key")]
    return [rows("stats_day_key", residence if what == PERSON else residence.replace("=", "<>"))]


def regroup(dialect: str, what: str, days: str) -> list[str]:
    """Statements replacing the rows of the (o, d) pairs ``days`` selects by a fresh grouping."""
    d = _Dialect(dialect)
    return _clear(what, days) + _fill(d, what, days)


def rebuild_sql(dialect: str) -> list[str]:
    """Empty both tables and group every contact (the migration's backfill; bulk loaders that load
    with the triggers dropped, e.g. bench/generate.py, run it after the load)."""
    return ["DELETE FROM stats_day_class", "DELETE FROM stats_day_key", *_fill(_Dialect(dialect), ALL, None)]


def rebuild_all(connection: Connection) -> None:
    for statement in rebuild_sql(connection.dialect.name):
        connection.exec_driver_sql(statement)


# --- triggers ------------------------------------------------------------------------------------

# Set while a bulk import makes the touched days up itself (db/deferred.py, revision 0014).
STATS_DAY_FLAG = "xinfang.defer_stats_day"
# Columns of a contact that decide its groups.
CONTACT_COLUMNS = ("office_id", "contact_at", "channel", "headcount", "is_repeat", "skip_level",
                   "leader_reception", "problem_village_id", "matter_id")
MATTER_COLUMNS = ("matter_type", "subject_code", "responsible_unit_id")
LINK_COLUMNS = ("contact_id", "person_id", "position")


def _changed(columns: tuple[str, ...], old: str, new: str, dialect: str = "postgresql") -> str:
    """Any of ``columns`` differs between the rows ``old`` and ``new``, NULL being a value."""
    differs = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    return " OR ".join(f"{old}.{c} {differs} {new}.{c}" for c in columns)


def _sqlite_changed(columns: tuple[str, ...]) -> str:
    return _changed(columns, "old", "new", "sqlite")


def _sqlite_triggers() -> dict[str, tuple[str, str, str, str]]:
    """name → (event, WHEN condition or "", what to regroup, days selected from old/new)."""
    d = _Dialect("sqlite")

    def contact_day(row: str) -> str:
        return f"SELECT {row}.office_id AS o, {d.day(row)} AS d"

    def linked_day(row: str) -> str:
        return (f"SELECT c.office_id AS o, {d.day('c')} AS d FROM contact c "
                f"WHERE c.id = {row}.contact_id AND {row}.position = 0")

    matter_days = f"SELECT c.office_id AS o, {d.day('c')} AS d FROM contact c WHERE c.matter_id = new.id"
    person_days = (f"SELECT c.office_id AS o, {d.day('c')} AS d FROM contact_person cp "
                   f"JOIN contact c ON c.id = cp.contact_id WHERE cp.person_id = new.id AND cp.position = 0")
    return {
        "stats_day_contact_ai": ("AFTER INSERT ON contact", "", ALL, contact_day("new")),
        "stats_day_contact_ad": ("AFTER DELETE ON contact", "", ALL, contact_day("old")),
        "stats_day_contact_au": (f"AFTER UPDATE OF {', '.join(CONTACT_COLUMNS)} ON contact",
                                 _sqlite_changed(CONTACT_COLUMNS),
                                 ALL, contact_day("old") + " UNION " + contact_day("new")),
        "stats_day_link_ai": ("AFTER INSERT ON contact_person", "new.position = 0", PERSON, linked_day("new")),
        "stats_day_link_ad": ("AFTER DELETE ON contact_person", "old.position = 0", PERSON, linked_day("old")),
        "stats_day_link_au": (f"AFTER UPDATE OF {', '.join(LINK_COLUMNS)} ON contact_person",
                              f"(old.position = 0 OR new.position = 0) AND ({_sqlite_changed(LINK_COLUMNS)})",
                              PERSON, linked_day("old") + " UNION " + linked_day("new")),
        "stats_day_matter_au": (f"AFTER UPDATE OF {', '.join(MATTER_COLUMNS)} ON matter",
                                _sqlite_changed(MATTER_COLUMNS), MATTER, matter_days),
        "stats_day_person_au": ("AFTER UPDATE OF village_id ON person", "old.village_id IS NOT new.village_id",
                                PERSON, person_days),
    }


def sqlite_trigger_sql() -> dict[str, str]:
    out = {}
    for name, (event, when, what, days) in _sqlite_triggers().items():
        body = "; ".join(regroup("sqlite", what, days))
        condition = f" WHEN {sqlite_guard(STATS_DAY_FLAG)}" + (f" AND ({when})" if when else "")
        out[name] = f"CREATE TRIGGER {name} {event} FOR EACH ROW{condition} BEGIN {body}; END"
    return out


def _pg_triggers() -> dict[str, tuple[str, str, str, str]]:
    """name → (event, REFERENCING clause, what to regroup, days selected from the transition tables)."""
    day = _Dialect("postgresql").day
    new, old, both = ("REFERENCING NEW TABLE AS new_rows", "REFERENCING OLD TABLE AS old_rows",
                      "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows")
    pairs = "FROM old_rows o JOIN new_rows n ON n.id = o.id"

    def contact_days(rows: str) -> str:
        return f"SELECT r.office_id AS o, {day('r')} AS d FROM {rows} r"

    def linked_days(rows: str) -> str:
        return (f"SELECT c.office_id AS o, {day('c')} AS d FROM {rows} r JOIN contact c ON c.id = r.contact_id "
                f"WHERE r.position = 0")

    moved = f"{pairs} WHERE {_changed(CONTACT_COLUMNS, 'o', 'n')}"
    return {
        "stats_day_contact_ins": ("AFTER INSERT ON contact", new, ALL, contact_days("new_rows")),
        "stats_day_contact_del": ("AFTER DELETE ON contact", old, ALL, contact_days("old_rows")),
        "stats_day_contact_upd": ("AFTER UPDATE ON contact", both, ALL,
                                  f"SELECT o.office_id AS o, {day('o')} AS d {moved} "
                                  f"UNION ALL SELECT n.office_id, {day('n')} {moved}"),
        "stats_day_link_ins": ("AFTER INSERT ON contact_person", new, PERSON, linked_days("new_rows")),
        "stats_day_link_del": ("AFTER DELETE ON contact_person", old, PERSON, linked_days("old_rows")),
        "stats_day_link_upd": ("AFTER UPDATE ON contact_person", both, PERSON,
                               f"SELECT c.office_id AS o, {day('c')} AS d {pairs} "
                               f"JOIN contact c ON c.id IN (o.contact_id, n.contact_id) "
                               f"WHERE (o.position = 0 OR n.position = 0) AND ({_changed(LINK_COLUMNS, 'o', 'n')})"),
        "stats_day_matter_upd": ("AFTER UPDATE ON matter", both, MATTER,
                                 f"SELECT c.office_id AS o, {day('c')} AS d {pairs} "
                                 f"JOIN contact c ON c.matter_id = n.id WHERE {_changed(MATTER_COLUMNS, 'o', 'n')}"),
        "stats_day_person_upd": ("AFTER UPDATE ON person", both, PERSON,
                                 f"SELECT c.office_id AS o, {day('c')} AS d {pairs} "
                                 f"JOIN contact_person cp ON cp.person_id = n.id AND cp.position = 0 "
                                 f"JOIN contact c ON c.id = cp.contact_id "
                                 f"WHERE o.village_id IS DISTINCT FROM n.village_id"),
    }


def _regroup_one_day(what: str) -> list[str]:
    """PostgreSQL: statements regrouping the day ``t.d`` of office ``t.o`` (a loop variable). One
    statement over all touched days was planned as a merge join over every contact of the office
    (and JIT-compiled): seconds per statement at 300,000 contacts. Per day, each is an index range."""
    d = _Dialect("postgresql")
    only = {ALL: "", MATTER: f" AND dimension <> '{RESIDENCE}'", PERSON: f" AND dimension = '{RESIDENCE}'"}
    clear = [f"DELETE FROM stats_day_key WHERE office_id = t.o AND day = t.d{only[what]}"]
    if what == ALL:
        clear.insert(0, "DELETE FROM stats_day_class WHERE office_id = t.o AND day = t.d")
    one_day = f"c.office_id = t.o AND c.contact_at >= t.d AND c.contact_at < {d.next_day('t.d')}"
    return clear + _fill(d, what, None, one_day)


def pg_trigger_functions() -> list[str]:
    """The trigger functions, each standing aside while a bulk import makes the days up itself."""
    out = []
    for name, (_event, _referencing, what, days) in _pg_triggers().items():
        body = "".join(f"        {s};\n" for s in _regroup_one_day(what))
        out.append(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                   f"DECLARE t record;\nBEGIN\n    {pg_guard(STATS_DAY_FLAG)}\n"
                   f"    FOR t IN SELECT DISTINCT o, d FROM ({days}) AS touched LOOP\n{body}    END LOOP;\n"
                   f"    RETURN NULL;\nEND $$")
    return out


def pg_trigger_sql() -> list[str]:
    return pg_trigger_functions() + [
        f"CREATE TRIGGER {name} {event} {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        for name, (event, referencing, _what, _days) in _pg_triggers().items()]


def install_triggers(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        for statement in pg_trigger_sql():
            connection.exec_driver_sql(statement)
    else:
        for statement in sqlite_trigger_sql().values():
            connection.exec_driver_sql(statement)


def drop_triggers(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        for name, (event, *_rest) in _pg_triggers().items():
            table = event.rsplit(" ON ", 1)[1]
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in _sqlite_triggers():
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


# --- bulk writers (db.deferred) ------------------------------------------------------------------

def _days_of_contacts(dialect: str, where: str, joins: str = "") -> str:
    """The (office, day) of the contacts ``c`` that ``joins`` and ``where`` select."""
    return f"SELECT c.office_id, {_Dialect(dialect).day('c')} FROM contact c {joins} WHERE {where}"


def _contact_days(rows: Table, dialect: str) -> str:
    """Staged contacts new or moved in a counted column: the day each is on and the day it goes to
    (a merged row with local edits takes its values from either)."""
    moved = _changed(CONTACT_COLUMNS, "c", "r", dialect)
    return (_days_of_contacts(dialect, moved, f"JOIN {rows.name} r ON r.id = c.id") +
            f" UNION SELECT r.office_id, {_Dialect(dialect).day('r')} FROM {rows.name} r "
            f"LEFT JOIN contact c ON c.id = r.id WHERE c.id IS NULL OR {moved}")


def _link_days(rows: Table, dialect: str) -> str:
    """Staged position-0 links new or changed: their contact's day before and after (the contacts are
    written before their links, so both are there)."""
    moved = _changed(LINK_COLUMNS, "x", "r", dialect)
    return (_days_of_contacts(dialect, f"x.position = 0 AND ({moved})",
                              f"JOIN contact_person x ON x.contact_id = c.id JOIN {rows.name} r ON r.id = x.id") +
            " UNION " + _days_of_contacts(dialect, f"r.position = 0 AND (x.id IS NULL OR {moved})",
                                          f"JOIN {rows.name} r ON r.contact_id = c.id "
                                          f"LEFT JOIN contact_person x ON x.id = r.id"))


def _matter_days(rows: Table, dialect: str) -> str:
    return _days_of_contacts(dialect, _changed(MATTER_COLUMNS, "x", "r", dialect),
                             f"JOIN matter x ON x.id = c.matter_id JOIN {rows.name} r ON r.id = x.id")


def _residence_days(rows: Table, dialect: str) -> str:
    return _days_of_contacts(dialect, _changed(("village_id",), "x", "r", dialect),
                             f"JOIN contact_person cp ON cp.contact_id = c.id AND cp.position = 0 "
                             f"JOIN person x ON x.id = cp.person_id JOIN {rows.name} r ON r.id = x.id")


def _regroup_noted(connection: Connection, touched: Table) -> None:
    """Each noted office-day regrouped once, as the triggers regroup it. PostgreSQL: the same
    statements, one day at a time through ix_contact_stats; SQLite: the row triggers' statements
    over all the noted days at once."""
    if connection.dialect.name != "postgresql":
        for statement in regroup("sqlite", ALL, f"SELECT o, d FROM {touched.name}"):
            connection.exec_driver_sql(statement)
        return
    body = "".join(f"        {s};\n" for s in _regroup_one_day(ALL))
    with index_lookups(connection, scans=False):
        connection.exec_driver_sql(f"DO $$\nDECLARE t record;\nBEGIN\n    FOR t IN SELECT DISTINCT o, d FROM "
                                   f"{touched.name} LOOP\n{body}    END LOOP;\nEND $$")


# The causes the triggers handle (see _pg_triggers), noted from the staged rows before they are
# written, only rows that change something (a package carries every unacknowledged row again): a
# contact new or moved (its old and its new day), a position-0 link new or changed (its contact's day
# before and after), a matter's type, subject or unit changed, a main petitioner's village changed.
# Inserting a matter or person moves nothing (no contact can name it yet); deletions run with the
# triggers on (tombstones come before any upsert).
STATS_DAY = Derived(
    touched=Table("deferred_day", MetaData(), Column("o", Uuid), Column("d", Date), prefixes=["TEMPORARY"]),
    flag=STATS_DAY_FLAG,
    tables=frozenset({"contact", "contact_person", "matter", "person"}),
    make_up=_regroup_noted,
    before={
        "contact": _contact_days,
        "contact_person": _link_days,
        "matter": _matter_days,
        "person": _residence_days,
    },
)
