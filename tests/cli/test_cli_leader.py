"""``xinfang leader ...`` on a real data folder: the 公示表 PDF, the backlog rule, figures, the ledgers."""

from __future__ import annotations

import json
from datetime import date, datetime

import openpyxl

from app.cli.main import run
from app.domain.enums import Role
from app.domain.leader_work import Risk
from app.services import case_ownership as co, key_persons as kp, leader_receptions as lr, screening as sc
from app.services import village_work as vw
from db.models import Matter
from tests.support.matters import register, village_id

D = date.fromisoformat


def test_leader_commands(ws, actors, admin, clock, tmp_path, capsys):
    clerk, leader = actors[Role.RECEPTIONIST], actors[Role.LEADER]
    clock.now = datetime(2025, 3, 3, 9, 0)
    old = register(ws, admin, "反映宅基地确权", on=D("2025-03-03"))
    clock.now = datetime(2026, 11, 23, 10, 0)
    with ws.write(clerk) as uow:
        lr.add_slot(uow, lr.NewSlot(leader.user_id, D("2026-11-25"), "上午", "镇信访接待室"))
        lr.publish(uow, D("2026-11-23"), D("2026-11-30"))
        rnd = sc.open_round(uow, D("2026-11-01"))
        sc.add_conflict(uow, rnd.id, sc.NewConflict(D("2026-11-20"), "甲、乙", "邻里纠纷", Risk.MEDIUM, "主任"))
    folder = ["--data-dir", str(ws.data_dir)]
    pdf = tmp_path / "schedule.pdf"
    assert run(["leader", "schedule", "month", "2026-11", "-o", str(pdf), *folder]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    same = tmp_path / "notice.pdf"  # the same 公示表 among the notices: xinfang notice reception-schedule
    assert run(["notice", "reception-schedule", "month", "2026-11", "-o", str(same), *folder]) == 0
    assert same.read_bytes().startswith(b"%PDF") and "公示表" in capsys.readouterr().out
    assert run(["leader", "schedule", "month", "2026-12", "-o", str(pdf), *folder]) == 2
    assert "没有已公示的接访安排" in capsys.readouterr().err
    assert run(["leader", "backlog-rule", *folder]) == 0
    assert "新标记 1 件" in capsys.readouterr().out
    with ws.read(admin) as uow:
        assert uow.session.get(Matter, old).is_backlog
    assert run(["leader", "figures", "month", "2026-11", *folder]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["screened"] == {"high": 0, "medium": 1, "low": 0}
    assert figures["cases"]["resolution"] == {"numerator": 0, "denominator": 0}
    assert set(figures["key_persons"]) == {"listed", "new", "follow_ups", "overdue"}
    ledger = tmp_path / "screening.xlsx"
    assert run(["leader", "screening-ledger", "--month", "2026-11", "-o", str(ledger), *folder]) == 0
    assert ledger.stat().st_size > 0
    assert run(["leader", "screening-ledger", "--month", "2026-10", "-o", str(ledger), *folder]) == 2


def test_stability_ledger_commands(ws, actors, admin, clock, tmp_path, capsys):
    leader = actors[Role.LEADER]
    clock.now = datetime(2026, 11, 2, 9, 0)
    matter = register(ws, admin, "反映宅基地边界", name="赵六", title="宅基地边界纠纷")
    with ws.write(leader) as uow:
        co.assign_case(uow, matter, co.NewOwnership(leader.user_id, "司法所", "现场勘界", D("2026-11-30")))
    with ws.write(admin) as uow:
        person = uow.session.get(Matter, matter).petitioners[0].person_id
        kp.list_key_person(uow, person, officer_id=admin.user_id, reason="情绪激动")
        vw.record_village_reception(uow, vw.NewVillageReception(D("2026-11-02"), village_id(ws, "红旗村"), "村支书"))
        vw.order_proxy(uow, matter, on=D("2026-11-02"), request="请代办勘界")
    folder = ["--data-dir", str(ws.data_dir)]
    out = tmp_path / "ledger.xlsx"

    def first_row() -> tuple:  # type: ignore[type-arg]
        return next(openpyxl.load_workbook(out).active.iter_rows(min_row=4, values_only=True))

    assert run(["leader", "case-ledger", "-o", str(out), *folder]) == 0
    assert "领导包案台账 1 件" in capsys.readouterr().out and first_row()[2:5] == ("宅基地边界纠纷", "赵六", leader.display_name)
    assert run(["leader", "key-person-ledger", "-o", str(out), *folder]) == 0
    assert "重点人员台账 1 人" in capsys.readouterr().out and first_row()[1] == "赵六"
    assert run(["leader", "village-ledger", "--from", "2026-11-01", "--to", "2026-11-30", "-o", str(out), *folder]) == 0
    assert "村级接访台账 1 条" in capsys.readouterr().out and first_row()[2:4] == ("红旗村", "村支书")
    assert run(["leader", "proxy-ledger", "--from", "2026-11-01", "--to", "2026-11-30", "-o", str(out), *folder]) == 0
    assert "信访代办台账 1 件" in capsys.readouterr().out and first_row()[2:5] == ("宅基地边界纠纷", "赵六", "请代办勘界")
    assert run(["leader", "village-ledger", "--from", "2026-11-31", "--to", "2026-11-30", "-o", str(out), *folder]) == 2
