"""Screenshots of 数据同步 (1366×768): a township after an export, and the county hub.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/shoot_sync.py

Builds a county and three townships in a throwaway folder, enrols them, loads a little demo data
into the first township and exports it from the page; the county imports it and the third of
another township's packages with --force-gap, so it shows a gap; the county shot shows the dry run of
two more packages waiting for 确认导入. Writes sync.png and sync-county.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.domain.enums import OfficeLevel  # noqa: E402
from app.services.demo import load_demo  # noqa: E402
from app.services.offices import OfficeSetup, initialise  # noqa: E402
from app.services.users import authenticate  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402
from app.sync.enrolment import admit_township, join_county, own_card  # noqa: E402
from app.sync.exporting import export_packages  # noqa: E402
from app.sync.import_queue import import_packages  # noqa: E402
from ui.app import open_main_window  # noqa: E402
from _shots import OUT, PASSWORD, themed_app, wait_for  # noqa: E402  (this folder: the scripts run as scripts)

TOWNSHIPS = (("某某县某某镇人民政府", "某某镇", "330106101000"), ("某某县东城街道办事处", "东城街道", "330106102000"),
             ("某某县青山乡人民政府", "青山乡", "330106203000"))


def office(folder: Path, name: str, short: str, code: str, level: OfficeLevel) -> Workspace:
    ws = Workspace.open(folder)
    initialise(ws, OfficeSetup(name=name, short_name=short, division_code=code, admin_login="admin",
                               admin_name="王管理", admin_password=PASSWORD, level=level,
                               parent_name="" if level is OfficeLevel.COUNTY else "某某县信访局",
                               villages=("东风村", "红旗村")))
    return ws


def enrol(county: Workspace, township: Workspace) -> None:
    with county.write(county.system_actor()) as uow:
        card = own_card(uow.session)
    with township.write(township.system_actor()) as uow:
        back = join_county(uow, card)
    with county.write(county.system_actor()) as uow:
        admit_township(uow, back)


def shoot(ws: Workspace, name: str, prepare=None) -> None:  # type: ignore[no-untyped-def]
    window = open_main_window(ws, authenticate(ws, "admin", PASSWORD))
    window.resize(1366, 768)
    window.show()
    window.show_page("sync")
    page = window.page("sync")
    wait_for(lambda: page.overview is not None and "—" not in page.pending_label.text())
    if prepare is not None:
        prepare(page)
    window.ctx.runner.wait()
    QApplication.processEvents()
    window.grab().save(str(OUT / name))
    window.close()


def main() -> int:
    themed_app()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        county = office(base / "county", "某某县信访局", "某某县", "330106000000", OfficeLevel.COUNTY)
        towns = [office(base / code, name, short, code, OfficeLevel.TOWNSHIP) for name, short, code in TOWNSHIPS]
        for town in towns:
            enrol(county, town)
        load_demo(towns[0], towns[0].system_actor(), seed=2026, contacts=300)
        stick = base / "U盘"
        stick.mkdir()
        skipped = [export_packages(towns[1], towns[1].system_actor(), stick)[0].path for _ in range(3)]
        import_packages(county, county.system_actor(), [skipped[2]], force_gap=True)

        def export_now(page) -> None:  # type: ignore[no-untyped-def]
            page.set_target(stick)
            page.last_message = ""
            page.start_export()
            wait_for(lambda: page.last_message != "")
            wait_for(lambda: page.partners.item(0, 5).text().startswith("1"))

        shoot(towns[0], "sync.png", export_now)
        import_packages(county, county.system_actor(), sorted(stick.glob(f"{TOWNSHIPS[0][2]}-*.xfsync")))
        waiting = [export_packages(towns[2], towns[2].system_actor(), stick)[0].path, skipped[0]]

        def preview(page) -> None:  # type: ignore[no-untyped-def]
            page.last_message = ""
            page.importer.import_files(waiting)
            wait_for(lambda: page.importer.confirm_button.isVisible())

        shoot(county, "sync-county.png", preview)
        for ws in (county, *towns):
            ws.close()
    print("sync.png, sync-county.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
