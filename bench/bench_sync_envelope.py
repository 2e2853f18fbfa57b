"""Time the sync envelope alone: write and open a package of N rows (no database rows are read).

    .venv/bin/python bench/bench_sync_envelope.py [ROWS]

Makes a county and a township in a temporary folder, enrols them, then writes one package of ROWS
contact-like rows (about 400 bytes of JSON each, Chinese text) and opens it at the county, reading
every row. Prints seconds for each step and the package size.
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain.enums import OfficeLevel  # noqa: E402
from app.services.offices import OfficeSetup, initialise  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402
from app.sync.enrolment import admit_township, join_county, own_card  # noqa: E402
from app.sync.envelope import open_package, write_package  # noqa: E402
from app.sync.keys import active_partners  # noqa: E402


def office(folder: Path, name: str, code: str, level: OfficeLevel) -> Workspace:
    ws = Workspace.open(folder)
    initialise(ws, OfficeSetup(name=name, division_code=code, admin_login="admin", admin_name="管理员",
                               admin_password="abc12345", level=level))
    return ws


def rows(n: int):  # type: ignore[no-untyped-def]
    """Rows as the exporter hands them over: values already JSON-safe (db/row_codec.py)."""
    at = datetime(2026, 11, 23, 2, tzinfo=timezone.utc).isoformat()
    office = str(uuid.UUID(int=1))
    for i in range(n):
        yield {"id": str(uuid.UUID(int=i)), "office_id": office, "contact_at": at, "channel": "visit",
               "content": f"反映村里征地补偿款未按时发放，第{i}次来访，要求乡政府尽快协调解决并书面答复。",
               "headcount": 1, "is_repeat": i % 3 == 0, "matter_id": str(uuid.UUID(int=i // 2))}


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        county = office(base / "county", "某某县信访局", "330106000000", OfficeLevel.COUNTY)
        town = office(base / "town", "某某镇人民政府", "330106101000", OfficeLevel.TOWNSHIP)
        with county.write(county.system_actor()) as uow:
            card = own_card(uow.session)
        with town.write(town.system_actor()) as uow:
            back = join_county(uow, card)
        with county.write(county.system_actor()) as uow:
            admit_township(uow, back)
        prepared = list(rows(n))  # made before the clock starts: the envelope's own cost is timed
        started = time.perf_counter()
        with town.write(town.system_actor()) as uow:
            (receiver,) = active_partners(uow.session)
            path = write_package(uow.session, base, receiver=receiver, sequence=1, acked_sequence=None,
                                 tables={"contact": prepared})
        written = time.perf_counter() - started
        started = time.perf_counter()
        with county.read(county.system_actor()) as uow, open_package(uow.session, path) as package:
            opened = time.perf_counter() - started
            count = sum(1 for _ in package.iter_rows("contact"))
        read = time.perf_counter() - started - opened
        print(f"{n:,} rows: write+fsync+read-back {written:.2f} s, open (verify, decrypt, hash) {opened:.2f} s, "
              f"iterate rows {read:.2f} s ({count:,}), package {path.stat().st_size / 1e6:.1f} MB")
        county.close()
        town.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
