"""The set-up wizard's last page: optionally fill the new database with demo data, off the UI thread.

Loading 5,000 contacts takes minutes (about 55 ms a contact on a two-core office PC), so the page
offers smaller sizes, shows progress between batches and can stop; batches already written stay.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWizard, QWizardPage,
)

from app.errors import DomainError
from app.services.demo import DemoSummary, load_demo
from app.services.demo_names import DEMO_PASSWORD
from app.services.workspace import Workspace
from ui.errors import show_crash

DEFAULT_SIZES = (500, 1500, 5000)
DEFAULT_SIZE = 1500


def size_label(contacts: int) -> str:
    seconds = 12 + contacts * 0.055  # planning, then ~55 ms per contact (measured, 2-core PC)
    if seconds < 60:
        estimate = "不到 1 分钟"
    else:
        estimate = f"约 {round(seconds / 60)} 分钟"
    return f"{contacts:,} 次来访（{estimate}）"


class DemoLoader(QThread):
    """Runs ``load_demo`` on its own thread; the signals arrive on the UI thread."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, workspace: Workspace, contacts: int) -> None:
        super().__init__()
        self.workspace, self.contacts = workspace, contacts
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        try:
            summary = load_demo(self.workspace, self.workspace.system_actor(), contacts=self.contacts,
                                progress=self.progressed.emit, cancelled=self._stop.is_set)
        except BaseException as exc:  # noqa: BLE001 - shown on the UI thread
            self.failed.emit(exc)
        else:
            self.succeeded.emit(summary)


class DemoPage(QWizardPage):
    def __init__(self, workspace: Workspace, sizes: tuple[int, ...] | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.loader: DemoLoader | None = None
        self.summary: DemoSummary | None = None
        self.finished_loading = False
        self.setTitle("演示数据（可选）")
        self.setSubTitle("单位和管理员账号已创建。培训或试用时可以载入三年的演示数据；正式使用的数据库请不要载入。")
        self.load = QCheckBox("载入演示数据")
        self.size = QComboBox()
        sizes = sizes or DEFAULT_SIZES
        for contacts in sizes:
            self.size.addItem(size_label(contacts), contacts)
        self.size.setCurrentIndex(sizes.index(DEFAULT_SIZE) if DEFAULT_SIZE in sizes else 0)
        self.size.setEnabled(False)
        self.load.toggled.connect(self.size.setEnabled)
        choice = QHBoxLayout()
        choice.addWidget(self.load)
        choice.addWidget(self.size, 1)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.stop_button = QPushButton("停止载入")
        self.stop_button.setVisible(False)
        self.stop_button.clicked.connect(self.stop)
        self.status = QLabel("点“完成”后进入登录。")
        self.status.setWordWrap(True)
        hint = QLabel(f"演示数据包括村（社区）、演示用户（密码均为 {DEMO_PASSWORD}）、信访人、来访和各种状态的信访事项。")
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(choice)
        layout.addWidget(hint)
        layout.addSpacing(12)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.stop_button)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addStretch(1)

    @property
    def busy(self) -> bool:
        return self.loader is not None

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return not self.busy

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        if self.busy:
            return False
        if not self.load.isChecked() or self.finished_loading:
            return True
        self.start()
        return False

    def start(self) -> None:
        contacts = int(self.size.currentData())
        self.loader = DemoLoader(self.workspace, contacts)
        self.loader.progressed.connect(self._progressed)
        self.loader.succeeded.connect(self._succeeded)
        self.loader.failed.connect(self._failed)
        self.loader.finished.connect(self._thread_finished)
        self.load.setEnabled(False)
        self.size.setEnabled(False)
        self.progress.setRange(0, 0)  # busy until the plan is made and the first batch written
        self.progress.setVisible(True)
        self.stop_button.setVisible(True)
        self.stop_button.setEnabled(True)
        self.status.setText("正在准备演示数据……")
        self.completeChanged.emit()
        self.loader.start()

    def stop(self) -> None:
        if self.loader is not None:
            self.loader.stop()
            self.stop_button.setEnabled(False)
            self.status.setText("正在停止（写完当前这一批）……")

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.status.setText(f"正在载入：已写入 {done:,} / {total:,} 次来访")

    def _succeeded(self, summary: DemoSummary) -> None:
        self.summary = summary
        self.finished_loading = True
        done = "已停止" if summary.cancelled else "已载入"
        self.status.setText(f"{done}演示数据：{summary.contacts:,} 次来访，{summary.matters:,} 件信访事项，"
                            f"{summary.persons:,} 名信访人。")

    def _failed(self, exc: BaseException) -> None:
        self.progress.setVisible(False)
        self.load.setChecked(False)
        if isinstance(exc, DomainError):
            self.status.setText(exc.message)
            self.status.setProperty("urgency", "overdue")
            self.status.style().polish(self.status)
        else:
            self.status.setText("载入演示数据时出错；单位和管理员账号不受影响，可以直接点“完成”。")
            show_crash(self, self.workspace.data_dir, exc)

    def _thread_finished(self) -> None:
        loader, self.loader = self.loader, None
        if loader is not None:
            loader.wait()
            loader.deleteLater()
        self.stop_button.setVisible(False)
        self.load.setEnabled(not self.finished_loading)
        self.completeChanged.emit()
        if self.finished_loading and self.wizard() is not None:
            # The clerk asked to finish when the data is in: do it (also after a stop).
            self.wizard().button(QWizard.WizardButton.FinishButton).click()
