"""Compute the figures of one or more periods: every aggregation in the database.

A period needs a few statements (the single-valued counts and the breakdowns from the day tables,
the day cut by the cut-off live, the matters with repeat contacts, all rates in one pass). They are
independent, so a report (the period, 同比 and 环比) can run its statements on parallel read
connections: SQLite releases the interpreter while it works, and both cores help. Parallel runs are
only used from read units of work, where no uncommitted change could be missed.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.domain.enums import OfficeLevel
from app.domain.permissions import Permission
from app.services.context import UnitOfWork
from app.statistics import counts, rates
from app.statistics.figures import AverageDays, Figures, Ratio
from app.statistics.filters import ContactFilter, offices_of, rate_settings
from app.statistics.periods import Period, Window
from db.models import Office

MAX_WORKERS = 4
# The statements of a period by their time at 1,000,000 contacts, longest first.
LONGEST_FIRST = ("rates", "residence_live", "cube_live", "fixed_live", "repeat_matters", "sections", "fixed")


def scope(uow: UnitOfWork, office_ids: tuple[uuid.UUID, ...] = ()) -> tuple[uuid.UUID, ...]:
    """The offices a report covers: those asked for; else a county office covers every township
    in its database, a township itself."""
    if office_ids:
        return tuple(sorted(office_ids))
    office = uow.session.get(Office, uow.office_id)
    if office is not None and office.level == OfficeLevel.COUNTY.value:
        ids = tuple(uow.session.scalars(select(Office.id).where(Office.level == OfficeLevel.TOWNSHIP.value)))
        return tuple(sorted(ids)) or (uow.office_id,)
    return (uow.office_id,)


# SQLite caps the mapping at its compile-time maximum (2 GB in the usual builds).
MMAP_BYTES = 1 << 31
SCAN_CACHE_KIB = 64 * 1024


@contextmanager
def tuned_for_scans(session: Session) -> Iterator[None]:
    """Let SQLite read the file through memory mapping and keep a larger page cache while the
    statistics run: they visit many scattered pages, reading each through a system call doubled
    their time on a 200,000-contact database, and at 1,000,000 contacts most of the file lies
    beyond the mapping, so the rates re-read index pages through the default 2 MB cache (0.4–1 s
    of system time per year period). The cache size is put back afterwards, so a pooled
    connection does not keep the memory."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA mmap_size = {MMAP_BYTES}")
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SCAN_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous)}")


def _run(session: Session, statement: Any) -> list[Any]:
    return list(session.execute(statement).all())


def _run_on_own_connection(engine: Engine, statement: Any) -> list[Any]:
    with Session(engine) as session:
        try:
            with tuned_for_scans(session):
                return _run(session, statement)
        finally:
            session.rollback()


def run_statements(uow: UnitOfWork, statements: Sequence[Any], *, parallel: bool) -> list[list[Any]]:
    """Rows of each statement; on parallel read connections when allowed and useful."""
    bind = uow.session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    workers = min(MAX_WORKERS, os.cpu_count() or 1, len(statements))
    in_memory = engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")
    if not parallel or workers < 2 or in_memory:
        with tuned_for_scans(uow.session):
            return [_run(uow.session, s) for s in statements]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="statistics") as pool:
        return list(pool.map(lambda s: _run_on_own_connection(engine, s), statements))


def compute_many(uow: UnitOfWork, periods: Sequence[Period], *, office_ids: tuple[uuid.UUID, ...] = (),
                 cutoff: datetime | None = None, parallel: bool = False, day_tables: bool = True) -> list[Figures]:
    """Figures of each period; ``cutoff`` applies to the first (the others end in the past).
    ``day_tables`` off groups every contact live (what the day tables must always agree with)."""
    uow.actor.require(Permission.READ)
    offices = offices_of(uow, office_ids)
    settings = rate_settings(uow)
    names = counts.dictionaries(uow, offices)
    windows = [Window.at(p, uow.now(), cutoff if i == 0 else None) for i, p in enumerate(periods)]
    plans: list[dict[str, Any]] = []
    for window in windows:
        plan = counts.statements(uow, ContactFilter.for_window(window, offices), day_tables=day_tables)
        plan["rates"] = rates.all_rates(window, offices, settings)
        plans.append(plan)
    # Longest statements first, so the parallel connections finish together.
    flat = sorted(((i, key, stmt) for i, plan in enumerate(plans) for key, stmt in plan.items()),
                  key=lambda item: LONGEST_FIRST.index(item[1]))
    results = run_statements(uow, [stmt for _, _, stmt in flat], parallel=parallel)
    rows: list[dict[str, list[Any]]] = [{} for _ in plans]
    for (i, key, _), result in zip(flat, results):
        rows[i][key] = result
    return [_figures(window, offices, settings, names, r) for window, r in zip(windows, rows)]


def _figures(window: Window, offices: tuple[uuid.UUID, ...], settings: rates.RateSettings,
             names: counts.Dictionaries, rows: dict[str, list[Any]]) -> Figures:
    singles, sections, repeat_matters = counts.assemble(rows, names)
    values = [int(v) for v in rows["rates"][0]]
    ratios = {rate: Ratio(values[2 * i + 1], values[2 * i]) for i, rate in enumerate(rates.SPECS)}
    return Figures(
        period=window.period, cutoff=window.cutoff, office_ids=offices, singles=singles, sections=sections,
        repeat_matters=repeat_matters, rates=ratios, average_days=AverageDays(values[-2], values[-1]),
        satisfaction_variant=settings.satisfaction_variant,
        evaluation_window_days=settings.evaluation_window_days,
    )


def compute_figures(uow: UnitOfWork, period: Period, *, office_ids: tuple[uuid.UUID, ...] = (),
                    cutoff: datetime | None = None, parallel: bool = False) -> Figures:
    return compute_many(uow, [period], office_ids=office_ids, cutoff=cutoff, parallel=parallel)[0]
