"""到期提醒 on the demo database: shown at start, counts as a direct query gives them, one key into
the dossier."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from PySide6.QtCore import Qt

from app.services.deadline_board import Bucket
from tests.support.matters import demo_workspace, direct_board_counts
from ui.pages.deadlines import BUCKET_LABELS

TODAY = date(2026, 11, 23)


@pytest.fixture
def ws(template_dir, tmp_path_factory, tmp_path, clock):
    """The main_window fixture's workspace, here the demo database (load_demo, 400 contacts)."""
    workspace = demo_workspace(template_dir, tmp_path_factory.getbasetemp(), tmp_path / "demo", clock)
    yield workspace
    workspace.close()


@pytest.fixture
def board_page(main_window, qtbot):
    page = main_window.page("deadlines")
    qtbot.waitUntil(lambda: page.board is not None, timeout=10_000)
    return page


def test_the_board_is_shown_at_start_when_something_needs_attention(main_window, board_page):
    assert main_window.stack.currentWidget() is board_page
    assert main_window.nav.currentItem().text() == "到期提醒"


def test_the_board_counts_what_a_direct_query_counts(board_page, ws):
    expected = direct_board_counts(ws, TODAY)
    assert sum(expected.values()) > 0
    for bucket in Bucket:
        count = sum(n for (_clock, b), n in expected.items() if b == bucket.value)
        assert board_page.cards[bucket].text() == f"{BUCKET_LABELS[bucket]}　{count}"
    shown = Counter((e.clock.value, e.bucket.value) for e in board_page.model.entries)
    assert shown == expected
    table = board_page.per_clock
    assert table.rowCount() == len({clock for clock, _b in expected})
    totals = {table.item(r, 0).text(): int(table.item(r, 4).text()) for r in range(table.rowCount())}
    assert sum(totals.values()) == sum(expected.values())


def test_a_card_narrows_the_list_and_a_second_click_shows_all(board_page, qtbot):
    total = board_page.model.rowCount()
    qtbot.mouseClick(board_page.cards[Bucket.OVERDUE], Qt.MouseButton.LeftButton)
    overdue = board_page.board.count(Bucket.OVERDUE)
    assert board_page.model.rowCount() == overdue
    assert {e.bucket for e in board_page.model.entries} <= {Bucket.OVERDUE}
    assert board_page.cards[Bucket.OVERDUE].isChecked()
    qtbot.mouseClick(board_page.cards[Bucket.OVERDUE], Qt.MouseButton.LeftButton)
    assert board_page.model.rowCount() == total


def test_enter_on_an_entry_opens_its_dossier(main_window, board_page, qtbot):
    entry = board_page.model.entries[0]
    assert entry.bucket is Bucket.OVERDUE  # most urgent first
    board_page.table.setFocus()
    board_page.table.setCurrentIndex(board_page.model.index(0, 0))
    qtbot.keyClick(board_page.table, Qt.Key.Key_Return)
    matters = main_window.page("matters")
    assert main_window.stack.currentWidget() is matters
    qtbot.waitUntil(lambda: matters.dossier.dossier is not None, timeout=5000)
    assert matters.dossier.dossier.number == entry.number
    countdown = matters.dossier.findChild(type(matters.dossier.heading), f"countdown_{entry.clock.value}")
    assert countdown.property("urgency") == "overdue" and countdown.text().startswith("已超期")


def test_the_board_model_passes_qtmodeltester(board_page, qtmodeltester):
    qtmodeltester.check(board_page.model)


def test_ledger_imports_without_a_result_are_listed_for_review_not_as_overdue(board_page, ws, qtbot, tmp_path):
    from app.excel.ledger_import import import_ledger
    from tests.excel import ugly_ledgers

    before = list(board_page.model.entries)
    assert board_page.review_note.isHidden()
    with ws.write(ws.system_actor()) as uow:
        import_ledger(uow, ugly_ledgers.with_outcomes(tmp_path / "2023年台账.xlsx"))
    board_page.reload()
    qtbot.waitUntil(lambda: board_page.review_note.isVisible(), timeout=10_000)
    assert board_page.review_note.text().startswith("台账导入的事项 3 件没有办理结果，待核实")
    assert "只看待核实" in board_page.review_note.text()
    assert list(board_page.model.entries) == before  # no false overdue alarm from 2023
