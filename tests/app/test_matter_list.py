"""The matter list: ids for every filter (in SQL, packed), the sort orders, and the page of rows."""

from __future__ import annotations

import uuid
from datetime import date
from types import SimpleNamespace

import pytest

from app.domain.enums import MatterState, MatterType, Role
from app.services import matter_list as ml, matter_oversight as ov, matter_steps as st
from app.services.listing import unpack_ids
from tests.support.matters import add_unit, register, step, village_id

D = date.fromisoformat


@pytest.fixture
def sample(ws, admin) -> SimpleNamespace:
    """Six matters on 2026-11-23 (the test clock): overdue, soon, this week, handled, old, declined."""
    east, red = village_id(ws, "东风村"), village_id(ws, "红旗村")
    unit = add_unit(ws, admin, "城建办")
    s = SimpleNamespace(unit=unit, east=east, red=red)
    s.overdue = register(ws, admin, "反映征地补偿款未发放", on=D("2026-11-02"), village=east, name="张三")
    s.soon = register(ws, admin, "反映拖欠工资", on=D("2026-11-10"), subject="0201", village=red, name="李四")
    s.week = register(ws, admin, "反映拆迁安置不到位", on=D("2026-11-15"), subject="0102", name="王五")
    s.handled = register(ws, admin, "建议修建村道", on=D("2026-11-20"), subject="1001",
                         matter_type=MatterType.SUGGESTION, name="赵六")
    step(ws, admin, s.handled, st.Accept(on=D("2026-11-20")),
         st.Dispatch(on=D("2026-11-21"), responsible_unit_id=unit))
    s.old = register(ws, admin, "反映宅基地纠纷", on=D("2025-06-02"), subject="0302", name="孙七")
    step(ws, admin, s.old, st.Accept(on=D("2025-06-03")))
    s.declined = register(ws, admin, "举报村干部作风问题", on=D("2026-11-03"), subject="1103",
                          matter_type=MatterType.ACCUSATION, name="周八")
    step(ws, admin, s.declined, st.Decline(on=D("2026-11-04"), reason="已在办理中"))
    with ws.write(admin) as uow:
        ov.set_case_leader(uow, s.handled, "李镇长")
    return s


def ids(ws, actor, **spec) -> list[uuid.UUID]:
    with ws.read(actor) as uow:
        return unpack_ids(ml.matter_list_ids(uow, ml.MatterFilter(**spec)))


def test_the_whole_list_is_newest_first_and_sorts_in_sql(ws, admin, sample):
    s = sample
    assert ids(ws, admin) == [s.handled, s.week, s.soon, s.declined, s.overdue, s.old]
    assert ids(ws, admin, sort=ml.MatterSort.OLDEST) == [s.old, s.overdue, s.declined, s.soon, s.week, s.handled]
    # Nearest office deadline first: the year-old handling clock, then the decision clocks; none last.
    assert ids(ws, admin, sort=ml.MatterSort.DEADLINE) == [s.old, s.overdue, s.soon, s.week, s.handled, s.declined]


@pytest.mark.parametrize("spec, expected", [
    ({"state": MatterState.REGISTERED}, ["week", "soon", "overdue"]),
    ({"state": MatterState.DECLINED}, ["declined"]),
    ({"open_only": True}, ["handled", "week", "soon", "overdue", "old"]),
    ({"matter_type": MatterType.SUGGESTION}, ["handled"]),
    ({"subject_code": "01"}, ["week", "overdue"]),  # a first-level code takes its children
    ({"subject_code": "0102"}, ["week"]),
    ({"due": ml.DueFilter.OVERDUE}, ["overdue", "old"]),
    ({"due": ml.DueFilter.SOON}, ["soon"]),
    ({"due": ml.DueFilter.WEEK}, ["week", "soon"]),
    ({"backlog": True}, ["old"]),
    ({"case_leader": "李镇长"}, ["handled"]),
    ({"text": "拆迁"}, ["week"]),
    ({"text": "反映 补偿款"}, ["overdue"]),
    ({"text": "反映", "due": ml.DueFilter.OVERDUE}, ["overdue", "old"]),
    ({"open_only": True, "matter_type": MatterType.CLAIM, "subject_code": "02"}, ["soon"]),
])
def test_each_filter_and_their_combinations(ws, admin, sample, spec, expected):
    assert ids(ws, admin, **spec) == [getattr(sample, name) for name in expected]


def test_village_and_responsible_unit_filters(ws, admin, sample):
    s = sample
    assert ids(ws, admin, village_id=s.east) == [s.overdue]
    assert ids(ws, admin, village_id=s.red) == [s.soon]
    assert ids(ws, admin, responsible_unit_id=s.unit) == [s.handled]


