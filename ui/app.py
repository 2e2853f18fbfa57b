"""Start the Qt application. Until the desk screens land, the window shows the office and a summary."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from app.cli.main import build_parser
from app.services.workspace import Workspace


def run_gui(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    app = QApplication.instance() or QApplication(["xinfang"])
    workspace = Workspace.open(getattr(args, "data_dir", None), getattr(args, "db", None))
    window = QMainWindow()
    window.setWindowTitle("基层信访工作台")
    status = "已就绪" if workspace.is_initialised() else "数据库尚未初始化：请运行 xinfang init"
    label = QLabel(f"基层信访工作台\n\n数据文件夹：{workspace.data_dir}\n{status}")
    label.setMargin(24)
    window.setCentralWidget(label)
    window.resize(800, 500)
    window.show()
    if args.quit_when_ready:
        QTimer.singleShot(0, app.quit)
    code = app.exec()
    workspace.close()
    return code
