"""Dialogs for 领导包案 and 督办 on a dossier: name the case-owning leader, register a supervision.

Like the step dialogs they stay open until the write succeeds; a refusal shows over the dialog.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QPlainTextEdit,
    QVBoxLayout, QWidget,
)

from app.errors import DomainError
from app.services import matter_oversight as ov
from ui.context import GuiContext
from ui.errors import show_domain_error
from ui.widgets.dossier_labels import SUPERVISION_SOURCE


class FormDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, ok_text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)


def run_form(dialog: FormDialog, ctx: GuiContext, work: Callable[[], Callable[[Any], Any]], *,
             changes: frozenset[str] = frozenset({"matter"})) -> FormDialog:
    """On OK, run ``work()``'s unit-of-work function; close on success, explain a refusal."""

    def refused(error: DomainError) -> None:
        dialog.ok.setEnabled(True)
        show_domain_error(dialog, error)

    def done(_result: Any) -> None:
        dialog.ok.setEnabled(True)
        dialog.accept()

    def submit() -> None:
        dialog.ok.setEnabled(False)
        ctx.runner.write(work(), done, changes=changes, on_error=refused)

    dialog.buttons.accepted.connect(submit)
    dialog.open()
    return dialog


def date_edit(value: QDate) -> QDateEdit:
    edit = QDateEdit(value)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


class LeaderDialog(FormDialog):
    def __init__(self, parent: QWidget | None, current: str) -> None:
        super().__init__(parent, "指定包案领导", "保存")
        self.leader = QLineEdit(current)
        self.leader.setPlaceholderText("领导姓名和职务，如：李镇长；留空表示取消包案")
        self.form.addRow("包案领导", self.leader)


def edit_leader(parent: QWidget | None, ctx: GuiContext, matter_id: uuid.UUID, current: str) -> FormDialog:
    dialog = LeaderDialog(parent, current)

    def work() -> Callable[[Any], Any]:
        name = dialog.leader.text()
        return lambda uow: ov.set_case_leader(uow, matter_id, name)

    return run_form(dialog, ctx, work)


class SupervisionDialog(FormDialog):
    def __init__(self, parent: QWidget | None, today: QDate) -> None:
        super().__init__(parent, "登记督办", "登记")
        self.source = QComboBox()
        for key, label in SUPERVISION_SOURCE.items():
            self.source.addItem(label, key)
        self.supervisor, self.request = QLineEdit(), QPlainTextEdit()
        self.supervisor.setPlaceholderText("如：某某县信访局 / 镇党委书记")
        self.request.setPlaceholderText("督办要求")
        self.request.setTabChangesFocus(True)
        self.request.setFixedHeight(70)
        self.issued = date_edit(today)
        self.issued.setMaximumDate(today)
        self.has_due, self.due = QCheckBox("有反馈期限"), date_edit(today.addDays(7))
        self.due.setEnabled(False)
        self.has_due.toggled.connect(self.due.setEnabled)
        for label, widget in (("督办来源", self.source), ("督办单位（人）", self.supervisor),
                              ("督办要求", self.request), ("督办日期", self.issued), ("", self.has_due),
                              ("反馈期限", self.due)):
            self.form.addRow(label, widget)

    def value(self) -> ov.NewSupervision:
        return ov.NewSupervision(
            source=self.source.currentData(), supervisor=self.supervisor.text(), request=self.request.toPlainText(),
            issued_on=self.issued.date().toPython(),
            due_on=self.due.date().toPython() if self.has_due.isChecked() else None)


def add_supervision(parent: QWidget | None, ctx: GuiContext, matter_id: uuid.UUID) -> FormDialog:
    today = ctx.workspace.clock().date()
    dialog = SupervisionDialog(parent, QDate(today.year, today.month, today.day))

    def work() -> Callable[[Any], Any]:
        data = dialog.value()
        return lambda uow: ov.add_supervision(uow, matter_id, data)

    return run_form(dialog, ctx, work)


def reply_supervision(parent: QWidget | None, ctx: GuiContext, supervision_id: uuid.UUID) -> FormDialog:
    today = ctx.workspace.clock().date()
    qtoday = QDate(today.year, today.month, today.day)
    dialog = FormDialog(parent, "登记督办反馈", "登记")
    replied, reply = date_edit(qtoday), QPlainTextEdit()
    replied.setMaximumDate(qtoday)
    reply.setPlaceholderText("向督办单位反馈的办理情况")
    reply.setTabChangesFocus(True)
    reply.setFixedHeight(90)
    dialog.form.addRow("反馈日期", replied)
    dialog.form.addRow("反馈情况", reply)

    def work() -> Callable[[Any], Any]:
        on, text = replied.date().toPython(), reply.toPlainText()
        return lambda uow: ov.reply_supervision(uow, supervision_id, on, text)

    return run_form(dialog, ctx, work)
