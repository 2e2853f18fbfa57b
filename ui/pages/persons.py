"""一人一档 page: the person list (ids first, rows on demand) and each person's archive.

The list keeps its search, filters and selection while an archive is open; Esc or "返回列表"
goes back. Changes made anywhere (a visit registered, an archive edited or merged, a file
attached) refresh the list's rows and the open archive through the change hub.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget

from ui.context import GuiContext
from ui.pages.base import Page
from ui.widgets.archive_view import ArchiveView
from ui.widgets.merge_dialog import MergeDialog
from ui.widgets.person_list_view import PersonListView

LIST_KINDS = frozenset({"person", "contact", "matter"})
ARCHIVE_KINDS = LIST_KINDS | {"attachment", "document"}


class PersonsPage(Page):
    title = "一人一档"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.stack = QStackedWidget()
        self.layout_.addWidget(self.stack, 1)
        self.list = PersonListView(ctx)
        self.archive = ArchiveView(ctx)
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.archive)
        self.list.person_activated.connect(self.open_item)
        self.list.merge_requested.connect(self._merge_two)
        self.archive.back.connect(self.show_list)
        self.merge_dialog: MergeDialog | None = None

    def on_shown(self) -> None:
        self.list.ensure_loaded()
        if self.stack.currentWidget() is self.list:
            self.list.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_item(self, item_id: uuid.UUID) -> None:
        self.list.ensure_loaded()
        self.stack.setCurrentWidget(self.archive)
        self.archive.open(item_id)
        self.archive.back_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_list(self) -> None:
        self.stack.setCurrentWidget(self.list)
        self.list.ensure_loaded(keep=self.archive.person_id)  # the archive just seen is selected
        self.list.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _merge_two(self, first: uuid.UUID, second: uuid.UUID) -> MergeDialog:
        """"合并所选两份档案" in the list: compare the two side by side; the survivor opens after."""
        dialog = MergeDialog(self.ctx, first, second, self)
        dialog.merged.connect(self.open_item)
        self.merge_dialog = dialog
        dialog.open()
        return dialog

    def on_changed(self, kinds: frozenset[str]) -> None:
        if kinds & LIST_KINDS:
            self.list.mark_stale(self.list.isVisible())
        if kinds & ARCHIVE_KINDS and self.archive.person_id is not None:
            self.archive.reload()
