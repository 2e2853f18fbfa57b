"""检举控告类 secrecy on every surface: dossier, matter list, content search, person archive, Excel ledgers,
notices and attachments; per-user grants and revocations; the referral to the accused unit never names the
accuser. Files are real (xlsx read back with openpyxl, PDFs with pypdf)."""

from __future__ import annotations

import io
import uuid

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.domain.enums import DocumentKind, MatterType, Role
from app.domain.permissions import Permission
from app.errors import PermissionDenied, ValidationError
from app.excel.ledgers import LedgerKind, export_ledger
from app.services import attachments, notices
from app.services.content_search import search_matter_ids
from app.services.context import Actor
from app.services.matter_dossier import load_dossier
from app.services.matter_list import matter_rows
from app.services.notice_templates import set_notice_template
from app.services.person_archive import load_archive
from app.services.users import authenticate, create_user, list_users, set_accusation_access
from app.services.workspace import Workspace
from db.models import AuditEvent, Contact, Document, MatterPetitioner, Person
from tests.conftest import PASSWORD, ROLE_LOGINS
from tests.notices import builders

ACCUSER = "钱举报"
PHONE = "13857112345"
SECRET_WORDS = ("挪用集体土地补偿款", ACCUSER, PHONE)


def _accusation(ws: Workspace, admin: Actor) -> tuple[uuid.UUID, uuid.UUID, str]:
    """An assigned accusation by 钱举报 (with ID number and phone): (matter, person, id_number)."""
    matter_id = builders.accusation_matter(ws, admin, name=ACCUSER)
    with ws.database.read() as session:
        person = session.scalars(select(Person).join(MatterPetitioner, MatterPetitioner.person_id == Person.id)
                                 .where(MatterPetitioner.matter_id == matter_id)).one()
        return matter_id, person.id, person.id_number or ""


@pytest.fixture
def viewers(ws: Workspace, admin: Actor) -> dict[str, Actor]:
    """Role defaults (leader sees, handler does not) and the administrator's exceptions to them, each on
    its own account: rights are the stored ones at every operation, not those of the login."""
    with ws.write(admin) as uow:
        granted = create_user(uow, "jingban2", "经办人二", Role.HANDLER, PASSWORD)
        revoked = create_user(uow, "lingdao2", "领导二", Role.LEADER, PASSWORD)
        set_accusation_access(uow, granted.id, True)
        set_accusation_access(uow, revoked.id, False)
    logins = {"leader": ROLE_LOGINS[Role.LEADER], "granted_handler": "jingban2", "revoked_leader": "lingdao2",
              "handler": ROLE_LOGINS[Role.HANDLER], "receptionist": ROLE_LOGINS[Role.RECEPTIONIST]}
    return {name: authenticate(ws, login, PASSWORD) for name, login in logins.items()}


SEES = {"leader": True, "granted_handler": True, "revoked_leader": False, "handler": False, "receptionist": False}


def test_grants_and_revocations_are_per_user_audited_and_shown(ws, admin, viewers):
    assert {name: viewers[name].may(Permission.READ_ACCUSATION) for name in SEES} == SEES
    handler_id = viewers["handler"].user_id
    with ws.write(admin) as uow:
        info = set_accusation_access(uow, handler_id, True)
        assert info.read_accusation and info.accusation_override is True
        listed = {u.login: u for u in list_users(uow)}
    assert listed["jingban"].read_accusation and not listed["jiedai"].read_accusation
    with ws.database.read() as session:
        grants = [(e.before, e.after) for e in session.scalars(select(AuditEvent).where(
            AuditEvent.action == "set_grant", AuditEvent.entity_id == str(handler_id)).order_by(AuditEvent.seq))]
    assert grants == [({"read_accusation": None}, {"read_accusation": True})]
    with pytest.raises(PermissionDenied), ws.write(viewers["leader"]) as uow:
        set_accusation_access(uow, handler_id, False)


def test_a_revoked_right_is_refused_with_its_reason(viewers):
    with pytest.raises(PermissionDenied, match="管理员已收回"):
        viewers["revoked_leader"].require(Permission.READ_ACCUSATION)


@pytest.mark.parametrize("viewer", list(SEES))
def test_dossier_list_search_and_archive(ws, admin, viewers, viewer):
    matter_id, person_id, id_number = _accusation(ws, admin)
    actor, sees = viewers[viewer], SEES[viewer]
    with ws.read(actor) as uow:
        dossier = load_dossier(uow, matter_id, ws.attachments_dir)
        row = matter_rows(uow, [matter_id])[matter_id]
        found = search_matter_ids(uow, "挪用集体")
        archive = load_archive(uow, person_id, ws.attachments_dir)
    shown = repr((dossier.title, dossier.contacts, dossier.petitioners, row, archive.timeline))
    assert dossier.masked is not sees
    for word in SECRET_WORDS[:1] + (id_number,):
        assert (word in shown) is sees, word
    assert (ACCUSER in repr((dossier, row))) is sees
    assert (matter_id in found) is sees
    with ws.database.read() as session:
        opened = [(e.entity_type, e.entity_id, e.after) for e in session.scalars(select(AuditEvent).where(
            AuditEvent.action == "open", AuditEvent.user_id == actor.user_id).order_by(AuditEvent.seq))]
    assert opened == [("matter", str(matter_id), {"masked": not sees}), ("person", str(person_id), None)]


