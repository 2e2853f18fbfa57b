from __future__ import annotations

from ui.main_window import PAGES


def test_every_page_opens_and_the_status_bar_names_office_and_user(main_window, qtbot):
    for key, label, _target in PAGES:
        main_window.show_page(key)
        assert main_window.stack.currentWidget().title == label
        assert main_window.nav.currentItem().text() == label
    status = main_window._status.text()
    assert "某某县某某镇人民政府" in status and "王管理（管理员）" in status


def test_only_the_first_page_is_built_at_start_the_others_on_first_visit(main_window):
    built = main_window.stack.count()
    assert built == 1 and main_window.stack.currentWidget().title == "来访登记"
    reports = [key for key, _label, _target in PAGES].index("reports")
    main_window.nav.setCurrentRow(reports)
    assert main_window.stack.count() == 2 and main_window.stack.currentWidget().title == "统计报表"
    main_window.nav.setCurrentRow(0)  # back to a page already built: nothing new
    assert main_window.stack.count() == 2