def test_rows_carry_what_the_list_shows_with_the_nearest_office_clock(ws, admin, sample):
    s = sample
    with ws.read(admin) as uow:
        rows = ml.matter_rows(uow, [s.overdue, s.soon, s.week, s.handled, s.declined])
    overdue = rows[s.overdue]
    assert (overdue.state, overdue.village, overdue.petitioners, overdue.subject) == (
        MatterState.REGISTERED, "东风村", ("张三",), "城乡建设/征地拆迁")
    assert (overdue.next_clock.label, overdue.next_clock.days_left, overdue.urgency) == ("受理告知期限", -6, "overdue")
    assert (rows[s.soon].next_clock.days_left, rows[s.soon].urgency) == (2, "soon")
    assert rows[s.week].urgency == "week" and 4 <= rows[s.week].next_clock.days_left <= 7
    handled = rows[s.handled]
    assert (handled.responsible_unit, handled.case_leader, handled.state_label) == ("城建办", "李镇长", "办理中")
    assert handled.next_clock.label == "办理答复期限" and handled.urgency is None
    assert rows[s.declined].next_clock is None and rows[s.declined].urgency is None


def test_accusation_rows_are_masked_for_roles_that_may_not_read_them(ws, actors, sample):
    with ws.read(actors[Role.RECEPTIONIST]) as uow:
        row = ml.matter_rows(uow, [sample.declined])[sample.declined]
    assert row.title == "（检举人信息保密）" and row.petitioners == ("（检举人信息保密）",)
    with ws.read(actors[Role.LEADER]) as uow:
        assert ml.matter_rows(uow, [sample.declined])[sample.declined].title == "举报村干部作风问题"
    assert ids(ws, actors[Role.RECEPTIONIST], text="作风问题") == []
    assert ids(ws, actors[Role.LEADER], text="作风问题") == [sample.declined]


@pytest.mark.parametrize("sort", [ml.MatterSort.NEWEST, ml.MatterSort.OLDEST, ml.MatterSort.DEADLINE])
@pytest.mark.parametrize("text", ["反", "反映", "村", "不存"])
def test_the_first_screenful_of_a_short_word_is_the_head_of_the_whole_list(ws, admin, sample, sort, text):
    spec = ml.MatterFilter(text=text, sort=sort)
    with ws.read(admin) as uow:
        whole = unpack_ids(ml.matter_list_ids(uow, spec))
        for limit in (1, 2, 3, 10):
            assert unpack_ids(ml.matter_list_ids(uow, spec, limit=limit)) == whole[:limit]


def test_a_page_is_at_most_one_hundred_rows(ws, admin):
    with ws.read(admin) as uow, pytest.raises(ValueError):
        ml.matter_rows(uow, [uuid.uuid4() for _ in range(101)])
    with ws.read(admin) as uow:
        assert ml.matter_rows(uow, []) == {}


def test_filter_options_list_subjects_villages_units_and_leaders(ws, admin, sample):
    with ws.read(admin) as uow:
        options = ml.filter_options(uow)
    assert ("01", "城乡建设", True) in options.subjects and ("0101", "征地拆迁", False) in options.subjects
    assert [n for _i, n in options.villages] == sorted(n for _i, n in options.villages)
    assert "城建办" in [n for _i, n in options.units]
    assert options.leaders == ("李镇长",)


def test_a_slow_filter_is_one_with_a_short_full_text_word(ws, admin):
    with ws.read(admin) as uow:
        assert ml.is_slow(uow, ml.MatterFilter(text="拆"))
        assert not ml.is_slow(uow, ml.MatterFilter(text="拆迁安置"))
        assert not ml.is_slow(uow, ml.MatterFilter(state=MatterState.REGISTERED))


@pytest.mark.postgres
def test_the_list_on_postgresql(postgres_url, tmp_path):
    from app.services.offices import initialise
    from app.services.workspace import Workspace
    from tests.db.conftest import SETUP, fixed_clock

    ws = Workspace.open(tmp_path / "data", postgres_url, clock=fixed_clock)
    try:
        initialise(ws, SETUP)
        admin = ws.system_actor()
        overdue = register(ws, admin, "反映征地补偿款未发放", on=D("2026-11-02"), name="张三")
        fresh = register(ws, admin, "反映拖欠工资", on=D("2026-11-20"), subject="0201", name="李四")
        assert ids(ws, admin) == [fresh, overdue]
        assert ids(ws, admin, due=ml.DueFilter.OVERDUE) == [overdue]
        assert ids(ws, admin, text="工资") == [fresh]
        assert ids(ws, admin, text="补偿款") == [overdue]
        assert ids(ws, admin, sort=ml.MatterSort.DEADLINE) == [overdue, fresh]
        with ws.read(admin) as uow:
            assert ml.matter_list_ids(uow, ml.MatterFilter(), limit=1) == fresh.bytes
            # A short word's first screenful is tested matter by matter (ILIKE on PostgreSQL).
            assert ml.matter_list_ids(uow, ml.MatterFilter(text="反映"), limit=1) == fresh.bytes
            assert ml.matter_list_ids(uow, ml.MatterFilter(text="补偿"), limit=5) == overdue.bytes
            assert ml.matter_rows(uow, [overdue])[overdue].urgency == "overdue"
    finally:
        ws.close()
