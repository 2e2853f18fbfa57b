"""Base of the main window's pages: a title, and hooks for navigation and change notices."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.context import GuiContext


class Page(QWidget):
    title = ""

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.layout_ = QVBoxLayout(self)
        heading = QLabel(self.title)
        heading.setObjectName("pageTitle")
        self.layout_.addWidget(heading)
        ctx.runner.changes.changed.connect(self.on_changed)

    def on_shown(self) -> None:
        """Called each time the page comes to the front."""

    def on_changed(self, kinds: frozenset[str]) -> None:
        """Records of these kinds changed somewhere; refresh what shows them."""

    def open_item(self, item_id: uuid.UUID) -> None:
        """Show one record (a matter's dossier, a person's archive)."""


class ComingPage(Page):
    """A page whose screens arrive with a later issue: says what will be here."""

    coming = ""

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        note = QLabel(self.coming)
        note.setProperty("role", "hint")
        note.setWordWrap(True)
        self.layout_.addWidget(note)
        self.layout_.addStretch(1)
