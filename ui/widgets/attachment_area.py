"""The archive's attachments: a drop area with thumbnails of photos and scans, icons for PDFs and other files.

Thumbnails are decoded (scaled while decoding) on a worker thread as QImage and turned into pixmaps
on the UI thread. PySide6-Essentials has no QtPdf, so a PDF shows an icon with its name and size and
opens in the system viewer; where the full PySide6 provides Qt's "pdf" image plugin, the first page
is used as the thumbnail instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QImageReader, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QFrame, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.services.attachments import AttachmentInfo, blob_path
from ui.widgets.person_labels import size_text, time_text

THUMB = 88
CELL = QSize(THUMB + 48, THUMB + 46)  # room for a name line and a size line under the picture
InfoRole = Qt.ItemDataRole.UserRole + 1
Runner = Callable[[Callable[[], object], Callable[[object], None]], object]


def local_paths(mime: QMimeData) -> list[Path]:
    """The local files in a drag (URLs from the file manager); nothing for web links or text."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def pdf_renderable() -> bool:
    return b"pdf" in [bytes(f) for f in QImageReader.supportedImageFormats()]


def load_thumbnail(path: Path, pdf: bool = False, size: int = THUMB) -> QImage | None:
    """Decode a picture scaled to ``size`` (safe on a worker thread: QImage, not QPixmap)."""
    reader = QImageReader(str(path), b"pdf") if pdf else QImageReader(str(path))
    reader.setAutoTransform(True)  # phone photos carry their orientation in EXIF
    full = reader.size()
    if full.isValid() and (full.width() > size or full.height() > size):
        reader.setScaledSize(full.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else image


_ICONS: dict[tuple[str, str], QIcon] = {}


def file_icon(label: str, colour: str) -> QIcon:
    """A page with a coloured band naming the type (PDF, DOC, ...); drawn once per label."""
    key = (label, colour)
    if key not in _ICONS:
        pixmap = QPixmap(THUMB, THUMB)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        page = QRect(18, 6, 52, 72)
        painter.setPen(QPen(QColor("#9aa5b4"), 1.5))
        painter.setBrush(QColor("white"))
        painter.drawRect(page)
        painter.fillRect(QRect(12, 44, 64, 22), QColor(colour))
        font = QFont(painter.font())
        font.setBold(True)
        font.setPixelSize(13)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(QRect(12, 44, 64, 22), Qt.AlignmentFlag.AlignCenter, label)
        painter.end()
        _ICONS[key] = QIcon(pixmap)
    return _ICONS[key]


def placeholder_icon(info: AttachmentInfo) -> QIcon:
    if not info.present:
        return file_icon("缺失", "#b3261e")
    if info.is_pdf:
        return file_icon("PDF", "#c0392b")
    if info.is_image:
        return file_icon("图片", "#5f6b7a")
    suffix = Path(info.name).suffix.lstrip(".").upper()[:4] or "文件"
    return file_icon(suffix, "#2f6db5")


class AttachmentArea(QFrame):
    """Thumbnails of the archive's files; files dropped here are handed to ``files_dropped``."""

    files_dropped = Signal(list)  # list[Path]
    open_requested = Signal(object)  # AttachmentInfo

    def __init__(self, run: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropArea")
        self.setAcceptDrops(True)
        self._run = run
        self._generation = 0
        self._thumbnailed: set[int] = set()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.hint = QLabel("把扫描件、照片拖到这里，或点“添加附件”（单个文件不超过 50 MB）")
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setGridSize(CELL)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setWordWrap(False)  # names are elided in the middle so the extension stays visible
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setDragEnabled(False)
        self.list.setAcceptDrops(False)  # drops go to this frame
        self.list.itemActivated.connect(lambda item: self.open_requested.emit(item.data(InfoRole)))
        layout.addWidget(self.list, 1)

    def set_attachments(self, infos: Sequence[AttachmentInfo], attachments_dir: Path) -> None:
        self._generation += 1
        self._thumbnailed = set()
        self.list.clear()
        wanted: list[tuple[int, Path, bool]] = []
        pdf_ok = pdf_renderable()
        metrics = self.list.fontMetrics()
        for row, info in enumerate(infos):
            name = metrics.elidedText(info.name, Qt.TextElideMode.ElideMiddle, CELL.width() - 8)
            item = QListWidgetItem(placeholder_icon(info), f"{name}\n{size_text(info.size)}")
            item.setData(InfoRole, info)
            added = time_text(info.added_at.astimezone())
            item.setToolTip(f"{info.name}\n{size_text(info.size)} · {info.mime}\n添加于 {added}"
                            + ("" if info.present else "\n文件不在附件文件夹中，请从备份恢复"))
            self.list.addItem(item)
            if info.present and (info.is_image or (info.is_pdf and pdf_ok)):
                wanted.append((row, blob_path(attachments_dir, info.sha256), info.is_pdf))
        self.hint.setVisible(not infos)
        if wanted:
            generation = self._generation
            self._run(lambda: [(row, load_thumbnail(path, pdf)) for row, path, pdf in wanted],
                      lambda thumbs: self._show_thumbnails(generation, thumbs))  # type: ignore[arg-type]

    def _show_thumbnails(self, generation: int, thumbs: list[tuple[int, QImage | None]]) -> None:
        if generation != self._generation:
            return  # the list was refilled meanwhile
        for row, image in thumbs:
            item = self.list.item(row)
            if item is not None and image is not None:
                item.setIcon(QIcon(QPixmap.fromImage(image)))
                self._thumbnailed.add(row)

    def thumbnail_count(self) -> int:
        """How many items show a decoded picture rather than a type icon."""
        return len(self._thumbnailed)

    def dragEnterEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if local_paths(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if local_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        paths = local_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)
