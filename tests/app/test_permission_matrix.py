"""The permission matrix, one test per cell (role × permission), each through the real service that needs
the permission: allowed cells succeed, refused cells raise PermissionDenied and change nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.enums import DocumentKind, MatterType, ReplyResult, Role
from app.domain.permissions import MATRIX, PERMISSION_LABELS, ROLE_LABELS, Permission, allows
from app.errors import PermissionDenied
from app.services import audit_log, matter_steps as st, matters, notices
from app.services.context import Actor
from app.services.matter_dossier import load_dossier
from app.services.matter_list import MatterFilter, matter_list_ids
from app.services.matter_oversight import set_case_leader
from app.services.office_settings import update_office
from app.services.person_merge import merge_persons
from app.services.persons import PersonInput, create_person
from app.services.users import create_user
from app.services.workspace import Workspace
from app.statistics.periods import month
from app.statistics.submissions import submit
from db.models import AuditEvent
from tests.conftest import PASSWORD
from tests.support.matters import register

D = date.fromisoformat
Probe = Callable[[Workspace, Actor, Actor], None]


def _accepted(ws: Workspace, admin: Actor) -> uuid.UUID:
    matter_id = register(ws, admin, "反映东风村道路破损")
    with ws.write(admin) as uow:
        matters.perform(uow, matter_id, st.Accept(on=D("2026-11-03"), issue_notice=False,
                                                  no_notice_reason="已当场口头告知"))
    return matter_id


def _read(ws: Workspace, actor: Actor, admin: Actor) -> None:
    register(ws, admin, "反映东风村道路破损")
    with ws.read(actor) as uow:
        assert len(matter_list_ids(uow, MatterFilter())) == 16


def _read_accusation(ws: Workspace, actor: Actor, admin: Actor) -> None:
    """Not a refusal but a mask: the dossier of an accusation hides its content from the ungranted."""
    matter_id = register(ws, admin, "检举某站站长收受红包", matter_type=MatterType.ACCUSATION, name="赵检举")
    with ws.read(actor) as uow:
        dossier = load_dossier(uow, matter_id, ws.attachments_dir)
    if dossier.masked:
        assert "红包" not in repr(dossier) and "赵检举" not in repr(dossier)
        raise PermissionDenied("masked", "masked")
    assert dossier.contacts[0].content == "检举某站站长收受红包" and dossier.contacts[0].persons == ("赵检举",)


def _register_contact(ws: Workspace, actor: Actor, admin: Actor) -> None:
    register(ws, actor, "反映红旗村路灯不亮")


def _edit_person(ws: Workspace, actor: Actor, admin: Actor) -> None:
    with ws.write(actor) as uow:
        create_person(uow, PersonInput(name="周八"))


def _merge_persons(ws: Workspace, actor: Actor, admin: Actor) -> None:
    with ws.write(admin) as uow:
        a, b = create_person(uow, PersonInput(name="吴九")), create_person(uow, PersonInput(name="吴九"))
    with ws.write(actor) as uow:
        merge_persons(uow, a, b, "同一人重复登记")


def _decide_matter(ws: Workspace, actor: Actor, admin: Actor) -> None:
    matter_id = register(ws, admin, "反映东风村道路破损")
    with ws.write(actor) as uow:
        matters.perform(uow, matter_id, st.Accept(on=D("2026-11-03"), issue_notice=False,
                                                  no_notice_reason="已当场口头告知"))


def _handle_matter(ws: Workspace, actor: Actor, admin: Actor) -> None:
    matter_id = _accepted(ws, admin)
    with ws.write(actor) as uow:
        matters.perform(uow, matter_id, st.Reply(on=D("2026-11-20"), result=ReplyResult.SUPPORT,
                                                 summary="经核实，道路已于11月18日修复。"))


def _own_matter(ws: Workspace, actor: Actor, admin: Actor) -> None:
    matter_id = register(ws, admin, "反映东风村道路破损")
    with ws.write(actor) as uow:
        set_case_leader(uow, matter_id, "李书记")


def _issue_document(ws: Workspace, actor: Actor, admin: Actor) -> None:
    matter_id = register(ws, admin, "反映东风村道路破损")
    with ws.write(actor) as uow:
        issued = notices.issue_notice(uow, ws, DocumentKind.REGISTRATION, matter_id)
    assert issued.path.read_bytes().startswith(b"%PDF")


def _manage_users(ws: Workspace, actor: Actor, admin: Actor) -> None:
    with ws.write(actor) as uow:
        create_user(uow, "zhouba", "周八", Role.HANDLER, PASSWORD)


def _manage_settings(ws: Workspace, actor: Actor, admin: Actor) -> None:
    with ws.write(actor) as uow:
        update_office(uow, name="某某县某某镇人民政府", short_name="某镇", parent_name="某某县信访局")


def _submit_report(ws: Workspace, actor: Actor, admin: Actor) -> None:
    with ws.write(actor) as uow:
        submit(uow, month(2026, 10))


def _load_demo(ws: Workspace, actor: Actor, admin: Actor) -> None:
    from app.services.demo import load_demo

    assert load_demo(ws, actor, contacts=10).contacts == 10


def _read_audit(ws: Workspace, actor: Actor, admin: Actor) -> None:
    with ws.read(actor) as uow:
        assert audit_log.audit_ids(uow, audit_log.AuditFilter())


def _record_stability_work(ws: Workspace, actor: Actor, admin: Actor) -> None:
    from app.services.key_persons import list_key_person

    with ws.write(admin) as uow:
        person_id = create_person(uow, PersonInput(name="郑十"))
    with ws.write(actor) as uow:
        list_key_person(uow, person_id, officer_id=admin.user_id, reason="多次越级走访")


PROBES: dict[Permission, Probe] = {
    Permission.READ: _read, Permission.READ_ACCUSATION: _read_accusation,
    Permission.REGISTER_CONTACT: _register_contact, Permission.EDIT_PERSON: _edit_person,
    Permission.MERGE_PERSONS: _merge_persons, Permission.DECIDE_MATTER: _decide_matter,
    Permission.HANDLE_MATTER: _handle_matter, Permission.OWN_MATTER: _own_matter,
    Permission.ISSUE_DOCUMENT: _issue_document, Permission.MANAGE_USERS: _manage_users,
    Permission.MANAGE_SETTINGS: _manage_settings, Permission.SUBMIT_REPORT: _submit_report,
    Permission.LOAD_DEMO: _load_demo, Permission.READ_AUDIT: _read_audit,
    Permission.RECORD_STABILITY_WORK: _record_stability_work,
}
CELLS = [(role, permission) for role in Role for permission in Permission]


def test_every_permission_has_a_probe_and_every_role_a_row():
    assert set(PROBES) == set(Permission) and set(MATRIX) == set(Role)


def _events(ws: Workspace) -> int:
    with ws.database.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@pytest.mark.parametrize(("role", "permission"), CELLS, ids=[f"{r.value}-{p.value}" for r, p in CELLS])
def test_cell(ws, actors, role, permission):
    actor, admin = actors[role], actors[Role.ADMIN]
    probe = PROBES[permission]
    if allows(role, permission):
        probe(ws, actor, admin)
        return
    with pytest.raises(PermissionDenied) as refused:
        # The set-up the probe does as the administrator is committed before the refused call.
        probe(ws, actor, admin)
    if permission is not Permission.READ_ACCUSATION:
        assert refused.value.code == "permission_denied" and refused.value.params["permission"] == permission.value


@pytest.mark.parametrize("role", [r for r in Role if not allows(r, Permission.MANAGE_USERS)])
def test_a_refused_call_writes_nothing(ws, actors, role):
    before = _events(ws)
    with pytest.raises(PermissionDenied), ws.write(actors[role]) as uow:
        create_user(uow, "zhouba", "周八", Role.HANDLER, PASSWORD)
    assert _events(ws) == before


def test_the_table_in_the_security_docs_is_the_matrix():
    roles = [Role.RECEPTIONIST, Role.HANDLER, Role.LEADER, Role.ADMIN, Role.COUNTY_READER]
    lines = ["| 权限 | code | " + " | ".join(ROLE_LABELS[r] for r in roles) + " |", "|---|---|" + "---|" * len(roles)]
    lines += [f"| {PERMISSION_LABELS[p]} | `{p.value}` | " + " | ".join("✓" if p in MATRIX[r] else "—" for r in roles)
              + " |" for p in Permission]
    docs = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    assert "\n".join(lines) in docs
