"""The audit trail as the administrator reads it: what is recorded (changes, logins, openings, exports,
prints), the filters, readable rows, the Excel export (read back with openpyxl), and the chain still whole."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.domain.enums import DocumentKind, Role
from app.errors import PermissionDenied
from app.services import audit_log as al, notices
from app.services.listing import unpack_ids
from app.services.matter_dossier import load_dossier
from app.services.persons import PersonInput, create_person, update_person
from app.services.users import authenticate
from db.models import AuditEvent
from tests.conftest import PASSWORD
from tests.support.matters import register


def _rows(ws, actor, f: al.AuditFilter) -> list[al.AuditRow]:
    with ws.read(actor) as uow:
        ids = al.audit_ids(uow, f)
        found = al.audit_rows(uow, unpack_ids(ids)) if ids else {}
        return sorted(found.values(), key=lambda r: -r.seq)


@pytest.fixture
def trail(ws, admin, actors):
    """A morning's work: a registration, a person edited, a dossier and a notice opened, logins."""
    clerk = actors[Role.RECEPTIONIST]
    matter_id = register(ws, clerk, "反映东风村道路破损", name="孙丽")
    with ws.write(clerk) as uow:
        person_id = create_person(uow, PersonInput(name="周八", phones=("13900001111",)))
        update_person(uow, person_id, PersonInput(name="周八", phones=("13900002222",)))
        notices.issue_notice(uow, ws, DocumentKind.REGISTRATION, matter_id)
    with ws.read(actors[Role.LEADER]) as uow:
        load_dossier(uow, matter_id, ws.attachments_dir)
    with ws.read(clerk) as uow:
        document = notices.list_notices(uow, matter_id)[0].document
        notices.notice_pdf(uow, ws, document.id)
    with pytest.raises(PermissionDenied):
        authenticate(ws, "jingban", "wrong-1234")
    authenticate(ws, "jingban", PASSWORD)
    return matter_id, person_id


def test_rows_name_the_user_action_record_and_changed_fields(ws, admin, actors, trail):
    matter_id, person_id = trail
    rows = _rows(ws, admin, al.AuditFilter())
    cells = [r.cells() for r in rows]
    assert cells[0][2:4] == ("jingban", "登录") and cells[1][2:4] == ("jingban", "登录失败")
    assert [c[2:5] for c in cells[2:6]] == [("jiedai", "打开查看", "文书"), ("lingdao", "打开查看", "信访事项"),
                                            ("jiedai", "添加附件", "文书"), ("jiedai", "出具文书", "文书")]
    opened = rows[3]
    assert opened.entity.startswith("SX2026-") and opened.details == "内容已遮蔽：否"
    edit = next(r for r in rows if r.action == "update" and r.entity_type == "person")
    assert edit.entity == "周八" and "13900001111" in edit.details and "→" in edit.details
    assert all(isinstance(r.at, datetime) and r.at.tzinfo is None for r in rows)


def test_filters_combine(ws, admin, actors, trail):
    matter_id, _ = trail
    leader, clerk = actors[Role.LEADER], actors[Role.RECEPTIONIST]
    assert [r.action for r in _rows(ws, admin, al.AuditFilter(user_id=leader.user_id))] == ["open"]
    assert {r.user for r in _rows(ws, admin, al.AuditFilter(action="create"))} == {"jiedai"}
    assert {r.entity_type for r in _rows(ws, admin, al.AuditFilter(entity_type="person", user_id=clerk.user_id))} \
        == {"person"}
    assert [r.action for r in _rows(ws, admin, al.AuditFilter(text="13900002222"))] == ["update"]
    assert _rows(ws, admin, al.AuditFilter(text=str(matter_id)[-12:], action="open"))[0].user == "lingdao"
    today = datetime.now().date()  # events carry the real time; the filter means local days
    everything = _rows(ws, admin, al.AuditFilter())
    assert _rows(ws, admin, al.AuditFilter(start=today, end=today)) == everything
    assert _rows(ws, admin, al.AuditFilter(start=today - timedelta(days=7), end=today - timedelta(days=1))) == []
    assert _rows(ws, admin, al.AuditFilter(start=today + timedelta(days=1))) == []
    with ws.read(admin) as uow:
        options = al.filter_options(uow)
    assert ("open", "打开查看") in options.actions and ("matter", "信访事项") in options.entity_types
    assert any(label == "jiedai用户（jiedai）" for _, label in options.users)


def test_export_is_a_real_workbook_and_is_itself_audited(ws, admin, trail, tmp_path):
    target = tmp_path / "审计日志.xlsx"
    with ws.read(admin) as uow:
        result = al.export_audit(uow, al.AuditFilter(), target)
    book = load_workbook(target, read_only=True)
    lines = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert lines[0][0] == "审计日志" and lines[2] == al.COLUMNS
    body = lines[3:]
    assert len(body) == result.rows and body[0][2:4] == ("jingban", "登录")
    assert isinstance(body[0][1], datetime) and [r[0] for r in body] == sorted((r[0] for r in body), reverse=True)
    with ws.database.read() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
        assert (last.action, last.entity_type, last.after) == ("export", "audit",
                                                               {"rows": result.rows, "file": "审计日志.xlsx"})


def test_openings_from_a_read_are_written_after_it_and_keep_the_chain(ws, admin, trail):
    with ws.database.read() as session:
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        seqs = [e.seq for e in events]
        from app.services.audit import event_hash

        intact = all(e.hash == event_hash(e) and (i == 0 or e.prev_hash == events[i - 1].hash)
                     for i, e in enumerate(events))
    assert seqs == list(range(1, len(seqs) + 1)) and intact


def test_a_failed_read_records_no_opening(ws, admin):
    import uuid

    with pytest.raises(Exception), ws.read(admin) as uow:
        load_dossier(uow, uuid.uuid4(), ws.attachments_dir)
    with ws.database.read() as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "open")).first() is None


def test_audit_record_refuses_a_read_only_unit_of_work(ws, admin):
    from app.services import audit

    with pytest.raises(RuntimeError, match="write unit of work"), ws.read(admin) as uow:
        audit.record(uow, "update", "person", None)


def test_a_cancelled_export_leaves_no_file_and_records_nothing(ws, admin, trail, tmp_path):
    from app.excel.common import Cancelled

    out = tmp_path / "out"
    out.mkdir()
    target = out / "审计日志.xlsx"
    calls: list[tuple[int, int]] = []
    with pytest.raises(Cancelled), ws.read(admin) as uow:
        al.export_audit(uow, al.AuditFilter(), target, progress=lambda d, t: calls.append((d, t)),
                        cancelled=lambda: True)
    assert list(out.iterdir()) == [] and calls == []  # not even the temporary file
    with ws.read(admin) as uow:
        al.export_audit(uow, al.AuditFilter(), target, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1]
    with ws.database.read() as session:
        assert session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "audit")).all() == ["export"]
