"""系统设置 page: office details, handling rules, users and passwords, villages and units, backups,
attachment encryption, this PC's display.

Everybody sees every tab; what the acting user may not change is shown read-only (the services
refuse it anyway). The text size belongs to this PC, not to the office, and applies at once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QTabWidget,
    QVBoxLayout, QWidget,
)

from app.domain.enums import OfficeLevel
from app.domain.permissions import Permission, allows
from app.errors import DomainError
from app.machine_settings import MachineSettings
from app.services.office_settings import update_office
from app.services.offices import OfficeInfo
from ui.context import GuiContext
from ui.pages.base import Page
from ui.theme import TEXT_SIZES, apply_theme
from ui.widgets.settings_audit import AuditTab
from ui.widgets.settings_backup import BackupTab
from ui.widgets.settings_encryption import EncryptionTab
from ui.widgets.settings_lists import ListsTab
from ui.widgets.settings_rules import COLUMN_WIDTH, RulesTab
from ui.widgets.settings_users import UsersTab
from ui.widgets.settings_wording import WordingTab

LEVEL_LABELS = {OfficeLevel.TOWNSHIP: "乡镇（街道）", OfficeLevel.COUNTY: "县信访局"}


def _status(label: QLabel, text: str, *, error: bool = False) -> None:
    label.setText(text)
    label.setProperty("urgency", "overdue" if error else "")
    label.style().polish(label)


class OfficeTab(QWidget):
    def __init__(self, ctx: GuiContext, editable: bool) -> None:
        super().__init__()
        self.ctx = ctx
        self.name = QLineEdit()
        self.short_name = QLineEdit()
        self.parent_name = QLineEdit()
        self.fields = {"office_name": self.name, "short_name": self.short_name, "parent_name": self.parent_name}
        for field in self.fields.values():
            field.setReadOnly(not editable)
            field.setMaxLength(100)
        self.division_code = QLabel()
        self.level = QLabel()
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("单位名称", self.name)
        form.addRow("单位简称", self.short_name)
        form.addRow("上级信访部门", self.parent_name)
        form.addRow("行政区划代码", self.division_code)
        form.addRow("单位级别", self.level)
        folder = QLabel(str(ctx.workspace.data_dir))
        folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("数据文件夹", folder)
        self.save_button = QPushButton("保存单位信息")
        self.save_button.setProperty("primary", True)
        self.save_button.setVisible(editable)
        self.save_button.clicked.connect(self.save)
        self.status = QLabel("" if editable else "只有管理员可以修改单位信息。")
        self.status.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addWidget(self.status, 1)
        note = QLabel("行政区划代码在首次设置时确定（编号和数据同步依据它），此处不能修改。")
        note.setProperty("role", "hint")
        note.setWordWrap(True)
        column = QWidget()
        column.setMaximumWidth(COLUMN_WIDTH)
        inner = QVBoxLayout(column)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(form)
        inner.addWidget(note)
        inner.addLayout(actions)
        inner.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(column, 1)
        layout.addStretch(0)
        self.show_office(ctx.office)

    def show_office(self, office: OfficeInfo) -> None:
        self.name.setText(office.name)
        self.short_name.setText(office.short_name)
        self.parent_name.setText(office.parent_name)
        self.division_code.setText(office.division_code)
        self.level.setText(LEVEL_LABELS.get(office.level, str(office.level)))

    def save(self) -> None:
        name, short, parent = self.name.text(), self.short_name.text(), self.parent_name.text()
        self.ctx.runner.write(lambda uow: update_office(uow, name=name, short_name=short, parent_name=parent),
                              self._saved, changes=frozenset({"office"}), on_error=self._refused)

    def _saved(self, office: OfficeInfo) -> None:
        self.ctx.office = office
        self.show_office(office)
        update_status = getattr(self.ctx.navigator, "update_status", None)
        if callable(update_status):
            update_status()
        _status(self.status, "已保存单位信息。")

    def _refused(self, exc: DomainError) -> None:
        _status(self.status, exc.message, error=True)
        field = self.fields.get(exc.field or "")
        if field is not None:
            field.setFocus()


class DisplayTab(QWidget):
    """Settings of this PC only: they stay with the machine, not with the database."""

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        machine = MachineSettings.load(ctx.workspace.data_dir)
        self.text_size = QComboBox()
        for label, points in TEXT_SIZES.items():
            self.text_size.addItem(f"{label}（{points} 磅）", points)
        index = self.text_size.findData(machine.text_size)
        self.text_size.setCurrentIndex(index if index >= 0 else 0)
        self.text_size.currentIndexChanged.connect(self.apply_text_size)
        self.status = QLabel()
        note = QLabel("字号只对本机有效，立即生效。看不清时可选“较大”或“大”。")
        note.setProperty("role", "hint")
        note.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("字号", self.text_size)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def apply_text_size(self) -> None:
        points = int(self.text_size.currentData())
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, points)
        machine = MachineSettings.load(self.ctx.workspace.data_dir)
        machine.text_size = points
        try:
            machine.save(self.ctx.workspace.data_dir)
        except OSError as exc:
            _status(self.status, f"字号已应用，但无法保存到本机设置文件：{exc.strerror}", error=True)
            return
        _status(self.status, "已应用。")


class SettingsPage(Page):
    title = "系统设置"

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx)
        admin = allows(ctx.actor.role, Permission.MANAGE_SETTINGS)
        self.office = OfficeTab(ctx, admin)
        self.rules = RulesTab(ctx, admin)
        self.users = UsersTab(ctx)
        self.lists = ListsTab(ctx, admin)
        self.backup = BackupTab(ctx, admin)
        self.encryption = EncryptionTab(ctx, admin)
        self.wording = WordingTab(ctx, admin)
        self.display = DisplayTab(ctx)
        self.tabs = QTabWidget()
        for widget, label in ((self.office, "单位信息"), (self.rules, "办理规则"), (self.users, "用户与密码"),
                              (self.lists, "村（社区）与责任单位"), (self.wording, "文书措辞"),
                              (self.backup, "备份与恢复"), (self.encryption, "数据加密"), (self.display, "本机显示")):
            self.tabs.addTab(_scrolling(widget) if widget in (self.office, self.rules) else widget, label)
        self.audit = AuditTab(ctx) if ctx.actor.may(Permission.READ_AUDIT) else None
        if self.audit is not None:
            self.tabs.addTab(self.audit, "审计日志")
        self.layout_.addWidget(self.tabs, 1)
        self._started = False

    def on_shown(self) -> None:
        if not self._started:
            self._started = True
            self.rules.load()
            self.users.load()
            self.lists.load()
            self.backup.load()
            self.encryption.load()
            self.wording.load()
            if self.audit is not None:
                self.audit.load()

    @property
    def loaded(self) -> bool:
        return self.rules.loaded and self.users.loaded and self.lists.loaded and self.backup.loaded

    def show_tab(self, tab: QWidget) -> None:
        for index in range(self.tabs.count()):
            page = self.tabs.widget(index)
            if page is tab or (isinstance(page, QScrollArea) and page.widget() is tab):
                self.tabs.setCurrentIndex(index)
                return


def _scrolling(widget: QWidget) -> QScrollArea:
    """Long forms scroll instead of pushing the window past a 768-pixel screen with larger text."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.viewport().setAutoFillBackground(False)  # keep the tab page's own background
    widget.setAutoFillBackground(False)
    return area
