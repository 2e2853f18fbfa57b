"""One small dialog per matter step: it collects the step's inputs and builds its matter_steps.Step.

Use ``offered_actions(state, source)`` for the buttons (only legal transitions), then
``run_step(parent, ctx, matter_id, action, ...)``: it opens the action's dialog, performs the step
through ``matters.perform`` on a worker thread (``changes={"matter"}``) and closes the dialog when
the step is recorded. A refused step (validation, illegal transition, permission) shows the
friendly message over the dialog, which stays open with what the clerk typed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
    QSpinBox, QVBoxLayout, QWidget,
)

from app.domain import workflow
from app.domain.enums import DeliveryMethod, LegalChannel, MatterSource, MatterState, ReplyResult, Satisfaction
from app.domain.workflow import ACTION_LABELS, Action, legal_actions
from app.errors import DomainError, ValidationError
from app.services import matter_steps as st, matters
from app.services.matter_dossier import StepChoices
from app.services.office_settings import REPORT_DAYS_RANGE
from ui.context import GuiContext
from ui.errors import show_domain_error
from ui.widgets import dossier_labels as lb
from ui.widgets.days_box import DaysBox


def offered_actions(state: MatterState, source: MatterSource = MatterSource.CONTACT) -> list[Action]:
    """The legal next steps of a matter in ``state``, in the order of the statutory road."""
    return legal_actions(state, source)


def _combo(items: dict[Any, str] | tuple[tuple[Any, str], ...], editable: bool = False) -> QComboBox:
    box = QComboBox()
    box.setEditable(editable)
    for key, label in (items.items() if isinstance(items, dict) else items):
        box.addItem(label, key)
    return box


def _text(placeholder: str = "") -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(70)
    return edit


class StepDialog(QDialog):
    """Date, the step's own fields, a note; OK emits ``submitted(step)`` and waits for the result."""

    action: ClassVar[Action]
    date_label: ClassVar[str] = "日期"
    submitted = Signal(object)

    def __init__(self, parent: QWidget | None, matter_id: uuid.UUID, state: MatterState, today: date,
                 choices: StepChoices | None = None) -> None:
        super().__init__(parent)
        self.matter_id, self.state, self.today = matter_id, state, today
        self.choices = choices or StepChoices((), ())
        self.setWindowTitle(ACTION_LABELS[self.action])
        self.setObjectName(f"step_{self.action.value}")
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.date = QDateEdit(QDate(today.year, today.month, today.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMaximumDate(QDate(today.year, today.month, today.day))
        self.form.addRow(self.date_label, self.date)
        self.build()
        self.note = _text("备注（可不填）")
        self.form.addRow("备注", self.note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ACTION_LABELS[self.action])
        self.ok.setProperty("primary", True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def build(self) -> None:
        """Add the step's own fields to ``self.form``."""

    def fields(self) -> dict[str, Any]:
        """The step's own values (besides date and note)."""
        return {}

    def step(self) -> st.Step:
        step_type = STEP_TYPES[self.action]
        return step_type(on=self.date.date().toPython(), note=self.note.toPlainText(), **self.fields())  # type: ignore[call-arg]

    def set_busy(self, busy: bool) -> None:
        self.ok.setEnabled(not busy)

    def _submit(self) -> None:
        self.submitted.emit(self.step())


class _NoticeMixin(StepDialog):
    """A decision that issues a written notice, or records why none was issued."""

    def add_notice(self, label: str) -> None:
        self.issue = QCheckBox(f"出具{label}")
        self.issue.setChecked(True)
        self.no_notice = QLineEdit()
        self.no_notice.setPlaceholderText("不出具告知书的理由，如：匿名、地址不详")
        self.no_notice.setEnabled(False)
        self.issue.toggled.connect(lambda on: self.no_notice.setEnabled(not on))
        self.form.addRow("告知书", self.issue)
        self.form.addRow("不出具理由", self.no_notice)

    def notice_fields(self) -> dict[str, Any]:
        return {"issue_notice": self.issue.isChecked(),
                "no_notice_reason": "" if self.issue.isChecked() else self.no_notice.text()}


class AcceptDialog(_NoticeMixin):
    action = Action.ACCEPT

    def build(self) -> None:
        self.add_notice("受理告知书")
        self.simplified = QCheckBox("简易办理（3 个工作日内受理、10 个工作日内答复）")
        self.form.addRow("", self.simplified)

    def fields(self) -> dict[str, Any]:
        return self.notice_fields() | {"simplified": self.simplified.isChecked()}


class DeclineDialog(_NoticeMixin):
    action = Action.DECLINE

    def build(self) -> None:
        self.reason = _text("如：该事项已在办理中 / 已经复查复核终结且未提出新的事实和理由")
        self.form.addRow("不予受理理由", self.reason)
        self.no_longer = QCheckBox("已终结事项再次提出：出具不再受理告知书")
        self.form.addRow("", self.no_longer)
        self.add_notice("告知书")

    def fields(self) -> dict[str, Any]:
        return self.notice_fields() | {"reason": self.reason.toPlainText(),
                                       "no_longer_accepted": self.no_longer.isChecked()}


class RouteLegalDialog(_NoticeMixin):
    action = Action.ROUTE_LEGAL

    def build(self) -> None:
        self.channel = _combo(lb.LEGAL_CHANNEL)
        self.body = QLineEdit()
        self.body.setPlaceholderText("告知信访人向哪个机关提出，如：某某县人民法院")
        self.form.addRow("法定途径", self.channel)
        self.form.addRow("受理机关", self.body)
        self.add_notice("依法分类处理告知书")

    def fields(self) -> dict[str, Any]:
        return self.notice_fields() | {"channel": LegalChannel(self.channel.currentData()),
                                       "body": self.body.text()}


class _ReferDialog(StepDialog):
    def build(self) -> None:
        self.to = _combo(tuple((name, name) for _id, name in self.choices.units), editable=True)
        self.to.setCurrentIndex(-1)
        self.to.lineEdit().setPlaceholderText("有权处理的机关或单位")
        self.form.addRow("转往单位", self.to)

    def fields(self) -> dict[str, Any]:
        return {"to": self.to.currentText()}


class ForwardDialog(_ReferDialog):
    action = Action.FORWARD


class AssignDialog(_ReferDialog):
    """交办 with the unit's 报告期限: the office rule unless the clerk gives this matter more or fewer days."""

    action = Action.ASSIGN

    def build(self) -> None:
        super().build()
        self.report_days = DaysBox(*REPORT_DAYS_RANGE, self.choices.report_days)
        self.report_days.setToolTip(f"办理规则的交办报告期限为 {self.choices.report_days} 天")
        self.form.addRow("报告期限", self.report_days)
        hint = QLabel("责任单位自交办之日起在此期限内报送办结报告，按办理规则的期限计算方式计算；"
                      "交办单印出其届满日期。")
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        self.form.addRow("", hint)

    def fields(self) -> dict[str, Any]:
        return super().fields() | {"report_days": self.report_days.value()}

    def _submit(self) -> None:
        typed = self.report_days.refused_text()
        if typed is None:
            super()._submit()
            return
        low, high = REPORT_DAYS_RANGE
        error: DomainError = ValidationError(
            "report_days", f"交办报告期限：请填写 {low} 至 {high} 天", field="report_days")
        if typed.isdigit():
            try:
                workflow.check_report_days(int(typed))  # the service's own words for a number out of range
            except DomainError as refused:
                error = refused
        show_domain_error(self, error)
        self.report_days.show_refused()


class _TextDialog(StepDialog):
    """A step whose one input is a text: (field name, label, placeholder)."""

    text_field: ClassVar[tuple[str, str, str]]
    one_line: ClassVar[bool] = False

    def build(self) -> None:
        name, label, placeholder = self.text_field
        self.text_edit: QLineEdit | QPlainTextEdit
        if self.one_line:
            self.text_edit = QLineEdit()
            self.text_edit.setPlaceholderText(placeholder)
        else:
            self.text_edit = _text(placeholder)
        self.form.addRow(label, self.text_edit)

    def fields(self) -> dict[str, Any]:
        edit = self.text_edit
        return {self.text_field[0]: edit.text() if isinstance(edit, QLineEdit) else edit.toPlainText()}


class ObjectDialog(_TextDialog):
    action = Action.OBJECT
    text_field = ("reason", "异议理由", "不属于本机关职权范围的理由")


class ReceiveReportDialog(_TextDialog):
    action = Action.RECEIVE_REPORT
    text_field = ("summary", "办结报告摘要", "责任单位报告的办理结果")


class RequestReviewDialog(_TextDialog):
    action = Action.REQUEST_REVIEW
    text_field = ("body", "复查机关", "如：某某县人民政府")
    one_line = True


class DecideReviewDialog(_TextDialog):
    action = Action.DECIDE_REVIEW
    text_field = ("outcome", "复查意见", "复查机关的决定")


class RequestRereviewDialog(_TextDialog):
    action = Action.REQUEST_REREVIEW
    text_field = ("body", "复核机关", "如：某某市人民政府")
    one_line = True


class ReopenDialog(_TextDialog):
    action = Action.REOPEN
    text_field = ("new_facts", "新的事实和理由", "信访人提出的新的事实和理由")


class DecideRereviewDialog(_TextDialog):
    action = Action.DECIDE_REREVIEW
    text_field = ("outcome", "复核意见", "复核机关的决定")

    def build(self) -> None:
        super().build()
        self.hearing = QSpinBox()
        self.hearing.setRange(0, 365)
        self.hearing.setSuffix(" 天")
        self.form.addRow("听证天数（不计入期限）", self.hearing)

    def fields(self) -> dict[str, Any]:
        return super().fields() | {"hearing_days": self.hearing.value()}


class DispatchDialog(StepDialog):
    action = Action.DISPATCH

    def build(self) -> None:
        self.unit = _combo(((None, "（不指定）"),) + self.choices.units)
        self.handler = _combo(((None, "（不指定）"),) + self.choices.handlers)
        self.form.addRow("责任单位", self.unit)
        self.form.addRow("经办人", self.handler)

    def fields(self) -> dict[str, Any]:
        return {"responsible_unit_id": self.unit.currentData(), "handler_id": self.handler.currentData()}


class ExtendDialog(StepDialog):
    action = Action.EXTEND

    def build(self) -> None:
        self.days = QSpinBox()
        self.days.setRange(1, 30)
        self.days.setValue(30)
        self.days.setSuffix(" 天")
        self.reason = _text("情况复杂需要延期的理由（将写入延期办理告知书）")
        self.form.addRow("延期天数", self.days)
        self.form.addRow("延期理由", self.reason)

    def fields(self) -> dict[str, Any]:
        return {"days": self.days.value(), "reason": self.reason.toPlainText()}


class ReplyDialog(StepDialog):
    action = Action.REPLY

    def build(self) -> None:
        self.result = _combo(lb.REPLY_RESULT)
        self.summary = _text("答复意见要点：事实、理由、依据和结论")
        self.form.addRow("处理意见", self.result)
        self.form.addRow("答复内容", self.summary)

    def fields(self) -> dict[str, Any]:
        return {"result": ReplyResult(self.result.currentData()), "summary": self.summary.toPlainText()}


class DeliverReplyDialog(StepDialog):
    action = Action.DELIVER_REPLY

    def build(self) -> None:
        self.method = _combo(lb.DELIVERY)
        self.receiver = QLineEdit()
        self.receiver.setPlaceholderText("签收人姓名（直接送达时必填）")
        self.form.addRow("送达方式", self.method)
        self.form.addRow("签收人", self.receiver)

    def fields(self) -> dict[str, Any]:
        return {"method": DeliveryMethod(self.method.currentData()), "receiver": self.receiver.text()}


class EvaluateDialog(StepDialog):
    action = Action.EVALUATE

    def build(self) -> None:
        self.satisfaction = _combo(lb.SATISFACTION)
        self.method = _combo(tuple((m, m) for m in lb.EVALUATION_METHODS), editable=True)
        self.form.addRow("评价结果", self.satisfaction)
        self.form.addRow("评价方式", self.method)

    def fields(self) -> dict[str, Any]:
        return {"satisfaction": Satisfaction(self.satisfaction.currentData()), "method": self.method.currentText()}


class CloseDialog(StepDialog):
    action = Action.CLOSE


class ConcludeDialog(StepDialog):
    action = Action.CONCLUDE


class DeliverReviewDialog(StepDialog):
    """The date is the day the petitioner received the review decision; the re-review window runs from it."""

    action = Action.DELIVER_REVIEW
    date_label = "收到复查意见的日期"

    def build(self) -> None:
        self.form.addRow("", QLabel("申请复核的期限（30日）自信访人收到复查意见之日起算。"))


DIALOGS: dict[Action, type[StepDialog]] = {d.action: d for d in (
    AcceptDialog, DeclineDialog, RouteLegalDialog, ForwardDialog, AssignDialog, ObjectDialog,
    ReceiveReportDialog, DispatchDialog, ExtendDialog, ReplyDialog, DeliverReplyDialog, EvaluateDialog,
    CloseDialog, RequestReviewDialog, DecideReviewDialog, DeliverReviewDialog, RequestRereviewDialog, DecideRereviewDialog,
    ConcludeDialog, ReopenDialog)}
STEP_TYPES: dict[Action, type[st.Step]] = {t.action: t for t in (
    st.Accept, st.Decline, st.RouteLegal, st.Forward, st.Assign, st.Object, st.ReceiveReport, st.Dispatch,
    st.Extend, st.Reply, st.DeliverReply, st.Evaluate, st.Close, st.RequestReview, st.DecideReview,
    st.DeliverReview, st.RequestRereview, st.DecideRereview, st.Conclude, st.Reopen)}


def dialog_for(action: Action, parent: QWidget | None, matter_id: uuid.UUID, state: MatterState, today: date,
               choices: StepChoices | None = None) -> StepDialog:
    return DIALOGS[action](parent, matter_id, state, today, choices)


def _perform_state(uow: Any, matter_id: uuid.UUID, step: st.Step) -> MatterState:
    return MatterState(matters.perform(uow, matter_id, step).state)


def run_step(parent: QWidget | None, ctx: GuiContext, matter_id: uuid.UUID, action: Action, state: MatterState,
             choices: StepChoices | None = None, on_done: Callable[[Any], None] | None = None,
             perform: Callable[[Any, uuid.UUID, st.Step], Any] = _perform_state) -> StepDialog:
    """Open the step's dialog (window-modal, not blocking) and record the step when the clerk confirms.

    ``perform(uow, matter_id, step)`` runs in the write unit of work (default: ``matters.perform``,
    returning the new state); ``on_done`` gets its result after the dialog has closed.
    """
    dialog = dialog_for(action, parent, matter_id, state, ctx.workspace.clock().date(), choices)

    def refused(error: DomainError) -> None:
        dialog.set_busy(False)
        show_domain_error(dialog, error)

    def recorded(result: Any) -> None:
        dialog.set_busy(False)
        dialog.accept()
        if on_done is not None:
            on_done(result)

    def submit(step: st.Step) -> None:
        dialog.set_busy(True)
        ctx.runner.write(lambda uow: perform(uow, matter_id, step), recorded,
                         changes=frozenset({"matter"}), on_error=refused)

    dialog.submitted.connect(submit)
    dialog.open()
    return dialog
