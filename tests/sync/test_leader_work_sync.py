"""Leader and stability work, supervision replies and sealed attachments travelling township → county,
on a county hub on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import PackageRejected, PermissionDenied
from app.services import deadline_board, key_persons as kp, leader_receptions as lr
from app.services.attachments import attachment_bytes, blob_path, store_bytes
from app.services.data_keys import turn_on
from app.services.matter_dossier import load_dossier
from app.services.matter_oversight import NewSupervision, add_supervision, reply_supervision
from app.services.users import authenticate
from app.statistics import periods
from app.statistics.leader_work import leader_work_figures
from app.sync.county import county_leader_work, supervision_answers
from app.sync.envelope import open_package, write_package
from db.models import (
    Attachment, DataKey, KeyPerson, KeyWrap, ReceptionSchedule, ScreenedConflict, SensitivePeriod, Supervision,
    SupervisionReply, SyncConflict, SyncImport,
)
from db.row_codec import TableCodec
from tests.conftest import PASSWORD
from tests.support.matters import register
from tests.sync.conftest import partner
from tests.sync.exchange_support import count, owned_rows, receive, send
from tests.sync.stability_work import do_stability_work
from tests.sync.test_exchange import hub, pair  # noqa: F401  (the county hub on both back ends)

LEADER_TABLES = ("reception_schedule", "leader_reception", "leader_reception_contact", "leader_reception_matter",
                 "case_ownership", "case_progress", "village_reception", "petition_proxy", "screening_round",
                 "screened_conflict", "key_person", "key_person_contact", "sensitive_period")


def test_leader_work_travels_with_changes_and_deletions(pair, tmp_path):  # noqa: F811
    county, township = pair
    made = do_stability_work(township, 1)
    [first] = send(township, tmp_path / "s1")
    assert {t: first.rows.get(t, 0) for t in LEADER_TABLES} == {
        "reception_schedule": 2, "leader_reception": 1, "leader_reception_contact": 0, "leader_reception_matter": 1,
        "case_ownership": 1, "case_progress": 1, "village_reception": 1, "petition_proxy": 1, "screening_round": 1,
        "screened_conflict": 1, "key_person": 1, "key_person_contact": 1, "sensitive_period": 1}
    report = receive(county, first.path)
    assert all(report.tables[t]["new"] == first.rows.get(t, 0) for t in LEADER_TABLES)
    township_id = township.local_office_id()
    assert owned_rows(county, township_id) == owned_rows(township, township_id)

    # A second round: a new screening round carries the open conflict over (a row naming its parent row
    # of the same table), a withdrawn slot and a deleted sensitive period travel as tombstones.
    with township.write(township.system_actor()) as uow:
        lr.remove_slot(uow, made["spare_slot"])
        kp.delete_period(uow, made["period"])
        kp.remove_key_person(uow, made["key_person"], "已息诉罢访")
    later = do_stability_work(township, 2)
    [second] = send(township, tmp_path / "s2")
    report = receive(county, second.path)
    assert report.tables["reception_schedule"]["deleted"] == 1 and report.tables["sensitive_period"]["deleted"] == 1
    assert report.tables["screened_conflict"]["new"] == 2  # the carried copy and the new item
    assert owned_rows(county, township_id) == owned_rows(township, township_id)
    assert count(county, ReceptionSchedule, ReceptionSchedule.id == made["spare_slot"]) == 0
    assert count(county, SensitivePeriod) == 1 and count(county, KeyPerson, KeyPerson.removed_on.is_not(None)) == 1
    assert count(county, ScreenedConflict, ScreenedConflict.carried_from_id == made["conflict"]) == 1
    assert count(county, ScreenedConflict, ScreenedConflict.id == later["conflict"],
                 ScreenedConflict.status == "in_progress") == 1

    # The county's figures for the township are the township's own.
    period = periods.year(2026)
    with township.read(township.system_actor()) as uow:
        own = leader_work_figures(uow, period)
    with county.read(county.system_actor()) as uow:
        at_county = county_leader_work(uow, period)
    assert at_county["某某镇"] == own and at_county["全县"] == own
    assert own.village_receptions == 2 and sum(own.screened.values()) == 2


def test_the_county_cannot_write_a_townships_leader_work(pair, tmp_path):  # noqa: F811
    county, township = pair
    do_stability_work(township, 1)
    receive(county, send(township, tmp_path / "s1")[0].path)
    with county.write(county.system_actor()) as uow:  # a forged return package rewriting a key person
        row = TableCodec(KeyPerson.__table__).encode(uow.session.execute(select(KeyPerson.__table__)).mappings().one())
        forged = write_package(uow.session, tmp_path, receiver=partner(county, township), sequence=1,
                               acked_sequence=0, tables={"key_person": [row | {"reason": "县里改的"}]})
    with pytest.raises(PackageRejected) as refused:
        receive(township, forged)
    assert refused.value.code == "unexpected_table" and "key_person" in refused.value.message
    assert count(township, KeyPerson, KeyPerson.reason == "县里改的") == 0 and count(township, SyncImport) == 0


def test_a_supervision_reply_travels_up_and_neither_office_overwrites_the_other(pair, tmp_path):  # noqa: F811
    county, township = pair
    matter = register(township, township.system_actor(), "反映拖欠工资")
    receive(county, send(township, tmp_path / "s1")[0].path)
    with county.write(county.system_actor()) as uow:
        note = add_supervision(uow, matter, NewSupervision(source="upper", supervisor="县信访局", request="请加快办理",
                                                           issued_on=date(2026, 11, 21), due_on=date(2026, 11, 25)))
    with county.read(county.system_actor()) as uow:
        assert [(a.supervision_id, a.replied_on) for a in supervision_answers(uow)] == [(note, None)]
    [down] = send(county, tmp_path / "back1")
    with township.database.read() as session, open_package(session, down.path) as opened:
        assert opened.manifest["format_version"] == 2  # supervision rows: readers of version 1 cannot take them
    receive(township, down.path)

    actor = township.system_actor()
    with township.read(actor) as uow:  # the county's note is on the township's deadline board
        assert [s.supervision_id for s in deadline_board.load_board(uow).supervisions] == [note]
    with township.write(actor) as uow:
        reply_supervision(uow, note, date(2026, 11, 23), "已约谈用人单位，工资本月发放")
    with township.read(actor) as uow:
        assert deadline_board.load_board(uow).supervisions == ()
        [shown] = load_dossier(uow, matter, township.attachments_dir).supervisions
        assert (shown.replied_on, shown.reply) == (date(2026, 11, 23), "已约谈用人单位，工资本月发放")

    [up] = send(township, tmp_path / "s2")
    assert up.rows["supervision_reply"] == 1 and "supervision" not in up.rows
    receive(county, up.path)
    with county.database.read() as session:
        reply = session.scalars(select(SupervisionReply)).one()
        assert (reply.office_id, reply.supervision_id) == (township.local_office_id(), note)
    with county.read(county.system_actor()) as uow:
        [shown] = load_dossier(uow, matter, county.attachments_dir).supervisions
        assert shown.reply == "已约谈用人单位，工资本月发放"
        [answer] = supervision_answers(uow)
    assert (answer.township, answer.replied_on, answer.reply) == ("某某镇", date(2026, 11, 23), "已约谈用人单位，工资本月发放")

    # The county moves its deadline; the township's reply stays as the township wrote it, no conflict.
    with county.write(county.system_actor()) as uow:
        uow.session.get(Supervision, note).due_on = date(2026, 11, 30)
    receive(township, send(county, tmp_path / "back2")[0].path)
    with township.database.read() as session:
        assert session.get(Supervision, note).due_on == date(2026, 11, 30)
        assert session.scalars(select(SupervisionReply.reply)).one() == "已约谈用人单位，工资本月发放"
    assert count(township, SyncConflict) == 0 and count(county, SyncConflict) == 0


@pytest.mark.parametrize("county_sealed", [True, False], ids=["county-encrypts", "county-plain"])
def test_sealed_attachments_travel_and_the_county_keeps_them_its_own_way(pair, tmp_path, county_sealed):  # noqa: F811
    county, township = pair
    admin = authenticate(township, "admin", PASSWORD)
    turn_on(township, admin, PASSWORD)
    matter = register(township, admin, "反映征地补偿款未到位")
    scan = b"%PDF-1.4\n" + "身份证复印件".encode() * 500
    with township.write(admin) as uow:
        info = store_bytes(uow, township.attachments_dir, scan, "身份证.pdf", "matter", matter)
    assert blob_path(township.attachments_dir, info.sha256, True).is_file()
    assert not blob_path(township.attachments_dir, info.sha256).is_file()

    township.keyring.lock()  # nobody holding the key is logged in: refused, and no package is left
    with pytest.raises(PermissionDenied) as refused:
        send(township, tmp_path / "locked")
    assert refused.value.code == "key_locked" and "附件已加密" in refused.value.message
    assert list((tmp_path / "locked").iterdir()) == []

    if county_sealed:
        turn_on(county, authenticate(county, "admin", PASSWORD), PASSWORD)
    admin = authenticate(township, "admin", PASSWORD)  # the login unlocks the key again
    [package] = send(township, tmp_path / "stick")
    receive(county, package.path)
    assert blob_path(county.attachments_dir, info.sha256, county_sealed).is_file()
    assert not blob_path(county.attachments_dir, info.sha256, not county_sealed).is_file()
    county_admin = authenticate(county, "admin", PASSWORD)
    with county.read(county_admin) as uow:
        assert uow.session.get(Attachment, info.id).encrypted is county_sealed
        assert attachment_bytes(uow, county.attachments_dir, info.id) == scan
    # The township's file key and its password wraps stay at the township.
    assert count(county, DataKey, DataKey.office_id == township.local_office_id()) == 0
    assert count(county, KeyWrap, KeyWrap.office_id == township.local_office_id()) == 0
    assert owned_rows(county, township.local_office_id()) == owned_rows(township, township.local_office_id())


def test_a_package_from_an_older_program_with_key_rows_is_taken_without_them(pair, tmp_path):  # noqa: F811
    county, township = pair
    admin = authenticate(township, "admin", PASSWORD)
    turn_on(township, admin, PASSWORD)
    with township.write(admin) as uow:  # what version-1 writers sent: the key rows as any other
        key = TableCodec(DataKey.__table__).encode(uow.session.execute(select(DataKey.__table__)).mappings().one())
        office = uow.session.execute(select(_office_table())).mappings().one()
        old = write_package(uow.session, tmp_path, receiver=partner(township, county), sequence=1, acked_sequence=0,
                            tables={"office": [TableCodec(_office_table()).encode(office)],
                                    "data_key": [{**key, "public_key": None}]})
    assert receive(county, old).status == "imported"
    assert count(county, DataKey, DataKey.office_id == township.local_office_id()) == 0


def _office_table():
    from db.models import Office

    return Office.__table__
