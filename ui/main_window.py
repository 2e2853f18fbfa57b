"""The main window: navigation on the left, one page at a time, and a status bar."""

from __future__ import annotations

import importlib
import uuid
from datetime import datetime

from PySide6.QtCore import QSize, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QStackedWidget, QToolButton, QWidget,
)

from app.domain.permissions import ROLE_LABELS
from app.errors import AccountClosed
from app.services.backup import last_backup_time
from app.sync.links import last_exchange
from app.services.workspace import Workspace, database_size
from ui.context import GuiContext
from ui.pages.base import Page
from ui.widgets.settings_users import FormDialog, own_password_dialog, runner_writer

# (key, navigation label, "module:class"); pages are built the first time they are shown.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("desk", "来访登记", "ui.pages.desk:DeskPage"),
    ("matters", "信访事项", "ui.pages.matters:MattersPage"),
    ("persons", "一人一档", "ui.pages.persons:PersonsPage"),
    ("deadlines", "到期提醒", "ui.pages.deadlines:DeadlinesPage"),
    ("leader", "领导包案与接访", "ui.pages.leader:LeaderPage"),
    ("screening", "矛盾纠纷排查", "ui.pages.screening:ScreeningPage"),
    ("reports", "统计报表", "ui.pages.reports:ReportsPage"),
    ("sync", "数据同步", "ui.pages.sync:SyncPage"),
    ("settings", "系统设置", "ui.pages.settings:SettingsPage"),
)


def _size_text(size: int | None) -> str:
    if size is None:
        return "服务器数据库"
    return f"{size / 1024 / 1024:.1f} MB"


def _last_sync(ctx: GuiContext) -> str:
    try:
        with ctx.workspace.read(ctx.actor) as uow:
            at = last_exchange(uow)
    except AccountClosed as exc:  # deactivated meanwhile: the window reacts, the status bar goes on
        ctx.runner.account_closed.emit(exc)
        return "—"
    return f"{at.astimezone():%m-%d %H:%M}" if at else "尚无"


def _last_backup(workspace: Workspace) -> str:
    at = last_backup_time(workspace.data_dir) if workspace.has_local_file else None
    return f"{at:%m-%d %H:%M}" if at else "尚无"


class MainWindow(QMainWindow):
    def __init__(self, ctx_factory: type[GuiContext], **ctx_args: object) -> None:
        super().__init__()
        self.ctx = ctx_factory(navigator=self, **ctx_args)  # type: ignore[arg-type]
        self.setWindowTitle(f"基层信访工作台 — {self.ctx.office.name}")
        self._pages: dict[str, Page] = {}
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(150)
        for _key, label, _target in PAGES:
            item = QListWidgetItem(label)
            item.setSizeHint(QSize(140, 40))
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(lambda row: self.show_page(PAGES[row][0]))
        self._status = QLabel()
        self.statusBar().addPermanentWidget(self._status)
        self.password_button = QToolButton(text="修改密码", autoRaise=True)
        self.password_button.clicked.connect(self.ask_own_password)
        self.statusBar().addPermanentWidget(self.password_button)
        self._status_timer = QTimer(self, interval=60_000, timeout=self.update_status)
        self._status_timer.start()
        self.ctx.runner.changes.changed.connect(lambda _kinds: self.update_status())
        self.update_status()
        self.resize(1280, 760)

    def page(self, key: str) -> Page:
        if key not in self._pages:
            target = dict((k, t) for k, _l, t in PAGES)[key]
            module_name, class_name = target.split(":")
            page: Page = getattr(importlib.import_module(module_name), class_name)(self.ctx)
            self._pages[key] = page
            self.stack.addWidget(page)
        return self._pages[key]

    def show_page(self, key: str) -> None:
        page = self.page(key)
        row = [k for k, _l, _t in PAGES].index(key)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)
        self.stack.setCurrentWidget(page)
        page.on_shown()

    def open_matter(self, matter_id: uuid.UUID) -> None:
        self.show_page("matters")
        self.page("matters").open_item(matter_id)

    def open_person(self, person_id: uuid.UUID) -> None:
        self.show_page("persons")
        self.page("persons").open_item(person_id)

    def ask_own_password(self) -> FormDialog:
        return own_password_dialog(self, self.ctx.actor.display_name, runner_writer(self.ctx),
                                   lambda: self.statusBar().showMessage("已修改您的密码。", 8000))

    def update_status(self) -> None:
        ctx = self.ctx
        self._status.setText(
            f"{ctx.office.name}　|　{ctx.actor.display_name}（{ROLE_LABELS[ctx.actor.role]}）　|　"
            f"数据库 {_size_text(database_size(ctx.workspace))}　|　上次备份：{_last_backup(ctx.workspace)}　|　上次同步：{_last_sync(ctx)}　|　"
            f"{datetime.now():%H:%M}"
        )
