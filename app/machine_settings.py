"""Settings of this PC (not of the office): a small JSON file in the data folder.

Office settings travel with the database and its backups; these stay with the machine.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

FILE_NAME = "machine.json"


@dataclass
class MachineSettings:
    text_size: int = 10  # points; the "larger text" setting raises it
    last_login: str = ""
    backup_mirror_dir: str = ""

    @classmethod
    def load(cls, data_dir: Path) -> MachineSettings:
        try:
            raw = json.loads((data_dir / FILE_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})

    def save(self, data_dir: Path) -> None:
        path = data_dir / FILE_NAME
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)
