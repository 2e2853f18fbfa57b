"""到期提醒 page."""

from __future__ import annotations

from ui.pages.base import ComingPage


class DeadlinesPage(ComingPage):
    title = "到期提醒"
    coming = "已超期、3 日内和 7 日内到期的法定期限。"
