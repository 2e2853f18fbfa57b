"""First-run set-up: the office, its villages, the administrator, and optional demo data.

The administrator page is the commit page: leaving it creates the database's office and accounts
(``app.services.offices.initialise``). The last page can then load demo data on a worker thread,
with progress and a way to stop; whole batches already written stay.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWizard, QWizardPage,
)

from app.domain.enums import OfficeLevel
from app.domain.text import clean_line, fold_width
from app.errors import DomainError, ValidationError
from app.services.offices import OfficeSetup, initialise, validate_division_code
from app.services.passwords import MIN_PASSWORD_LENGTH, check_password_policy
from app.services.workspace import Workspace
from ui.wizard_demo import DemoPage

LEVELS = (("乡镇（街道）", OfficeLevel.TOWNSHIP), ("县信访局", OfficeLevel.COUNTY))
# Digits 7–9 of a 12-digit statistical division code tell the kind of township (GB/T 10114).
TOWNSHIP_KINDS = ((1, 99, "街道"), (100, 199, "镇"), (200, 399, "乡"), (400, 599, "其他乡级单位"))


def describe_division_code(raw: str) -> str:
    """A live reading of a (partly) typed 12-digit code, for the hint under the field."""
    code = fold_width(raw).replace(" ", "")
    if not code:
        return "12 位统计用区划代码，可在国家统计局公布的“统计用区划代码”中查到，例如 330106101000。"
    if not code.isdigit():
        return "只能输入数字。"
    if len(code) != 12:
        return f"已输入 {len(code)} 位，共需 12 位。"
    township = int(code[6:9])
    if township == 0:
        return f"县级代码 {code[:6]}（县级单位）。"
    kind = next((k for low, high, k in TOWNSHIP_KINDS if low <= township <= high), "未知类别")
    return f"县级代码 {code[:6]} · 乡级代码 {code[6:9]}（{kind}）。"


def _error_label() -> QLabel:
    label = QLabel()
    label.setProperty("urgency", "overdue")
    label.setWordWrap(True)
    return label


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label


class OfficePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("单位信息")
        self.setSubTitle("这些信息印在文书上，并用于统计报表和向上级报送。")
        self.level = QComboBox()
        for label, level in LEVELS:
            self.level.addItem(label, level)
        self.office_name = QLineEdit()
        self.office_name.setPlaceholderText("如：某某县某某镇人民政府")
        self.short_name = QLineEdit()
        self.short_name.setPlaceholderText("如：某某镇（文号用，如“某某镇信受〔2026〕1号”）")
        self.division_code = QLineEdit()
        self.division_code.setMaxLength(16)
        self.division_code.setPlaceholderText("12 位数字")
        self.code_hint = _hint(describe_division_code(""))
        self.division_code.textChanged.connect(lambda text: self.code_hint.setText(describe_division_code(text)))
        self.parent_name = QLineEdit()
        self.parent_name.setPlaceholderText("如：某某县信访局")
        form = QFormLayout()
        form.addRow("单位级别", self.level)
        form.addRow("单位名称", self.office_name)
        form.addRow("单位简称", self.short_name)
        form.addRow("行政区划代码", self.division_code)
        form.addRow("", self.code_hint)
        form.addRow("上级信访部门", self.parent_name)
        self.error = _error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def office_level(self) -> OfficeLevel:
        return OfficeLevel(self.level.currentData())

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        try:
            clean_line(self.office_name.text(), field="office_name", label="单位名称", max_length=100)
            clean_line(self.short_name.text(), field="short_name", label="单位简称", max_length=100,
                       required=False)
            validate_division_code(self.division_code.text(), self.office_level())
            clean_line(self.parent_name.text(), field="parent_name", label="上级信访部门", max_length=100,
                       required=False)
        except DomainError as exc:
            return self._refuse(exc)
        self.error.clear()
        return True

    def _refuse(self, exc: DomainError) -> bool:
        self.error.setText(exc.message)
        widget = {"office_name": self.office_name, "short_name": self.short_name,
                  "division_code": self.division_code, "parent_name": self.parent_name}.get(exc.field or "")
        if widget is not None:
            widget.setFocus()
            widget.selectAll()
        return False


class VillagesPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("村（社区）")
        self.setSubTitle("登记来访时选择信访人所在的村（社区）。可以现在填写，也可以以后在“系统设置”中添加。")
        self.villages = QPlainTextEdit()
        self.villages.setPlaceholderText("每行一个，如：\n东风村\n红旗村\n幸福社区")
        self.error = _error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.villages, 1)
        layout.addWidget(self.error)

    def names(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.villages.toPlainText().splitlines() if line.strip())

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        seen: set[str] = set()
        try:
            for name in self.names():
                clean_line(name, field="village", label="村（社区）名称", max_length=100)
                if name in seen:
                    raise ValidationError("duplicate", f"村（社区）：“{name}”重复填写了", field="village")
                seen.add(name)
        except DomainError as exc:
            self.error.setText(exc.message)
            return False
        self.error.clear()
        return True


class AdminPage(QWizardPage):
    """The commit page: leaving it creates the office and the administrator account."""

    def __init__(self, workspace: Workspace, office: OfficePage, villages: VillagesPage) -> None:
        super().__init__()
        self.workspace, self.office, self.village_page = workspace, office, villages
        self.setTitle("管理员账号")
        self.setSubTitle("管理员管理用户、设置和备份。请牢记密码：忘记后只能由另一位管理员重置。")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "创建")
        self.login = QLineEdit("admin")
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText("管理员的姓名")
        self.password = QLineEdit()
        self.password_again = QLineEdit()
        for field in (self.password, self.password_again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("登录名", self.login)
        form.addRow("姓名", self.display_name)
        form.addRow("密码", self.password)
        form.addRow("再次输入密码", self.password_again)
        form.addRow("", _hint(f"密码至少 {MIN_PASSWORD_LENGTH} 位，须同时包含字母和数字。登录名只用字母、数字、下划线和点。"))
        self.error = _error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        if self.password.text() != self.password_again.text():
            return self._refuse("密码：两次输入不一致，请重新输入", self.password_again)
        try:
            check_password_policy(self.password.text())
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                initialise(self.workspace, self.setup())
            finally:
                QGuiApplication.restoreOverrideCursor()
        except DomainError as exc:
            widget = {"password": self.password, "admin_login": self.login}.get(exc.field or "")
            return self._refuse(exc.message, widget)
        self.error.clear()
        return True

    def setup(self) -> OfficeSetup:
        o = self.office
        return OfficeSetup(
            name=o.office_name.text(), short_name=o.short_name.text(), division_code=o.division_code.text(),
            level=o.office_level(), parent_name=o.parent_name.text(), admin_login=self.login.text(),
            admin_name=self.display_name.text(), admin_password=self.password.text(),
            villages=self.village_page.names(),
        )

    def _refuse(self, message: str, widget: QLineEdit | None) -> bool:
        self.error.setText(message)
        if widget is not None:
            widget.setFocus()
            widget.selectAll()
        return False


class SetupWizard(QWizard):
    def __init__(self, workspace: Workspace, *, demo_sizes: tuple[int, ...] | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.setWindowTitle("首次使用设置 — 基层信访工作台")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        for button, text in ((QWizard.WizardButton.BackButton, "< 上一步"),
                             (QWizard.WizardButton.NextButton, "下一步 >"),
                             (QWizard.WizardButton.FinishButton, "完成"),
                             (QWizard.WizardButton.CancelButton, "取消")):
            self.setButtonText(button, text)
        self.office_page = OfficePage()
        self.villages_page = VillagesPage()
        self.admin_page = AdminPage(workspace, self.office_page, self.villages_page)
        self.demo_page = DemoPage(workspace, demo_sizes)
        for page in (self.office_page, self.villages_page, self.admin_page, self.demo_page):
            self.addPage(page)
        self.resize(640, 480)

    @property
    def admin_login(self) -> str:
        return self.admin_page.login.text().strip()

    def reject(self) -> None:
        # While demo data loads, 取消 (or Esc, or closing) stops the load instead of leaving.
        if self.demo_page.busy:
            self.demo_page.stop()
            return
        super().reject()
