"""An old ledger's matters: closed historical matters where it records a closing date, the rest flagged for
review — never a decision clock from years ago, so never a false overdue alarm."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.excel.ledger_import import ImportOptions, import_ledger
from app.services import check, deadline_board, matter_steps as st, matters
from app.services.listing import unpack_ids
from app.services.matter_list import MatterFilter, matter_list_ids
from app.services.workspace import Workspace
from db.models import Matter, MatterDeadline, MatterEvent
from tests.excel import ugly_ledgers as U

D = date.fromisoformat


def imported(ws: Workspace, admin, tmp_path: Path):  # type: ignore[no-untyped-def]
    ledger = U.with_outcomes(tmp_path / "2023年台账.xlsx")
    with ws.write(admin) as uow:
        return import_ledger(uow, ledger, ImportOptions())


def by_title(ws: Workspace) -> dict[str, Matter]:
    with ws.database.read() as session:
        rows = session.scalars(select(Matter)).all()
        for m in rows:
            session.expunge(m)
        return {m.title: m for m in rows}


def test_ledger_outcomes_become_closed_or_flagged_matters(ws: Workspace, admin, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = imported(ws, admin, tmp_path)
    assert (result.contacts_created, result.matters_created) == (7, 6)
    assert (result.matters_closed, result.matters_to_review) == (3, 3)
    warned = {w.row: w.reason for w in result.warnings}
    assert "办结日期" in warned[6] and "不详" in warned[6]
    assert "早于来访日期" in warned[7]
    m = by_title(ws)
    states = {t: (x.state, x.closed_on, x.historical, x.needs_review) for t, x in m.items()}
    assert states == {
        "邻里宅基地纠纷": ("closed", D("2023-04-20"), True, False),
        "低保申请": ("closed", D("2023-06-01"), True, False),
        "承包地被占": ("closed", D("2023-09-30"), True, False),  # closed by the later row
        "排水沟堵塞": ("registered", None, True, True),
        "路灯不亮": ("registered", None, True, True),
        "噪声扰民": ("registered", None, True, True),
    }
    with ws.database.read() as session:
        # No statutory clock for any of them: the office did not run their road in this program.
        assert session.scalars(select(MatterDeadline)).all() == []
        road = session.execute(select(MatterEvent.action, MatterEvent.from_state, MatterEvent.to_state,
                                      MatterEvent.occurred_on, MatterEvent.data)
                               .where(MatterEvent.matter_id == m["邻里宅基地纠纷"].id).order_by(MatterEvent.seq)).all()
    assert [tuple(r[:4]) for r in road] == [("register", None, "registered", D("2023-03-05")),
                                            ("import_ledger", "registered", "closed", D("2023-04-20"))]
    assert road[1].data == {"source": "2023年台账.xlsx 第 2 行", "result": "已调解解决", "needs_review": False}

    with ws.read(admin) as uow:
        board = deadline_board.load_board(uow)
        assert deadline_board.needs_attention(uow)
        flagged = set(unpack_ids(matter_list_ids(uow, MatterFilter(to_review=True))))
    assert board.entries == () and board.to_review == 3
    assert flagged == {m[t].id for t in ("排水沟堵塞", "路灯不亮", "噪声扰民")}
    with ws.read(admin) as uow:
        findings = check.run_checks(ws, uow)
    assert [f.code for f in findings if f.severity is check.Severity.ERROR] == []
    assert any(f.code == "ledger_review" and "3 件" in f.message for f in findings)


def test_a_clerk_taking_up_a_flagged_matter_starts_only_the_new_clocks(ws: Workspace, admin, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    imported(ws, admin, tmp_path)
    mid = by_title(ws)["排水沟堵塞"].id
    with ws.write(admin) as uow:
        matters.perform(uow, mid, st.Accept(on=D("2026-11-20")))
    m = by_title(ws)["排水沟堵塞"]
    assert (m.state, m.needs_review, m.historical) == ("accepted", False, True)
    with ws.database.read() as session:
        clocks = {d.clock: (d.starts_on, d.due_on) for d in session.scalars(
            select(MatterDeadline).where(MatterDeadline.matter_id == mid))}
    # Fri 20 Nov + 60 = Tue 19 Jan 2027; no decision clock from July 2023.
    assert clocks == {"handling": (D("2026-11-20"), D("2027-01-19"))}
    with ws.read(admin) as uow:
        assert deadline_board.load_board(uow).to_review == 2


def test_importing_twice_changes_nothing(ws: Workspace, admin, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    imported(ws, admin, tmp_path)
    again = imported(ws, admin, tmp_path)
    assert (again.contacts_created, again.matters_closed, again.matters_to_review) == (0, 0, 0)
    assert len(by_title(ws)) == 6
