"""Three townships with demo data, several rounds of edits and packages, one county hub (SQLite and
PostgreSQL): the county holds exactly each township's rows (leader and stability work and replies to
the county's supervision notes included), and its figures are the townships' sum."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.enums import Channel, MatterType, OfficeLevel
from app.services.check import run_checks
from app.services.contacts import NewContact, register_contact
from app.services.demo import load_demo
from app.services.person_merge import merge_persons
from app.services.persons import PersonInput, create_person, update_person
from app.services.offices import OfficeInfo, office_info
from app.services.workspace import Workspace
from app.services.matter_oversight import NewSupervision, add_supervision, due_supervisions, reply_supervision
from app.statistics import compute_figures, periods
from app.statistics.leader_work import LeaderWorkFigures, leader_work_figures
from app.sync.county import county_figures, county_leader_work
from app.sync.import_queue import import_packages
from db.models import Matter, Office, Person, SupervisionReply
from tests.conftest import Clock
from tests.sync.conftest import enrol, make_office
from tests.sync.exchange_support import count, owned_rows, receive, send
from tests.sync.stability_work import do_stability_work
from tests.sync.test_exchange import hub  # noqa: F401  (the county hub fixture, both back ends)

TOWNSHIPS = (("某某镇", "330106101000"), ("东山乡", "330106102000"), ("西河街道", "330106103000"))
CONTACTS = 70  # per township: a few hundred in all
YEARS = (periods.year(2025), periods.year(2026))


@pytest.fixture(scope="module")
def demo_townships(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folders = []
    for seed, (name, code) in enumerate(TOWNSHIPS, start=1):
        folder = tmp_path_factory.mktemp(f"demo-{code}")
        ws = make_office(folder, f"某某县{name}人民政府", code, OfficeLevel.TOWNSHIP)
        load_demo(ws, ws.system_actor(), seed=seed, contacts=CONTACTS)
        ws.close()
        folders.append(folder)
    return folders


@pytest.fixture
def townships(demo_townships: list[Path], tmp_path: Path) -> Iterator[list[Workspace]]:
    opened = []
    for folder in demo_townships:
        shutil.copytree(folder, tmp_path / folder.name)
        opened.append(Workspace.open(tmp_path / folder.name, clock=Clock()))
    yield opened
    for ws in opened:
        ws.close()


def _edit_round(ws: Workspace, round_no: int) -> None:
    """A day's work: a new visit, a corrected archive, a duplicate archive merged away."""
    actor = ws.system_actor()
    with ws.write(actor) as uow:
        register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=datetime.combine(date(2026, 11, 20 + round_no), time(9)),
            content=f"第 {round_no} 轮：反映小区停车位不足", persons=(PersonInput(name="周敏"),),
            subject_code="0101", matter_type=MatterType.CLAIM, title="", new_matter=True, new_matter_reason="测试"))
    with ws.write(actor) as uow:
        first = uow.session.scalars(select(Person).where(Person.merged_into_id.is_(None))
                                    .order_by(Person.created_at, Person.id)).first()
        assert first is not None
        update_person(uow, first.id, PersonInput(name=first.name, id_number=first.id_number or "",
                                                 address=f"更正的住址 {round_no}"))
        a = create_person(uow, PersonInput(name="吴静"))
        b = create_person(uow, PersonInput(name="吴静"))
    with ws.write(actor) as uow:
        merge_persons(uow, a, b, "重复建档")
    do_stability_work(ws, round_no)
    with ws.write(actor) as uow:  # the county's notes that came down are answered
        for due in due_supervisions(uow, 365):
            reply_supervision(uow, due.supervision_id, uow.today(), f"第 {round_no} 轮：已约谈，正在办理")


def _supervise_each_township(county: Workspace, round_no: int) -> None:
    """The county presses one matter of every township (the latest it received)."""
    with county.write(county.system_actor()) as uow:
        townships = uow.session.scalars(select(Office.id).where(Office.level == "township")).all()
        for office_id in townships:
            matter = uow.session.scalars(select(Matter).where(Matter.office_id == office_id)
                                         .order_by(Matter.registered_on.desc(), Matter.number.desc())).first()
            add_supervision(uow, matter.id, NewSupervision(
                source="upper", supervisor="县信访局", request=f"第 {round_no} 轮督办：请加快办理",
                issued_on=max(matter.registered_on, uow.today() - timedelta(days=1)),
                due_on=uow.today() + timedelta(days=5)))


