"""Hostile input through the services, property-based (hypothesis): random strings mixed with control
characters, NUL, lone surrogates, 𠮷, direction marks and overrides, zero-width characters, SQL and LIKE
fragments, 100,000-character text, and out-of-range numbers.

Every call either succeeds, and then what is read back from the database is exactly what the service
stored (and search finds it), or fails with a typed DomainError carrying a Chinese message and leaves
nothing behind. Nothing else (no UnicodeEncodeError, OverflowError, SQL error) may escape.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from sqlalchemy import func, select

from app.domain import text as domain_text
from app.domain.enums import Channel, DocumentKind, MatterType
from app.errors import DomainError
from app.services import content_search, matter_steps as steps, matters, notices
from app.services.contacts import NewContact, register_contact
from app.services.person_search import find_persons
from app.services.persons import PersonInput, create_person
from db.models import AuditEvent, Contact, Matter, MatterEvent, Person

HOSTILE = (
    "\x00", "\x07", "\x1b[31m", "\x7f", "\r\n", "\t", "\ud800", "\udfff", "\ud842\udfb7", "𠮷", "😀", "👨\u200d👩\u200d👧",
    "\u202e", "\u202d", "\u2066", "\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad",
    "'; DROP TABLE person; --", "' OR '1'='1", "%", "_", "\\", '"', "%_\\", "*", "NEAR(", "AND", "OR NOT",
    "\uffff", "\U0010ffff", "\u3000", "ａｂｃ１２３", "张三", "拆迁补偿", " ",
)
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=6)), max_size=8).map("".join)
HUGE = "拆" * 100_000
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FEWER = settings(SETTINGS, max_examples=15)  # each example registers a matter and takes a step
CJK = re.compile("[\u4e00-\u9fff]")
_serial = iter(range(10**9))


def _is_clean_domain_error(exc: DomainError) -> None:
    assert CJK.search(exc.message), f"error message is not Chinese: {exc.message!r}"
    assert exc.code


def _count(ws, actor, model) -> int:
    with ws.read(actor) as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def _stored_text_is_sane(value: str) -> None:
    """No control characters (but line breaks and tabs), no lone surrogates, no invisible formatting."""
    assert not any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in value)
    assert domain_text.strip_invisible(value) == value


def _marker() -> str:
    """A word no other example contains (Chinese digits, so trigram search sees it as one word)."""
    return "标" + "".join("零一二三四五六七八九"[int(d)] for d in f"{next(_serial):06d}")


@SETTINGS
@given(address=hostile_text, notes=hostile_text, follow_up=hostile_text)
@example(address=HUGE, notes=HUGE, follow_up="")
@example(address="\x00", notes="", follow_up="")
@example(address="'; DROP TABLE person; --", notes="\ud800", follow_up="%_\\")
def test_person_fields(ws, admin, address, notes, follow_up):
    before = (_count(ws, admin, Person), _count(ws, admin, AuditEvent))
    try:
        with ws.write(admin) as uow:
            person_id = create_person(uow, PersonInput(name="赵𠮷", address=address, notes=notes,
                                                       follow_up_officer=follow_up))
    except DomainError as exc:
        _is_clean_domain_error(exc)
        assert (_count(ws, admin, Person), _count(ws, admin, AuditEvent)) == before
        return
    with ws.read(admin) as uow:
        person = uow.session.get(Person, person_id)
        assert person.address == domain_text.clean_line(address, field="a", label="a", max_length=200, required=False)
        assert person.notes == domain_text.clean_content(notes, field="n", label="n", required=False)
        for value in (person.address, person.notes, person.follow_up_officer):
            _stored_text_is_sane(value)
        assert person_id in {hit.person.id for hit in find_persons(uow, "赵𠮷", limit=500)}


@SETTINGS
@given(name=hostile_text, id_number=hostile_text, phone=hostile_text)
@example(name="张\u202e三", id_number="11010519491231002X\x00", phone="138\u200b0013\u00008000")
@example(name="'; DROP TABLE person; --", id_number="%", phone="_")
def test_person_identity_fields(ws, admin, name, id_number, phone):
    before = _count(ws, admin, Person)
    try:
        with ws.write(admin) as uow:
            person_id = create_person(uow, PersonInput(name=name, id_number=id_number, phones=(phone,)))
    except DomainError as exc:
        _is_clean_domain_error(exc)
        assert _count(ws, admin, Person) == before
        return
    with ws.read(admin) as uow:
        person = uow.session.get(Person, person_id)
        _stored_text_is_sane(person.name)
        assert person_id in {hit.person.id for hit in find_persons(uow, person.name, limit=500)}


@SETTINGS
@given(content=hostile_text, title=hostile_text, purpose=hostile_text, headcount=st.integers(-2**70, 2**70))
@example(content=HUGE, title="", purpose="", headcount=1)
@example(content="拆迁\u200b补偿" + "\x00", title="", purpose="", headcount=1)
@example(content="拆迁\u200b补偿\u202e款 \ufeff𠮷", title="\u200f标题", purpose="", headcount=1)
@example(content="'; DROP TABLE contact; --", title="%_\\", purpose="\ud842\udfb7", headcount=1)
@example(content="𠮷𠮷𠮷 \u202e反向", title="\u2066", purpose="", headcount=-1)
@example(content="A", title="", purpose="", headcount=2**63)
def test_contact_registration_and_search(ws, admin, content, title, purpose, headcount):
    marker = _marker()
    before = tuple(_count(ws, admin, m) for m in (Contact, Matter, Person, AuditEvent))
    try:
        with ws.write(admin) as uow:
            done = register_contact(uow, NewContact(
                channel=Channel.LETTER, contact_at=datetime(2026, 11, 20, 9, 0), content=f"{content}\n{marker}",
                persons=(PersonInput(name="钱𠮷"),), subject_code="0101", matter_type=MatterType.CLAIM,
                title=title, purpose=purpose, headcount=max(1, headcount) if abs(headcount) < 3 else headcount,
                new_matter=True, new_matter_reason="测试"))
    except DomainError as exc:
        _is_clean_domain_error(exc)
        assert tuple(_count(ws, admin, m) for m in (Contact, Matter, Person, AuditEvent)) == before
        return
    with ws.read(admin) as uow:
        contact = uow.session.get(Contact, done.contact_id)
        matter = uow.session.get(Matter, done.matter_id)
        assert contact.content == domain_text.clean_content(f"{content}\n{marker}")
        for value in (contact.content, contact.purpose, matter.title):
            _stored_text_is_sane(value)
        # Search still finds the matter by its marker, and by whatever hostile words it contained.
        assert done.matter_id in content_search.search_matter_ids(uow, marker)
        words = content_search.parse(content)
        if words.words:
            assert done.matter_id in content_search.search_matter_ids(uow, content)


@SETTINGS
@given(query=hostile_text)
@example(query="\U0010ffff")
@example(query="张\ud800")
@example(query="% _ \\ \" ' NEAR( * ^")
@example(query=HUGE)
def test_search_never_fails(ws, admin, query):
    with ws.read(admin) as uow:
        assert isinstance(find_persons(uow, query), list)
        assert isinstance(content_search.search_matter_ids(uow, query), set)


def _new_matter(ws, actor) -> uuid.UUID:
    with ws.write(actor) as uow:
        return register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=datetime(2026, 11, 2, 9, 0), content="反映拆迁补偿问题",
            persons=(PersonInput(name="孙𠮷"),), subject_code="0101", matter_type=MatterType.CLAIM,
            new_matter=True, new_matter_reason="测试")).matter_id


@FEWER
@given(reason=hostile_text, legal_basis=hostile_text, note=hostile_text)
@example(reason="\u202e" + "理由" * 10, legal_basis="《条例》第三十二条 '; DROP TABLE document; --", note="\x00")
@example(reason="𠮷" * 2000, legal_basis="", note="")
@example(reason="\ud800", legal_basis="", note="\ud800")
@example(reason="理由" * 3000, legal_basis="", note=HUGE)
def test_notice_fields_and_step_texts(ws, admin, reason, legal_basis, note):
    """Notice text fields render (or are refused); step texts are stored whole or not at all."""
    matter_id = _new_matter(ws, admin)
    try:
        with ws.read(admin) as uow:
            pdf = notices.preview_notice(uow, ws, DocumentKind.DECLINE, matter_id,
                                         fields={"reason": reason, "legal_basis": legal_basis})
        assert pdf.startswith(b"%PDF-")
    except DomainError as exc:
        _is_clean_domain_error(exc)
    before = (_count(ws, admin, AuditEvent), _count(ws, admin, MatterEvent))
    try:
        with ws.write(admin) as uow:
            matters.perform(uow, matter_id, steps.Accept(on=date(2026, 11, 3), note=note, issue_notice=False,
                                                          no_notice_reason=reason))
    except DomainError as exc:
        _is_clean_domain_error(exc)
        assert (_count(ws, admin, AuditEvent), _count(ws, admin, MatterEvent)) == before
        return
    with ws.read(admin) as uow:
        matter = uow.session.get(Matter, matter_id)
        event = uow.session.scalars(select(MatterEvent).where(MatterEvent.matter_id == matter_id)
                                    .order_by(MatterEvent.seq.desc())).first()
        assert event.note == domain_text.clean_content(note, field="note", label="备注", required=False)
        _stored_text_is_sane(event.note)
        _stored_text_is_sane(matter.no_notice_reason)


@FEWER
@given(days=st.integers(-2**70, 2**70), hearing=st.integers(-2**70, 2**70))
@example(days=2**63, hearing=2**63)
@example(days=-1, hearing=-1)
def test_out_of_range_numbers_are_domain_errors(ws, admin, days, hearing):
    matter_id = _new_matter(ws, admin)
    with ws.write(admin) as uow:
        matters.perform(uow, matter_id, steps.Accept(on=date(2026, 11, 3), issue_notice=False, no_notice_reason="测试"))
    try:
        with ws.write(admin) as uow:
            matters.perform(uow, matter_id, steps.Extend(on=date(2026, 11, 10), days=days, reason="需要调查"))
    except DomainError as exc:
        _is_clean_domain_error(exc)
    else:
        assert 1 <= days <= 30
    try:
        with ws.write(admin) as uow:
            register_contact(uow, NewContact(channel=Channel.PHONE, contact_at=datetime(2026, 11, 20, 9, 0),
                                             content="再次来电", anonymous=True, matter_id=matter_id,
                                             headcount=hearing))
    except DomainError as exc:
        _is_clean_domain_error(exc)
    else:
        assert 1 <= hearing <= 10_000


def test_invisible_characters_are_removed_and_search_sees_through_them(ws, admin):
    with ws.write(admin) as uow:
        done = register_contact(uow, NewContact(
            channel=Channel.LETTER, contact_at=datetime(2026, 11, 20, 9, 0), content="反映\u200b征地\u202e补偿\ufeff款",
            persons=(PersonInput(name="李𠮷", address="东风村\u2066三组\u2069"),), subject_code="0101",
            matter_type=MatterType.CLAIM, title="\u200f征地补偿"))
    with ws.read(admin) as uow:
        assert uow.session.get(Contact, done.contact_id).content == "反映征地补偿款"
        assert uow.session.get(Matter, done.matter_id).title == "征地补偿"
        assert uow.session.get(Person, done.person_ids[0]).address == "东风村三组"
        assert content_search.search_matter_ids(uow, "征地\u200b补偿") == {done.matter_id}
        assert [h.person.id for h in find_persons(uow, "李𠮷\ud800\x00")] == [done.person_ids[0]]


def test_refusals_name_the_field_in_chinese(ws, admin):
    with ws.write(admin) as uow, pytest.raises(DomainError) as exc:
        create_person(uow, PersonInput(name="周𠮷", address="东风村\x00"))
    assert exc.value.field == "address" and exc.value.message == "住址：含有不可见的控制字符"
    with ws.write(admin) as uow, pytest.raises(DomainError) as exc:
        create_person(uow, PersonInput(name="周𠮷", notes="长" * 100_000))
    assert exc.value.field == "notes" and "最多 10000 个字，现为 100000 个字" in exc.value.message
