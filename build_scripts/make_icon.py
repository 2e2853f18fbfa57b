"""Draw the program icon into ``resources/icons/`` (xinfang.png for Qt, xinfang.ico for Windows).

A white 访 in the bundled heavy song face on a rounded seal-red square, drawn by Qt at every size the
Windows shell asks for (16–256 px) so small sizes stay sharp instead of being scaled down. Run once
after changing the design; the files are committed::

    QT_QPA_PLATFORM=offscreen .venv/bin/python build_scripts/make_icon.py
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QImage, QPainter

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
FONT = ROOT / "resources" / "fonts" / "XinfangSong-Bold.ttf"
SIZES = (16, 24, 32, 48, 64, 128, 256)
SEAL_RED = QColor("#b3261e")


def draw(size: int, family: str) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    margin = max(1.0, size / 32)
    box = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(SEAL_RED)
    painter.drawRoundedRect(box, size * 0.18, size * 0.18)
    font = QFont(family)
    font.setPixelSize(round(size * 0.72))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "访")
    painter.end()
    return image


def to_pil(image: QImage) -> Image.Image:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(data))).convert("RGBA")


def main() -> None:
    app = QGuiApplication([])  # noqa: F841 - fonts need a running application
    family = QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(str(FONT)))[0]
    ICONS.mkdir(parents=True, exist_ok=True)
    images = {size: to_pil(draw(size, family)) for size in SIZES}
    images[256].save(ICONS / "xinfang.png")
    # Pillow writes one PNG-compressed entry per size, each from its own drawing.
    images[256].save(ICONS / "xinfang.ico", format="ICO", sizes=[(s, s) for s in SIZES],
                     append_images=[images[s] for s in SIZES if s != 256])
    print(f"wrote {ICONS / 'xinfang.png'} and {ICONS / 'xinfang.ico'} ({', '.join(map(str, SIZES))} px)")


if __name__ == "__main__":
    main()
