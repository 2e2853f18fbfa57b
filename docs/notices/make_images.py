"""Render one sample of every notice kind to docs/notices/<kind>.png (run by hand after a layout change).

    .venv/bin/python docs/notices/make_images.py [--dpi 70]

Needs pdftoppm (Debian poppler-utils). The samples come from tests/notices/builders.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.domain.enums import DocumentKind  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.services import notices  # noqa: E402
from app.services import leader_receptions as lr  # noqa: E402
from app.services.person_cover import render_person_cover  # noqa: E402
from app.services.schedule_notice import schedule_pdf  # noqa: E402
from db.models import MatterPetitioner  # noqa: E402
from tests.conftest import Clock, _actor, _build_template  # noqa: E402
from tests.notices import builders  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402

OUT = Path(__file__).resolve().parent


def samples(ws: Workspace) -> dict[str, bytes]:
    admin = _actor(ws, "admin")
    closed = builders.closed_matter(ws, admin)
    matters = {
        DocumentKind.REGISTRATION: closed, DocumentKind.ACCEPTANCE: closed, DocumentKind.EXTENSION: closed,
        DocumentKind.REPLY: closed, DocumentKind.DELIVERY_RECEIPT: closed,
        DocumentKind.DECLINE: builders.declined_matter(ws, admin),
        DocumentKind.NO_LONGER_ACCEPTED: builders.declined_matter(ws, admin, no_longer=True),
        DocumentKind.LEGAL_CHANNEL: builders.routed_matter(ws, admin),
        DocumentKind.REFERRAL: builders.accusation_matter(ws, admin),
    }
    result = {}
    for kind, matter_id in matters.items():
        with ws.write(admin) as uow:
            result[kind.value] = notices.issue_notice(uow, ws, kind, matter_id).path.read_bytes()
    for kind in (DocumentKind.ARCHIVE_COVER, DocumentKind.CATALOGUE):
        with ws.write(admin) as uow:
            result[kind.value] = notices.issue_notice(uow, ws, kind, closed).path.read_bytes()
    with ws.write(admin) as uow:
        petitioner = uow.session.scalars(select(MatterPetitioner.person_id).where(
            MatterPetitioner.matter_id == closed)).first()
        result["person-cover"] = render_person_cover(uow, petitioner)
        slot = lr.NewSlot(admin.user_id, date(2026, 11, 23), "上午 8:30—11:30", "镇信访接待室", "征地拆迁、劳动社保")
        lr.add_slot(uow, slot)
        lr.add_slot(uow, lr.NewSlot(admin.user_id, date(2026, 11, 30), "下午 2:30—5:00", "东风村村委会", "土地承包"))
        lr.publish(uow, date(2026, 11, 1), date(2026, 11, 30))
    with ws.read(admin) as uow:
        result["reception-schedule"] = schedule_pdf(uow, date(2026, 11, 1), date(2026, 11, 30))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=70)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        _build_template(folder)
        ws = Workspace.open(folder, clock=Clock())
        try:
            pdfs = samples(ws)
        finally:
            ws.close()
        for kind, pdf in pdfs.items():
            source = Path(tmp) / f"{kind}.pdf"
            source.write_bytes(pdf)
            for old in OUT.glob(f"{kind}*.png"):
                old.unlink()
            subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", str(source), str(OUT / kind)], check=True)
            pages = sorted(OUT.glob(f"{kind}-*.png"))
            if len(pages) == 1:  # one page: plain <kind>.png
                pages[0].rename(OUT / f"{kind}.png")
            print(kind, len(pdf), "bytes", len(pages), "page(s)")


if __name__ == "__main__":
    main()
