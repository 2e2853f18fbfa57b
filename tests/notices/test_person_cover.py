"""The cover of a petitioner's archive (一人一档): rendered from the archive as it stands, audited."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from app.cli.main import run
from app.domain.enums import Channel, MatterType, Role
from app.errors import PermissionDenied, ValidationError
from app.services.contacts import NewContact, register_contact
from app.services.person_cover import render_person_cover
from db.models import AuditEvent, Matter
from tests.notices import builders
from tests.notices.conftest import A4, flat, page_sizes, pdf_fonts, pdf_text


@pytest.fixture
def zhang(ws, admin):
    """张建国: two contacts on his own claim, and an accusation of his."""
    zhang = builders.register(ws, admin).person_ids[0]
    with ws.write(admin) as uow:
        register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=datetime(2026, 9, 14, 10, 0), content="再次反映征地补偿款",
            persons=(zhang,), subject_code="0101"))
        register_contact(uow, NewContact(
            channel=Channel.LETTER, contact_at=datetime(2026, 10, 9, 8, 30), content="举报村干部侵占补偿款",
            persons=(zhang,), subject_code="0302", matter_type=MatterType.ACCUSATION, title="举报侵占"))
    return zhang


def _cover(ws, actor, person_id, **kw):
    with ws.write(actor) as uow:
        return render_person_cover(uow, person_id, **kw)


def test_the_cover_shows_the_archive_and_embeds_its_fonts(ws, admin, zhang):
    pdf = _cover(ws, admin, zhang)
    text = flat(pdf_text(pdf))
    for expected in ("某某县某某镇人民政府", "信访人档案", "一人一档", "张建国", "男", "13857112345",
                     "某某镇东风村三组18号", "来信来访", "3次", "2026年8月3日至2026年10月9日", "30年",
                     "立档单位", "王管理"):
        assert expected in text, expected
    assert "2件：" in text  # the repeat visit joined the claim
    assert page_sizes(pdf) == [pytest.approx(A4, abs=0.01)]
    assert all(f["embedded"] for f in pdf_fonts(pdf))


def test_accusation_matters_are_listed_only_for_users_who_may_see_them(ws, admin, actors, zhang):
    with ws.read(admin) as uow:
        accusation = uow.session.scalars(select(Matter.number).where(
            Matter.matter_type == MatterType.ACCUSATION.value)).one()
    assert accusation in flat(pdf_text(_cover(ws, admin, zhang)))
    receptionist_view = flat(pdf_text(_cover(ws, actors[Role.RECEPTIONIST], zhang)))
    assert accusation not in receptionist_view and "1件：" in receptionist_view


def test_printing_is_audited_and_needs_the_issue_permission(ws, admin, actors, zhang):
    _cover(ws, admin, zhang, retention="永久")
    with ws.read(admin) as uow:
        event = uow.session.execute(select(AuditEvent.action, AuditEvent.entity_type, AuditEvent.entity_id)
                                    .order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert tuple(event) == ("print", "person", str(zhang))
    with pytest.raises(PermissionDenied):
        _cover(ws, actors[Role.COUNTY_READER], zhang)
    with pytest.raises(ValidationError, match="保管期限"):
        _cover(ws, admin, zhang, retention="5年")


def test_the_command_line_writes_the_cover_of_exactly_one_person(ws, admin, zhang, tmp_path, capsys):
    data = ws.data_dir
    ws.close()
    out = tmp_path / "封面.pdf"
    assert run(["notice", "person-cover", "--person", "张建国", "-o", str(out), "--data-dir", str(data)]) == 0
    assert "张建国 的档案封面" in capsys.readouterr().out
    assert "信访人档案" in flat(pdf_text(out.read_bytes()))
    assert run(["notice", "person-cover", "--person", "不存在的人", "-o", str(out), "--data-dir", str(data)]) == 2
    assert "没有找到档案" in capsys.readouterr().err
