"""After saving: what was registered, and the matter's next statutory step as buttons.

Only the steps the matter's state allows are enabled (受理 / 不予受理 / 依法分类处理 / 转送 / 交办);
each opens a small dialog and is recorded through matters.perform. "登记下一位" clears the desk.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.workflow import Action
from app.services.contacts import RegisteredContact
from app.services.desk import MatterBrief, perform_step
from app.services.matter_dossier import StepChoices
from ui.context import GuiContext
from ui.dialogs.step_dialogs import StepDialog, run_step
from ui.widgets.notice_print import NoticePrinter

STEP_BUTTONS: tuple[tuple[Action, str, str], ...] = (
    (Action.ACCEPT, "受理(&A)", "本机关有权处理：受理并出具受理告知书"),
    (Action.DECLINE, "不予受理(&D)", "如已在办理或已终结且无新事实：出具不予受理告知书"),
    (Action.ROUTE_LEGAL, "依法分类处理(&L)", "属诉讼、仲裁、行政复议等法定途径：告知向哪个机关提出"),
    (Action.FORWARD, "转送(&F)", "转送有权处理的机关，不要求报送办理结果"),
    (Action.ASSIGN, "交办(&G)", "交有关单位办理，限期报送办结报告"),
)
NEXT_KEYS = "Ctrl+N"


def clocks_text(brief: MatterBrief) -> str:
    parts = []
    for clock in brief.open_clocks:
        left = clock.days_left
        when = f"还有 {left} 天" if left > 0 else "今天到期" if left == 0 else f"已超期 {-left} 天"
        parts.append(f"{clock.label}：{clock.due_on.isoformat()}（{when}）")
    return "　".join(parts) or "当前没有待办期限"


class NextStepPanel(QFrame):
    next_requested = Signal()
    open_matter = Signal(object)  # matter id

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.ctx = ctx
        self.heading = QLabel("登记完成")
        self.heading.setObjectName("pageTitle")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.documents = QLabel()
        self.documents.setWordWrap(True)
        self.prompt = QLabel("下一步（《信访工作条例》第二十三条：应在 15 日内书面告知是否受理）：")
        self.buttons: dict[Action, QPushButton] = {}
        grid = QGridLayout()
        for i, (action, label, tip) in enumerate(STEP_BUTTONS):
            button = QPushButton(label)
            button.setToolTip(tip)
            button.setAutoDefault(True)
            button.clicked.connect(lambda _=False, a=action: self.start_step(a))
            self.buttons[action] = button
            grid.addWidget(button, 0, i)
        self.printer = NoticePrinter(ctx)
        self.print_button = self.printer.button
        self.open_button = QPushButton("打开事项卷宗(&O)")
        self.open_button.setAutoDefault(True)
        self.open_button.clicked.connect(lambda: self._brief and self.open_matter.emit(self._brief.id))
        self.next_button = QPushButton(f"登记下一位（{NEXT_KEYS}）")
        self.next_button.setProperty("primary", True)
        self.next_button.setAutoDefault(True)
        self.next_button.clicked.connect(self.next_requested)
        QShortcut(QKeySequence(NEXT_KEYS), self, self.next_requested.emit,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        more = QHBoxLayout()
        more.addWidget(self.print_button)
        more.addWidget(self.open_button)
        more.addStretch(1)
        more.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(10)
        for w in (self.heading, self.summary, self.state, self.documents, self.prompt):
            layout.addWidget(w)
        layout.addLayout(grid)
        layout.addSpacing(12)
        layout.addLayout(more)
        layout.addStretch(1)
        self._brief: MatterBrief | None = None
        self._choices = StepChoices((), ())
        self._may_decide = True
        self.dialog: StepDialog | None = None

    def show_result(self, registered: RegisteredContact, brief: MatterBrief, *,
                    choices: StepChoices, may_decide: bool, threat: bool = False) -> None:
        self._choices, self._may_decide = choices, may_decide
        how = ("重复信访，已并入原事项" if registered.is_repeat else "初信初访，已新立事项")
        alert = ("<br><span style='color:#b3261e; font-weight:bold'>扬言：请立即报告领导，并做好稳控。</span>"
                 if threat else "")
        self.summary.setText(
            f"登记号 <b>{registered.number}</b>　　事项 <b>{registered.matter_number}</b>　{how}<br>"
            f"{brief.title}　（{brief.subject}）{alert}")
        self.set_brief(brief)
        first = next((b for a, b in self.buttons.items() if b.isEnabled()), self.next_button)
        first.setFocus()

    def set_brief(self, brief: MatterBrief) -> None:
        self._brief = brief
        self.state.setText(f"事项状态：<b>{brief.state_label}</b>　　{clocks_text(brief)}")
        docs = "、".join(f"{d.label} {d.number or ''}".strip() for d in brief.documents)
        self.documents.setText(f"已出具文书：{docs}" if docs else "尚未出具文书")
        self.printer.set_documents(brief.documents)
        for action, button in self.buttons.items():
            button.setEnabled(self._may_decide and action in brief.next_steps)
        if not brief.next_steps:
            self.prompt.setText("此事项已作出受理决定，后续办理请在事项卷宗中进行。")
        elif not self._may_decide:
            self.prompt.setText("受理决定须由有权限的工作人员作出。")
        else:
            self.prompt.setText("下一步（《信访工作条例》第二十三条：应在 15 日内书面告知是否受理）：")

    def brief(self) -> MatterBrief | None:
        return self._brief

    # -- a step -----------------------------------------------------------------------------------
    def start_step(self, action: Action) -> StepDialog:
        """The step's dialog (shared with the dossier page); the panel updates once it is recorded."""
        assert self._brief is not None
        self.dialog = run_step(self, self.ctx, self._brief.id, action, self._brief.state,
                               self._choices, on_done=self._performed,
                               perform=perform_step)
        return self.dialog

    def _performed(self, brief: MatterBrief) -> None:
        self.set_brief(brief)
        self.window().activateWindow()  # back from the dialog: the keyboard goes on here
        self.next_button.setFocus()
