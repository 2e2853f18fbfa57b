"""The first-run wizard on an empty data folder, driven through its real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWizard

from app.domain.enums import OfficeLevel
from app.services.offices import office_info
from app.services.users import authenticate
from app.services.workspace import Workspace
from ui.theme import apply_theme
from ui.wizard import SetupWizard, describe_division_code

PASSWORD = "abc12345"
WAIT = 60_000


@pytest.fixture
def empty_ws(tmp_path, clock):
    workspace = Workspace.open(tmp_path / "data", clock=clock)
    yield workspace
    workspace.close()


@pytest.fixture
def wizard(qtbot, qapp, empty_ws):
    apply_theme(qapp)
    w = SetupWizard(empty_ws, demo_sizes=(30, 400))
    qtbot.addWidget(w)
    w.show()
    return w


def fill_office(w: SetupWizard, code: str = "330106101000") -> None:
    p = w.office_page
    p.office_name.setText("某某县某某镇人民政府")
    p.short_name.setText("某某镇")
    p.division_code.setText(code)
    p.parent_name.setText("某某县信访局")


def fill_admin(w: SetupWizard, qtbot, again: str = PASSWORD) -> None:
    p = w.admin_page
    p.login.setText("")
    qtbot.keyClicks(p.login, "wang")
    p.display_name.setText("王管理")
    qtbot.keyClicks(p.password, PASSWORD)
    qtbot.keyClicks(p.password_again, again)


def to_demo_page(w: SetupWizard, qtbot) -> None:
    fill_office(w)
    w.next()
    w.villages_page.villages.setPlainText("东风村\n\n红旗村\n")
    w.next()
    fill_admin(w, qtbot)
    w.next()
    assert w.currentPage() is w.demo_page


def test_filling_the_wizard_initialises_the_office_and_admin(wizard, qtbot, empty_ws):
    assert not empty_ws.is_initialised()
    to_demo_page(wizard, qtbot)
    assert empty_ws.is_initialised()
    assert wizard.button(QWizard.WizardButton.BackButton).isHidden()  # the office exists now
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == SetupWizard.DialogCode.Accepted
    assert wizard.admin_login == "wang"
    actor = authenticate(empty_ws, "wang", PASSWORD)
    with empty_ws.read(actor) as uow:
        office = office_info(uow)
    assert (office.name, office.short_name, office.division_code, office.parent_name, office.level) == (
        "某某县某某镇人民政府", "某某镇", "330106101000", "某某县信访局", OfficeLevel.TOWNSHIP)
    assert actor.display_name == "王管理"


@pytest.mark.parametrize(("code", "message"), [
    ("33010610100", "12 位数字"),
    ("330106000000", "第 7–9 位不能为 000"),
    ("3301061010ab", "12 位数字"),
])
def test_bad_division_code_is_refused_and_the_wizard_stays(wizard, code, message):
    fill_office(wizard, code)
    wizard.next()
    assert wizard.currentPage() is wizard.office_page
    assert message in wizard.office_page.error.text()
    assert wizard.office_page.error.text().startswith("行政区划代码")


def test_empty_office_name_is_refused(wizard):
    fill_office(wizard)
    wizard.office_page.office_name.setText("  ")
    wizard.next()
    assert wizard.currentPage() is wizard.office_page
    assert wizard.office_page.error.text() == "单位名称：不能为空"


def test_division_code_hint_reads_the_code():
    assert "镇" in describe_division_code("330106101000")
    assert "街道" in describe_division_code("３３０１０６００１０００")  # full-width digits
    assert "已输入 6 位" in describe_division_code("330106")


def test_mismatched_passwords_are_refused_and_nothing_is_created(wizard, qtbot, empty_ws):
    fill_office(wizard)
    wizard.next()
    wizard.next()
    fill_admin(wizard, qtbot, again="abc12346")
    wizard.next()
    assert wizard.currentPage() is wizard.admin_page
    assert wizard.admin_page.error.text() == "密码：两次输入不一致，请重新输入"
    assert not empty_ws.is_initialised()
    wizard.admin_page.password_again.setText(PASSWORD)
    wizard.admin_page.password.setText("abcdefgh")
    wizard.admin_page.password_again.setText("abcdefgh")
    wizard.next()
    assert wizard.admin_page.error.text() == "密码：须同时包含字母和数字"
    assert not empty_ws.is_initialised()


def test_duplicate_village_is_refused(wizard):
    fill_office(wizard)
    wizard.next()
    wizard.villages_page.villages.setPlainText("东风村\n东风村")
    wizard.next()
    assert wizard.currentPage() is wizard.villages_page
    assert "重复" in wizard.villages_page.error.text()


def test_demo_data_loads_on_a_worker_thread_with_progress(wizard, qtbot, empty_ws):
    to_demo_page(wizard, qtbot)
    page = wizard.demo_page
    page.load.setChecked(True)
    page.size.setCurrentIndex(page.size.findData(30))
    seen: list[tuple[int, int]] = []
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert page.busy and not page.isComplete()
    page.loader.progressed.connect(lambda done, total: seen.append((done, total)))
    qtbot.waitUntil(lambda: wizard.result() == SetupWizard.DialogCode.Accepted, timeout=WAIT)
    assert page.summary is not None and page.summary.contacts == 30 and not page.summary.cancelled
    assert seen and seen[-1] == (30, 30)
    assert page.progress.value() == 30


def test_cancel_while_loading_stops_the_load_and_keeps_the_office(wizard, qtbot, empty_ws):
    to_demo_page(wizard, qtbot)
    page = wizard.demo_page
    page.load.setChecked(True)
    page.size.setCurrentIndex(page.size.findData(400))
    wizard.button(QWizard.WizardButton.FinishButton).click()
    wizard.reject()  # 取消 while loading: stops instead of leaving
    assert wizard.isVisible() and "停止" in page.status.text()
    qtbot.waitUntil(lambda: wizard.result() == SetupWizard.DialogCode.Accepted, timeout=WAIT)
    assert page.summary is not None and page.summary.cancelled
    assert page.summary.contacts < 400
    assert empty_ws.is_initialised()
