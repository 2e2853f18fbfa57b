"""The statistics' statements read through the indexes of revision 0010 with no ANALYZE statistics.

The program never runs ANALYZE, so SQLite chooses plans from the schema alone; these tests read
EXPLAIN QUERY PLAN of the statements a report runs (on the October data set) and fail when a
statement stops using the index its speed at 1,000,000 contacts depends on.
"""

from __future__ import annotations

from app.statistics import counts, periods, rates
from app.statistics.filters import ContactFilter, offices_of, rate_settings


def _plans(october) -> dict[str, str]:
    ws, admin, _built = october
    with ws.read(admin) as uow:
        assert uow.session.connection().exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name LIKE 'sqlite_stat%'").scalar() == 0
        offices = offices_of(uow, ())
        window = periods.Window.at(periods.month(2026, 10), uow.now(), None)
        plan = counts.statements(uow, ContactFilter.for_window(window, offices))
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
    assert "COVERING INDEX ix_contact_stats" in plans["fixed"]
    # The cube groups contacts before it looks matters up: one lookup per group.
    assert "MATERIALIZE contact_groups" in plans["cube"]
    assert "COVERING INDEX ix_contact_stats" in plans["cube"]
    # Residence: contacts in id order (materialised), main petitioners from the index alone.
    assert "MATERIALIZE period_contacts" in plans["residence"]
    assert "COVERING INDEX ix_contact_person_main (contact_id=? AND position=?)" in plans["residence"]
    # Rates: the repeat-contact tests never read a contact row; dated slices through their indexes.
    assert "COVERING INDEX ix_contact_matter_repeat (matter_id=? AND is_repeat=? AND contact_at<?)" in plans["rates"]
    assert "COVERING INDEX ix_contact_matter_repeat (matter_id=? AND is_repeat=?)" in plans["rates"]
    assert "USING INDEX ix_contact_matter_id" not in plans["rates"]
    for column in ("registered_on", "replied_on", "reply_delivered_on", "closed_on", "resolved_on"):
        assert f"INDEX ix_matter_stats_{column} (office_id=? AND {column}>? AND {column}<?)" in plans["rates"]
