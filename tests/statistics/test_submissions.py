"""Submitting a month: its figures are frozen; later changes are flagged, then recorded as corrections."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.domain.enums import Channel, Role
from app.errors import Conflict, PermissionDenied, ValidationError
from app.services.persons import PersonInput
from app.statistics import build_report, periods, report_json, submissions
from tests.statistics import dataset

OCTOBER = periods.month(2026, 10)


def test_submit_freezes_the_figures_and_later_edits_are_flagged(october, actors) -> None:  # type: ignore[no-untyped-def]
    ws, admin, _ = october
    leader = actors[Role.LEADER]
    with ws.write(leader) as uow:
        info = submissions.submit(uow, OCTOBER, note="按时报送")
    assert info.submitted_at == datetime(2026, 11, 23, 10, 0) and info.submitted_by == "lingdao用户"

    # A contact registered late, dated in October, changes October's live figures.
    dataset.contact(ws, admin, datetime(2026, 10, 30, 9, 0), Channel.PHONE, persons=(PersonInput(name="补登"),))
    with ws.read(admin) as uow:
        data = report_json(build_report(uow, OCTOBER))
        reviews = submissions.review(uow)
        live = report_json(build_report(uow, OCTOBER, live=True))
    assert data["totals"]["batches"] == 7  # the submitted figure, not silently recomputed
    assert live["totals"]["batches"] == 8
    assert data["submission"]["flagged"] is True
    pending = {c["key"]: (c["before"], c["after"]) for c in data["submission"]["pending_changes"]}
    assert pending["totals.batches"] == (7, 8)
    assert pending["by_channel.phone.batches"] == (1, 2)
    assert [r.period.key() for r in reviews] == ["2026-10"] and reviews[0].flagged

    with ws.write(leader) as uow:
        correction = submissions.record_correction(uow, OCTOBER, "补登10月30日来电一件")
    assert correction.seq == 1 and any(c.label == "合计/批次" for c in correction.changes)
    with ws.read(admin) as uow:
        data = report_json(build_report(uow, OCTOBER))
        november = report_json(build_report(uow, periods.month(2026, 11)))
        listed = submissions.corrections(uow)
    assert data["totals"]["batches"] == 8
    assert data["submission"]["flagged"] is False
    assert [c["reason"] for c in data["submission"]["corrections"]] == ["补登10月30日来电一件"]
    # The correction is reported with the month in which it was recorded.
    assert [c["period"]["key"] for c in november["corrections_recorded_in_period"]] == ["2026-10"]
    assert len(listed) == 1
    # November's 环比 compares against what was reported for October (as corrected).
    assert november["totals"]["pop"]["batches"]["previous"] == 8


def test_submission_rules(october, actors) -> None:  # type: ignore[no-untyped-def]
    ws, admin, _ = october
    with pytest.raises(PermissionDenied), ws.write(actors[Role.RECEPTIONIST]) as uow:
        submissions.submit(uow, OCTOBER)
    with pytest.raises(ValidationError, match="尚未结束"), ws.write(admin) as uow:
        submissions.submit(uow, periods.month(2026, 11))
    with pytest.raises(ValidationError, match="只能报送"), ws.write(admin) as uow:
        submissions.submit(uow, periods.week(OCTOBER.start))
    with ws.write(admin) as uow:
        submissions.submit(uow, OCTOBER)
    with pytest.raises(Conflict), ws.write(admin) as uow:
        submissions.submit(uow, OCTOBER)
    with pytest.raises(ValidationError, match="无需更正"), ws.write(admin) as uow:
        submissions.record_correction(uow, OCTOBER, "没有变化")
    with pytest.raises(ValidationError, match="不能为空"), ws.write(admin) as uow:
        submissions.record_correction(uow, OCTOBER, "  ")


def test_a_frozen_figure_round_trips_through_json(october) -> None:  # type: ignore[no-untyped-def]
    ws, admin, _ = october
    with ws.read(admin) as uow:
        from app.statistics import Figures, compute_figures

        figures = compute_figures(uow, OCTOBER)
    again = Figures.from_json(figures.to_json())
    assert again.flat() == figures.flat()
    assert again.to_json() == figures.to_json()
