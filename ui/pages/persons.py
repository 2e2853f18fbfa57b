"""一人一档 page."""

from __future__ import annotations

from ui.pages.base import ComingPage


class PersonsPage(ComingPage):
    title = "一人一档"
    coming = "信访人档案：来访记录、事项、文书和附件。"
