"""The 交办单's deadline is the matter's clock 交办报告期限: printed from it, never typed over it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.cli.main import run
from app.domain.enums import Clock, DocumentKind
from app.errors import ValidationError
from app.services import matter_steps as st, matters, notices
from app.services.office_settings import set_setting
from db.models import Document, Matter, MatterDeadline
from tests.notices import builders
from tests.notices.conftest import flat, pdf_text, requires_poppler

D = builders.D


def report_clock(ws, admin, matter_id):
    """The due date of the report clock as the program keeps it (what 到期提醒 and the dossier show)."""
    with ws.read(admin) as uow:
        return uow.session.scalar(select(MatterDeadline.due_on).where(
            MatterDeadline.matter_id == matter_id, MatterDeadline.clock == Clock.ASSIGNMENT_REPORT.value))


@requires_poppler
def test_the_assignment_form_prints_the_due_date_of_the_report_clock(ws, admin, tmp_path):
    given = builders.register(ws, admin, name="张建国").matter_id
    issued = builders.step(ws, admin, given, st.Assign(on=D("2026-08-04"), to="某某镇城建办", report_days=20))
    assert report_clock(ws, admin, given) == D("2026-08-24")  # Tue 4 Aug + 20 days
    pdf = tmp_path / "交办单.pdf"
    pdf.write_bytes(issued[0].path.read_bytes())
    text = flat(pdf_text(pdf.read_bytes()))
    assert "信访事项交办单" in text and "请于2026年8月24日前办结" in text

    # Without days of its own the matter gets the office rule, fixed on it when assigned.
    with ws.write(admin) as uow:
        set_setting(uow, "assignment_report_days", 30)
    ruled = builders.register(ws, admin, name="李秀英").matter_id
    builders.step(ws, admin, ruled, st.Assign(on=D("2026-08-04"), to="某某镇城建办"))
    assert report_clock(ws, admin, ruled) == D("2026-09-03")
    with ws.write(admin) as uow:
        text = flat(pdf_text(notices.issue_notice(uow, ws, DocumentKind.REFERRAL, ruled).path.read_bytes()))
    assert "请于2026年9月3日前办结" in text


def test_a_deadline_typed_for_the_form_must_not_contradict_the_clock(ws, admin):
    matter_id = builders.register(ws, admin).matter_id
    assign = st.Assign(on=D("2026-08-04"), to="某某镇城建办", report_days=20)
    with pytest.raises(ValidationError) as caught:
        builders.step(ws, admin, matter_id, assign, {"deadline": "2026年9月30日"})
    error = caught.value
    assert (error.code, error.field) == ("referral_deadline", "deadline")
    assert error.message.startswith("办理期限：") and "2026年8月24日" in error.message
    assert "2026年9月30日" in error.message
    with ws.read(admin) as uow:  # one unit of work: neither the 交办 nor its form was recorded
        assert uow.session.get(Matter, matter_id).state == "registered"
        assert uow.session.scalars(select(Document).where(Document.matter_id == matter_id)).all() == []
    # Saying the clock's own date changes nothing and is accepted.
    builders.step(ws, admin, matter_id, assign, {"deadline": "2026年8月24日"})
    assert report_clock(ws, admin, matter_id) == D("2026-08-24")


def test_reissuing_or_previewing_with_another_deadline_is_refused_too(ws, admin):
    matter_id = builders.register(ws, admin).matter_id
    with ws.write(admin) as uow:  # the step alone: the form's PDF is made when it is first printed
        matters.perform(uow, matter_id, st.Assign(on=D("2026-08-04"), to="某某镇城建办", report_days=20))
    for make in (notices.issue_notice, notices.preview_notice):
        with pytest.raises(ValidationError) as caught, ws.write(admin) as uow:
            make(uow, ws, DocumentKind.REFERRAL, matter_id, fields={"deadline": "2026-08-24"})
        assert caught.value.field == "deadline" and "办理期限" in caught.value.message
    with ws.read(admin) as uow:
        doc = uow.session.scalars(select(Document).where(Document.matter_id == matter_id)).one()
        assert doc.file_id is None


@requires_poppler
def test_the_command_line_refuses_another_deadline_with_exit_2(ws, admin, tmp_path, capsys):
    registered = builders.register(ws, admin)
    with ws.write(admin) as uow:
        matters.perform(uow, registered.matter_id, st.Assign(on=D("2026-08-04"), to="某某镇城建办", report_days=20))
    ws.close()
    common = ["--matter", registered.matter_number, "--data-dir", str(ws.data_dir)]
    assert run(["notice", "referral", *common, "--field", "deadline=2026年12月31日"]) == 2
    assert "办理期限：" in capsys.readouterr().err
    out = tmp_path / "交办单.pdf"
    assert run(["notice", "referral", *common, "-o", str(out)]) == 0
    assert "请于2026年8月24日前办结" in flat(pdf_text(out.read_bytes()))
