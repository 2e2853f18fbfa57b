"""台账 of dispute screening and of leader receptions: real .xlsx files read back with openpyxl."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl

from app.domain.enums import Role
from app.domain.leader_work import ConflictStatus, ReceptionKind, Risk
from app.excel.leader_ledgers import export_reception_records, export_screening_ledger
from app.services import leader_receptions as lr, screening as sc
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
