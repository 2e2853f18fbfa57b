"""系统设置 › 文书措辞: an office's own wording of each notice, over the shipped templates.

Only the texts of a kind are offered (title, salutation, body, notes); what equals the shipped text
is not stored, so a later program version's improved wording still reaches an office that never
changed that text. 恢复默认 drops the office's wording of the kind.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget,
)

from app.domain.enums import DocumentKind
from app.errors import DomainError
from app.services.documents import DOCUMENT_LABELS
from app.services.notice_templates import NoticeTemplate, get_notice_template, set_notice_template
from ui.context import GuiContext

TEXT_LABELS = {"title": "标题", "addressee": "称呼", "body": "正文", "note": "附注", "subtitle": "副标题",
               "closing": "结尾"}


class WordingTab(QWidget):
    def __init__(self, ctx: GuiContext, editable: bool) -> None:
        super().__init__()
        self.ctx, self.editable = ctx, editable
        self.template: NoticeTemplate | None = None
        self.edits: dict[str, QPlainTextEdit] = {}
        self.kind = QComboBox()
        for kind in DocumentKind:
            self.kind.addItem(DOCUMENT_LABELS[kind], kind)
        self.kind.currentIndexChanged.connect(lambda _i: self.load())
        self.placeholders = QLabel()
        self.placeholders.setWordWrap(True)
        self.placeholders.setProperty("role", "hint")
        self.form = QFormLayout()
        self.save_button = QPushButton("保存措辞")
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        self.reset_button = QPushButton("恢复默认")
        self.reset_button.clicked.connect(self.reset)
        self.status = QLabel()
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("文书"))
        top.addWidget(self.kind)
        top.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addWidget(self.reset_button)
        actions.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.placeholders)
        layout.addLayout(self.form, 1)
        layout.addLayout(actions)
        for button in (self.save_button, self.reset_button):
            button.setVisible(editable)
        if not editable:
            self.status.setText("只有管理员可以修改文书措辞。")

    @property
    def loaded(self) -> bool:
        return self.template is not None

    def current_kind(self) -> DocumentKind:
        return DocumentKind(self.kind.currentData())

    def load(self) -> None:
        kind = self.current_kind()
        self.ctx.runner.read(lambda uow: get_notice_template(uow, kind), self.fill)

    def fill(self, template: NoticeTemplate) -> None:
        self.template = template
        while self.form.rowCount():
            self.form.removeRow(0)
        self.edits = {}
        for key, text in template.effective.items():
            if not isinstance(text, str):
                continue  # table labels: the shipped ones serve every office
            edit = QPlainTextEdit(text)
            edit.setReadOnly(not self.editable)
            edit.setMaximumHeight(260 if key == "body" else 60)
            self.edits[key] = edit
            self.form.addRow(TEXT_LABELS.get(key, key), edit)
        names = "、".join("{" + p + "}" for p in sorted(template.placeholders))
        self.placeholders.setText(f"可用的占位符：{names}。正文每行一段。")

    def override(self) -> dict[str, str]:
        """The texts that differ from the shipped wording."""
        assert self.template is not None
        shipped = self.template.shipped
        return {key: edit.toPlainText() for key, edit in self.edits.items()
                if edit.toPlainText() != shipped.get(key)}

    def save(self) -> None:
        self._store(self.override(), "已保存")

    def reset(self) -> None:
        self._store({}, "已恢复默认措辞")

    def _store(self, override: dict[str, str], said: str) -> None:
        kind = self.current_kind()

        def done(template: NoticeTemplate) -> None:
            self.fill(template)
            self.status.setText(f"{said}：{DOCUMENT_LABELS[kind]}。此后出具的文书使用新措辞，已出具的不变。")

        def refused(error: DomainError) -> None:
            self.status.setText(error.message)

        self.ctx.runner.write(lambda uow: set_notice_template(uow, kind, override), done,
                              changes=frozenset({"setting"}), on_error=refused)
