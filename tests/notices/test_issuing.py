"""Issuing rules: numbers, re-prints, refusals, one unit of work, deliveries, batches, wording."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from app.domain.enums import DeliveryMethod, DocumentKind as K, Role
from app.errors import IllegalTransition, PermissionDenied, ValidationError
from app.services import matter_steps as st, notice_templates, notices
from app.services.notice_archive import pdf_pages
from db.models import Attachment, Document, Matter, NumberSeries
from tests.notices import builders
from tests.notices.conftest import flat, pdf_text, requires_poppler

D = builders.D


def issue(ws, actor, kind, matter_id, **kw):
    with ws.write(actor) as uow:
        return notices.issue_notice(uow, ws, kind, matter_id, **kw)


def accepted(ws, admin, name):
    matter_id = builders.register(ws, admin, name=name).matter_id
    issued = builders.step(ws, admin, matter_id, st.Accept(on=D("2026-08-05")))
    return matter_id, issued


def test_a_step_stores_its_notice_with_the_document_row(ws, admin):
    matter_id, issued = accepted(ws, admin, "张一")
    assert [(n.label, n.number, n.reissued) for n in issued] == [("受理告知书", "某某镇信受〔2026〕1号", False)]
    with ws.database.read() as session:
        doc = session.scalars(select(Document).where(Document.matter_id == matter_id)).one()
        att = session.get(Attachment, doc.file_id)
        assert att.entity_type == "document" and att.entity_id == doc.id and att.mime == "application/pdf"
        sha = att.sha256
    blob = ws.attachments_dir / sha[:2] / sha
    assert blob.read_bytes() == issued[0].path.read_bytes()
    assert hashlib.sha256(blob.read_bytes()).hexdigest() == sha


def test_numbers_are_gap_free_and_a_reprint_returns_the_same_number_and_bytes(ws, admin):
    first, _ = accepted(ws, admin, "张一")
    refused = builders.register(ws, admin, name="张二").matter_id
    with pytest.raises(IllegalTransition):
        issue(ws, admin, K.ACCEPTANCE, refused)  # not accepted: refused, no number consumed
    second, issued = accepted(ws, admin, "张三")
    assert issued[0].number == "某某镇信受〔2026〕2号"
    again = issue(ws, admin, K.ACCEPTANCE, first)
    assert again.reissued and again.number == "某某镇信受〔2026〕1号"
    with ws.read(admin) as uow:
        original = notices.notice_pdf(uow, ws, again.document.id)
    assert again.path.read_bytes() == original
    with ws.database.read() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 2
        assert session.scalar(select(NumberSeries.last_value).where(NumberSeries.series == "doc:acceptance")) == 2


def test_a_failed_unit_of_work_leaves_no_number_row_or_file_record(ws, admin):
    matter_id = builders.register(ws, admin).matter_id
    with pytest.raises(RuntimeError):
        with ws.write(admin) as uow:
            notices.perform_step(uow, ws, matter_id, st.Accept(on=D("2026-08-05")))
            raise RuntimeError("power cut")
    with ws.database.read() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0
        assert session.scalar(select(func.count()).select_from(Attachment)) == 0
        assert session.scalar(select(func.count()).select_from(NumberSeries)
                              .where(NumberSeries.series.like("doc:%"))) == 0
    _, issued = accepted(ws, admin, "张建国二")
    assert issued[0].number.endswith("〔2026〕1号")


@pytest.mark.parametrize("kind, reason", [
    (K.ACCEPTANCE, "尚未作出受理决定"), (K.DECLINE, "尚未作出不予受理决定"),
    (K.LEGAL_CHANNEL, "尚未作出依法分类处理决定"), (K.REFERRAL, "尚未作出转送或交办决定"),
    (K.EXTENSION, "尚未办理“延期办理”"), (K.REPLY, "尚未办理“出具答复意见”"),
    (K.ARCHIVE_COVER, "不能归档"), (K.CATALOGUE, "不能归档"), (K.DELIVERY_RECEIPT, "没有需要送达"),
])
def test_a_kind_the_state_does_not_allow_is_refused_with_the_reason(ws, admin, kind, reason):
    matter_id = builders.register(ws, admin).matter_id
    with pytest.raises(IllegalTransition, match=reason) as caught:
        issue(ws, admin, kind, matter_id)
    assert "已登记" in caught.value.message or kind is K.DELIVERY_RECEIPT


def test_decline_and_no_longer_accepted_exclude_each_other(ws, admin):
    matter_id = builders.declined_matter(ws, admin)
    with pytest.raises(IllegalTransition, match="只能出具一种"):
        issue(ws, admin, K.NO_LONGER_ACCEPTED, matter_id)


def test_acceptance_without_notice_at_the_step_can_be_issued_later(ws, admin):
    matter_id = builders.register(ws, admin).matter_id
    assert builders.step(ws, admin, matter_id, st.Accept(on=D("2026-08-05"), issue_notice=False,
                                                         no_notice_reason="匿名来信，地址不详")) == []
    later = issue(ws, admin, K.ACCEPTANCE, matter_id)
    assert later.number == "某某镇信受〔2026〕1号" and later.document.issued_on == D("2026-11-23")


def test_acceptance_needs_its_notice_or_a_reason(ws, admin):
    matter_id = builders.register(ws, admin).matter_id
    with pytest.raises(IllegalTransition, match="告知书"):
        builders.step(ws, admin, matter_id, st.Accept(on=D("2026-08-05"), issue_notice=False))


def test_issuing_needs_the_permission(ws, actors):
    matter_id = builders.register(ws, actors[Role.ADMIN]).matter_id
    with pytest.raises(PermissionDenied):
        issue(ws, actors[Role.COUNTY_READER], K.REGISTRATION, matter_id)
    assert issue(ws, actors[Role.RECEPTIONIST], K.REGISTRATION, matter_id).document.kind is K.REGISTRATION


def test_one_registration_sheet_per_contact(ws, admin):
    from datetime import datetime

    from app.domain.enums import Channel
    from app.services.contacts import NewContact, register_contact

    first = builders.register(ws, admin)
    sheet = issue(ws, admin, K.REGISTRATION, first.matter_id)
    with ws.write(admin) as uow:
        again = register_contact(uow, NewContact(
            channel=Channel.LETTER,
            contact_at=datetime(2026, 9, 1, 10, 0), content="再次反映补偿款问题", persons=(first.person_ids[0],),
            subject_code="0101", matter_id=first.matter_id))
    second = issue(ws, admin, K.REGISTRATION, first.matter_id, contact_id=again.contact_id)
    assert second.document.id != sheet.document.id
    assert issue(ws, admin, K.REGISTRATION, first.matter_id, contact_id=again.contact_id).reissued
    assert issue(ws, admin, K.REGISTRATION, first.matter_id).document.id == second.document.id  # the latest


@requires_poppler
def test_second_registration_lists_the_earlier_contact(ws, admin):
    from datetime import datetime

    from app.domain.enums import Channel
    from app.services.contacts import NewContact, register_contact

    first = builders.register(ws, admin)
    with ws.write(admin) as uow:
        again = register_contact(uow, NewContact(
            channel=Channel.LETTER, contact_at=datetime(2026, 9, 1, 10, 0), content="再次反映补偿款问题",
            persons=(first.person_ids[0],), subject_code="0101", matter_id=first.matter_id))
    text = flat(pdf_text(issue(ws, admin, K.REGISTRATION, first.matter_id, contact_id=again.contact_id)
                         .path.read_bytes()))
    assert "信访登记表" in text and "2026年8月3日走访（DJ2026-000001）" in text


def test_delivery_receipt_one_per_delivered_notice(ws, admin):
    matter_id = builders.replied_matter(ws, admin)
    receipt = issue(ws, admin, K.DELIVERY_RECEIPT, matter_id)  # the newest: the reply
    with ws.read(admin) as uow:
        rows = {r.label: r for r in notices.list_notices(uow, matter_id)}
    assert rows["送达回证"].accompanies == "答复意见书 某某镇信复〔2026〕1号"
    assert issue(ws, admin, K.DELIVERY_RECEIPT, matter_id).document.id == receipt.document.id
    other = issue(ws, admin, K.DELIVERY_RECEIPT, matter_id, target_id=rows["受理告知书"].document.id)
    assert other.document.id != receipt.document.id


def test_recording_deliveries(ws, admin):
    matter_id = builders.replied_matter(ws, admin)
    with ws.read(admin) as uow:
        rows = {r.label: r for r in notices.list_notices(uow, matter_id)}
    with ws.write(admin) as uow:
        info = notices.record_notice_delivery(uow, rows["受理告知书"].document.id, DeliveryMethod.POST,
                                              D("2026-08-08"), "")
    assert info.delivery_method is DeliveryMethod.POST and info.delivered_on == D("2026-08-08")
    with pytest.raises(IllegalTransition, match="尚未送达"):
        builders.step(ws, admin, matter_id, st.Close(on=D("2026-11-20")))
    with ws.write(admin) as uow:
        notices.record_notice_delivery(uow, rows["答复意见书"].document.id, DeliveryMethod.LEFT,
                                       D("2026-11-12"), "张建国", "拒绝签收，村干部李某见证")
    with ws.database.read() as session:
        assert session.get(Matter, matter_id).reply_delivered_on == D("2026-11-12")
    builders.step(ws, admin, matter_id, st.Close(on=D("2026-11-20")))  # now allowed
    sheet = issue(ws, admin, K.REGISTRATION, matter_id)
    with ws.write(admin) as uow, pytest.raises(ValidationError, match="不送达"):
        notices.record_notice_delivery(uow, sheet.document.id, DeliveryMethod.DIRECT, D("2026-11-20"), "x")


def test_batch_prints_a_days_notices_in_one_pdf(ws, admin):
    for name in ("张一", "张二", "张三"):
        accepted(ws, admin, name)
    with ws.read(admin) as uow:
        rows = notices.notices_issued_on(uow, D("2026-08-05"), K.ACCEPTANCE)
        assert [r.document.number for r in rows] == [f"某某镇信受〔2026〕{n}号" for n in (1, 2, 3)]
        batch = notices.render_batch(uow, ws, [r.document.id for r in rows])
    assert pdf_pages(batch) == 3
    with ws.read(admin) as uow, pytest.raises(ValidationError):
        notices.render_batch(uow, ws, [])


@requires_poppler
def test_an_office_can_reword_a_notice(ws, admin, actors):
    override = {"body": "{you}反映的“{matter_title}”事项，本机关决定受理。\n特此告知。"}
    with ws.write(actors[Role.RECEPTIONIST]) as uow, pytest.raises(PermissionDenied):
        notice_templates.set_notice_template(uow, K.ACCEPTANCE, override)
    with ws.write(admin) as uow, pytest.raises(ValidationError, match=r"\{petitioner_age\}"):
        notice_templates.set_notice_template(uow, K.ACCEPTANCE, {"body": "{petitioner_age}岁"})
    with ws.write(admin) as uow, pytest.raises(ValidationError, match="没有名为"):
        notice_templates.set_notice_template(uow, K.ACCEPTANCE, {"footer": "x"})
    with ws.write(admin) as uow:
        saved = notice_templates.set_notice_template(uow, K.ACCEPTANCE, override)
    assert saved.effective["body"] == override["body"] and saved.effective["title"] == saved.shipped["title"]
    _, issued = accepted(ws, admin, "张四")
    text = flat(pdf_text(issued[0].path.read_bytes()))
    assert "本机关决定受理。" in text and "第二十三条" not in text
    with ws.write(admin) as uow:
        assert notice_templates.set_notice_template(uow, K.ACCEPTANCE, {}).override == {}


@requires_poppler
def test_preview_shows_the_notice_without_issuing_it(ws, admin):
    matter_id = builders.register(ws, admin).matter_id
    builders.step(ws, admin, matter_id, st.Accept(on=D("2026-08-05"), issue_notice=False,
                                                  no_notice_reason="先电话告知"))
    with ws.read(admin) as uow:
        pdf = notices.preview_notice(uow, ws, K.ACCEPTANCE, matter_id)
    assert "（文号待定）" in flat(pdf_text(pdf))
    with ws.database.read() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0


def test_unknown_per_notice_fields_are_refused(ws, admin):
    matter_id = builders.declined_matter(ws, admin)
    with pytest.raises(ValidationError, match="没有可填写"):
        issue(ws, admin, K.REGISTRATION, matter_id, fields={"reason": "x"})
