"""Screenshots of 领导包案与接访 and 矛盾纠纷排查 on demo data at 1366×768.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/shoot_leader.py

Builds a throwaway workspace (demo data, 300 contacts, clock 2026-11-23 10:00) and records leader work
through the services (the demo data has none): a published schedule, three packages with progress
notes, the backlog rule, a reception, a sensitive period with key persons, and two screening rounds.
Writes leader.png and screening.png next to this file.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.domain.enums import MatterType, Role  # noqa: E402
from app.domain.leader_work import ConflictStatus, ReceptionKind, Risk  # noqa: E402
from app.services import backlog, case_ownership as co, key_persons as kp, leader_receptions as lr  # noqa: E402
from app.services import screening as sc  # noqa: E402
from app.services.users import authenticate  # noqa: E402
from app.services.workspace import Workspace, actor_for  # noqa: E402
from db.models import CaseOwnership, Matter, MatterPetitioner, UserAccount, Village  # noqa: E402
from ui.app import open_main_window  # noqa: E402
from _shots import NOW, OUT, PASSWORD, demo_workspace, themed_app, wait_for  # noqa: E402  (this folder: the scripts run as scripts)

TODAY = NOW.date()
CONFLICTS = (
    (0, "张某某、李某某", "宅基地边界纠纷", Risk.HIGH, "镇司法所王所长"),
    (1, "某建筑公司、务工人员14人", "劳资纠纷", Risk.HIGH, "劳动保障所陈所长"),
    (2, "业主委员会、物业公司", "物业服务纠纷", Risk.MEDIUM, "社区书记刘某"),
    (3, "村民小组、养殖户", "土地承包纠纷", Risk.MEDIUM, "包村干部赵某"),
    (0, "王某、赵某", "邻里纠纷", Risk.LOW, "村调解主任"),
    (1, "孙某夫妇", "婚姻家庭纠纷", Risk.LOW, "妇联主席周某"),
)


def seed(ws: Workspace, admin) -> None:  # type: ignore[no-untyped-def]
    with ws.read(admin) as uow:
        leaders = [actor_for(u) for u in uow.session.scalars(
            select(UserAccount).where(UserAccount.role == Role.LEADER.value).order_by(UserAccount.login))]
        open_claims = list(uow.session.scalars(select(Matter.id).where(
            Matter.state.in_(["accepted", "in_handling", "extended"]), Matter.matter_type == MatterType.CLAIM.value)
            .order_by(Matter.registered_on).limit(3)))
        villages = list(uow.session.scalars(select(Village.id).order_by(Village.name)))
        persons = list(uow.session.scalars(select(MatterPetitioner.person_id).distinct().limit(3)))
    with ws.write(admin) as uow:
        for i, leader in enumerate(leaders):
            for week in range(2):
                lr.add_slot(uow, lr.NewSlot(leader.user_id, TODAY + timedelta(days=i + 7 * week),
                                            "上午 8:30—11:30", "镇信访接待室" if i != 1 else "东风村村委会",
                                            ("征地拆迁、城乡建设", "劳动社保、民政", "农业农村、自然资源")[i]))
        lr.publish(uow, TODAY, TODAY + timedelta(days=10))
        targets = (date(2026, 11, 20), date(2026, 11, 28), date(2027, 1, 15))
        for matter_id, target in zip(open_claims, targets):
            leader = leaders[0]
            ownership = co.assign_case(uow, matter_id, co.NewOwnership(
                leader.user_id, "经办人陈建华、包村干部赵刚", "约谈当事人，会同国土所现场核查，提出补偿方案", date(2027, 1, 31)))
            uow.session.flush()
            row = uow.session.get(CaseOwnership, ownership)
            row.assigned_on, row.target_on = date(2026, 10, 15), target  # packages made weeks ago
            co.add_progress(uow, ownership, date(2026, 11, 18), "已召开协调会，双方就补偿标准初步达成一致")
        backlog.apply_backlog_rule(uow)
        lr.record_reception(uow, lr.NewReception(ReceptionKind.VILLAGE_VISIT, date(2026, 11, 20), leaders[1].user_id,
                                                 village_id=villages[0], persons="村民代表5人", headcount=5,
                                                 matter_ids=tuple(open_claims[:1])))
        for person in persons:
            kp.list_key_person(uow, person, officer_id=leaders[2].user_id, reason="多次赴县越级访", follow_up_days=3)
        kp.save_period(uow, name="县第十八届人大第六次会议", starts_on=date(2026, 11, 22), ends_on=date(2026, 11, 27))
    with ws.write(admin) as uow:
        october = sc.open_round(uow, date(2026, 10, 1))
        sc.add_conflict(uow, october.id, sc.NewConflict(
            date(2026, 10, 14), "钱某、村集体经济合作社", "集体收益分配纠纷", Risk.HIGH, "镇农经站吴站长",
            villages[2], measures="核对分配方案，召开村民代表会议", due_on=date(2026, 11, 30)))
    with ws.write(admin) as uow:
        rnd = sc.open_round(uow, date(2026, 11, 1))
        ids = [sc.add_conflict(uow, rnd.id, sc.NewConflict(
            date(2026, 11, 3 + i), parties, kind, risk, responsible, villages[village],
            summary=f"{kind}，双方争执不下", measures="入户调解，约请司法所参与", due_on=date(2026, 12, 15)))
            for i, (village, parties, kind, risk, responsible) in enumerate(CONFLICTS)]
        sc.set_status(uow, ids[4], ConflictStatus.RESOLVED, on=date(2026, 11, 20), note="双方签订调解协议")
        sc.set_status(uow, ids[1], ConflictStatus.IN_PROGRESS, on=date(2026, 11, 18))


def main() -> None:
    themed_app()
    with tempfile.TemporaryDirectory() as tmp:
        ws = demo_workspace(Path(tmp) / "data", 300)
        admin = authenticate(ws, "admin", PASSWORD)
        seed(ws, admin)
        window = open_main_window(ws, admin)
        window.resize(1366, 768)
        window.show()
        window.show_page("leader")
        page = window.page("leader")
        wait_for(lambda: page.desk is not None)
        QApplication.processEvents()
        window.grab().save(str(OUT / "leader.png"))
        window.show_page("screening")
        screening = window.page("screening")
        wait_for(lambda: screening.view is not None)
        QApplication.processEvents()
        window.grab().save(str(OUT / "screening.png"))
        window.ctx.runner.wait()
        window.close()
        ws.close()
    print(f"wrote {OUT / 'leader.png'} and {OUT / 'screening.png'}")


if __name__ == "__main__":
    main()
