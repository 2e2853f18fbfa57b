from __future__ import annotations

from datetime import datetime

import pytest

from app.domain.enums import Channel, MatterType
from app.services.contacts import NewContact, register_contact
from app.services.person_search import find_persons
from app.services.persons import PersonInput, create_person
from tests.support.ids import valid_id


@pytest.fixture
def people(ws, admin):
    with ws.write(admin) as uow:
        ids = {
            "张三": create_person(uow, PersonInput(name="张三", id_number=valid_id("11010519491231002"),
                                                   phones=("13800138000",))),
            "张三丰": create_person(uow, PersonInput(name="张三丰", phones=("0571-88886666",))),
            "单雄信": create_person(uow, PersonInput(name="单雄信")),
            "王𠮷": create_person(uow, PersonInput(name="王𠮷", id_number=valid_id("33010619800101123"))),
            "买买提·艾力": create_person(uow, PersonInput(name="买买提・艾力")),
        }
    return ids


def _names(ws, admin, text):
    with ws.read(admin) as uow:
        return [h.person.name for h in find_persons(uow, text)]


@pytest.mark.parametrize("query, expected", [
    ("张三", ["张三", "张三丰"]),
    ("张", ["张三", "张三丰"]),
    ("zs", ["张三", "张三丰"]),
    ("ZSF", ["张三丰"]),
    ("sxx", ["单雄信"]),
    ("shanx", ["单雄信"]),
    ("王𠮷", ["王𠮷"]),
    ("买买提", ["买买提·艾力"]),
    ("mmtal", ["买买提·艾力"]),
    ("110105", ["张三"]),
    ("１１０１０５１９４９", ["张三"]),
    ("138001", ["张三"]),
    ("057188", ["张三丰"]),
    ("李", []),
    ("", []),
])
def test_finds_by_name_id_phone_and_initials(ws, admin, people, query, expected):
    assert _names(ws, admin, query) == expected


def test_hit_shows_age_village_and_open_matters(ws, admin, people):
    with ws.write(admin) as uow:
        r = register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=datetime(2026, 11, 20, 9, 0), content="补偿款",
            persons=(people["张三"],), subject_code="0101", matter_type=MatterType.CLAIM))
    with ws.read(admin) as uow:
        hit = find_persons(uow, valid_id("11010519491231002"))[0]
    assert hit.age == 76
    assert hit.open_matters == (r.matter_number,)
