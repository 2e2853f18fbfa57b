"""The 一人一档 read model: the person list (ids in SQL order, rows per page) and one archive."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.domain.enums import Channel, MatterType, Role
from app.services import attachments as att
from app.services.contacts import NewContact, register_contact
from app.services.listing import unpack_ids
from app.services.matter_steps import Accept
from app.services.matters import perform
from app.services.person_archive import (
    PersonFilter, PersonSort, filter_options, load_archive, merge_preview, person_list_ids, person_rows,
)
from app.services.person_merge import merge_persons, undo_merge
from app.services.persons import PersonInput, create_person, update_person
from db.models import Village
from tests.app.test_attachments import png_bytes
from tests.support.ids import valid_id

ZHANG_ID = valid_id("11010519491231002")
LI_ID = valid_id("33010619800101003")


def _village(ws, admin, name):
    with ws.read(admin) as uow:
        return uow.session.scalars(select(Village.id).where(Village.name == name)).one()


@pytest.fixture
def people(ws, admin):
    """张三: two matters (one accepted, with a notice), three contacts and a photo; 李四: an accusation."""
    dongfeng, hongqi = _village(ws, admin, "东风村"), _village(ws, admin, "红旗村")
    with ws.write(admin) as uow:
        zhang = create_person(uow, PersonInput(name="张三", id_number=ZHANG_ID, phones=("13800138000",),
                                               village_id=dongfeng, tags=("重点人员",), follow_up_officer="刘干部"))
        li = create_person(uow, PersonInput(name="李四", id_number=LI_ID, village_id=hongqi))
        wang = create_person(uow, PersonInput(name="王五", village_id=dongfeng, tags=("困难群众",)))
        first = register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=datetime(2026, 11, 2, 9, 0), content="征地补偿款没有到位",
            persons=(zhang,), subject_code="0101", matter_type=MatterType.CLAIM, title="征地补偿"))
        perform(uow, first.matter_id, Accept(on=date(2026, 11, 3)))
        register_contact(uow, NewContact(
            channel=Channel.PHONE, contact_at=datetime(2026, 11, 9, 15, 30), content="再次询问征地补偿",
            persons=(zhang,), subject_code="0101", matter_type=MatterType.CLAIM))
        second = register_contact(uow, NewContact(
            channel=Channel.LETTER, contact_at=datetime(2026, 11, 10, 8, 0), content="工资被拖欠三个月",
            persons=(zhang,), subject_code="0201", matter_type=MatterType.CLAIM, title="拖欠工资"))
        register_contact(uow, NewContact(
            channel=Channel.LETTER, contact_at=datetime(2026, 11, 5, 10, 0), content="举报村干部侵占集体资金",
            persons=(li,), subject_code="0101", matter_type=MatterType.ACCUSATION, title="举报侵占"))
        photo = att.store_bytes(uow, ws.attachments_dir, png_bytes(), "现场照片.png", "person", zhang)
    return {"zhang": zhang, "li": li, "wang": wang, "first": first, "second": second, "photo": photo,
            "dongfeng": dongfeng}


def _ids(ws, actor, **kw):
    with ws.read(actor) as uow:
        return unpack_ids(person_list_ids(uow, PersonFilter(**kw)))


def test_the_list_sorts_in_sql_by_pinyin_recent_contact_and_newest(ws, admin, people):
    zhang, li, wang = people["zhang"], people["li"], people["wang"]
    assert _ids(ws, admin) == [li, wang, zhang]  # li si < wang wu < zhang san
    assert _ids(ws, admin, sort=PersonSort.RECENT_CONTACT) == [zhang, li, wang]  # 王五 never came
    assert _ids(ws, admin, sort=PersonSort.NEWEST)[0] == wang


@pytest.mark.parametrize(("text", "who"), [
    ("张", ["zhang"]), ("zs", ["zhang"]), ("ZS", ["zhang"]), ("zhang", ["zhang"]), ("l", ["li"]),
    ("110105", ["zhang"]), (ZHANG_ID, ["zhang"]), ("1380013", ["zhang"]), ("王五", ["wang"]),
    ("赵", []), ("  ", ["li", "wang", "zhang"]), ("?!", []),
])
def test_the_search_box_uses_the_find_persons_prefix_rules(ws, admin, people, text, who):
    assert _ids(ws, admin, text=text) == [people[w] for w in who]


def test_filters_by_village_and_tag_combine_with_text(ws, admin, people):
    dongfeng = people["dongfeng"]
    assert _ids(ws, admin, village_id=dongfeng) == [people["wang"], people["zhang"]]
    assert _ids(ws, admin, tag="重点人员") == [people["zhang"]]
    assert _ids(ws, admin, village_id=dongfeng, tag="困难群众", text="w") == [people["wang"]]
    with ws.read(admin) as uow:
        options = filter_options(uow)
    assert [name for _id, name in options.villages] == sorted(["东风村", "红旗村", "幸福社区", "团结村"])
    assert set(options.tags) == {"重点人员", "困难群众"}


def test_rows_carry_what_the_list_shows(ws, admin, people):
    with ws.read(admin) as uow:
        rows = person_rows(uow, [people["zhang"], people["wang"]])
        with pytest.raises(ValueError):
            person_rows(uow, [people["zhang"]] * 101)
    zhang = rows[people["zhang"]]
    assert (zhang.name, zhang.age, zhang.village, zhang.tags) == ("张三", 76, "东风村", ("重点人员",))
    assert (zhang.contacts, zhang.last_contact, zhang.open_matters) == (3, datetime(2026, 11, 10, 8, 0), 2)
    assert zhang.phones == ("13800138000",)
    wang = rows[people["wang"]]
    assert (wang.contacts, wang.last_contact, wang.open_matters, wang.id_number) == (0, None, 0, None)


def test_merged_archives_leave_the_list(ws, admin, people):
    with ws.write(admin) as uow:
        dup = create_person(uow, PersonInput(name="张三", phones=("13900139000",)))
    assert len(_ids(ws, admin, text="张三")) == 2
    with ws.write(admin) as uow:
        merge_persons(uow, people["zhang"], dup, "重复建档")
    assert _ids(ws, admin, text="张三") == [people["zhang"]]


def test_the_archive_has_identity_open_matters_and_a_newest_first_timeline(ws, admin, people):
    with ws.read(admin) as uow:
        archive = load_archive(uow, people["zhang"], ws.attachments_dir)
    assert archive.person.name == "张三" and archive.follow_up_officer == "刘干部"
    assert archive.person.tags == ("重点人员",) and archive.age == 76
    assert (archive.counts.contacts, archive.counts.matters, archive.counts.documents,
            archive.counts.attachments) == (3, 2, 1, 1)
    kinds = [(e.kind, e.number or e.text) for e in archive.timeline]
    # The photo was attached "now" (real time), later than every record dated in November 2026.
    assert kinds[0] == ("attachment", "现场照片.png")
    dated = [e for e in archive.timeline if e.kind != "attachment"]
    assert [e.at for e in dated] == sorted((e.at for e in dated), reverse=True)
    assert [e.kind for e in dated] == ["matter", "contact", "contact", "document", "matter", "contact"]
    contact = [e for e in dated if e.kind == "contact"]
    assert [e.code for e in contact] == ["letter", "phone", "visit"]
    assert "repeat" in contact[1].flags and contact[2].text == "征地补偿款没有到位"
    assert not archive.truncated
    opened = {m.number: m for m in archive.open_matters}
    assert len(opened) == 2
    accepted = opened[people["first"].matter_number]
    assert accepted.state_label == "已受理" and accepted.next_clock == "办理答复期限"
    assert accepted.next_due_on == date(2027, 1, 4)  # 60 days from 3 Nov, off a Sunday
    fresh = opened[people["second"].matter_number]
    assert fresh.next_clock == "受理告知期限" and fresh.next_due_on == date(2026, 11, 25)
    assert fresh.days_left == 2
    assert [a.name for a in archive.attachments] == ["现场照片.png"]


def test_a_long_timeline_is_cut_to_the_newest_entries(ws, admin, people):
    with ws.read(admin) as uow:
        archive = load_archive(uow, people["zhang"], ws.attachments_dir, limit=2)
    assert archive.truncated and len(archive.timeline) == 2
    assert archive.counts.contacts == 3  # counts are complete


def test_accusation_content_is_masked_for_roles_that_may_not_read_it(ws, actors, people):
    with ws.read(actors[Role.RECEPTIONIST]) as uow:
        hidden = load_archive(uow, people["li"], ws.attachments_dir)
    with ws.read(actors[Role.LEADER]) as uow:
        shown = load_archive(uow, people["li"], ws.attachments_dir)
    assert {e.text for e in hidden.timeline} == {"（检举控告内容保密）"}
    assert hidden.open_matters[0].title != "举报侵占"
    assert "举报村干部侵占集体资金" in {e.text for e in shown.timeline}
    assert shown.open_matters[0].title == "举报侵占"


def test_editing_from_the_archive_completes_a_missing_id_number(ws, admin, people):
    with ws.read(admin) as uow:
        data = load_archive(uow, people["wang"], ws.attachments_dir).as_input()
    wang_id = valid_id("33010619900307002")
    with ws.write(admin) as uow:
        update_person(uow, people["wang"], PersonInput(**{**data.__dict__, "id_number": wang_id}))
    with ws.read(admin) as uow:
        archive = load_archive(uow, people["wang"], ws.attachments_dir)
    assert archive.person.id_number == wang_id and archive.person.birth_date == date(1990, 3, 7)
    assert archive.person.tags == ("困难群众",) and archive.village_id == people["dongfeng"]


def test_a_merged_archive_opens_as_its_survivor_with_the_merge_record_and_its_files(ws, admin, people):
    with ws.write(admin) as uow:
        dup = create_person(uow, PersonInput(name="张三", phones=("13900139000",)))
        att.store_bytes(uow, ws.attachments_dir, b"%PDF-1.4 scan", "来信.pdf", "person", dup)
        register_contact(uow, NewContact(
            channel=Channel.PHONE, contact_at=datetime(2026, 11, 20, 9, 0), content="问进度",
            persons=(dup,), subject_code="0301", matter_type=MatterType.SUGGESTION, title="建议"))
    with ws.read(admin) as uow:
        preview = merge_preview(uow, people["zhang"], dup, ws.attachments_dir)
    assert preview.problem == ""
    assert (preview.survivor.counts.contacts, preview.merged.counts.contacts) == (3, 1)
    assert (preview.moving.contacts, preview.moving.matters, preview.moving.attachments) == (1, 1, 1)
    with ws.write(admin) as uow:
        merge_id = merge_persons(uow, people["zhang"], dup, "同一人重复建档")
    with ws.read(admin) as uow:
        archive = load_archive(uow, dup, ws.attachments_dir)
    assert archive.person.id == people["zhang"] and archive.requested_id == dup
    assert [(m.id, m.merged_id, m.reason) for m in archive.merges] == [(merge_id, dup, "同一人重复建档")]
    assert {a.name for a in archive.attachments} == {"现场照片.png", "来信.pdf"}
    assert archive.counts.contacts == 4
    with ws.write(admin) as uow:
        undo_merge(uow, merge_id)
    with ws.read(admin) as uow:
        archive = load_archive(uow, people["zhang"], ws.attachments_dir)
    assert archive.merges == () and archive.counts.contacts == 3
    assert [a.name for a in archive.attachments] == ["现场照片.png"]


def test_the_merge_preview_names_what_forbids_a_merge(ws, admin, people):
    with ws.read(admin) as uow:
        assert "身份证号不同" in merge_preview(uow, people["zhang"], people["li"], ws.attachments_dir).problem
        assert "同一人" in merge_preview(uow, people["zhang"], people["zhang"], ws.attachments_dir).problem
