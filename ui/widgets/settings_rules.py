"""系统设置 › 办理规则: the office settings (deadline counting, 文号, idle lock, statistics, notices)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout,
    QWidget,
)

from app.domain.enums import DocumentKind
from app.errors import DomainError
from app.services.numbering import document_number
from app.services.office_settings import (
    ARCHIVE_RETENTIONS, ATTACHMENT_MB_RANGE, BACKLOG_MONTHS_RANGE, EVALUATION_DAYS_RANGE, IDLE_LOCK_RANGE,
    REPORT_DAYS_RANGE, get_settings, set_settings,
)
from app.settings import DEFAULT_DOCUMENT_WORDS
from ui.context import GuiContext

DAY_UNITS = (("自然日", "calendar"), ("工作日（扣除法定节假日和休息日）", "working"))
COLUMN_WIDTH = 760  # a readable form on a wide screen; fields need no more
SATISFACTION = (("只计“满意”", False), ("“满意”和“基本满意”都计入", True))


def _spin(low_high: tuple[int, int], suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(*low_high)
    spin.setSuffix(suffix)
    spin.setMinimumWidth(110)
    return spin


def _combo(items: tuple[tuple[str, Any], ...]) -> QComboBox:
    combo = QComboBox()
    for label, value in items:
        combo.addItem(label, value)
    return combo


def _group(title: str, rows: tuple[tuple[str, QWidget], ...]) -> QGroupBox:
    group = QGroupBox(title)
    form = QFormLayout(group)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    for label, widget in rows:
        form.addRow(label, widget)
    return group


def _hint(text: str) -> QLabel:
    label = QLabel(text)  # one line each: a wrapped label in a form row gets squeezed narrow
    label.setProperty("role", "hint")
    return label


class RulesTab(QWidget):
    def __init__(self, ctx: GuiContext, editable: bool) -> None:
        super().__init__()
        self.ctx, self.editable = ctx, editable
        self.stored: dict[str, Any] | None = None
        self.day_unit = _combo(DAY_UNITS)
        self.roll = QCheckBox("期限最后一天是法定节假日或休息日时，顺延到下一个工作日")
        self.prefix = QLineEdit()
        self.prefix.setMaxLength(20)
        self.prefix.setPlaceholderText(f"留空则用单位简称加“信”：{ctx.office.short_name}信")
        self.prefix_example = _hint("")
        self.prefix.textChanged.connect(self._show_example)
        self.idle = _spin(IDLE_LOCK_RANGE, " 分钟")
        self.attachment_mb = _spin(ATTACHMENT_MB_RANGE, " MB")
        self.satisfaction = _combo(SATISFACTION)
        self.backlog = _spin(BACKLOG_MONTHS_RANGE, " 个月")
        self.evaluation = _spin(EVALUATION_DAYS_RANGE, " 天")
        self.report_days = _spin(REPORT_DAYS_RANGE, " 天")
        self.phone = QLineEdit()
        self.phone.setMaxLength(30)
        self.review_body = QLineEdit()
        self.review_body.setPlaceholderText(f"留空则用上级信访部门：{ctx.office.parent_name or '（未填写）'}")
        self.retention = _combo(tuple((r, r) for r in ARCHIVE_RETENTIONS))
        self.fields: dict[str, QWidget] = {
            "day_unit": self.day_unit, "roll_to_working_day": self.roll, "document_prefix": self.prefix,
            "idle_lock_minutes": self.idle, "satisfaction_counts_basically": self.satisfaction,
            "backlog_months": self.backlog, "evaluation_window_days": self.evaluation,
            "office_phone": self.phone, "review_body": self.review_body, "archive_retention": self.retention,
            "attachment_max_mb": self.attachment_mb, "assignment_report_days": self.report_days,
        }
        deadlines = _group("期限", (
            ("期限计算方式", self.day_unit), ("", self.roll),
            ("交办报告期限", self.report_days), ("", _hint("交办后责任单位报送办结报告的天数，交办时确定。")),
            ("", _hint("改动只影响此后开始计算的期限；已经开始的期限保持原来的届满日期。")),
        ))
        documents = _group("文号与文书", (
            ("文号机关代字", self.prefix), ("", self.prefix_example), ("告知书联系电话", self.phone),
            ("复查机关", self.review_body), ("档案保管期限", self.retention),
        ))
        statistics = _group("统计口径", (
            ("满意率", self.satisfaction), ("积案标准", self.backlog), ("满意度评价期限", self.evaluation),
        ))
        security = _group("安全", (("无操作自动锁定", self.idle), ("单个附件上限", self.attachment_mb)))
        self.save_button = QPushButton("保存设置")
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        self.status.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addWidget(self.status, 1)
        column = QWidget()
        column.setMaximumWidth(COLUMN_WIDTH)
        inner = QVBoxLayout(column)
        inner.setContentsMargins(0, 0, 0, 0)
        for group in (deadlines, documents, statistics, security):
            inner.addWidget(group)
        inner.addLayout(actions)
        inner.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(column, 1)
        layout.addStretch(0)
        if not editable:
            for widget in self.fields.values():
                widget.setEnabled(False)
            self.save_button.setVisible(False)
            self.status.setText("只有管理员可以修改这些设置。")
        self._show_example("")

    @property
    def loaded(self) -> bool:
        return self.stored is not None

    def load(self) -> None:
        self.ctx.runner.read(get_settings, self.fill)

    def fill(self, values: dict[str, Any]) -> None:
        self.stored = values
        self.day_unit.setCurrentIndex(max(0, self.day_unit.findData(values["day_unit"])))
        self.roll.setChecked(bool(values["roll_to_working_day"]))
        self.prefix.setText(str(values["document_prefix"] or ""))
        self.idle.setValue(int(values["idle_lock_minutes"]))
        basically = bool(values["satisfaction_counts_basically"])
        self.satisfaction.setCurrentIndex(max(0, self.satisfaction.findData(basically)))
        self.backlog.setValue(int(values["backlog_months"]))
        self.evaluation.setValue(int(values["evaluation_window_days"]))
        self.report_days.setValue(int(values["assignment_report_days"]))
        self.phone.setText(str(values["office_phone"] or ""))
        self.review_body.setText(str(values["review_body"] or ""))
        self.retention.setCurrentIndex(max(0, self.retention.findData(values["archive_retention"])))
        self.attachment_mb.setValue(int(values["attachment_max_mb"]))

    def values(self) -> dict[str, Any]:
        return {
            "day_unit": self.day_unit.currentData(), "roll_to_working_day": self.roll.isChecked(),
            "document_prefix": self.prefix.text().strip(), "idle_lock_minutes": self.idle.value(),
            "satisfaction_counts_basically": bool(self.satisfaction.currentData()),
            "backlog_months": self.backlog.value(), "evaluation_window_days": self.evaluation.value(),
            "office_phone": self.phone.text().strip(), "review_body": self.review_body.text().strip(),
            "archive_retention": self.retention.currentData(), "attachment_max_mb": self.attachment_mb.value(),
            "assignment_report_days": self.report_days.value(),
        }

    def changes(self) -> dict[str, Any]:
        stored = self.stored or {}
        return {k: v for k, v in self.values().items() if stored.get(k) != v}

    def save(self) -> None:
        changes = self.changes()
        if not changes:
            self._say("没有需要保存的改动。")
            return
        self.save_button.setEnabled(False)
        self.ctx.runner.write(lambda uow: set_settings(uow, changes), self._saved,
                              changes=frozenset({"settings"}), on_error=self._refused)

    def _saved(self, stored: dict[str, Any]) -> None:
        self.save_button.setEnabled(True)
        self.stored = {**(self.stored or {}), **stored}
        self._say(f"已保存 {len(stored)} 项设置。")

    def _refused(self, exc: DomainError) -> None:
        self.save_button.setEnabled(True)
        self._say(exc.message, error=True)
        widget = self.fields.get(exc.field or "")
        if widget is not None:
            widget.setFocus()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("urgency", "overdue" if error else "")
        self.status.style().polish(self.status)

    def _show_example(self, text: str) -> None:
        prefix = text.strip() or f"{self.ctx.office.short_name}信"
        word = DEFAULT_DOCUMENT_WORDS[DocumentKind.ACCEPTANCE]
        self.prefix_example.setText(f"受理告知书文号示例：{document_number(prefix, word, date.today().year, 1)}")
