"""Fonts and style sheet: Chinese glyphs must come from a Simplified Chinese font on every PC.

Qt's own fallback picked Japanese glyph forms even under a Chinese locale, so the family is set
explicitly: the Windows system UI font when present, else the best CJK family installed.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from app.resources import resource_path

PREFERRED_FAMILIES = (
    "Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC",
    "WenQuanYi Micro Hei", "LXGW WenKai",
)
TEXT_SIZES = {"标准": 10, "较大": 12, "大": 14}


def ui_family() -> str:
    available = set(QFontDatabase.families())
    for family in PREFERRED_FAMILIES:
        if family in available:
            return family
    for name in ("LXGWWenKai-Regular.ttf",):
        path = resource_path("fonts", name)
        if path.is_file():
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0:
                return QFontDatabase.applicationFontFamilies(font_id)[0]
    return QApplication.font().family()


def apply_theme(app: QApplication, point_size: int = 10) -> None:
    font = QFont(ui_family(), point_size)
    app.setFont(font)
    qss = resource_path("qss", "app.qss")
    if qss.is_file():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    icon = resource_path("icons", "xinfang.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
