"""系统设置 page."""

from __future__ import annotations

from ui.pages.base import ComingPage


class SettingsPage(ComingPage):
    title = "系统设置"
    coming = "单位信息、用户、期限计算方式和文书格式。"
