"""统计报表 page."""

from __future__ import annotations

from ui.pages.base import ComingPage


class ReportsPage(ComingPage):
    title = "统计报表"
    coming = "月度、季度、年度统计和台账导出。"