def test_three_townships_several_rounds_one_county(hub, townships, tmp_path):  # noqa: F811
    county = hub
    for ws in townships:
        enrol(county, ws)
    for round_no in range(1, 4):
        # The county takes the whole round at once: on PostgreSQL the townships side by side.
        packages = [send(ws, tmp_path / f"round{round_no}" / str(i))[0].path for i, ws in enumerate(townships)]
        reports = import_packages(county, county.system_actor(), packages)
        assert [(r.file, r.status) for r in reports] == [(p.name, "imported") for p in packages]
        _supervise_each_township(county, round_no)
        for back in send(county, tmp_path / f"return{round_no}"):
            receive(next(w for w in townships if _office(w).division_code == back.receiver), back.path)
        for ws in townships:
            _edit_round(ws, round_no)
    # The last edits travel too; by now each package carries only what changed since the last ack.
    final = [send(ws, tmp_path / "final" / str(i))[0] for i, ws in enumerate(townships)]
    assert [package.rows["contact"] for package in final] == [2, 2, 2]  # the day's visit and the leader work's
    import_packages(county, county.system_actor(), [package.path for package in final])
    with county.read(county.system_actor()) as uow:
        assert [f for f in run_checks(county, uow) if f.code.startswith("audit")] == []

    for ws in townships:
        office_id = ws.local_office_id()
        assert owned_rows(county, office_id) == owned_rows(ws, office_id)
        assert count(county, SupervisionReply, SupervisionReply.office_id == office_id) == 3  # one per round

    with county.read(county.system_actor()) as uow:
        at_county = {period: county_figures(uow, period) for period in YEARS}
    for period in YEARS:
        own = []
        for ws in townships:
            with ws.read(ws.system_actor()) as uow:
                own.append((_office(ws).short_name, compute_figures(uow, period).flat()))
        for name, figures in own:
            assert at_county[period][name].flat() == figures
        whole = at_county[period]["全县"].flat()
        assert whole["totals.batches"] > 0
        for key, value in whole.items():
            assert value == sum(f.get(key, 0) for _, f in own), key
    _leader_work_adds_up(county, townships)


def _leader_work_adds_up(county: Workspace, townships: list[Workspace]) -> None:
    """The county's leader-work figures: each township's equal its own, the county's are their sum."""
    period = periods.year(2026)
    with county.read(county.system_actor()) as uow:
        at_county = county_leader_work(uow, period)
    own = []
    for ws in townships:
        with ws.read(ws.system_actor()) as uow:
            figures = leader_work_figures(uow, period)
        assert at_county[_office(ws).short_name] == figures
        own.append(_flat(figures))
    whole = _flat(at_county["全县"])
    # Three rounds of stability work per township, on top of the demo's own leader work.
    assert whole["village_receptions"] >= 3 * len(townships) and whole["receptions.appointment"] >= 9
    for key, value in whole.items():
        assert value == sum(f[key] for f in own), key


def _flat(figures: LeaderWorkFigures) -> dict[str, int]:
    flat = {"village_receptions": figures.village_receptions}
    for name in ("leader_contacts", "sensitive_skip_level"):
        count_ = getattr(figures, name)
        flat |= {f"{name}.batches": count_.batches, f"{name}.persons": count_.person_visits}
    for name in ("reception_resolution", "screened_settled"):
        ratio = getattr(figures, name)
        flat |= {f"{name}.num": ratio.numerator, f"{name}.den": ratio.denominator}
    flat |= {f"receptions.{k.value}": v for k, v in figures.receptions.items()}
    flat |= {f"screened.{k.value}": v for k, v in figures.screened.items()}
    return flat


def _office(ws: Workspace) -> OfficeInfo:
    with ws.read(ws.system_actor()) as uow:
        return office_info(uow)