def _cells(path) -> str:
    book = load_workbook(path, read_only=True)
    text = " ".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                    for v in row if v is not None)
    book.close()
    return text


@pytest.mark.parametrize("viewer", list(SEES))
@pytest.mark.parametrize("kind", [LedgerKind.CONTACTS, LedgerKind.MATTERS])
def test_excel_ledgers(ws, admin, viewers, viewer, kind, tmp_path):
    _, _, id_number = _accusation(ws, admin)
    target = tmp_path / f"{kind.value}.xlsx"
    with ws.read(viewers[viewer]) as uow:
        assert export_ledger(uow, kind, target).rows == 1
    text = _cells(target)
    assert "SX2026-00001" in text  # the row is there either way
    words = (ACCUSER, "挪用集体土地补偿款") + ((id_number, PHONE) if kind is LedgerKind.CONTACTS else ())
    for word in words:
        assert (word in text) is SEES[viewer], word
    if not SEES[viewer]:
        assert "保密" in text
    with ws.database.read() as session:
        export = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
        who, details = export.user_id, export.after
    assert who == viewers[viewer].user_id
    assert details == {"kind": kind.value, "rows": 1, "file": target.name, "masked": not SEES[viewer]}


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(" ", "")


def test_referral_never_names_the_accuser_even_when_the_template_asks(ws, admin):
    with ws.write(admin) as uow:
        set_notice_template(uow, DocumentKind.REFERRAL, {
            "body": "现将{petitioner_names}（{addressee}）反映的“{matter_title}”{referral_word}你单位。\n{secrecy}"})
    matter_id, _, id_number = _accusation(ws, admin)  # the assignment issues the referral
    with ws.read(admin) as uow:
        referral = notices.list_notices(uow, matter_id)[-1].document
        assert referral.kind is DocumentKind.REFERRAL
        text = _pdf_text(notices.notice_pdf(uow, ws, referral.id))
    assert "某某镇纪委" in text and "严格保密" in text and "现将信访人（信访人）反映的" in text
    for word in (ACCUSER, id_number, PHONE, id_number[:6]):
        assert word not in text, word


def test_a_referral_whose_text_would_name_the_accuser_is_refused(ws, admin):
    matter_id = builders.register(ws, admin, name=ACCUSER, matter_type=MatterType.ACCUSATION,
                                  title=f"{ACCUSER}检举村委会主任").matter_id
    with pytest.raises(ValidationError, match="不得写入信访人的姓名") as refused:
        builders.step(ws, admin, matter_id, builders.st.Forward(on=builders.D("2026-08-04"), to="某某镇纪委"))
    assert refused.value.field == "matter_title"
    with ws.database.read() as session:  # the whole step was rolled back: no document, no number
        assert session.scalars(select(Document).where(Document.matter_id == matter_id,
                                                      Document.kind == "referral")).first() is None


def test_notices_naming_the_accuser_are_for_granted_users_and_the_issuer(ws, admin, viewers):
    matter_id, _, _ = _accusation(ws, admin)
    with ws.write(admin) as uow:
        registration = notices.issue_notice(uow, ws, DocumentKind.REGISTRATION, matter_id)
        referral = notices.issue_notice(uow, ws, DocumentKind.REFERRAL, matter_id)  # issued by the step
    assert ACCUSER in _pdf_text(registration.path.read_bytes())
    for name, sees in SEES.items():
        with ws.read(viewers[name]) as uow:
            assert ACCUSER not in _pdf_text(notices.notice_pdf(uow, ws, referral.document.id))
            if sees:
                assert ACCUSER in _pdf_text(notices.notice_pdf(uow, ws, registration.document.id))
            else:
                with pytest.raises(PermissionDenied, match="检举控告类事项的文书"):
                    notices.notice_pdf(uow, ws, registration.document.id)
    with ws.read(admin) as uow:  # the administrator issued it (and is granted anyway)
        notices.notice_pdf(uow, ws, registration.document.id)
    with ws.database.read() as session:
        handed_out = session.scalars(select(AuditEvent.action).where(
            AuditEvent.action.in_(("print", "open")), AuditEvent.entity_type == "document")).all()
    # Every viewer's referral, the granted viewers' registration sheets, and the administrator's two
    # takes of stored files (asking for the referral again, reading the sheet); refused reads record nothing.
    assert len(handed_out) == len(SEES) + sum(SEES.values()) + 2
    assert handed_out.count("print") == 1  # the re-issue hands the file out to print


def test_attachments_of_an_accusation_are_refused_to_the_ungranted(ws, admin, viewers, tmp_path):
    matter_id, _, _ = _accusation(ws, admin)
    with ws.write(admin) as uow:
        contact_id = uow.session.scalars(select(Contact.id).where(Contact.matter_id == matter_id)).one()
        stored = attachments.store_bytes(uow, ws.attachments_dir, b"%PDF-1.4 letter", "检举信.pdf",
                                         "contact", contact_id)
    for name, sees in SEES.items():
        with ws.read(viewers[name]) as uow:
            if sees:
                assert attachments.viewable_copy(uow, ws.attachments_dir, stored.id, tmp_path / name).is_file()
            else:
                with pytest.raises(PermissionDenied, match="检举控告类事项的附件"):
                    attachments.viewable_copy(uow, ws.attachments_dir, stored.id, tmp_path / name)
