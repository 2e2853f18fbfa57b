"""一案一卷 page body: one matter's dossier with its next legal actions as buttons.

Loaded off the UI thread (``matter_dossier.load_dossier``); a step button opens the step's dialog
(ui/dialogs/step_dialogs.py) and the matter is reloaded when the change hub says matters changed.
Only legal transitions get a button; one the user may not take now is disabled and says why.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QPushButton, QScrollArea, QSplitter, QTabWidget, QVBoxLayout, QWidget,
)

from app.domain.permissions import Permission, allows
from app.domain.workflow import Action
from app.services.matter_dossier import MatterDossier, StepChoices, load_dossier, step_choices
from app.services.work_records import pick_lists
from ui.context import GuiContext
from ui.dialogs import leader_dialogs, oversight_dialogs
from ui.dialogs.step_dialogs import StepDialog, run_step
from ui.widgets import dossier_sections as sec
from ui.widgets.dossier_labels import MATTER_TYPE


class DossierView(QWidget):
    back = Signal()
    loaded = Signal(object)  # the MatterDossier now shown

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.matter_id: uuid.UUID | None = None
        self.dossier: MatterDossier | None = None
        self.choices = StepChoices((), ())
        self.dialog: QWidget | None = None  # the step or oversight dialog open now
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.back_button = QPushButton("← 返回列表")
        self.back_button.setToolTip("Esc")
        self.back_button.clicked.connect(self.back)
        self.heading = QLabel()
        self.heading.setObjectName("dossierHeading")
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.heading.setWordWrap(True)
        self.state = QLabel()
        self.state.setObjectName("dossierState")
        self.state.setStyleSheet("border: 1px solid #2f6db5; border-radius: 4px; padding: 2px 8px; color: #2f6db5;")
        top.addWidget(self.back_button)
        top.addWidget(self.heading, 1)
        self.notices_button = QPushButton("文书预览 / 打印(&N)…")
        self.notices_button.setObjectName("noticePreview")
        self.notices_button.setEnabled(False)
        self.notices_button.clicked.connect(self.preview_notices)
        top.addWidget(self.notices_button)
        top.addWidget(self.state)
        layout.addLayout(top)
        self.actions_bar = QHBoxLayout()
        self.actions_bar.setSpacing(6)
        layout.addLayout(self.actions_bar)
        self.action_buttons: dict[Action, QPushButton] = {}
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.left = QScrollArea()
        self.left.setWidgetResizable(True)
        self.left.setFrameShape(QScrollArea.Shape.NoFrame)
        self.left.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tabs = QTabWidget()
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([540, 660])
        layout.addWidget(self.splitter, 1)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        # Esc anywhere in the dossier that does not use it itself goes back to the list.
        if event.key() == Qt.Key.Key_Escape:
            self.back.emit()
            return
        super().keyPressEvent(event)

    # -- loading --------------------------------------------------------------------------------
    def open(self, matter_id: uuid.UUID) -> None:
        if matter_id != self.matter_id:
            self.dossier = None
            self.heading.setText("正在载入…")
        self.matter_id = matter_id
        self.reload()

    def reload(self) -> None:
        if self.matter_id is None:
            return
        self._generation += 1
        generation, matter_id, folder = self._generation, self.matter_id, self.ctx.workspace.attachments_dir
        self.ctx.runner.read(lambda uow: (load_dossier(uow, matter_id, folder), step_choices(uow)),
                             lambda result: self._loaded(generation, *result))

    def _loaded(self, generation: int, dossier: MatterDossier, choices: StepChoices) -> None:
        if generation != self._generation:
            return  # a newer load is on its way
        self.dossier, self.choices = dossier, choices
        self.heading.setText(f"{dossier.number}　{dossier.title}")
        self.state.setText(f"{dossier.state_label}　|　{MATTER_TYPE[dossier.matter_type]}　|　{dossier.subject}")
        self._fill_actions(dossier)
        self._fill_body(dossier)
        has_notices = any(item.kind == "document" for item in dossier.catalogue)
        self.notices_button.setEnabled(has_notices)
        self.notices_button.setToolTip("" if has_notices else "该事项尚未出具文书")
        self.loaded.emit(dossier)

    # -- actions --------------------------------------------------------------------------------
    def _fill_actions(self, d: MatterDossier) -> None:
        while self.actions_bar.count():
            item = self.actions_bar.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.action_buttons = {}
        caption = QLabel("下一步：" if d.actions else "无可办理的法定步骤")
        caption.setProperty("role", "hint")
        self.actions_bar.addWidget(caption)
        first_allowed = next((o for o in d.actions if o.allowed), None)
        for offer in d.actions:
            button = QPushButton(offer.label)
            button.setObjectName(f"action_{offer.action.value}")
            button.setEnabled(offer.allowed)
            button.setToolTip(offer.reason)
            button.setProperty("primary", offer is first_allowed)
            button.clicked.connect(lambda _=False, a=offer.action: self.start_step(a))
            self.actions_bar.addWidget(button)
            self.action_buttons[offer.action] = button
        self.actions_bar.addStretch(1)
        if allows(self.ctx.actor.role, Permission.OWN_MATTER):
            for name, text, slot in (("leader", "指定包案领导", self.edit_leader),
                                     ("supervise", "登记督办", self.add_supervision)):
                button = QPushButton(text)
                button.setObjectName(f"oversight_{name}")
                button.clicked.connect(slot)
                self.actions_bar.addWidget(button)
        if allows(self.ctx.actor.role, Permission.RECORD_STABILITY_WORK):
            button = QPushButton("信访代办")
            button.setObjectName("oversight_proxy")
            button.clicked.connect(self.proxy_step)
            self.actions_bar.addWidget(button)

    def proxy_step(self) -> None:
        """点单, 派单, 接单 or 评单: the next step of the matter's petition proxy."""
        d = self.dossier
        if d is None:
            return
        current = d.proxies[-1] if d.proxies else None
        self.ctx.runner.read(pick_lists, lambda lists: setattr(
            self, "dialog", leader_dialogs.proxy_step(self, self.ctx, lists, d.id, current)))

    def start_step(self, action: Action) -> StepDialog | None:
        d = self.dossier
        if d is None or action not in self.action_buttons or not self.action_buttons[action].isEnabled():
            return None
        dialog = run_step(self, self.ctx, d.id, action, d.state, self.choices)
        self.dialog = dialog
        return dialog

    def preview_notices(self, document_id: uuid.UUID | None = None) -> QWidget | None:
        """The matter's notices as on file (the newest first shown), to print or save as PDF."""
        if self.dossier is None:
            return None
        from ui.dialogs.notice_preview import NoticePreviewDialog

        dialog = NoticePreviewDialog(self.ctx, self.dossier.id, self, document_id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.dialog = dialog
        return dialog

    def edit_leader(self) -> None:
        if self.dossier is not None:
            self.dialog = oversight_dialogs.edit_leader(self, self.ctx, self.dossier.id, self.dossier.case_leader)

    def add_supervision(self) -> None:
        if self.dossier is not None:
            self.dialog = oversight_dialogs.add_supervision(self, self.ctx, self.dossier.id)

    def reply_supervision(self, supervision_id: uuid.UUID) -> None:
        self.dialog = oversight_dialogs.reply_supervision(self, self.ctx, supervision_id)

    # -- body -----------------------------------------------------------------------------------
    def _fill_body(self, d: MatterDossier) -> None:
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 6, 0)
        for build in (sec.clocks_card, sec.facts_card, sec.petitioners_card):
            layout.addWidget(build(d))
        may_own = allows(self.ctx.actor.role, Permission.OWN_MATTER)
        layout.addWidget(sec.oversight_card(d, self.reply_supervision if may_own else None))
        layout.addWidget(sec.evaluation_card(d))
        layout.addStretch(1)
        old = self.left.takeWidget()
        if old is not None:
            old.deleteLater()
        self.left.setWidget(column)
        current = self.tabs.currentIndex()
        while self.tabs.count():
            widget = self.tabs.widget(0)
            self.tabs.removeTab(0)
            widget.deleteLater()
        self.tabs.addTab(sec.history_table(d.events), f"办理过程（{len(d.events)}）")
        self.tabs.addTab(sec.contacts_view(d), f"来信来访（{len(d.contacts)}）")
        self.tabs.addTab(sec.catalogue_table(d.catalogue), f"卷内目录（{len(d.catalogue)}）")
        self.tabs.setCurrentIndex(max(current, 0))
