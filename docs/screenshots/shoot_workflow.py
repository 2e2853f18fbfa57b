"""Screenshots of the statutory-workflow notes at 1366×768: 到期提醒 with ledger imports awaiting review,
and a dossier whose re-review window is still counted from the review decision.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/shoot_workflow.py

Builds a throwaway workspace (clock 2026-11-23 10:00): an old 2023 ledger with three matters lacking a
closing date, one matter assigned out to a unit whose report is overdue, and one matter reviewed by
the county whose receipt is not yet recorded. Writes workflow-board.png and workflow-dossier.png.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.domain.enums import Channel, MatterType  # noqa: E402
from app.excel.ledger_import import import_ledger  # noqa: E402
from app.services import matter_steps as st, matters  # noqa: E402
from app.services.contacts import NewContact, register_contact  # noqa: E402
from app.services.offices import OfficeSetup, initialise  # noqa: E402
from app.services.persons import PersonInput  # noqa: E402
from app.services.users import authenticate  # noqa: E402
from app.services.workspace import Workspace  # noqa: E402
from ui.app import open_main_window  # noqa: E402
from ui.theme import apply_theme  # noqa: E402
from _shots import wait_for  # noqa: E402  (this folder: the scripts run as scripts)

NOW = datetime(2026, 11, 23, 10, 0)
OUT = Path(__file__).resolve().parent
D = date.fromisoformat


def old_ledger(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "来访日期", "姓名", "反映问题", "办理情况", "办结日期"])
    for row in ([1, "2023-03-05", "秦一", "邻里宅基地纠纷", "已调解解决", "2023-04-20"],
                [2, "2023-07-10", "许三", "承包地被占", None, None],
                [3, "2023-07-11", "何四", "排水沟堵塞", "已转城建办", None],
                [4, "2023-07-12", "吕五", "路灯不亮", "已处理", "不详"]):
        ws.append(row)
    wb.save(path)
    return path


def main() -> None:
    app = QApplication.instance() or QApplication(["xinfang"])
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(Path(tmp) / "data", clock=lambda: NOW)
        initialise(ws, OfficeSetup(name="某某县某某镇人民政府", short_name="某某镇", division_code="330106101000",
                                   parent_name="某某县信访局", admin_login="admin", admin_name="王管理",
                                   admin_password="abc12345"))
        admin = authenticate(ws, "admin", "abc12345")
        with ws.write(admin) as uow:
            import_ledger(uow, old_ledger(Path(tmp) / "2023年来访台账.xlsx"))

        def opened(name: str, content: str, on: str) -> object:
            with ws.write(admin) as uow:
                return register_contact(uow, NewContact(
                    channel=Channel.VISIT, contact_at=datetime.fromisoformat(f"{on}T09:00"), content=content,
                    persons=(PersonInput(name=name),), subject_code="0101", matter_type=MatterType.CLAIM)).matter_id

        def steps(matter_id: object, *todo: st.Step) -> None:
            for s in todo:
                with ws.write(admin) as uow:
                    matters.perform(uow, matter_id, s)  # type: ignore[arg-type]

        assigned = opened("张建国", "反映村道排水沟堵塞，雨天积水进院", "2026-09-01")
        steps(assigned, st.Assign(on=D("2026-09-02"), to="城建办"))
        reviewed = opened("李秀英", "反映征地补偿款未足额发放", "2026-06-01")
        steps(reviewed, st.Accept(on=D("2026-06-03")), st.Reply(on=D("2026-08-20"), summary="已按标准补发"),
              st.DeliverReply(on=D("2026-08-21"), receiver="李秀英"),
              st.RequestReview(on=D("2026-09-10"), body="某某县人民政府"),
              st.DecideReview(on=D("2026-11-13"), outcome="维持原处理意见"))
        apply_theme(app)
        window = open_main_window(ws, admin)
        window.resize(1366, 768)
        window.show()
        board = window.page("deadlines")
        wait_for(lambda: board.board is not None)
        QApplication.processEvents()
        window.grab().save(str(OUT / "workflow-board.png"))
        window.show_page("matters")
        page = window.page("matters")
        wait_for(lambda: page.model.rowCount() > 0 and page.busy.isHidden())
        page.open_item(reviewed)  # type: ignore[arg-type]
        wait_for(lambda: page.dossier.dossier is not None)
        QApplication.processEvents()
        window.grab().save(str(OUT / "workflow-dossier.png"))
        window.ctx.runner.wait()
        window.close()
        ws.close()
    print(f"wrote {OUT / 'workflow-board.png'} and {OUT / 'workflow-dossier.png'}")


if __name__ == "__main__":
    main()
