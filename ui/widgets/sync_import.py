"""The import panel of 数据同步: choose packages, see their dry run, then confirm the import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QFileDialog, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from app.errors import DomainError
from app.sync.import_queue import import_packages
from ui.context import GuiContext

PREVIEW_KINDS = ("new", "updated", "unchanged", "conflicting", "deleted")
PREVIEW_HEADERS = ("发送单位", "序号", "新增", "更新", "未变", "冲突", "删除", "状态", "文件")
IMPORT_STATUS = {"imported": "已导入", "already": "已导入（此前已导入过，未重复导入）",
                 "superseded": "已记为已收到（较新的同步包已先导入）", "dry_run": "预览"}

Say = Callable[..., None]
"""Show a message on the page: ``say(text, error=False)``."""


def missing_text(numbers: list[int]) -> str:
    return "、".join(str(n) for n in numbers[:10]) + ("…" if len(numbers) > 10 else "") if numbers else "无"


def preview_state(status: str, superseded_by: int | None, missing: list[int]) -> str:
    """The 状态 cell of a package in the preview: what confirming would do with it."""
    if status == "already":
        return "此前已导入"
    if status == "superseded":
        return f"较新的第 {superseded_by} 号同步包已导入：本包内容已包含在其中，只记为已收到"
    return f"缺第 {missing_text(missing)} 号" if missing else "可导入"


class ImportPanel(QGroupBox):
    def __init__(self, ctx: GuiContext, say: Say, start_folder: Callable[[], str]) -> None:
        super().__init__("导入")
        self.ctx = ctx
        self.say = say
        self.start_folder = start_folder
        self.previewed: list[Path] = []
        layout = QVBoxLayout(self)
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.preview = QTableWidget(0, len(PREVIEW_HEADERS))
        self.preview.setHorizontalHeaderLabels(PREVIEW_HEADERS)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().setVisible(False)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.preview.setVisible(False)
        layout.addWidget(self.preview)
        self.force_gap = QCheckBox("缺号时仍导入（记录在案）")
        self.force_gap.setVisible(False)
        layout.addWidget(self.force_gap)
        buttons = QHBoxLayout()
        self.choose_button = QPushButton("选择同步包…")
        self.choose_button.clicked.connect(self._ask_import)
        buttons.addWidget(self.choose_button)
        self.confirm_button = QPushButton("确认导入")
        self.confirm_button.setProperty("role", "primary")
        self.confirm_button.setVisible(False)
        self.confirm_button.clicked.connect(self.confirm_import)
        buttons.addWidget(self.confirm_button)
        self.discard_button = QPushButton("放弃")
        self.discard_button.setVisible(False)
        self.discard_button.clicked.connect(self._clear_preview)
        buttons.addWidget(self.discard_button)
        layout.addLayout(buttons)
        layout.addStretch(1)


    def import_files(self, paths: list[Path]) -> None:
        """First a dry run of every package (nothing kept), shown for the clerk to confirm."""
        self.choose_button.setEnabled(False)
        self._clear_preview()
        self.say("正在校验同步包（预览，不写入）…")
        self.ctx.runner.run(
            lambda: import_packages(self.ctx.workspace, self.ctx.actor, paths, dry_run=True, force_gap=True),
            lambda reports: self._previewed(paths, reports), on_error=self._import_failed)

    def _previewed(self, paths: list[Path], reports: list[Any]) -> None:
        self.choose_button.setEnabled(True)
        self.previewed = paths
        self.preview.setRowCount(len(reports))
        # Each package was tried alone: numbers brought by the same batch are not missing.
        in_batch = {(report.sender, report.sequence) for report in reports}
        gaps = False
        for r, report in enumerate(reports):
            # A superseded package waits for nothing: the newer one already brought its changes.
            missing = [] if report.status in ("already", "superseded") else [
                n for n in report.missing if (report.sender, n) not in in_batch]
            gaps = gaps or bool(missing)
            state = preview_state(report.status, report.superseded_by, missing)
            cells = (report.sender.split("（")[0], str(report.sequence),
                     *(str(report.total(k)) for k in PREVIEW_KINDS), state, report.file)
            for c, text in enumerate(cells):
                self.preview.setItem(r, c, QTableWidgetItem(text))
        self.force_gap.setChecked(False)
        self.force_gap.setVisible(gaps)
        for widget in (self.preview, self.confirm_button, self.discard_button):
            widget.setVisible(True)
        self.say("已校验：签名、解密和每个文件的校验值都正确。请核对上表后点“确认导入”。"
                  + ("有缺号：请先导入缺少的同步包；确认已遗失时勾选“缺号时仍导入”。" if gaps else ""))

    def _clear_preview(self) -> None:
        self.previewed = []
        self.preview.setRowCount(0)
        for widget in (self.preview, self.confirm_button, self.discard_button, self.force_gap):
            widget.setVisible(False)

    def confirm_import(self) -> None:
        paths, force = list(self.previewed), self.force_gap.isChecked()
        self._clear_preview()
        self.choose_button.setEnabled(False)
        self.say("正在导入…")
        self.ctx.runner.run(lambda: import_packages(self.ctx.workspace, self.ctx.actor, paths, force_gap=force),
                            self._imported, on_error=self._import_failed)

    def _imported(self, reports: list[Any]) -> None:
        self.choose_button.setEnabled(True)
        lines = []
        for r in reports:
            rows = sum(r.total(kind) for kind in ("new", "updated"))
            extra = f"，缺号 {missing_text(r.missing)} 已强制跳过" if r.forced else ""
            conflicts = f"，{r.conflicts} 处冲突待核对" if r.conflicts else ""
            lines.append(f"{r.file}：{IMPORT_STATUS.get(r.status, r.status)}（{r.sender} 第 {r.sequence} 号，"
                         f"新增或更新 {rows} 行{conflicts}{extra}）")
        self.say("\n".join(lines))
        self.ctx.runner.changes.changed.emit(frozenset({"sync", "contact", "matter", "person"}))

    def _import_failed(self, error: DomainError) -> None:
        self.choose_button.setEnabled(True)
        self.say(error.message, error=True)

    def _ask_import(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "选择同步包", self.start_folder(),
                                                "同步包 (*.xfsync)")
        if files:
            self.import_files([Path(f) for f in sorted(files)])
