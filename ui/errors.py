"""Show errors as a clerk should see them: a friendly dialog naming the field, or a crash report."""

from __future__ import annotations

import logging
import traceback
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import (
    QApplication, QDialog, QDialogButtonBox, QLabel, QMessageBox, QPlainTextEdit, QVBoxLayout, QWidget,
)

from app.errors import DomainError

log = logging.getLogger("xinfang")

TITLES = {
    "ValidationError": "输入有误",
    "PermissionDenied": "权限不足",
    "IllegalTransition": "不能进行此操作",
    "NotFound": "找不到记录",
    "Conflict": "与已有数据冲突",
    "StorageError": "数据存储出错",
    "DataFileError": "数据文件有误",
}


def show_domain_error(parent: QWidget | None, error: DomainError) -> None:
    QMessageBox.warning(parent, TITLES.get(type(error).__name__, "提示"), error.message)


def crash_log_path(data_dir: Path) -> Path:
    return data_dir / "logs" / "crash.log"


def write_crash_log(data_dir: Path, exc: BaseException) -> str:
    details = "".join(traceback.format_exception(exc))
    path = crash_log_path(data_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(f"--- {datetime.now().isoformat(timespec='seconds')}\n{details}\n")
    except OSError:
        log.exception("could not write the crash log")
    return details


class CrashDialog(QDialog):
    """An unexpected error: what happened, where the log is, and the details to copy for support."""

    def __init__(self, parent: QWidget | None, details: str, log_path: Path) -> None:
        super().__init__(parent)
        self.setWindowTitle("程序出错")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("程序遇到意外错误，刚才的操作没有完成。已保存的数据不受影响。\n"
                                f"错误详情已记录在：{log_path}"))
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox()
        copy = buttons.addButton("复制详情", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 360)


def show_crash(parent: QWidget | None, data_dir: Path, exc: BaseException) -> None:
    details = write_crash_log(data_dir, exc)
    CrashDialog(parent, details, crash_log_path(data_dir)).exec()
