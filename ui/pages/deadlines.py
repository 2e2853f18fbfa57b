"""到期提醒 page: the office's statutory clocks overdue, due within 3 days and within 7 days.

Counts per bucket and per clock on top (a click narrows the list to them), the entries below, most
urgent first and coloured by urgency; Enter or a double click opens the matter's dossier. The board
is loaded off the UI thread each time the page is shown and whenever matters change.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QTableWidget,
    QTableWidgetItem,
)

from app.domain.enums import Clock
from app.services.deadline_board import Board, BoardEntry, Bucket, load_board
from ui.context import GuiContext
from ui.models.lazy_table import URGENCY_COLOURS
from ui.pages.base import Page
from ui.widgets.dossier_labels import countdown_text

Index = QModelIndex | QPersistentModelIndex
BUCKET_LABELS = {Bucket.OVERDUE: "已超期", Bucket.SOON: "3 日内到期", Bucket.WEEK: "4–7 日内到期"}
HEADERS = ("紧急程度", "法定期限", "届满日期", "倒计时", "事项编号", "事项摘要", "信访人", "状态")
WIDTHS = (90, 110, 95, 100, 110, 380, 130, 90)


class BoardModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.entries: list[BoardEntry] = []

    def set_entries(self, entries: list[BoardEntry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        e = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (BUCKET_LABELS[e.bucket], e.clock_label, e.due_on.isoformat(), countdown_text(e.days_left),
                    e.number, e.title, "、".join(e.petitioners), e.state_label)[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(URGENCY_COLOURS[e.bucket.value]))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{e.title}\n{e.clock_label}：{e.due_on.isoformat()} 届满（{countdown_text(e.days_left)}）"
        return None


def review_text(board: Board) -> str:
    return (f"台账导入的事项 {board.to_review} 件没有办理结果，待核实：原台账未记办结日期，不计算法定期限；"
            "请在“信访事项”中勾选“只看待核实”逐件查看，办理任一步骤后即不再提示。") if board.to_review else ""


def supervision_text(board: Board) -> str:
    """One line per unanswered supervision overdue or due within 7 days."""
    lines = [f"督办　{s.number}　{s.source_label}（{s.supervisor}）：{s.request}　"
             f"{s.due_on.isoformat()} 前反馈（{countdown_text(s.days_left)}）" for s in board.supervisions]
    overdue = len(board.overdue_supervisions)
    head = f"督办事项 {len(board.supervisions)} 件待反馈" + (f"，其中已逾期 {overdue} 件" if overdue else "")
    return "\n".join([head, *lines])


class DeadlinesPage(Page):
    title = "到期提醒"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        self.board: Board | None = None
        self.bucket: Bucket | None = None
        self.clock: Clock | None = None
        self.subtitle = QLabel("正在载入…")
        self.subtitle.setProperty("role", "hint")
        self.layout_.addWidget(self.subtitle)
        self.supervision_note = QLabel()  # 督办 is not a statutory clock: listed on its own line
        self.supervision_note.setObjectName("supervisionNote")
        self.supervision_note.setWordWrap(True)
        self.supervision_note.setStyleSheet(f"color: {URGENCY_COLOURS['overdue']};")
        self.supervision_note.hide()
        self.layout_.addWidget(self.supervision_note)
        self.review_note = QLabel()  # ledger imports without a result: no clock, but not to be forgotten
        self.review_note.setObjectName("reviewNote")
        self.review_note.setWordWrap(True)
        self.review_note.hide()
        self.layout_.addWidget(self.review_note)
        cards = QHBoxLayout()
        self.cards: dict[Bucket, QPushButton] = {}
        for bucket in Bucket:
            button = QPushButton()
            button.setObjectName(f"bucket_{bucket.value}")
            button.setCheckable(True)
            button.setMinimumHeight(56)
            colour = URGENCY_COLOURS[bucket.value]
            button.setStyleSheet(f"QPushButton {{ color: {colour}; font-size: 13pt; font-weight: bold; "
                                 f"border: 1px solid {colour}; border-radius: 6px; background: white; }}"
                                 f"QPushButton:checked {{ background: {colour}; color: white; }}")
            button.clicked.connect(lambda _=False, b=bucket: self.choose(b, None))
            cards.addWidget(button)
            self.cards[bucket] = button
        self.layout_.addLayout(cards)
        self.per_clock = QTableWidget(0, len(Bucket) + 2)
        self.per_clock.setObjectName("perClock")
        self.per_clock.setHorizontalHeaderLabels(["法定期限", *BUCKET_LABELS.values(), "合计"])
        self.per_clock.verticalHeader().hide()
        self.per_clock.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.per_clock.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.per_clock.cellClicked.connect(self._clock_cell)
        self.per_clock.verticalHeader().setDefaultSectionSize(26)
        self.per_clock.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.layout_.addWidget(self.per_clock)
        self.filter_note = QLabel()
        self.filter_note.setProperty("role", "hint")
        self.layout_.addWidget(self.filter_note)
        self.model = BoardModel(self)
        self.table = QTableView()
        self.table.setObjectName("boardTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setAlternatingRowColors(True)
        for i, width in enumerate(WIDTHS):
            self.table.setColumnWidth(i, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(self._activated)
        self.layout_.addWidget(self.table, 1)

    def on_shown(self) -> None:
        self.reload()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def on_changed(self, kinds: frozenset[str]) -> None:
        if "matter" in kinds and self.board is not None:
            self.reload()

    def reload(self) -> None:
        self.ctx.runner.read(load_board, self.show_board)

    def show_board(self, board: Board) -> None:
        self.board = board
        total = len(board.entries)
        self.subtitle.setText(
            f"截至 {board.today.isoformat()}：本办尚未完成、已超期或 7 日内届满的法定期限共 {total} 项"
            if total else f"截至 {board.today.isoformat()}：没有已超期或 7 日内届满的法定期限。")
        for bucket, button in self.cards.items():
            button.setText(f"{BUCKET_LABELS[bucket]}　{board.count(bucket)}")
        self.supervision_note.setText(supervision_text(board))
        self.supervision_note.setVisible(bool(board.supervisions))
        self.review_note.setText(review_text(board))
        self.review_note.setVisible(bool(board.to_review))
        counts = board.counts()
        self.per_clock.setRowCount(len(counts))
        self._clock_rows = list(counts)
        for row, (clock, counter) in enumerate(counts.items()):
            label = next(e.clock_label for e in board.entries if e.clock is clock)
            values = [label, *(str(counter.get(b, 0)) for b in Bucket), str(sum(counter.values()))]
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if 1 <= col <= len(Bucket) and counter.get(list(Bucket)[col - 1]):
                    item.setForeground(QBrush(QColor(URGENCY_COLOURS[list(Bucket)[col - 1].value])))
                self.per_clock.setItem(row, col, item)
        self.per_clock.setFixedHeight(self.per_clock.horizontalHeader().height() + 26 * max(len(counts), 1) + 4)
        self._apply_filter()

    def choose(self, bucket: Bucket | None, clock: Clock | None) -> None:
        """Narrow the list to one bucket and/or clock; choosing the same again shows everything."""
        if (bucket, clock) == (self.bucket, self.clock):
            bucket, clock = None, None
        self.bucket, self.clock = bucket, clock
        self._apply_filter()

    def _clock_cell(self, row: int, column: int) -> None:
        clock = self._clock_rows[row]
        bucket = list(Bucket)[column - 1] if 1 <= column <= len(Bucket) else None
        self.choose(bucket, clock)

    def _apply_filter(self) -> None:
        for bucket, button in self.cards.items():
            button.setChecked(bucket is self.bucket)
        entries = list(self.board.entries) if self.board else []
        shown = [e for e in entries if (self.bucket is None or e.bucket is self.bucket)
                 and (self.clock is None or e.clock is self.clock)]
        self.model.set_entries(shown)
        parts = [BUCKET_LABELS[self.bucket]] if self.bucket else []
        if self.clock is not None and shown:
            parts.append(shown[0].clock_label)
        self.filter_note.setText(f"只看：{'，'.join(parts)}　共 {len(shown)} 项（再点一次显示全部）" if parts
                                 else f"全部 {len(shown)} 项（点上方的数字只看一类；Enter 或双击打开卷宗）")
        if shown:
            self.table.selectRow(0)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.ctx.navigator.open_matter(self.model.entries[index.row()].matter_id)
