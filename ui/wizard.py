"""First-run set-up (filled in by the GUI work): for now, tells the clerk how to initialise."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

from app.services.workspace import Workspace


class SetupWizard(QDialog):
    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.setWindowTitle("首次使用设置")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"数据文件夹 {workspace.data_dir} 尚未初始化。\n请运行 xinfang init。"))
