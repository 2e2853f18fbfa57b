"""Submitted reports: the figures sent upward are frozen; later edits that change them are flagged
and, once the office records them, listed and reported as corrections."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select

from app.domain.permissions import Permission
from app.errors import Conflict, NotFound, ValidationError
from app.services import audit
from app.services.context import UnitOfWork
from app.statistics.compute import compute_figures
from app.statistics.figures import Figures
from app.statistics.periods import Period, PeriodKind
from db.ids import new_id
from db.models import ReportCorrection, ReportSubmission, UserAccount

SUBMITTABLE = frozenset({PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR})


@dataclass(frozen=True)
class FigureChange:
    key: str  # path in Figures.flat(): "by_channel.visit.batches"
    label: str  # 按信访形式/走访/批次
    before: int
    after: int


@dataclass(frozen=True)
class CorrectionInfo:
    seq: int
    period: Period
    recorded_at: datetime  # local time
    recorded_by: str
    reason: str
    changes: tuple[FigureChange, ...]


@dataclass(frozen=True)
class SubmissionInfo:
    id: uuid.UUID
    period: Period
    submitted_at: datetime  # local time
    submitted_by: str
    note: str
    corrections: tuple[CorrectionInfo, ...]
    pending: tuple[FigureChange, ...] = ()  # live figures differ: a correction is due

    @property
    def flagged(self) -> bool:
        return bool(self.pending)


def _local(moment: datetime) -> datetime:
    return moment.astimezone().replace(tzinfo=None)


def _stamp(uow: UnitOfWork) -> datetime:
    """The unit of work's local clock as a UTC timestamp (so tests with a fixed clock agree)."""
    return uow.now().astimezone(timezone.utc)


def _period(row: ReportSubmission) -> Period:
    return Period(PeriodKind(row.period_kind), row.period_start, row.period_end)


def _row(uow: UnitOfWork, period: Period) -> ReportSubmission | None:
    return uow.session.scalars(select(ReportSubmission).where(
        ReportSubmission.office_id == uow.office_id, ReportSubmission.period_kind == period.kind.value,
        ReportSubmission.period_start == period.start)).first()


def current_figures(row: ReportSubmission) -> Figures:
    """What the office has reported for the period: the snapshot, or its latest correction."""
    latest = row.corrections[-1].figures if row.corrections else row.figures
    return Figures.from_json(latest)


def submit(uow: UnitOfWork, period: Period, note: str = "") -> SubmissionInfo:
    uow.actor.require(Permission.SUBMIT_REPORT)
    if period.kind not in SUBMITTABLE:
        raise ValidationError("period_kind", "报送：只能报送月度、季度或年度报表", field="period")
    if period.end >= uow.today():
        raise ValidationError("period_open", f"报送：{period.label()}尚未结束，不能报送", field="period")
    if _row(uow, period) is not None:
        raise Conflict("already_submitted", f"报送：{period.label()}的报表已报送，数据变化请登记更正",
                       field="period")
    figures = compute_figures(uow, period, office_ids=(uow.office_id,))
    row = ReportSubmission(
        id=new_id(), office_id=uow.office_id, period_kind=period.kind.value,
        period_start=period.start, period_end=period.end, figures=figures.to_json(),
        submitted_at=_stamp(uow), submitted_by_id=uow.actor.user_id, note=note.strip()[:400],
    )
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow, "submit", "report_submission", row.id, after={
        "period": period.key(), "batches": figures.totals.batches,
        "person_visits": figures.totals.person_visits})
    return _info(uow, row, ())


def differences(before: Figures, after: Figures) -> tuple[FigureChange, ...]:
    old, new = before.flat(), after.flat()
    keys = list(old) + [k for k in new if k not in old]
    return tuple(FigureChange(k, (after if k in new else before).describe(k), old.get(k, 0), new.get(k, 0))
                 for k in keys if old.get(k, 0) != new.get(k, 0))


def _pending(uow: UnitOfWork, row: ReportSubmission, live: Figures | None = None
             ) -> tuple[Figures, tuple[FigureChange, ...]]:
    reported = current_figures(row)
    if live is None:
        live = compute_figures(uow, reported.period, office_ids=(row.office_id,), cutoff=reported.cutoff)
    return live, differences(reported, live)


