"""数据同步 page."""

from __future__ import annotations

from ui.pages.base import ComingPage


class SyncPage(ComingPage):
    title = "数据同步"
    coming = "与县信访局交换加密数据包（U 盘）。"
