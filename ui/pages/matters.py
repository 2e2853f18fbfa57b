"""信访事项 page."""

from __future__ import annotations

from ui.pages.base import ComingPage


class MattersPage(ComingPage):
    title = "信访事项"
    coming = "一案一卷：事项列表、筛选、全文检索和办理。"
