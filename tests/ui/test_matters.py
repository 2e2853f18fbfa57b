"""信访事项 page driven through the real widgets: filters, full-text search, the dossier and a step."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QPushButton

from app.domain.enums import MatterState, MatterType
from app.domain.workflow import Action
from app.services import matter_list as ml, matter_steps as st
from app.services.listing import unpack_ids
from ui.dialogs import step_dialogs
from ui.dialogs.step_dialogs import AcceptDialog, DeclineDialog
from tests.support.matters import register, step

D = date.fromisoformat
DECISIONS = {Action.ACCEPT, Action.DECLINE, Action.ROUTE_LEGAL, Action.FORWARD, Action.ASSIGN}


@pytest.fixture
def matters(ws, admin):
    made = {
        "overdue": register(ws, admin, "反映征地补偿款未发放", on=D("2026-11-02"), name="张三"),
        "claim": register(ws, admin, "反映拖欠工资", on=D("2026-11-10"), subject="0201", name="李四"),
        "suggestion": register(ws, admin, "建议修建村道拆迁安置点", on=D("2026-11-20"), subject="1001",
                               matter_type=MatterType.SUGGESTION, name="王五"),
    }
    step(ws, admin, made["claim"], st.Accept(on=D("2026-11-11")))
    return made


@pytest.fixture
def page(main_window, qtbot, matters):
    main_window.show_page("matters")
    page = main_window.page("matters")
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    return page


def expected_ids(ws, admin, **spec):
    with ws.read(admin) as uow:
        return unpack_ids(ml.matter_list_ids(uow, ml.MatterFilter(**spec)))


def test_the_list_shows_every_matter_with_its_nearest_deadline(page, matters):
    assert page.ids() == [matters["suggestion"], matters["claim"], matters["overdue"]]
    row = page.ids().index(matters["overdue"])
    cells = [page.model.index(row, c).data() for c in range(page.model.columnCount())]
    assert cells[2] == "已登记" and cells[3] == "受理告知期限 已超期 6 天" and cells[5] == "张三"
    assert page.model.index(row, 0).data(Qt.ItemDataRole.ForegroundRole) is not None  # coloured: overdue
    assert page.count.text().startswith("共 3 件")


def test_filters_narrow_the_list_as_the_service_does(page, qtbot, ws, admin, matters):
    bar = page.filters
    bar.select(bar.state, MatterState.ACCEPTED.value)
    qtbot.waitUntil(lambda: page.ids() == [matters["claim"]], timeout=5000)
    bar.select(bar.state, "open")
    bar.select(bar.type, MatterType.SUGGESTION.value)
    qtbot.waitUntil(lambda: page.ids() == [matters["suggestion"]], timeout=5000)
    bar.clear()
    bar.select(bar.due, ml.DueFilter.OVERDUE.value)
    qtbot.waitUntil(lambda: page.ids() == expected_ids(ws, admin, due=ml.DueFilter.OVERDUE) == [matters["overdue"]],
                    timeout=5000)
    bar.clear()
    bar.select(bar.subject, "01")
    qtbot.waitUntil(lambda: page.ids() == [matters["overdue"]], timeout=5000)
    bar.clear()
    qtbot.waitUntil(lambda: len(page.ids()) == 3, timeout=5000)


def test_full_text_search_with_long_and_short_words(page, qtbot, matters):
    page.filters.text.setText("拆迁安置")  # trigram index
    qtbot.waitUntil(lambda: page.ids() == [matters["suggestion"]], timeout=5000)
    page.filters.text.setText("工资")  # two characters: the scan
    qtbot.waitUntil(lambda: page.ids() == [matters["claim"]], timeout=5000)
    page.filters.text.setText("反映 补偿")
    qtbot.waitUntil(lambda: page.ids() == [matters["overdue"]], timeout=5000)
    # The first screenful shows before the whole list; the search time comes with the whole list.
    qtbot.waitUntil(lambda: "检索用时" in page.count.text(), timeout=5000)
    assert page.ids() == [matters["overdue"]]


def open_dossier_with_enter(page, qtbot, matter_id):
    row = page.ids().index(matter_id)
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(row, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    view = page.dossier
    qtbot.waitUntil(lambda: view.dossier is not None and view.dossier.id == matter_id, timeout=5000)
    return view


def test_a_legal_transition_from_the_dossier(page, qtbot, matters):
    view = open_dossier_with_enter(page, qtbot, matters["overdue"])
    assert page.stack.currentWidget() is view
    assert view.state.text().startswith("已登记")
    assert set(view.action_buttons) == DECISIONS  # only the legal next steps have buttons
    assert view.findChild(type(view.back_button), "action_reply") is None
    dialog = view.start_step(Action.ACCEPT)
    assert isinstance(dialog, AcceptDialog) and dialog.isVisible()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.state.text().startswith("已受理"), timeout=5000)
    assert not dialog.isVisible()
    assert set(view.action_buttons) == {Action.DISPATCH, Action.EXTEND, Action.REPLY}
    assert all(view.action_buttons[a].isEnabled() for a in view.action_buttons)
    history = view.tabs.widget(0)
    assert [history.item(r, 2).text() for r in range(history.rowCount())] == ["登记", "受理"]
    assert "受理告知书" in [view.tabs.widget(2).item(r, 2).text() for r in range(view.tabs.widget(2).rowCount())]
    countdowns = [label.text() for label in view.findChildren(type(view.heading)) if
                  label.objectName().startswith("countdown_")]
    assert countdowns[0] == "2026-11-23 已完成" and countdowns[1] == "剩 60 天"
    # The list behind shows the new state too, once back.
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.list_panel
    row = page.ids().index(matters["overdue"])
    qtbot.waitUntil(lambda: page.model.index(row, 2).data() == "已受理", timeout=5000)
    assert page.current_id() == matters["overdue"]


def test_a_refused_step_explains_itself_and_keeps_the_dialog_open(page, qtbot, monkeypatch, matters):
    shown = []
    monkeypatch.setattr(step_dialogs, "show_domain_error", lambda parent, error: shown.append((parent, error)))
    view = open_dossier_with_enter(page, qtbot, matters["overdue"])
    dialog = view.start_step(Action.DECLINE)
    assert isinstance(dialog, DeclineDialog)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)  # no reason typed
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    parent, error = shown[0]
    assert parent is dialog and error.field == "reason" and "不予受理理由" in error.message
    assert dialog.isVisible() and dialog.ok.isEnabled()
    dialog.reason.setPlainText("该事项已在办理中")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.state.text().startswith("不予受理"), timeout=5000)
    assert set(view.action_buttons) == {Action.REOPEN}


def test_leader_supervision_and_its_reply_from_the_dossier(page, qtbot, matters):
    view = open_dossier_with_enter(page, qtbot, matters["claim"])
    qtbot.mouseClick(view.findChild(QPushButton, "oversight_leader"), Qt.MouseButton.LeftButton)
    view.dialog.leader.setText("李镇长")
    qtbot.mouseClick(view.dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.dossier.case_leader == "李镇长", timeout=5000)
    qtbot.mouseClick(view.findChild(QPushButton, "oversight_supervise"), Qt.MouseButton.LeftButton)
    dialog = view.dialog
    dialog.supervisor.setText("某某县信访局")
    dialog.request.setPlainText("请加快办理")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(view.dossier.supervisions) == 1, timeout=5000)
    qtbot.mouseClick(view.findChild(QPushButton, "supervision_reply"), Qt.MouseButton.LeftButton)
    view.dialog.findChild(QPlainTextEdit).setPlainText("已约谈，正在核实")
    qtbot.mouseClick(view.dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.dossier.supervisions[0].reply == "已约谈，正在核实", timeout=5000)
    assert view.findChild(QPushButton, "supervision_reply") is None
    page.show_list()
    qtbot.waitUntil(lambda: page.model.index(page.ids().index(matters["claim"]), 10).data() == "李镇长", timeout=5000)


def test_navigator_opens_a_dossier_from_another_page(main_window, qtbot, matters):
    main_window.show_page("deadlines")
    main_window.open_matter(matters["claim"])
    view = main_window.page("matters").dossier
    qtbot.waitUntil(lambda: view.dossier is not None and view.dossier.id == matters["claim"], timeout=5000)
    assert main_window.stack.currentWidget() is main_window.page("matters")
    assert set(view.action_buttons) == {Action.DISPATCH, Action.EXTEND, Action.REPLY}


def test_the_list_model_passes_qtmodeltester(page, qtmodeltester):
    qtmodeltester.check(page.model)


def test_every_step_dialog_builds_its_step(qapp):
    today = D("2026-11-23")
    for action, dialog_type in step_dialogs.DIALOGS.items():
        dialog = dialog_type(None, None, MatterState.REGISTERED, today)  # type: ignore[arg-type]
        made = dialog.step()
        assert made.action is action and made.on == today
        dialog.deleteLater()
    QApplication.processEvents()
