"""交办 with its 报告期限, driven through the real dialog: the office rule by default, the clerk's number on
the matter's clock (dossier and 到期提醒), and a number outside 1–90 refused in place."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from app.domain.enums import Clock, MatterState
from app.domain.workflow import Action
from app.services.deadline_board import Bucket
from app.services.office_settings import set_setting
from db.models import Matter
from tests.support.matters import register
from tests.ui.desk_helpers import (  # noqa: F401 - fixtures
    WAIT, crashes, desk, fill_subject_and_content, focused, pick_chinese, returning, save,
)
from ui.dialogs import step_dialogs
from ui.dialogs.step_dialogs import AssignDialog

D = date.fromisoformat


@pytest.fixture
def matter(ws, admin):
    return register(ws, admin, "反映村口排水沟堵塞", on=D("2026-11-20"), name="吴九")


@pytest.fixture
def shown(monkeypatch):
    """The refusals the dialog shows over itself (instead of a modal box nobody closes)."""
    seen = []
    monkeypatch.setattr(step_dialogs, "show_domain_error", lambda parent, error: seen.append((parent, error)))
    return seen


def office_rule(ws, admin, days: int) -> None:
    with ws.write(admin) as uow:
        set_setting(uow, "assignment_report_days", days)


def assign_dialog(main_window, qtbot, matter_id) -> AssignDialog:
    main_window.open_matter(matter_id)
    view = main_window.page("matters").dossier
    qtbot.waitUntil(lambda: view.dossier is not None and view.dossier.id == matter_id, timeout=WAIT)
    dialog = view.start_step(Action.ASSIGN)
    assert isinstance(dialog, AssignDialog) and dialog.isVisible()
    dialog.to.setCurrentText("城建办")
    return dialog


def type_days(qtbot, dialog: AssignDialog, text: str) -> None:
    box = dialog.report_days
    box.setFocus()
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Delete)
    qtbot.keyClicks(box, text)


def stored(ws, matter_id) -> Matter:
    with ws.database.read() as session:
        m = session.get(Matter, matter_id)
        assert m is not None
        session.expunge(m)
        return m


def test_the_days_typed_in_the_dialog_set_the_matters_report_clock(main_window, qtbot, ws, matter):
    dialog = assign_dialog(main_window, qtbot, matter)
    type_days(qtbot, dialog, "4")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    view = main_window.page("matters").dossier
    qtbot.waitUntil(lambda: view.state.text().startswith("已交办"), timeout=WAIT)
    assert not dialog.isVisible()
    m = stored(ws, matter)
    assert (m.state, m.referred_to, m.report_days) == (MatterState.ASSIGNED.value, "城建办", 4)
    # The dossier shows the clock: Mon 23 Nov + 4 days = Fri 27 Nov.
    clock = next(c for c in view.dossier.clocks if c.clock is Clock.ASSIGNMENT_REPORT)
    assert (clock.days, clock.due_on) == (4, D("2026-11-27"))
    assert view.findChild(type(view.heading), "clock_assignment_report").text() == "交办报告期限"
    assert view.findChild(type(view.heading), "countdown_assignment_report").text() == "剩 4 天"
    history = view.tabs.widget(0)
    assert "报告期限：4 天" in history.item(history.rowCount() - 1, 5).text()
    # 到期提醒 lists it within the week (with the office's 60 days it would not be there).
    main_window.show_page("deadlines")
    board = main_window.page("deadlines")
    qtbot.waitUntil(lambda: board.board is not None and any(
        e.matter_id == matter for e in board.model.entries), timeout=WAIT)
    entry = next(e for e in board.model.entries if e.matter_id == matter)
    assert (entry.clock, entry.clock_label, entry.due_on, entry.bucket) == (
        Clock.ASSIGNMENT_REPORT, "交办报告期限", D("2026-11-27"), Bucket.WEEK)


def test_the_dialog_starts_from_the_office_rule(main_window, qtbot, ws, admin, matter):
    office_rule(ws, admin, 30)
    dialog = assign_dialog(main_window, qtbot, matter)
    box = dialog.report_days
    assert (box.value(), box.minimum(), box.maximum(), box.suffix()) == (30, 1, 90, " 天")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)  # untouched: the rule's 30 days
    qtbot.waitUntil(lambda: stored(ws, matter).state == MatterState.ASSIGNED.value, timeout=WAIT)
    assert stored(ws, matter).report_days == 30


def test_a_changed_rule_reaches_a_dossier_already_open(main_window, qtbot, matter):
    assign_dialog(main_window, qtbot, matter).reject()
    view = main_window.page("matters").dossier
    main_window.ctx.runner.write(lambda uow: set_setting(uow, "assignment_report_days", 20), lambda _: None,
                                 changes=frozenset({"settings"}))  # as 系统设置 › 办理规则 saves it
    qtbot.waitUntil(lambda: view.choices.report_days == 20, timeout=WAIT)
    assert view.start_step(Action.ASSIGN).report_days.value() == 20


@pytest.fixture
def rule_of_45_days(ws, admin):
    office_rule(ws, admin, 45)


def test_the_desk_offers_the_office_rule_too(rule_of_45_days, desk, qtbot, returning):
    assert desk.lists is not None and desk.lists.report_days == 45
    pick_chinese(qtbot, desk, "周帅")
    fill_subject_and_content(desk, "0101", "反映村道路面破损")
    save(qtbot, desk)
    panel = desk.next_panel
    qtbot.keyClick(focused(), Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # 交办(&G)
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible(), timeout=WAIT)
    assert isinstance(panel.dialog, AssignDialog) and panel.dialog.report_days.value() == 45


@pytest.mark.parametrize(("typed", "said"), [("95", "须为 1 至 90 天，现为 95 天"), ("0", "现为 0 天"),
                                             ("", "请填写 1 至 90 天")])
def test_days_outside_the_rule_are_refused_naming_the_field(main_window, qtbot, ws, matter, shown, typed, said):
    dialog = assign_dialog(main_window, qtbot, matter)
    type_days(qtbot, dialog, typed)
    assert dialog.report_days.text() == f"{typed} 天"  # what was typed stays on screen (no dropped key)
    qtbot.keyClick(dialog.report_days, Qt.Key.Key_Return)  # Enter confirms the dialog
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT)
    parent, error = shown[0]
    assert parent is dialog and error.field == "report_days"
    assert error.message.startswith("交办报告期限：") and said in error.message
    assert dialog.isVisible() and dialog.report_days.text() == f"{typed} 天"  # back to correct it
    assert stored(ws, matter).state == MatterState.REGISTERED.value  # nothing recorded
    type_days(qtbot, dialog, "20")
    qtbot.keyClick(dialog.report_days, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: stored(ws, matter).state == MatterState.ASSIGNED.value, timeout=WAIT)
    assert stored(ws, matter).report_days == 20 and len(shown) == 1


def test_after_a_refusal_the_arrows_choose_a_number_in_range(main_window, qtbot, ws, matter, shown):
    dialog = assign_dialog(main_window, qtbot, matter)
    box = dialog.report_days
    type_days(qtbot, dialog, "95")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT)
    for _ in range(2):  # the first press may only put the last number in range back
        qtbot.keyClick(box, Qt.Key.Key_Up)
    assert box.refused_text() is None and box.hasAcceptableInput()
    chosen = box.value()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: stored(ws, matter).state == MatterState.ASSIGNED.value, timeout=WAIT)
    assert stored(ws, matter).report_days == chosen and len(shown) == 1
