"""``xinfang leader ...`` on a real data folder: the 公示表 PDF, the backlog rule, figures, screening ledger."""

from __future__ import annotations

import json
from datetime import date, datetime

from app.cli.main import run
from app.domain.enums import Role
from app.domain.leader_work import Risk
from app.services import leader_receptions as lr, screening as sc
from db.models import Matter
from tests.support.matters import register

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
