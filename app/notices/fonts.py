"""Fonts for notices: Windows system fonts first, shipped open fonts otherwise, per-character fallback.

Each typographic role (title 小标宋, body 仿宋, heading 黑体) has a chain of TrueType files. A character
is drawn in the first font of its role's chain that has a glyph for it, so a name with 𠮷 or another
extension-B character prints instead of leaving an empty box. Fonts load lazily: the fallbacks are
read only when a character needs them. reportlab embeds a subset of every font used.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from app.errors import StorageError
from app.notices import tounicode
from app.resources import resource_path


class Role(StrEnum):
    TITLE = "title"  # 2号 小标宋-style heavy song
    BODY = "body"  # 3号 仿宋-style
    HEADING = "heading"  # 黑体-style labels


@dataclass(frozen=True)
class FontFile:
    """One TrueType file (``index`` picks the face of a .ttc collection) and what to call it."""

    path: Path
    label: str
    index: int = 0


# Windows font file names, case-insensitive; 方正小标宋 comes under several names depending on the pack.
WINDOWS_PRIMARY: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.TITLE: (("方正小标宋简体", "FZXBSJW.TTF"), ("方正小标宋简体", "方正小标宋简体.ttf"),
                 ("方正小标宋_GBK", "FZXBSK.TTF"), ("方正小标宋_GBK", "方正小标宋_GBK.ttf"),
                 ("方正小标宋", "FZXiaoBiaoSong-B05S.ttf")),
    Role.BODY: (("仿宋", "simfang.ttf"), ("仿宋_GB2312", "仿宋_GB2312.ttf"), ("仿宋_GB2312", "FS_GB2312.ttf")),
    Role.HEADING: (("黑体", "simhei.ttf"),),
}
WINDOWS_FALLBACK: tuple[tuple[str, str, int], ...] = (("宋体", "simsun.ttc", 0), ("宋体-ExtB", "simsunb.ttf", 0))
SHIPPED_PRIMARY: dict[Role, tuple[str, str]] = {
    Role.TITLE: ("粗宋（随程序，据 Noto Serif CJK 改制）", "XinfangSong-Bold.ttf"),
    Role.BODY: ("Fandol 仿宋（随程序）", "FandolFang-Regular.ttf"),
    Role.HEADING: ("粗宋（随程序，据 Noto Serif CJK 改制）", "XinfangSong-Bold.ttf"),
}
SHIPPED_FALLBACK: tuple[tuple[str, str], ...] = (
    ("霞鹜文楷（随程序）", "LXGWWenKai-Regular.ttf"),
    ("生僻字宋体（随程序，据 Noto Serif CJK 改制）", "XinfangRare-Regular.ttf"),
)
# Characters that only steer rendering (zero-width joiners, variation selectors, BOM) are not drawn.
_INVISIBLE = frozenset(range(0xFE00, 0xFE10)) | {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF}


def windows_font_dirs() -> list[Path]:
    """The system and per-user font folders of Windows (none elsewhere)."""
    if sys.platform != "win32":
        return []
    dirs = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return dirs


def shipped_font_dir() -> Path:
    return resource_path("fonts")


def _find(dirs: Sequence[Path], name: str) -> Path | None:
    for folder in dirs:
        candidate = folder / name
        if candidate.is_file():
            return candidate
        try:
            lowered = {p.name.lower(): p for p in folder.iterdir()} if folder.is_dir() else {}
        except OSError:
            continue
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def discover_chains(system_dirs: Sequence[Path] | None = None,
                    shipped_dir: Path | None = None) -> dict[Role, list[FontFile]]:
    """Per role: the best primary font, then the fallbacks, in the order they are tried."""
    system = windows_font_dirs() if system_dirs is None else list(system_dirs)
    shipped = shipped_font_dir() if shipped_dir is None else shipped_dir
    fallbacks = [FontFile(p, label, index) for label, name, index in WINDOWS_FALLBACK
                 if (p := _find(system, name))]
    fallbacks += [FontFile(shipped / name, label) for label, name in SHIPPED_FALLBACK
                  if (shipped / name).is_file()]
    chains: dict[Role, list[FontFile]] = {}
    for role in Role:
        found = [FontFile(p, label) for label, name in WINDOWS_PRIMARY[role] if (p := _find(system, name))]
        label, name = SHIPPED_PRIMARY[role]
        own = [FontFile(shipped / name, label)] if (shipped / name).is_file() else []
        chain = found[:1] + own + fallbacks
        chains[role] = list(dict.fromkeys(chain))
    return chains


class LoadedFont:
    """A font registered with reportlab under a stable name, with its character map."""

    def __init__(self, file: FontFile) -> None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFError, TTFont

        tounicode.install()
        digest = hashlib.sha1(f"{file.path}#{file.index}".encode()).hexdigest()[:10]
        self.name = f"xf-{digest}"
        self.file = file
        try:
            font = pdfmetrics.getFont(self.name)
        except KeyError:
            try:
                font = TTFont(self.name, str(file.path), subfontIndex=file.index)
            except (TTFError, OSError, ValueError, IndexError) as exc:
                raise StorageError("font_unusable", f"字体不可用：{file.label}（{file.path}）：{exc}",
                                   field="font") from exc
            pdfmetrics.registerFont(font)
        self.ttfont = font
        self.chars = font.face.charToGlyph
        self.widths = font.face.charWidths
        self.default_width = font.face.defaultWidth

    def has(self, code: int) -> bool:
        return code in self.chars

    def advance(self, code: int) -> float:
        """Advance width in em (1.0 = the font size)."""
        return self.widths.get(code, self.default_width) / 1000.0


class FontSet:
    """The fonts of every role, loaded on first use; safe to share between threads."""

    def __init__(self, chains: dict[Role, list[FontFile]]) -> None:
        missing = [role for role in Role if not chains.get(role)]
        if missing:
            raise StorageError("fonts_missing", "找不到打印文书所需的字体：程序文件夹中的 resources/fonts 不完整，"
                               "请重新安装程序", field="font")
        self.chains = chains
        self._loaded: dict[FontFile, LoadedFont | None] = {}
        self._pick: dict[tuple[Role, int], LoadedFont] = {}
        self._lock = threading.RLock()

    def _load(self, file: FontFile) -> LoadedFont | None:
        with self._lock:
            if file not in self._loaded:
                try:
                    self._loaded[file] = LoadedFont(file)
                except StorageError:
                    self._loaded[file] = None  # a damaged or restricted file: skip to the next one
            return self._loaded[file]

    def load(self, file: FontFile) -> LoadedFont | None:
        """The font of ``file`` (None when the file is damaged or restricted)."""
        return self._load(file)

    def primary(self, role: Role) -> LoadedFont:
        for file in self.chains[role]:
            loaded = self._load(file)
            if loaded is not None:
                return loaded
        raise StorageError("fonts_missing", f"找不到可用的{role.value}字体", field="font")

    def font_for(self, role: Role, code: int) -> LoadedFont:
        """The first font of ``role``'s chain that has ``code``; the primary when none has it."""
        key = (role, code)
        found = self._pick.get(key)
        if found is None:
            found = next((f for file in self.chains[role] if (f := self._load(file)) and f.has(code)),
                         None) or self.primary(role)
            self._pick[key] = found
        return found

    def missing(self, text: str, role: Role = Role.BODY) -> list[str]:
        """Characters of ``text`` that no font of the role can draw."""
        return [ch for ch in dict.fromkeys(text) if visible(ch) and not ch.isspace()
                and not any((f := self._load(file)) and f.has(ord(ch)) for file in self.chains[role])]

    def warm_up(self, roles: Iterable[Role] = tuple(Role)) -> None:
        """Load the primary fonts now (the GUI calls this in the background after start)."""
        for role in roles:
            self.primary(role)

    def describe(self) -> dict[str, list[str]]:
        """Which file serves which role, for the about box and support."""
        return {role.value: [f"{f.label}: {f.path}" + (f"#{f.index}" if f.index else "")
                             for f in self.chains[role]] for role in Role}


def visible(ch: str) -> bool:
    return ord(ch) not in _INVISIBLE


_default: FontSet | None = None
_default_lock = threading.Lock()


def default_fonts() -> FontSet:
    """The process-wide font set: Windows fonts when present, shipped fonts otherwise."""
    global _default
    with _default_lock:
        if _default is None:
            _default = FontSet(discover_chains())
        return _default


@lru_cache(maxsize=1)
def shipped_only() -> FontSet:
    """Only the fonts shipped with the program (tests use it to get the same output everywhere)."""
    return FontSet(discover_chains(system_dirs=[]))
