"""来访登记 page."""

from __future__ import annotations

from ui.pages.base import ComingPage


class DeskPage(ComingPage):
    title = "来访登记"
    coming = "登记来访、来信、来电、网上信访，查找信访人，识别重复信访。"
