"""Merge two archives of one petitioner: find the duplicate, compare side by side, give a reason.

The preview (both identities, what moves) loads on a worker thread; the merge itself is
``person_merge.merge_persons`` and can be undone from the survivor's archive.
"""

from __future__ import annotations

import html
import uuid

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
    QPushButton, QVBoxLayout, QWidget,
)

from app.errors import DomainError
from app.services.person_archive import MergePreview, MergeSide, merge_preview
from app.services.person_merge import merge_persons
from app.services.person_search import PersonHit, find_persons
from ui.context import GuiContext
from ui.widgets.person_labels import gender_text

PersonRole = Qt.ItemDataRole.UserRole + 1


def side_html(title: str, side: MergeSide) -> str:
    p, c = side.person, side.counts
    rows = [("身份证号", p.id_number or "（未登记）"), ("性别", gender_text(p.gender) or "—"),
            ("出生日期", f"{p.birth_date:%Y-%m-%d}" if p.birth_date else "—"),
            ("联系电话", "、".join(p.phones) or "—"), ("村（社区）", p.village or "—"), ("住址", p.address or "—"),
            ("标签", "、".join(p.tags) or "—"), ("稳控责任人", side.follow_up_officer or "—")]
    body = "".join(f"<tr><td style='color:#5f6b7a'>{k}</td><td>{html.escape(v)}</td></tr>" for k, v in rows)
    return (f"<div style='color:#5f6b7a'>{title}</div><h3>{html.escape(p.name)}</h3><table cellspacing=4>{body}</table>"
            f"<p>来访 {c.contacts} 次 · 事项 {c.matters} 件 · 文书 {c.documents} 份 · 附件 {c.attachments} 个</p>")


class MergeDialog(QDialog):
    merged = Signal(object)  # the surviving archive's id

    def __init__(self, ctx: GuiContext, person_id: uuid.UUID, other_id: uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("合并重复档案")
        self.survivor_id: uuid.UUID = person_id
        self.merged_id: uuid.UUID | None = other_id
        self.preview: MergePreview | None = None
        self._search_generation = 0
        self.search = QLineEdit()
        self.search.setPlaceholderText("查找同一人的另一份档案：姓名 / 身份证号 / 电话 / 拼音首字母")
        self.results = QListWidget()
        self.results.setMaximumHeight(110)
        self.left, self.right = QLabel(), QLabel()
        self.swap = QPushButton("⇄ 交换保留与并入")
        self.moving = QLabel()
        self.problem = QLabel()
        self.problem.setProperty("urgency", "overdue")
        self.problem.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("合并理由（必填），如：同一人，第二次来电时未登记身份证号")
        self._timer = QTimer(self, singleShot=True, interval=250, timeout=self._find)
        self._build()
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.results.itemActivated.connect(self._choose)
        self.results.currentItemChanged.connect(lambda item, _old: item and self._choose(item))
        self.swap.clicked.connect(self._swap)
        self.reason.textChanged.connect(lambda _t: self._update_button())
        self._load_preview()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        sides = QGridLayout()
        for column, label in enumerate((self.left, self.right)):
            card = QFrame()
            card.setObjectName("card")
            inner = QVBoxLayout(card)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop)
            label.setMinimumWidth(330)
            inner.addWidget(label)
            sides.addWidget(card, 0, column * 2)
        sides.addWidget(self.swap, 0, 1, Qt.AlignmentFlag.AlignCenter)
        layout.addLayout(sides, 1)
        layout.addWidget(self.moving)
        layout.addWidget(self.problem)
        reason_row = QHBoxLayout()
        reason_row.addWidget(QLabel("合并理由"))
        reason_row.addWidget(self.reason, 1)
        layout.addLayout(reason_row)
        buttons = QDialogButtonBox()
        self.confirm = buttons.addButton("确认合并", QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm.setProperty("primary", True)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.do_merge)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 560)

    # -- choosing the other archive -----------------------------------------------------------------
    def _find(self) -> None:
        text, generation = self.search.text(), self._search_generation + 1
        self._search_generation = generation
        self.ctx.runner.read(lambda uow: find_persons(uow, text),
                             lambda hits: self._show_hits(generation, hits))

    def _show_hits(self, generation: int, hits: list[PersonHit]) -> None:
        if generation != self._search_generation:
            return
        self.results.clear()
        for hit in hits:
            p = hit.person
            if p.id == self.survivor_id:
                continue
            age = f"{hit.age} 岁" if hit.age is not None else "年龄不详"
            item = QListWidgetItem(f"{p.name}　{gender_text(p.gender)} {age}　{p.id_number or '无身份证号'}　"
                                   f"{'、'.join(p.phones)}　{p.village}")
            item.setData(PersonRole, p.id)
            self.results.addItem(item)

    def _choose(self, item: QListWidgetItem) -> None:
        self.merged_id = item.data(PersonRole)
        self._load_preview()

    def _swap(self) -> None:
        if self.merged_id is not None:
            self.survivor_id, self.merged_id = self.merged_id, self.survivor_id
            self._load_preview()

    # -- the side-by-side preview -------------------------------------------------------------------
    def _load_preview(self) -> None:
        self.preview = None
        self._update_button()
        if self.merged_id is None:
            self.left.setText("<div style='color:#5f6b7a'>保留此档案</div>")
            self.right.setText("<div style='color:#5f6b7a'>并入的档案：请在上方查找并选中</div>")
            self.moving.clear()
            return
        survivor, merged, folder = self.survivor_id, self.merged_id, self.ctx.workspace.attachments_dir
        self.ctx.runner.read(lambda uow: merge_preview(uow, survivor, merged, folder), self._show_preview)

    def _show_preview(self, preview: MergePreview) -> None:
        if (preview.survivor.person.id, preview.merged.person.id) != (self.survivor_id, self.merged_id):
            return  # a newer choice is on its way
        self.preview = preview
        self.left.setText(side_html("保留此档案", preview.survivor))
        self.right.setText(side_html("并入保留档案（合并后隐藏，可撤销）", preview.merged))
        m = preview.moving
        self.moving.setText(f"将移入保留档案：来访 {m.contacts} 次、事项 {m.matters} 件、文书 {m.documents} 份、"
                            f"附件 {m.attachments} 个")
        self.problem.setText(preview.problem)
        self.problem.setVisible(bool(preview.problem))
        self._update_button()

    def _update_button(self) -> None:
        ready = self.preview is not None and not self.preview.problem and bool(self.reason.text().strip())
        self.confirm.setEnabled(ready)

    def do_merge(self) -> None:
        if self.preview is None or self.merged_id is None or not self.confirm.isEnabled():
            return
        survivor, merged, reason = self.survivor_id, self.merged_id, self.reason.text()
        self.confirm.setEnabled(False)
        self.ctx.runner.write(lambda uow: merge_persons(uow, survivor, merged, reason),
                              lambda _merge_id: self._done(survivor),
                              changes=frozenset({"person", "contact", "matter"}), on_error=self._failed)

    def _done(self, survivor: uuid.UUID) -> None:
        self.merged.emit(survivor)
        self.accept()

    def _failed(self, error: DomainError) -> None:
        self.problem.setText(error.message)
        self.problem.show()
        self._update_button()
