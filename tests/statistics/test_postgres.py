"""The same figures on PostgreSQL (the county hub) as on SQLite, from the same hand-built data set."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.excel.ledgers import LedgerKind, export_ledger
from app.services.offices import initialise
from app.services.workspace import Workspace
from app.statistics import (
    build_report, compute_figures, count_contacts, count_matters, monthly_trend, periods, report_json,
)
from tests.conftest import Clock, _actor
from tests.db.conftest import SETUP
from db.models import Village
from tests.statistics import dataset

OCTOBER = periods.month(2026, 10)


def test_postgres_gives_the_same_figures(postgres_url: str, october, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sqlite_ws, sqlite_admin, _ = october
    ws = Workspace.open(tmp_path / "pg", postgres_url, clock=Clock())
    try:
        initialise(ws, SETUP)
        with ws.database.write() as session:  # the villages the data set uses besides SETUP's
            session.add_all([Village(office_id=ws.local_office_id(), name=name) for name in ("幸福社区", "团结村")])
        admin = _actor(ws, "admin")
        dataset.build(ws, admin)
        with ws.read(admin) as uow:
            pg = compute_figures(uow, OCTOBER)
            data = report_json(build_report(uow, OCTOBER))
            for name, items in pg.sections.items():
                for item in items:
                    assert count_contacts(uow, pg.contacts_behind(name, item.key)) == \
                        (item.count.batches, item.count.person_visits)
            for rate, ratio in pg.rates.items():
                assert count_matters(uow, pg.matters_behind(rate, "numerator")) == ratio.numerator
            export_ledger(uow, LedgerKind.MATTERS, tmp_path / "m.xlsx")
            export_ledger(uow, LedgerKind.CONTACTS, tmp_path / "c.xlsx")
            pg_trend = [p.count for p in monthly_trend(uow, date(2025, 1, 1), date(2026, 12, 31))]
        with sqlite_ws.read(sqlite_admin) as uow:
            lite = compute_figures(uow, OCTOBER)
            lite_trend = [p.count for p in monthly_trend(uow, date(2025, 1, 1), date(2026, 12, 31))]
        assert pg_trend == lite_trend and len(pg_trend) == 24

        def by_label(f):  # type: ignore[no-untyped-def]  # village/unit ids differ between the databases
            return {(k.split(".")[0], f.describe(k)): v for k, v in f.flat().items()}
        assert by_label(pg) == by_label(lite)
        assert data["totals"]["yoy"]["batches"] == {"previous": 2, "change": 5, "relative": 2.5}
    finally:
        ws.close()
