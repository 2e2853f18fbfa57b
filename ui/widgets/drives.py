"""Removable drives (U 盘) the clerk can export to, as Qt sees the mounted volumes."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStorageInfo

# Where desktop Linux mounts USB sticks; on Windows every drive but the system drive qualifies.
_LINUX_MEDIA = ("/media/", "/run/media/", "/mnt/")


@dataclass(frozen=True)
class Drive:
    root: Path
    label: str
    free_bytes: int

    @property
    def text(self) -> str:
        return f"{self.label}（{self.root}，可用 {self.free_bytes / 1024 ** 3:.1f} GB）"


def _looks_removable(root: str) -> bool:
    if sys.platform == "win32":
        system = os.environ.get("SystemDrive", "C:").upper()
        return not root.upper().startswith(system)
    return root.startswith(_LINUX_MEDIA)


def removable_drives() -> list[Drive]:
    drives = []
    for volume in QStorageInfo.mountedVolumes():
        root = volume.rootPath()
        if volume.isValid() and volume.isReady() and not volume.isReadOnly() and _looks_removable(root):
            drives.append(Drive(Path(root), volume.displayName() or root, volume.bytesAvailable()))
    return drives
