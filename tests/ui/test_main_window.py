from __future__ import annotations

from ui.main_window import PAGES


def test_every_page_opens_and_the_status_bar_names_office_and_user(main_window, qtbot):
    for key, label, _target in PAGES:
        main_window.show_page(key)
        assert main_window.stack.currentWidget().title == label
        assert main_window.nav.currentItem().text() == label
    status = main_window._status.text()
    assert "某某县某某镇人民政府" in status and "王管理（管理员）" in status
