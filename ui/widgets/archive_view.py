"""One person's archive (一人一档): identity, open matters, the timeline and the attached files.

The archive loads on a worker thread (a long-standing petitioner has thousands of entries); stale
answers are dropped when the clerk has moved on. Identity edits, attachments, merges and their undo
go through the services as one write each; the change hub then tells the page to reload.
Keys: Esc back to the list · Ctrl+E edit · Ctrl+O add files · Ctrl+M merge · Ctrl+P print the cover ·
F5 reload.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from app.domain.permissions import Permission, allows
from app.errors import DomainError
from app.services.attachments import AttachmentInfo, store_file, viewable_copy
from app.services.context import UnitOfWork
from app.services.person_archive import OpenMatter, PersonArchive, filter_options, load_archive
from app.services.person_cover import render_person_cover
from app.services.person_merge import undo_merge
from app.services.person_timeline import TimelineEntry
from app.services.work_records import pick_lists
from ui.context import GuiContext
from ui.dialogs import leader_dialogs
from ui.dialogs.oversight_dialogs import FormDialog
from ui.widgets.archive_card import IdentityCard, MergeRecords, counts_text, heading_text
from ui.widgets.attachment_area import AttachmentArea, local_paths
from ui.widgets.merge_dialog import MergeDialog
from ui.widgets.notice_print import open_with_viewer
from ui.widgets.person_dialog import PersonEditDialog
from ui.widgets.timeline import OpenMattersTable, TimelineTable

FILE_FILTER = "扫描件和照片 (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.gif *.bmp *.webp);;所有文件 (*)"
PERSON_CHANGES = frozenset({"person", "contact", "matter"})


def store_files(ctx: GuiContext, person_id: uuid.UUID, paths: list[Path]) -> tuple[int, list[str]]:
    """Attach each file in its own unit of work, so one refused file does not stop the others."""
    stored, problems = 0, []
    for path in paths:
        try:
            with ctx.workspace.write(ctx.actor) as uow:
                store_file(uow, ctx.workspace.attachments_dir, path, "person", person_id)
            stored += 1
        except DomainError as exc:
            problems.append(exc.message)
    return stored, problems


def _section(title: str, hint: str = "") -> QLabel:
    label = QLabel(f"<b>{title}</b>" + (f"　<span style='color:#5f6b7a'>{hint}</span>" if hint else ""))
    label.setObjectName("sectionTitle")
    return label


class ArchiveView(QWidget):
    back = Signal()

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.person_id: uuid.UUID | None = None
        self.archive: PersonArchive | None = None
        self.villages: tuple[tuple[uuid.UUID, str], ...] = ()
        self.dialog: PersonEditDialog | MergeDialog | FormDialog | None = None
        self._generation = 0
        self.setAcceptDrops(True)  # a file dropped anywhere on the archive is attached
        role = ctx.actor.role
        self.may_edit, self.may_merge = allows(role, Permission.EDIT_PERSON), allows(role, Permission.MERGE_PERSONS)
        self.may_print = allows(role, Permission.ISSUE_DOCUMENT)
        self.opener = open_with_viewer  # tests replace it
        self.back_button = QPushButton("← 返回列表")
        self.heading = QLabel()
        self.heading.setObjectName("archiveName")
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.counts = QLabel()
        self.counts.setProperty("role", "hint")
        self.edit_button = QPushButton("编辑档案")
        self.attach_button = QPushButton("添加附件")
        self.merge_button = QPushButton("合并重复档案")
        self.cover_button = QPushButton("档案封面")
        self.cover_button.setToolTip("按档案现状生成一人一档封面（PDF），在阅读器中打印")
        self.key_button = QPushButton("重点人员…")
        self.key_button.setObjectName("keyPerson")
        self.may_key = allows(role, Permission.RECORD_STABILITY_WORK)
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        self.card = IdentityCard()
        self.merges = MergeRecords()
        self.open_matters = OpenMattersTable()
        self.no_open = QLabel("没有在办事项")
        self.no_open.setProperty("role", "hint")
        self.timeline = TimelineTable()
        self.truncated = QLabel()
        self.truncated.setProperty("role", "hint")
        self.attachments = AttachmentArea(lambda work, done: ctx.runner.run(work, done))
        self._build()
        self._connect()

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.back_button)
        bar.addSpacing(8)
        bar.addWidget(self.heading)
        bar.addSpacing(12)
        bar.addWidget(self.counts, 1)
        for button in (self.edit_button, self.attach_button, self.merge_button, self.key_button,
                       self.cover_button):
            bar.addWidget(button)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(_section("在办事项", "双击或回车打开卷宗"))
        column.addWidget(self.no_open)
        column.addWidget(self.open_matters)
        column.addWidget(_section("时间线", "来访、事项、文书、附件，最新在前"))
        column.addWidget(self.timeline, 1)
        column.addWidget(self.truncated)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(_section("附件", "可把扫描件、照片拖到档案上" if self.may_edit else ""))
        side.addWidget(self.attachments, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([780, 330])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.card)
        layout.addWidget(self.merges)
        layout.addWidget(splitter, 1)
        # Visibility only once parented: a parentless widget made visible becomes a window of its own.
        for button, allowed in ((self.edit_button, self.may_edit), (self.attach_button, self.may_edit),
                                (self.merge_button, self.may_merge), (self.key_button, self.may_key),
                                (self.cover_button, self.may_print)):
            button.setVisible(allowed)
        self.attachments.setAcceptDrops(self.may_edit)

    def _connect(self) -> None:
        self.back_button.clicked.connect(self.back)
        self.edit_button.clicked.connect(self.edit)
        self.attach_button.clicked.connect(self.choose_files)
        self.merge_button.clicked.connect(lambda: self.start_merge())
        self.cover_button.clicked.connect(self.print_cover)
        self.key_button.clicked.connect(self.key_person)
        self.merges.undo_requested.connect(self.undo)
        self.open_matters.activated_payload.connect(self._open_matter)
        self.timeline.activated_payload.connect(self._timeline_activated)
        self.attachments.files_dropped.connect(self.attach_files)
        self.attachments.open_requested.connect(self.open_attachment)
        for keys, slot in ((QKeySequence(Qt.Key.Key_Escape), self.back.emit), ("Ctrl+E", self.edit),
                           ("Ctrl+O", self.choose_files), ("Ctrl+M", self.start_merge), ("Ctrl+P", self.print_cover), ("F5", self.reload)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- loading ----------------------------------------------------------------------------------
    def open(self, person_id: uuid.UUID) -> None:
        if person_id != self.person_id:
            self.archive = None
            self.heading.setText("")
            self.counts.setText("")
            self.timeline.set_records([])
            self.open_matters.set_records([])
            self.attachments.set_attachments([], self.ctx.workspace.attachments_dir)
        self.person_id = person_id
        self.reload()

    def reload(self) -> None:
        if self.person_id is None:
            return
        self._generation += 1
        generation, person_id, folder = self._generation, self.person_id, self.ctx.workspace.attachments_dir
        self.status.setText("正在载入档案…")
        self.status.show()
        self.ctx.runner.read(lambda uow: (load_archive(uow, person_id, folder), filter_options(uow).villages),
                             lambda result: self._show(generation, *result))

    def _show(self, generation: int, archive: PersonArchive, villages: tuple[tuple[uuid.UUID, str], ...]) -> None:
        if generation != self._generation:
            return  # another archive was asked for meanwhile
        self.archive, self.villages = archive, villages
        self.person_id = archive.person.id  # a merged-away archive opens as its survivor
        self.heading.setText(heading_text(archive))
        self.counts.setText(counts_text(archive))
        redirected = archive.requested_id != archive.person.id
        self.status.setText("所查的档案已并入本档案。" if redirected else "")
        self.status.setVisible(redirected)
        self.card.show_archive(archive)
        self.merges.set_records(archive.merges, self.may_merge)
        self.open_matters.set_matters(archive.open_matters)
        self.open_matters.setVisible(bool(archive.open_matters))
        self.no_open.setVisible(not archive.open_matters)
        self.timeline.set_entries(archive.timeline)
        self.truncated.setText(f"只显示最近的 {len(archive.timeline)} 条记录" if archive.truncated else "")
        self.truncated.setVisible(archive.truncated)
        self.attachments.set_attachments(archive.attachments, self.ctx.workspace.attachments_dir)

    def key_person(self) -> None:
        """列为 or 移出重点人员 (the dialog needs the office's users, read first)."""
        archive = self.archive
        if archive is None or not self.may_key:
            return
        self.ctx.runner.read(pick_lists, lambda lists: setattr(self, "dialog", leader_dialogs.key_person(
            self, self.ctx, lists, archive.person.id, archive.key_person)))

    # -- identity ---------------------------------------------------------------------------------
    def edit(self) -> PersonEditDialog | None:
        if self.archive is None or not self.may_edit:
            return None
        dialog = PersonEditDialog(self.ctx, self.archive.person.id, self.archive.as_input(), self.villages, self)
        self.dialog = dialog
        dialog.open()
        return dialog

    # -- attachments ------------------------------------------------------------------------------
    def choose_files(self) -> None:
        if self.archive is None or not self.may_edit:
            return
        names, _filter = QFileDialog.getOpenFileNames(self, "添加附件", "", FILE_FILTER)
        if names:
            self.attach_files([Path(n) for n in names])

    def attach_files(self, paths: list[Path]) -> None:
        if self.archive is None or not self.may_edit or not paths:
            return
        ctx, person_id = self.ctx, self.archive.person.id
        self.status.setText(f"正在添加 {len(paths)} 个附件…")
        self.status.show()
        self.ctx.runner.run(lambda: store_files(ctx, person_id, paths), self._stored)

    def _stored(self, result: tuple[int, list[str]]) -> None:
        stored, problems = result
        self.status.setText("")
        if stored:
            self.ctx.runner.changes.changed.emit(frozenset({"attachment"}))
        if problems:
            QMessageBox.warning(self, "有附件未能添加", "\n".join(problems))

    def open_attachment(self, info: AttachmentInfo) -> None:
        folder, target = self.ctx.workspace.attachments_dir, self.ctx.workspace.viewing_dir
        self.ctx.runner.read(lambda uow: viewable_copy(uow, folder, info.id, target),
                             lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))

    # -- the cover --------------------------------------------------------------------------------
    def print_cover(self) -> None:
        if self.archive is None or not self.may_print:
            return
        person_id, name = self.archive.person.id, self.archive.person.name
        # Inside the data folder, not the system temp folder: the cover names a petitioner.
        target = self.ctx.workspace.data_dir / "viewing" / f"{name} 档案封面.pdf"

        def write(uow: UnitOfWork) -> Path:
            pdf = render_person_cover(uow, person_id)
            target.parent.mkdir(exist_ok=True)
            target.write_bytes(pdf)
            return target

        self.ctx.runner.write(write, self.opener, changes=frozenset())

    # -- merging ----------------------------------------------------------------------------------
    def start_merge(self, other_id: uuid.UUID | None = None) -> MergeDialog | None:
        if self.archive is None or not self.may_merge:
            return None
        dialog = MergeDialog(self.ctx, self.archive.person.id, other_id, self)
        dialog.merged.connect(self.open)
        self.dialog = dialog
        dialog.open()
        return dialog

    def undo(self, merge_id: uuid.UUID) -> None:
        record = next((m for m in self.archive.merges if m.id == merge_id), None) if self.archive else None
        if record is None:
            return
        answer = QMessageBox.question(
            self, "撤销合并", f"把“{record.merged_name}”的档案恢复为单独一份档案，"
                              "合并时移入的来访、事项、文书、电话和标签退回原档案？")
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ctx.runner.write(lambda uow: undo_merge(uow, merge_id), lambda _r: None, changes=PERSON_CHANGES)

    # -- going elsewhere --------------------------------------------------------------------------
    def _open_matter(self, matter: OpenMatter) -> None:
        self.ctx.navigator.open_matter(matter.id)

    def _timeline_activated(self, entry: TimelineEntry) -> None:
        if entry.kind == "attachment" and self.archive is not None:
            info = next((a for a in self.archive.attachments if a.id == entry.ref_id), None)
            if info is not None:
                self.open_attachment(info)
        elif entry.matter_id is not None:
            self.ctx.navigator.open_matter(entry.matter_id)

    # -- drag and drop ----------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.may_edit and self.archive is not None and local_paths(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        paths = local_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.attach_files(paths)
