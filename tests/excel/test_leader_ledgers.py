"""台账 of dispute screening, leader receptions, 包案, key persons and village receptions: real .xlsx files
read back with openpyxl."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
from sqlalchemy import select

from app.domain.enums import MatterType, Role, Satisfaction
from app.domain.leader_work import ConflictStatus, ReceptionKind, Risk
from app.excel.leader_ledgers import (export_case_ledger, export_key_person_ledger, export_reception_records,
                                     export_proxy_ledger, export_screening_ledger,
                                     export_village_reception_ledger)
from app.services import case_ownership as co, key_persons as kp, leader_receptions as lr, screening as sc
from app.services import village_work as vw
from app.services.matter_queries import MASKED
from db.models import Matter, MatterPetitioner, Person
from tests.support.matters import register, village_id

D = date.fromisoformat


def _rows(path: Path) -> list[tuple]:  # type: ignore[type-arg]
    return [tuple(r) for r in openpyxl.load_workbook(path).active.iter_rows(values_only=True)]


def test_screening_ledger_of_a_round(ws, actors, clock, tmp_path):
    clerk = actors[Role.RECEPTIONIST]
    clock.now = datetime(2026, 10, 10, 9, 0)
    with ws.write(clerk) as uow:
        october = sc.open_round(uow, D("2026-10-01"))
        sc.add_conflict(uow, october.id, sc.NewConflict(D("2026-10-09"), "甲、乙", "土地纠纷", Risk.HIGH, "主任",
                                                        village_id(ws, "东风村"), due_on=D("2026-11-30")))
    clock.now = datetime(2026, 11, 23, 10, 0)
    with ws.write(clerk) as uow:
        november = sc.open_round(uow, D("2026-11-01"))
        done = sc.add_conflict(uow, november.id, sc.NewConflict(D("2026-11-05"), "丙、丁", "邻里纠纷", Risk.LOW,
                                                                "调解员", summary="排水沟堵塞"))
        sc.set_status(uow, done, ConflictStatus.RESOLVED, on=D("2026-11-20"), note="已疏通")
    out = tmp_path / "screening.xlsx"
    with ws.read(clerk) as uow:
        result = export_screening_ledger(uow, november.id, out)
    rows = _rows(out)
    assert result.rows == 2 and rows[0][0] == "某某镇矛盾纠纷排查台账" and rows[1][0].startswith("2026年11月")
    assert rows[2][:6] == ("序号", "排查日期", "村（社区）", "当事人", "纠纷类型", "风险等级")
    assert rows[3][:6] == (1, datetime(2026, 10, 9), "东风村", "甲、乙", "土地纠纷", "高")
    assert rows[3][12] == "上月结转"
    assert (rows[4][5], rows[4][6], rows[4][10], rows[4][11]) == ("低", "排水沟堵塞", "已化解", datetime(2026, 11, 20))


def test_reception_records_ledger(ws, actors, admin, tmp_path):
    clerk, leader = actors[Role.RECEPTIONIST], actors[Role.LEADER]
    matter = register(ws, admin, "反映灌溉水渠堵塞", on=D("2026-11-02"))
    with ws.write(clerk) as uow:
        lr.record_reception(uow, lr.NewReception(ReceptionKind.VILLAGE_VISIT, D("2026-11-20"), leader.user_id,
                                                 village_id=village_id(ws, "红旗村"), persons="村民代表",
                                                 headcount=6, matter_ids=(matter,), note="现场查看水渠"))
    out = tmp_path / "receptions.xlsx"
    with ws.read(clerk) as uow:
        result = export_reception_records(uow, D("2026-11-01"), D("2026-11-30"), out)
    rows = _rows(out)
    assert result.rows == 1 and rows[0][0] == "某某镇领导接访下访约访台账"
    assert rows[3] == (1, datetime(2026, 11, 20), "下访", leader.display_name, None, "红旗村", "村民代表", 0, 6, 1,
                       "现场查看水渠")


def _petitioner(ws, matter):  # type: ignore[no-untyped-def]
    with ws.database.read() as session:
        return session.scalars(select(MatterPetitioner.person_id).where(MatterPetitioner.matter_id == matter)).one()


def _number(ws, matter):  # type: ignore[no-untyped-def]
    with ws.database.read() as session:
        return session.get(Matter, matter).number


def test_case_ledger_states_and_accusation_secrecy(ws, actors, admin, clock, tmp_path):
    leader, clerk = actors[Role.LEADER], actors[Role.RECEPTIONIST]
    clock.now = datetime(2026, 11, 2, 9, 0)
    claim = register(ws, admin, "反映灌溉水渠堵塞", name="王五", title="灌溉水渠堵塞")
    late = register(ws, admin, "反映宅基地边界", name="赵六", title="宅基地边界纠纷")
    secret = register(ws, admin, "检举村干部挪用补助", name="钱七", title="检举挪用补助",
                      matter_type=MatterType.ACCUSATION)
    with ws.write(leader) as uow:
        settled = co.assign_case(uow, claim, co.NewOwnership(leader.user_id, "经办人李某", "约谈施工方", D("2026-11-30")))
        overdue = co.assign_case(uow, late, co.NewOwnership(leader.user_id, "司法所", "现场勘界", D("2026-11-10")))
        hidden = co.assign_case(uow, secret, co.NewOwnership(leader.user_id, "纪委", "核实挪用线索", D("2026-12-31")))
    clock.now = datetime(2026, 11, 20, 9, 0)
    with ws.write(leader) as uow:
        co.add_progress(uow, overdue, D("2026-11-05"), "已约双方")
        co.add_progress(uow, overdue, D("2026-11-15"), "勘界完成待签字")
        co.add_progress(uow, settled, D("2026-11-12"), "已清淤")
        co.add_progress(uow, hidden, D("2026-11-19"), "已调取挪用账目")
        co.settle_case(uow, settled, co.Settlement(D("2026-11-18"), "水渠疏通", Satisfaction.BASICALLY))
    out = tmp_path / "cases.xlsx"
    with ws.read(leader) as uow:
        result = export_case_ledger(uow, out)
    rows = _rows(out)
    assert result.rows == 3 and rows[0][0] == "某某镇领导包案台账" and rows[1][0].startswith("共 3 件")
    assert rows[2] == ("序号", "事项编号", "事项标题", "信访人", "包案领导", "包案人员", "化解措施", "包案日期", "化解时限",
                       "包案状态", "化解日期", "化解结果", "信访人评价", "最新进展")
    name = leader.display_name
    assert rows[3] == (1, _number(ws, late), "宅基地边界纠纷", "赵六", name, "司法所", "现场勘界", datetime(2026, 11, 2),
                       datetime(2026, 11, 10), "已超期", None, None, None, "2026-11-15 勘界完成待签字")
    assert rows[4] == (2, _number(ws, claim), "灌溉水渠堵塞", "王五", name, "经办人李某", "约谈施工方",
                       datetime(2026, 11, 2), datetime(2026, 11, 30), "已化解", datetime(2026, 11, 18), "水渠疏通",
                       "基本满意", "2026-11-12 已清淤")
    assert rows[5][:4] == (3, _number(ws, secret), "检举挪用补助", "钱七") and rows[5][9] == "化解中"
    assert (rows[5][6], rows[5][13]) == ("核实挪用线索", "2026-11-19 已调取挪用账目")
    with ws.read(clerk) as uow:  # a receptionist may not read 检举控告: title, accuser, measures, notes masked
        export_case_ledger(uow, out)
    masked = _rows(out)[5]
    assert masked[2:4] == (MASKED, MASKED) and (masked[5], masked[6]) == ("纪委", MASKED)
    assert masked[13] == f"2026-11-19 {MASKED}"
    assert "钱七" not in repr(_rows(out)) and "挪用" not in repr(_rows(out))


def test_key_person_ledger(ws, actors, admin, clock, tmp_path):
    clerk = actors[Role.RECEPTIONIST]
    clock.now = datetime(2026, 11, 2, 9, 0)
    quiet = _petitioner(ws, register(ws, admin, "反映低保", name="孙八"))
    with ws.write(admin) as uow:  # where the person lives (the key persons list groups by it)
        uow.session.get(Person, quiet).village_id = village_id(ws, "东风村")
    due = _petitioner(ws, register(ws, admin, "反映征地补偿", name="周九"))
    with ws.write(admin) as uow:
        kept = kp.list_key_person(uow, quiet, officer_id=admin.user_id, reason="多次越级上访", follow_up_days=30)
        kp.list_key_person(uow, due, officer_id=admin.user_id, reason="情绪激动", follow_up_days=7)
    clock.now = datetime(2026, 11, 20, 9, 0)
    with ws.write(admin) as uow:
        kp.log_follow_up(uow, kept, on=D("2026-11-05"), way="电话", note="情绪稳定")
        kp.log_follow_up(uow, kept, on=D("2026-11-19"), way="走访", note="已解释政策")
    out = tmp_path / "key.xlsx"
    with ws.read(clerk) as uow:
        result = export_key_person_ledger(uow, out)
    rows = _rows(out)
    assert result.rows == 2 and rows[0][0] == "某某镇重点人员台账"
    assert rows[2] == ("序号", "姓名", "村（社区）", "列为重点人员原因", "稳控责任人", "列入日期", "回访周期（天）",
                       "最近联系", "下次回访", "回访状态", "联系次数")
    assert rows[3] == (1, "周九", None, "情绪激动", admin.display_name, datetime(2026, 11, 2), 7, None,
                       datetime(2026, 11, 9), "已逾期", 0)
    assert rows[4] == (2, "孙八", "东风村", "多次越级上访", admin.display_name, datetime(2026, 11, 2), 30,
                       datetime(2026, 11, 19), datetime(2026, 12, 19), "正常", 2)


def test_village_reception_ledger(ws, actors, admin, clock, tmp_path):
    clock.now = datetime(2026, 11, 23, 9, 0)
    with ws.write(admin) as uow:
        vw.record_village_reception(uow, vw.NewVillageReception(
            D("2026-11-20"), village_id(ws, "红旗村"), "村支书、调解主任", contacts_registered=2, cases_discussed=1,
            screening_done=True, note="有访接访"))
        vw.record_village_reception(uow, vw.NewVillageReception(D("2026-11-13"), village_id(ws, "东风村"), "村主任"))
        vw.record_village_reception(uow, vw.NewVillageReception(D("2026-10-30"), village_id(ws, "东风村"), "村主任"))
    out = tmp_path / "village.xlsx"
    with ws.read(actors[Role.RECEPTIONIST]) as uow:
        result = export_village_reception_ledger(uow, D("2026-11-01"), D("2026-11-30"), out)
    rows = _rows(out)
    assert result.rows == 2 and rows[0][0] == "某某镇村级接访台账" and rows[1][0].startswith("2026-11-01 至 2026-11-30")
    assert rows[2] == ("序号", "日期", "村（社区）", "参加人员", "登记来访（人次）", "说案（件）", "开展排查", "接访情况")
    assert rows[3] == (1, datetime(2026, 11, 13), "东风村", "村主任", 0, 0, "否", None)
    assert rows[4] == (2, datetime(2026, 11, 20), "红旗村", "村支书、调解主任", 2, 1, "是", "有访接访")


def test_proxy_ledger_and_accusation_secrecy(ws, actors, admin, clock, tmp_path):
    clock.now = datetime(2026, 11, 2, 9, 0)
    open_one = register(ws, admin, "反映低保未发放", name="孙八", title="低保未发放")
    secret = register(ws, admin, "检举村会计虚报", name="钱七", title="检举虚报", matter_type=MatterType.ACCUSATION)
    clock.now = datetime(2026, 11, 20, 9, 0)
    with ws.write(admin) as uow:
        rated = vw.order_proxy(uow, secret, on=D("2026-11-03"), request="请代办核查虚报")
        vw.order_proxy(uow, open_one, on=D("2026-11-10"), request="请代办低保申请")
    with ws.write(admin) as uow:
        vw.dispatch_proxy(uow, rated, on=D("2026-11-04"), proxy_user_id=admin.user_id)
        vw.accept_proxy(uow, rated, on=D("2026-11-05"))
        vw.rate_proxy(uow, rated, on=D("2026-11-18"), rating=Satisfaction.SATISFIED)
    out = tmp_path / "proxies.xlsx"
    with ws.read(admin) as uow:
        result = export_proxy_ledger(uow, D("2026-11-01"), D("2026-11-30"), out)
    rows = _rows(out)
    assert result.rows == 2 and rows[0][0] == "某某镇信访代办台账" and rows[1][0].startswith("2026-11-01 至 2026-11-30")
    assert rows[2] == ("序号", "事项编号", "事项标题", "信访人", "代办诉求", "点单日期", "代办员", "派单日期", "接单日期",
                       "评单日期", "评价", "进度")
    assert rows[3] == (1, _number(ws, secret), "检举虚报", "钱七", "请代办核查虚报", datetime(2026, 11, 3),
                       admin.display_name, datetime(2026, 11, 4), datetime(2026, 11, 5), datetime(2026, 11, 18),
                       "满意", "已评单")
    assert rows[4] == (2, _number(ws, open_one), "低保未发放", "孙八", "请代办低保申请", datetime(2026, 11, 10),
                       None, None, None, None, None, "已点单")
    with ws.read(actors[Role.RECEPTIONIST]) as uow:  # may not read 检举控告: matter, accuser and request masked
        export_proxy_ledger(uow, D("2026-11-01"), D("2026-11-30"), out)
    rows = _rows(out)
    assert rows[3][2:5] == (MASKED, MASKED, MASKED) and rows[4][2:5] == ("低保未发放", "孙八", "请代办低保申请")
    assert "钱七" not in repr(rows) and "虚报" not in repr(rows)