def submission(uow: UnitOfWork, period: Period, *, check: bool = True,
               live: Figures | None = None) -> SubmissionInfo | None:
    """The period's submission, with its corrections and (if ``check``) the pending changes.

    ``live`` may pass the period's figures computed now (as of the reported cut-off) to compare.
    """
    uow.actor.require(Permission.READ)
    row = _row(uow, period)
    if row is None:
        return None
    return _info(uow, row, _pending(uow, row, live)[1] if check else ())


def reported_figures(uow: UnitOfWork, period: Period) -> Figures | None:
    row = _row(uow, period)
    return current_figures(row) if row is not None else None


def review(uow: UnitOfWork) -> list[SubmissionInfo]:
    """Every submission of the office, newest first, each saying whether a correction is due."""
    uow.actor.require(Permission.READ)
    rows = uow.session.scalars(select(ReportSubmission).where(ReportSubmission.office_id == uow.office_id)
                               .order_by(ReportSubmission.period_start.desc(),
                                         ReportSubmission.period_kind))
    return [_info(uow, row, _pending(uow, row)[1]) for row in rows]


def record_correction(uow: UnitOfWork, period: Period, reason: str) -> CorrectionInfo:
    """Record that the period's figures changed after submission; the new figures become the reported ones."""
    uow.actor.require(Permission.SUBMIT_REPORT)
    row = _row(uow, period)
    if row is None:
        raise NotFound("submission", f"更正：{period.label()}的报表尚未报送", field="period")
    reason = reason.strip()
    if not reason:
        raise ValidationError("required", "更正原因：不能为空", field="reason")
    live, changes = _pending(uow, row)
    if not changes:
        raise ValidationError("no_changes", f"更正：{period.label()}的数据与已报送数据一致，无需更正",
                              field="period")
    seq = (uow.session.scalar(select(func.max(ReportCorrection.seq))
                              .where(ReportCorrection.submission_id == row.id)) or 0) + 1
    correction = ReportCorrection(
        office_id=row.office_id, submission_id=row.id, seq=seq, figures=live.to_json(),
        changes=[{"key": c.key, "label": c.label, "before": c.before, "after": c.after} for c in changes],
        reason=reason[:2000], recorded_at=_stamp(uow), recorded_by_id=uow.actor.user_id,
    )
    row.corrections.append(correction)
    uow.session.flush()
    audit.record(uow, "correct", "report_submission", row.id, after={
        "period": period.key(), "seq": seq, "reason": reason, "changes": len(changes)})
    return _correction_info(uow, period, correction)


def corrections(uow: UnitOfWork, *, recorded_from: datetime | None = None,
                recorded_before: datetime | None = None) -> list[CorrectionInfo]:
    """Recorded corrections, oldest first; bounds are local times (e.g. a report's period)."""
    uow.actor.require(Permission.READ)
    stmt = (select(ReportCorrection, ReportSubmission).join(ReportSubmission)
            .where(ReportSubmission.office_id == uow.office_id)
            .order_by(ReportCorrection.recorded_at, ReportCorrection.seq))
    if recorded_from is not None:
        stmt = stmt.where(ReportCorrection.recorded_at >= recorded_from.astimezone(timezone.utc))
    if recorded_before is not None:
        stmt = stmt.where(ReportCorrection.recorded_at < recorded_before.astimezone(timezone.utc))
    return [_correction_info(uow, _period(s), c) for c, s in uow.session.execute(stmt)]


def _user(uow: UnitOfWork, user_id: uuid.UUID) -> str:
    user = uow.session.get(UserAccount, user_id)
    return user.display_name if user else str(user_id)


def _correction_info(uow: UnitOfWork, period: Period, row: ReportCorrection) -> CorrectionInfo:
    return CorrectionInfo(
        seq=row.seq, period=period, recorded_at=_local(row.recorded_at),
        recorded_by=_user(uow, row.recorded_by_id), reason=row.reason,
        changes=tuple(FigureChange(c["key"], c["label"], c["before"], c["after"]) for c in row.changes))


def _info(uow: UnitOfWork, row: ReportSubmission, pending: tuple[FigureChange, ...]) -> SubmissionInfo:
    period = _period(row)
    return SubmissionInfo(
        id=row.id, period=period, submitted_at=_local(row.submitted_at),
        submitted_by=_user(uow, row.submitted_by_id), note=row.note,
        corrections=tuple(_correction_info(uow, period, c) for c in row.corrections), pending=pending)
