"""The statistics' statements read through the indexes of revisions 0010 and stats_day with no ANALYZE.

The program never runs ANALYZE, so SQLite chooses plans from the schema alone; these tests read
EXPLAIN QUERY PLAN of the statements a report runs (on the October data set) and fail when a
statement stops using the index its speed at 1,000,000 contacts depends on: the whole days from
the day tables, the live groupings (the day cut by the cut-off), the rates, and the triggers'
regrouping of one day.
"""

from __future__ import annotations

from app.statistics import counts, periods, rates
from app.statistics.filters import ContactFilter, offices_of, rate_settings
from db import stats_day


def _plans(october) -> dict[str, str]:
    ws, admin, _built = october
    with ws.read(admin) as uow:
        assert uow.session.connection().exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name LIKE 'sqlite_stat%'").scalar() == 0
        offices = offices_of(uow, ())
        window = periods.Window.at(periods.month(2026, 10), uow.now(), None)
        base = ContactFilter.for_window(window, offices)
        plan = counts.statements(uow, base, day_tables=False) | counts.statements(uow, base)
        plan["rates"] = rates.all_rates(window, offices, rate_settings(uow))
        bind = uow.session.get_bind()
        out = {}
        for key, stmt in plan.items():
            sql = str(stmt.compile(bind, compile_kwargs={"literal_binds": True}))
            rows = uow.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
            out[key] = "\n".join(row[-1] for row in rows)
        return out


def test_each_statement_reads_through_its_index(october):
    plans = _plans(october)
    # Whole days: one range of each day table's index.
    assert "INDEX ix_stats_day_class_day (office_id=? AND day>? AND day<?)" in plans["fixed"]
    assert "COVERING INDEX ix_stats_day_key_day (office_id=? AND day>? AND day<?)" in plans["sections"]
    assert "SCAN stats_day" not in plans["fixed"] + plans["sections"]
    # Live (the cut day; everything with day_tables off):
    assert "COVERING INDEX ix_contact_stats" in plans["fixed_live"]
    # The cube groups contacts before it looks matters up: one lookup per group.
    assert "MATERIALIZE contact_groups" in plans["cube_live"]
    assert "COVERING INDEX ix_contact_stats" in plans["cube_live"]
    # Residence: contacts in id order (materialised), main petitioners from the index alone.
    assert "MATERIALIZE period_contacts" in plans["residence_live"]
    assert "COVERING INDEX ix_contact_person_main (contact_id=? AND position=?)" in plans["residence_live"]
    # Rates: the repeat-contact tests never read a contact row; dated slices through their indexes.
    assert "COVERING INDEX ix_contact_matter_repeat (matter_id=? AND is_repeat=? AND contact_at<?)" in plans["rates"]
    assert "COVERING INDEX ix_contact_matter_repeat (matter_id=? AND is_repeat=?)" in plans["rates"]
    assert "USING INDEX ix_contact_matter_id" not in plans["rates"]
    for column in ("registered_on", "replied_on", "reply_delivered_on", "closed_on", "resolved_on"):
        assert f"INDEX ix_matter_stats_{column} (office_id=? AND {column}>? AND {column}<?)" in plans["rates"]
    assert "SEARCH clock_handling USING INDEX ix_matter_deadline_clock_due (clock=? AND due_on>? AND due_on<?)" \
        in plans["rates"]
    # The slices run as one co-routine whose rows are counted; a slice skips what it cannot hold: the
    # decision clock (及时受理率) only in the registered slice, the contacts only up to the closed one.
    assert "CO-ROUTINE outcomes" in plans["rates"]
    assert plans["rates"].count("SEARCH clock_decision ") == 1
    assert plans["rates"].count("SEARCH opening_contact ") == rates.SLICES.index("closed_on") + 1
    assert plans["rates"].count("SEARCH repeat_contact ") == rates.SLICES.index("closed_on") + 1


def test_a_trigger_regroups_one_day_through_indexes(october):
    """What a contact's write costs: its day's rows found by index, its day's contacts by index."""
    ws, admin, _built = october
    day = "SELECT c.office_id AS o, substr(c.contact_at, 1, 10) AS d FROM contact c WHERE c.id = 'x'"
    with ws.read(admin) as uow:
        connection = uow.session.connection()
        for statement in stats_day.regroup("sqlite", stats_day.ALL, day):
            plan = "\n".join(r[-1] for r in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}"))
            assert "SCAN contact\n" not in plan + "\n" and "SCAN c\n" not in plan + "\n", plan
            assert "SCAN stats_day" not in plan, plan
            if statement.startswith("DELETE"):
                assert "ix_stats_day_key_day (office_id=? AND day=?)" in plan \
                    or "ix_stats_day_class_day (office_id=? AND day=?)" in plan, plan
            if statement.startswith("INSERT"):
                assert "ix_contact_stats (office_id=? AND contact_at>? AND contact_at<?)" in plan, plan
