"""The 统计报表 page's background jobs: write the report workbook, export a ledger, submit a period.

Each is one call into app/ on a worker thread; a ledger export reports progress and can be cancelled
(the service then removes its partial file).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from app.errors import DomainError
from app.excel.ledgers import LEDGER_TITLES, LedgerKind
from app.services.context import UnitOfWork
from app.statistics import ContactFilter, MatterFilter, submissions
from app.statistics.periods import Period
from app.statistics.report import Report
from app.statistics.screen import ledger_filters
from ui.operations import CancelToken, OpRunner

LEDGER_CHOICES: tuple[tuple[str, str], ...] = tuple((k.value, LEDGER_TITLES[k]) for k in LedgerKind)

Done = Callable[[Path], None]
Filters = Callable[[UnitOfWork], tuple[ContactFilter | None, MatterFilter | None]]
Failed = Callable[[DomainError], None]


def export_report_job(runner: OpRunner, report: Report, path: Path, on_done: Done, on_error: Failed) -> None:
    from app.excel.report_workbook import write_report_workbook  # openpyxl loads on first export

    runner.run(lambda: write_report_workbook(report, path), on_done, on_error=on_error)


def export_ledger_job(runner: OpRunner, kind: LedgerKind, path: Path, filters: Filters, on_done: Done,
                      on_error: Failed, on_progress: Callable[[int, int], None]) -> CancelToken:
    """Write the ledger for the filters ``filters(uow)`` gives, with progress; the token cancels it."""
    from app.excel.ledgers import export_ledger

    def work(uow: UnitOfWork, progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Path:
        contacts, matters = filters(uow)
        return export_ledger(uow, kind, path, contacts=contacts, matters=matters, progress=progress,
                             cancelled=cancelled).path

    return runner.read_long(work, on_done, on_progress=on_progress, on_error=on_error)


def period_filters(period: Period, kind: LedgerKind, office_ids: tuple[uuid.UUID, ...]) -> Filters:
    return lambda uow: ledger_filters(uow, period, backlog=kind is LedgerKind.BACKLOG, office_ids=office_ids)


def submit_job(runner: OpRunner, period: Period, on_done: Callable[[submissions.SubmissionInfo], None],
               on_error: Failed) -> None:
    runner.write(lambda uow: submissions.submit(uow, period), on_done, changes=frozenset({"report"}),
                 on_error=on_error)
