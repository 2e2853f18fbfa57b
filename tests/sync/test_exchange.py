"""Township → county → township exchanges on real databases: the county hub on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.enums import MatterSource, MatterType
from app.errors import PackageRejected
from app.services.matter_oversight import NewSupervision, add_supervision
from app.services.person_merge import merge_persons
from app.services.persons import PersonInput, create_person
from app.services.workspace import Workspace
from app.sync.conflicts import open_conflicts, resolve
from app.sync.county import assignment_progress, cross_township_persons
from app.sync.envelope import write_package
from app.sync.exporting import pending_changes
from app.sync.links import partner_links
from db.models import (
    Assignment, Contact, Matter, MatterPetitioner, Person, Supervision, SyncConflict, SyncImport, SyncLink,
    SyncSent,
)
from db.row_codec import TableCodec
from tests.support.ids import valid_id
from tests.support.matters import register
from tests.sync.conftest import enrol, partner
from tests.sync.exchange_support import count, county_on, owned_rows, receive, send

BACKENDS = [pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path: Path, county_template: Path) -> Iterator[Workspace]:
    """The county hub, enrolled with nobody yet."""
    if request.param == "sqlite":
        import shutil

        shutil.copytree(county_template, tmp_path / "hub")
        from tests.conftest import Clock

        ws = Workspace.open(tmp_path / "hub", clock=Clock())
    else:
        ws = county_on(tmp_path / "hub", request.getfixturevalue("postgres_url"))
    yield ws
    ws.close()


@pytest.fixture
def pair(hub: Workspace, township: Workspace) -> tuple[Workspace, Workspace]:
    enrol(hub, township)
    return hub, township


def _person(ws: Workspace, name: str, id_number: str = "") -> object:
    with ws.write(ws.system_actor()) as uow:
        return create_person(uow, PersonInput(name=name, id_number=id_number))


def _edit(ws: Workspace, model: type, row_id: object, **values: object) -> None:
    """A change made through the ORM (as every service does), so the change log sees it."""
    with ws.write(ws.system_actor()) as uow:
        row = uow.session.get(model, row_id)
        for key, value in values.items():
            setattr(row, key, value)


def test_rows_arrive_once_and_a_reimport_changes_nothing(pair, tmp_path):
    county, township = pair
    register(township, township.system_actor(), "反映征地补偿款未到位")
    register(township, township.system_actor(), "反映村道损坏", name="李四")
    [pending] = pending_changes(township, township.system_actor()).values()
    [first] = send(township, tmp_path / "stick")
    assert first.rows["contact"] == 2 and first.rows["person"] == 2 and pending == first.rows

    dry = receive(county, first.path, dry_run=True)
    assert dry.status == "dry_run" and dry.tables["contact"]["new"] == 2
    assert count(county, Contact) == 0 and count(county, SyncImport) == 0  # a dry run writes nothing

    done = receive(county, first.path)
    assert done.status == "imported" and done.tables["matter"]["new"] == 2
    township_id = township.local_office_id()
    assert owned_rows(county, township_id) == owned_rows(township, township_id)

    again = receive(county, first.path)
    assert again.status == "already" and again.tables == {}
    assert count(county, SyncImport) == 1 and owned_rows(county, township_id) == owned_rows(township, township_id)

    # Nothing acknowledged yet: the next package repeats those rows (and the import shows them unchanged).
    [second] = send(township, tmp_path / "stick")
    assert second.sequence == 2 and second.rows["contact"] == 2
    assert receive(county, second.path).tables["contact"]["unchanged"] == 2

    # The return package acknowledges 1 and 2: the township's next export is empty.
    [back] = send(county, tmp_path / "back")
    receive(township, back.path)
    with township.database.read() as session:
        assert session.get(SyncLink, county.local_office_id()).last_acked_seq == 2
    [third] = send(township, tmp_path / "stick")
    assert sum(third.rows.values()) == 0


def test_gap_waits_unless_forced_and_an_older_package_after_a_newer_one_is_superseded(pair, tmp_path):
    county, township = pair
    actor = township.system_actor()
    matter_1 = register(township, actor, "第一件")
    [one] = send(township, tmp_path / "stick")
    matter_2 = register(township, actor, "第二件", name="李四")
    _edit(township, Matter, matter_1, title="第一件（改）")
    [two] = send(township, tmp_path / "stick")

    with pytest.raises(PackageRejected) as refused:
        receive(county, two.path)
    assert refused.value.code == "sequence_gap" and refused.value.params["missing"] == [1]
    assert "第 1 号尚未导入" in refused.value.message and count(county, Matter) == 0

    forced = receive(county, two.path, force_gap=True)
    assert forced.forced and forced.missing == [1]
    with county.database.read() as session:
        record = session.scalars(select(SyncImport)).one()
        assert record.forced and record.missing == [1]
        assert session.get(Matter, matter_1).title == "第一件（改）"
        assert session.get(Matter, matter_2) is not None

    with county.read(county.system_actor()) as uow:
        [link] = partner_links(uow)
    assert (link.division_code, link.last_received, link.missing) == ("330106101000", 2, (1,))
    assert link.last_import_at is not None

    preview = receive(county, one.path, dry_run=True)  # the dry run says what the import will do
    assert (preview.status, preview.superseded_by, preview.total("new")) == ("superseded", 2, 0)
    with county.database.read() as session:
        assert session.get(SyncLink, township.local_office_id()).received == [2]
    late = receive(county, one.path)
    assert (late.status, late.superseded_by) == ("superseded", 2)
    with county.database.read() as session:
        assert session.get(Matter, matter_1).title == "第一件（改）"  # the older version did not win
        assert session.get(SyncLink, township.local_office_id()).received == [1, 2]
    assert receive(county, one.path).status == "already"


def test_conflicts_are_queued_and_parallel_changes_both_kept(pair, tmp_path):
    county, township = pair
    same = _person(township, "王五")
    other = _person(township, "赵六")
    receive(county, send(township, tmp_path / "s1")[0].path)

    # Since that exchange: both sides changed 王五's address; 赵六 got different fields on each side.
    _edit(county, Person, same, address="县里核实的地址")
    _edit(township, Person, same, address="镇里登记的地址")
    _edit(county, Person, other, notes="县局备注")
    _edit(township, Person, other, address="幸福路 1 号")
    report = receive(county, send(township, tmp_path / "s2")[0].path)
    assert report.tables["person"]["conflicting"] == 1 and report.conflicts == 1 and report.parallel == 1

    with county.database.read() as session:
        assert session.get(Person, same).address == "县里核实的地址"  # never silently overwritten
        both = session.get(Person, other)
        assert (both.notes, both.address) == ("县局备注", "幸福路 1 号")
        parallel = session.scalars(select(SyncConflict).where(SyncConflict.kind == "parallel")).one()
        assert parallel.field == "notes" and parallel.resolved_at is not None
    with county.read(county.system_actor()) as uow:
        [conflict] = open_conflicts(uow)
        assert partner_links(uow)[0].open_conflicts == 1
    assert (conflict.table, conflict.row_id, conflict.field) == ("person", same, "address")
    assert (conflict.local_value, conflict.incoming_value) == ("县里核实的地址", "镇里登记的地址")

    with county.write(county.system_actor()) as uow:
        resolve(uow, conflict.id, take_incoming=True)
    with county.database.read() as session:
        assert session.get(Person, same).address == "镇里登记的地址"
    # The owner changes it again: no local edit is left, so it is simply taken.
    _edit(township, Person, same, address="镇里再次更正")
    receive(county, send(township, tmp_path / "s3")[0].path)
    with county.database.read() as session:
        assert session.get(Person, same).address == "镇里再次更正"


def test_merge_travels_and_county_flags_cross_township_persons(pair, tmp_path, office_factory):
    county, township = pair
    number = valid_id("33010619700101123")
    survivor = _person(township, "张三")
    duplicate = _person(township, "张叁", number)
    register(township, township.system_actor(), "反映宅基地纠纷", name="张叁")
    receive(county, send(township, tmp_path / "s1")[0].path)
    with township.write(township.system_actor()) as uow:
        merge_persons(uow, survivor, duplicate, "同一人，登记时写错名字")
    report = receive(county, send(township, tmp_path / "s2")[0].path)
    assert report.tables["person_merge"]["new"] == 1
    with county.database.read() as session:
        assert session.get(Person, duplicate).merged_into_id == survivor
        assert session.get(Person, survivor).id_number == number

    other = office_factory("other", "某某县另一镇人民政府", "330106102000")
    enrol(county, other)
    _person(other, "张三", number)
    receive(county, send(other, tmp_path / "s3")[0].path)
    with county.read(county.system_actor()) as uow:
        [flagged] = cross_township_persons(uow)
    assert flagged.id_number == number and flagged.townships == ("某某镇", "某某县另一镇人民政府")


def test_return_package_assigns_matters_and_supervision_down(pair, tmp_path):
    county, township = pair
    matter = register(township, township.system_actor(), "反映拖欠工资")
    receive(county, send(township, tmp_path / "s1")[0].path)
    with county.write(county.system_actor()) as uow:
        uow.session.add(Assignment(
            office_id=uow.office_id, to_office_id=township.local_office_id(), title="关于某村土地流转问题的交办",
            matter_type=MatterType.CLAIM.value, subject_code="0101", assigned_on=date(2026, 11, 20),
            due_on=date(2026, 12, 20), report_required="30 日内报送办理结果"))
        add_supervision(uow, matter, NewSupervision(source="upper", supervisor="县信访局",
                                                    request="请加快办理", issued_on=date(2026, 11, 21)))
    [back] = send(county, tmp_path / "back")
    assert back.rows["assignment"] == 1 and back.rows["supervision"] == 1
    report = receive(township, back.path)
    assert report.assigned_matters == 1
    with township.database.read() as session:
        assigned = session.scalars(select(Matter).where(Matter.source == MatterSource.ASSIGNED_DOWN.value)).one()
        assert (assigned.assigned_by, assigned.assigned_due_on) == ("某某县信访局", date(2026, 12, 20))
        assigned_number = assigned.number
        supervision = session.scalars(select(Supervision)).one()
        assert supervision.matter_id == matter and supervision.office_id == county.local_office_id()
    assert receive(township, back.path).status == "already"
    assert count(township, Matter, Matter.source == MatterSource.ASSIGNED_DOWN.value) == 1
    # The township's own rows never go back down, the county's never come up.
    [up] = send(township, tmp_path / "s2")
    assert "supervision" not in up.rows and "assignment" not in up.rows
    receive(county, up.path)
    with county.read(county.system_actor()) as uow:
        [progress] = assignment_progress(uow)
    assert (progress.township, progress.matter_number, progress.matter_state) == (
        "某某镇", assigned_number, "registered")
    with county.database.read() as session:
        assert session.scalars(select(SyncSent)).one().sequence == 1


def test_a_package_with_another_offices_rows_is_refused_whole(pair, tmp_path):
    county, township = pair
    register(township, township.system_actor(), "反映噪音扰民")
    with township.write(township.system_actor()) as uow:  # a hand-made package: one row claims the county
        person = TableCodec(Person.__table__).encode(
            uow.session.execute(select(Person.__table__)).mappings().one())
        forged = write_package(uow.session, tmp_path, receiver=partner(township, county), sequence=1,
                               acked_sequence=0, tables={"person": [person | {"office_id": str(county.local_office_id())}]})
    with pytest.raises(PackageRejected) as refused:
        receive(county, forged)
    assert refused.value.code == "not_owner" and "归属规则" in refused.value.message
    assert count(county, Person) == 0 and count(county, SyncImport) == 0


def test_a_row_naming_a_record_the_receiver_lacks_is_refused_whole(pair, tmp_path):
    county, township = pair
    register(township, township.system_actor(), "反映噪音扰民")
    with township.write(township.system_actor()) as uow:
        link = TableCodec(MatterPetitioner.__table__).encode(
            uow.session.execute(select(MatterPetitioner.__table__)).mappings().one())
        broken = write_package(uow.session, tmp_path, receiver=partner(township, county), sequence=1,
                               acked_sequence=0, tables={"matter_petitioner": [link]})
    with pytest.raises(PackageRejected) as refused:
        receive(county, broken)
    assert refused.value.code == "dangling_reference" and count(county, SyncImport) == 0


def test_repeated_rows_are_unchanged_and_only_a_changed_row_is_updated(pair, tmp_path):
    """The set-based comparison: every column but the stamps, JSON by value (event data), on both backends."""
    county, township = pair
    matter = register(township, township.system_actor(), "反映征地补偿款未到位")
    register(township, township.system_actor(), "反映村道损坏", name="李四")
    first = receive(county, send(township, tmp_path / "s1")[0].path)
    assert first.tables["matter_event"]["new"] >= 2 and first.total("updated") == 0

    again = receive(county, send(township, tmp_path / "s2")[0].path)  # nothing acknowledged: the same rows
    assert again.total("new") == again.total("updated") == again.total("conflicting") == 0
    assert again.total("unchanged") == first.total("new")

    _edit(township, Matter, matter, title="反映征地补偿款未到位（补充）")
    third = receive(county, send(township, tmp_path / "s3")[0].path)
    assert third.tables["matter"]["updated"] == 1 and third.total("updated") == 1
    assert third.total("unchanged") == first.total("new") - 1
    township_id = township.local_office_id()
    assert owned_rows(county, township_id) == owned_rows(township, township_id)
