"""The Windows version resource of the built programs, generated from pyproject.toml's version.

Written as the text file PyInstaller reads (``EXE(version=...)``); Explorer shows it under
Properties → Details, and the installer compares it on upgrade.
"""

from __future__ import annotations

import re
from pathlib import Path

BUILD_DIR = Path(__file__).resolve().parent.parent / "build"
COMPANY = "xinfang-desk"
PRODUCT = "基层信访工作台"
DESCRIPTION = "基层信访工作台 — 乡镇（街道）信访办"
COPYRIGHT = "xinfang-desk contributors"

TEMPLATE = """VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080404b0', [
      StringStruct('CompanyName', {company!r}),
      StringStruct('FileDescription', {description!r}),
      StringStruct('FileVersion', {version!r}),
      StringStruct('InternalName', 'xinfang-desk'),
      StringStruct('LegalCopyright', {copyright!r}),
      StringStruct('OriginalFilename', 'xinfang-desk.exe'),
      StringStruct('ProductName', {product!r}),
      StringStruct('ProductVersion', {version!r})])]),
    VarFileInfo([VarStruct('Translation', [0x0804, 1200])])
  ]
)
"""


def version_numbers(version: str) -> tuple[int, int, int, int]:
    """'0.1.0' → (0, 1, 0, 0); a pre-release suffix (0.2.0rc1) is dropped: Windows wants 4 numbers."""
    parts = [int(p) for p in re.findall(r"\d+", version.split("+")[0])[:3]]
    if not parts or not re.match(r"\d", version):
        raise ValueError(f"not a version number: {version!r}")
    return tuple(parts + [0] * (4 - len(parts)))  # type: ignore[return-value]


def windows_version_info(version: str) -> str:
    """Write build/version_info.txt for ``version`` and return its path."""
    text = TEMPLATE.format(numbers=version_numbers(version), version=version, company=COMPANY,
                           description=DESCRIPTION, copyright=COPYRIGHT, product=PRODUCT)
    BUILD_DIR.mkdir(exist_ok=True)
    target = BUILD_DIR / "version_info.txt"
    target.write_text(text, encoding="utf-8")
    return str(target)
