"""The deadline board: live office clocks overdue, due within 3 days, within 4–7 days, per clock."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from app.domain.enums import Clock, MatterSource, MatterType, Role
from app.services import deadline_board as board, matter_steps as st
from app.services.matters import NewMatter, open_matter
from tests.support.matters import demo_workspace, direct_board_counts, register, step

D = date.fromisoformat
TODAY = D("2026-11-23")


def load(ws, actor) -> board.Board:
    with ws.read(actor) as uow:
        return board.load_board(uow)


def attention(ws, actor) -> bool:
    with ws.read(actor) as uow:
        return board.needs_attention(uow)


def test_an_empty_office_needs_no_attention(ws, admin):
    assert not attention(ws, admin)
    assert load(ws, admin).empty


def test_buckets_per_clock_most_urgent_first(ws, admin):
    overdue = register(ws, admin, "反映征地补偿", on=D("2026-11-02"), name="张三")  # decision due 11-17
    soon = register(ws, admin, "反映拖欠工资", on=D("2026-11-10"), name="李四")  # due 11-25
    week = register(ws, admin, "反映拆迁安置", on=D("2026-11-15"), name="王五")  # due 11-30
    later = register(ws, admin, "反映路灯不亮", on=D("2026-11-20"), name="赵六")  # due 12-05: not on the board
    handled = register(ws, admin, "反映低保", on=D("2026-08-01"), name="孙七")
    step(ws, admin, handled, st.Accept(on=D("2026-08-03")))  # 10-02 is in the National Day holiday: 10-08
    declined = register(ws, admin, "反映噪声", on=D("2026-11-01"), name="周八")
    step(ws, admin, declined, st.Decline(on=D("2026-11-02"), reason="重复"))  # met: never on the board
    with ws.write(admin) as uow:
        assigned = open_matter(uow, NewMatter(
            title="上级交办：宅基地纠纷", matter_type=MatterType.CLAIM, subject_code="0302",
            registered_on=D("2026-11-19"), source=MatterSource.ASSIGNED_DOWN, assigned_by="某某县信访局",
            assigned_due_on=D("2026-11-26"))).id
    b = load(ws, admin)
    assert attention(ws, admin)
    assert [(e.matter_id, e.clock, e.bucket) for e in b.entries] == [
        (handled, Clock.HANDLING, board.Bucket.OVERDUE),
        (overdue, Clock.DECISION, board.Bucket.OVERDUE),
        (soon, Clock.DECISION, board.Bucket.SOON),
        (assigned, Clock.OBJECTION, board.Bucket.SOON),  # 5 working days from Thursday 11-19: 11-26
        (assigned, Clock.ASSIGNED_RESULT, board.Bucket.SOON),
        (week, Clock.DECISION, board.Bucket.WEEK),
    ]
    assert later not in {e.matter_id for e in b.entries}
    first = b.entries[0]
    assert (first.clock_label, first.due_on, first.days_left, first.state_label, first.petitioners) == (
        "办理答复期限", D("2026-10-08"), -46, "已受理", ("孙七",))
    assert (b.count(board.Bucket.OVERDUE), b.count(board.Bucket.SOON), b.count(board.Bucket.WEEK)) == (2, 3, 1)
    assert b.counts() == {
        Clock.DECISION: Counter({board.Bucket.OVERDUE: 1, board.Bucket.SOON: 1, board.Bucket.WEEK: 1}),
        Clock.OBJECTION: Counter({board.Bucket.SOON: 1}),
        Clock.HANDLING: Counter({board.Bucket.OVERDUE: 1}),
        Clock.ASSIGNED_RESULT: Counter({board.Bucket.SOON: 1}),
    }
    step(ws, admin, overdue, st.Accept(on=TODAY))  # the decision is met: it leaves the board
    assert overdue not in {e.matter_id for e in load(ws, admin).entries}


def test_the_bucket_edges(ws, admin):
    assert [board.bucket_of(d) for d in (-1, 0, 3, 4, 7, 8)] == [
        board.Bucket.OVERDUE, board.Bucket.SOON, board.Bucket.SOON, board.Bucket.WEEK, board.Bucket.WEEK, None]


def test_accusations_appear_masked_for_roles_that_may_not_read_them(ws, actors):
    register(ws, actors[Role.ADMIN], "举报村干部", on=D("2026-11-02"), matter_type=MatterType.ACCUSATION,
             subject="1103")
    entry = load(ws, actors[Role.RECEPTIONIST]).entries[0]
    assert entry.title == "（检举人信息保密）" and entry.petitioners == ("（检举人信息保密）",)
    assert load(ws, actors[Role.LEADER]).entries[0].title == "举报村干部"


@pytest.fixture
def demo(template_dir, tmp_path_factory, tmp_path, clock):
    workspace = demo_workspace(template_dir, tmp_path_factory.getbasetemp(), tmp_path / "demo", clock)
    yield workspace
    workspace.close()


def test_the_board_on_demo_data_matches_a_direct_count(demo):
    admin = demo.system_actor()
    b = load(demo, admin)
    expected = direct_board_counts(demo, TODAY)
    assert sum(expected.values()) > 0 and attention(demo, admin)
    assert Counter((e.clock.value, e.bucket.value) for e in b.entries) == expected
    assert all(e.due_on - TODAY == timedelta(days=e.days_left) for e in b.entries)
    assert [e.due_on for e in b.entries] == sorted(e.due_on for e in b.entries)


def test_a_matter_assigned_out_waits_for_the_units_report_on_the_board(ws, admin):
    late = register(ws, admin, "反映排水沟堵塞", on=D("2026-09-01"), name="吴九")
    step(ws, admin, late, st.Assign(on=D("2026-09-02"), to="城建办"))  # 60 days: Sun 1 Nov -> Mon 2 Nov
    answered = register(ws, admin, "反映路面破损", on=D("2026-09-01"), name="郑十")
    step(ws, admin, answered, st.Assign(on=D("2026-09-02"), to="城建办"))
    step(ws, admin, answered, st.ReceiveReport(on=D("2026-10-20"), summary="已修复"))
    forwarded = register(ws, admin, "反映养老保险", on=D("2026-09-01"), name="冯十一")
    step(ws, admin, forwarded, st.Forward(on=D("2026-09-02"), to="县人社局"))  # 转送: no report owed
    b = load(ws, admin)
    assert [(e.matter_id, e.clock, e.clock_label, e.due_on, e.bucket) for e in b.entries] == [
        (late, Clock.ASSIGNMENT_REPORT, "交办报告期限", D("2026-11-02"), board.Bucket.OVERDUE)]
    assert b.counts() == {Clock.ASSIGNMENT_REPORT: Counter({board.Bucket.OVERDUE: 1})}
