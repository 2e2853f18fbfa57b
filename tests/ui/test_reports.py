"""统计报表 page on the hand-built October 2026 history (tests/statistics/dataset.py).

The figures on screen are compared with the report the statistics service computes for the same
period; exports are opened with openpyxl; submitting goes through the real service.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtGui import QColor

from app.domain.enums import Role
from app.services.workspace import Workspace
from app.statistics import build_report, periods, submissions
from app.statistics.compare import change
from app.statistics.rates import RATE_LABELS, Rate
from tests.conftest import Clock, _actor
from tests.statistics import dataset
from ui.app import open_main_window
from ui.theme import apply_theme
from ui.widgets.charts import SERIES_COLOURS

OCTOBER = periods.month(2026, 10)


@pytest.fixture(scope="module")
def october_template(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reports-october") / "data"
    shutil.copytree(template_dir, folder)
    built = Workspace.open(folder, clock=Clock())
    dataset.build(built, _actor(built, "admin"))
    built.close()
    return folder


@pytest.fixture
def ws(october_template: Path, tmp_path: Path, clock: Clock) -> Iterator[Workspace]:
    folder = tmp_path / "data"
    shutil.copytree(october_template, folder)
    workspace = Workspace.open(folder, clock=clock)
    yield workspace
    workspace.close()


def reports_page(window, qtbot, period=OCTOBER):  # type: ignore[no-untyped-def]
    window.show_page("reports")
    page = window.page("reports")
    if page.picker.period() != period:
        page.picker.set_period(period)
    qtbot.waitUntil(lambda: page.screen is not None and page.screen.report.period == period
                    and not page.cancel_button.isVisible(), timeout=20_000)
    return page


def service_report(ws, admin, period=OCTOBER):  # type: ignore[no-untyped-def]
    with ws.read(admin) as uow:
        return build_report(uow, period)


def cells(model) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    return [model.record(r).cells for r in range(model.rowCount())]


def test_the_last_complete_month_is_shown_with_the_services_figures(main_window, qtbot, ws, admin):
    page = reports_page(main_window, qtbot)
    report = service_report(ws, admin)
    f, yoy, pop = report.figures, report.yoy, report.pop
    assert f.totals.batches > 0  # the data set has October contacts: the comparison is not vacuous
    rows = {row[0].strip(): row for row in cells(page.overview)}
    total = rows["合计"]
    assert total[1:3] == (str(f.totals.batches), str(f.totals.person_visits))
    yoy_change = change(f.totals.batches, yoy.totals.batches)
    assert total[3] == f"{yoy_change.change:+d}（{yoy_change.display()}）"
    pop_change = change(f.totals.person_visits, pop.totals.person_visits)
    assert total[6] == f"{pop_change.change:+d}（{pop_change.display()}）"
    for item in f.sections["by_channel"]:
        assert rows[item.label][1:3] == (str(item.count.batches), str(item.count.person_visits))
    for name, label in (("repeat", "重复信访"), ("collective", "集体访"), ("skip_level", "越级访")):
        assert rows[label][1:3] == (str(f.singles[name].batches), str(f.singles[name].person_visits))
    rates = {row[0]: row for row in cells(page.rates)}
    for rate in Rate:
        ratio = f.rates[rate]
        assert rates[RATE_LABELS[rate]][1:4] == (str(ratio.numerator), str(ratio.denominator), ratio.display())
    summary = page.summary.text()
    assert "2026年10月" in summary and "同比：2025年10月" in summary and "环比：2026年9月" in summary


def test_breakdowns_and_charts_follow_the_report(main_window, qtbot, ws, admin):
    page = reports_page(main_window, qtbot)
    report = service_report(ws, admin)
    page.section.setCurrentIndex(page.section.findData("by_village"))
    assert [(r[0], r[1], r[2]) for r in cells(page.sections)] == [
        (i.label, str(i.count.batches), str(i.count.person_visits)) for i in report.figures.sections["by_village"]]
    # The trend ends with October's totals; the bars list the subjects by size, largest first.
    assert page.trend.labels[-1] == "10月"
    assert page.trend.series[0].values[-1] == report.figures.totals.batches
    assert page.trend.series[1].values[-1] == report.figures.totals.person_visits
    page.bar_choice.setCurrentIndex(page.bar_choice.findData("by_subject"))
    expected = sorted((i for i in report.figures.sections["by_subject"] if i.count.batches),
                      key=lambda i: (-i.count.batches, -i.count.person_visits))
    assert list(page.bars.labels) == [i.label for i in expected]
    assert page.bars.series[0].values == tuple(i.count.batches for i in expected)
    # Both charts paint their series colours (offscreen).
    for chart in (page.trend, page.bars):
        image = chart.grab().toImage()
        colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 2)
                   for y in range(0, image.height(), 2)}
        assert QColor(SERIES_COLOURS[0]).name() in colours


def test_quarter_year_and_custom_range_with_their_comparison_periods(main_window, qtbot, ws, admin):
    for period, yoy_label, pop_label in (
            (periods.quarter(2026, 3), "2025年第3季度", "2026年第2季度"),
            (periods.year(2025), "2024年", "2024年"),
            (periods.date_range(periods.parse_date("2026-10-08"), periods.parse_date("2026-10-21")),
             "2025年10月8日至2025年10月21日", "2026年9月24日至2026年10月7日")):
        page = reports_page(main_window, qtbot, period)
        report = service_report(ws, admin, period)
        assert page.overview.record(0).cells[1] == str(report.figures.totals.batches)
        assert f"同比：{yoy_label}" in page.summary.text() and f"环比：{pop_label}" in page.summary.text()


def test_export_report_workbook(main_window, qtbot, ws, admin, tmp_path):
    page = reports_page(main_window, qtbot)
    target = tmp_path / "out" / "十月报表.xlsx"
    page.choose_path = lambda *_: target
    page.export_button.click()
    qtbot.waitUntil(lambda: page.last_export == target, timeout=20_000)
    report = service_report(ws, admin)
    book = load_workbook(target)
    sheet = book["总体情况"]
    assert sheet["A1"].value == "某某镇信访工作月度统计表" and "2026年10月" in sheet["A2"].value
    total_row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "信访总量")
    assert total_row[1:3] == (report.figures.totals.batches, report.figures.totals.person_visits)


def test_export_a_ledger_of_the_period(main_window, qtbot, ws, admin, tmp_path):
    page = reports_page(main_window, qtbot)
    target = tmp_path / "登记台账.xlsx"
    page.choose_path = lambda *_: target
    progress: list[tuple[int, int]] = []
    page.progress.valueChanged.connect(lambda v: progress.append((v, page.progress.maximum())))
    page.export_ledger("contacts")
    qtbot.waitUntil(lambda: page.last_export == target, timeout=20_000)
    report = service_report(ws, admin)
    rows = list(load_workbook(target, read_only=True).worksheets[0].iter_rows(values_only=True))
    numbered = [r for r in rows if isinstance(r[0], int)]
    assert len(numbered) == report.figures.totals.batches
    assert progress and progress[-1] == (report.figures.totals.batches, report.figures.totals.batches)
    assert "已导出" in page.message.text()


def test_cancelling_a_ledger_export_leaves_no_file(main_window, qtbot, tmp_path):
    page = reports_page(main_window, qtbot)
    target = tmp_path / "事项台账.xlsx"
    page.choose_path = lambda *_: target
    page.export_ledger("matters")
    assert page.cancel_button.isVisible()
    page.cancel_button.click()
    qtbot.waitUntil(lambda: "已取消" in page.message.text(), timeout=20_000)
    main_window.ctx.runner.wait()
    assert not target.exists() and not list(tmp_path.glob(".*part*"))


def test_submit_marks_the_month_and_only_for_allowed_users(main_window, qtbot, ws, admin):
    page = reports_page(main_window, qtbot)
    assert page.submit_button.isEnabled()
    asked: list[str] = []
    page.confirm = lambda _parent, text: asked.append(text) or True
    page.submit_button.click()
    qtbot.waitUntil(lambda: page.screen is not None and page.screen.report.submission is not None, timeout=20_000)
    assert "2026年10月" in asked[0]
    with ws.read(admin) as uow:
        assert submissions.submission(uow, OCTOBER) is not None
    assert not page.submit_button.isEnabled() and "已报送" in page.submit_button.toolTip()
    assert "报送" in page.summary.text()
    # The current month is not over: it cannot be submitted yet.
    november = reports_page(main_window, qtbot, periods.month(2026, 11))
    assert not november.submit_button.isEnabled() and "尚未结束" in november.submit_button.toolTip()


def test_a_receptionist_sees_the_figures_but_cannot_submit(qtbot, qapp, ws, monkeypatch):
    apply_theme(qapp)
    monkeypatch.setattr("ui.app.show_domain_error", lambda *_: None)
    window = open_main_window(ws, _actor(ws, "jiedai"))
    qtbot.addWidget(window)
    window.show()
    page = reports_page(window, qtbot)
    assert page.overview.rowCount() > 0 and page.export_button.isEnabled()
    assert not page.submit_button.isEnabled() and "领导或管理员" in page.submit_button.toolTip()
    window.ctx.runner.wait()
    assert window.ctx.actor.role is Role.RECEPTIONIST


def test_a_number_opens_the_contacts_it_counts_and_exports_them(main_window, qtbot, ws, admin, tmp_path):
    page = reports_page(main_window, qtbot)
    report = service_report(ws, admin)
    row = next(r for r in range(page.overview.rowCount()) if page.overview.record(r).cells[0] == "重复信访")
    dialog = page.show_behind(page.overview, row, 1)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
    repeat = report.figures.singles["repeat"].batches
    assert repeat > 0 and dialog.preview.total == repeat == dialog.model.rowCount()
    assert dialog.model.columns[:2] == ["序号", "登记编号"] and "共 {} 条".format(repeat) in dialog.note.text()
    column = dialog.model.columns.index("初访/重复")
    assert {dialog.model.record(r).cells[column] for r in range(dialog.model.rowCount())} == {"重复"}
    target = tmp_path / "重复信访.xlsx"
    page.choose_path = dialog.choose_path = lambda *_: target
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.exported == target, timeout=20_000)
    rows = list(load_workbook(target, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len([r for r in rows if isinstance(r[0], int)]) == repeat


def test_a_rates_numerator_and_denominator_open_their_matters(main_window, qtbot, ws, admin):
    page = reports_page(main_window, qtbot)
    report = service_report(ws, admin)
    ratio = report.figures.rates[Rate.ON_TIME_REPLY]
    assert ratio.denominator > ratio.numerator > 0  # the data set has late replies: parts differ
    row = next(r for r in range(page.rates.rowCount()) if page.rates.record(r).payload == Rate.ON_TIME_REPLY.value)
    for column, expected in ((1, ratio.numerator), (2, ratio.denominator)):
        dialog = page.show_behind(page.rates, row, column)
        qtbot.waitUntil(lambda d=dialog: d.preview is not None, timeout=10_000)
        assert dialog.preview.total == expected and dialog.model.columns[1] == "事项编号"
        dialog.close()


def test_cancelling_the_computation_keeps_the_figures_shown(main_window, qtbot):
    page = reports_page(main_window, qtbot)
    shown = cells(page.overview)
    page.picker.set_period(periods.year(2026))
    page.reload()
    assert page.cancel_button.isVisible()
    page.cancel_button.click()
    qtbot.waitUntil(lambda: "已取消统计" in page.summary.text(), timeout=20_000)
    main_window.ctx.runner.wait()
    assert page.screen.report.period == OCTOBER and cells(page.overview) == shown
    assert not page.cancel_button.isVisible()
