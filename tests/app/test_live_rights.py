"""An administrator's change to a user's rights applies to that user's next operation in a session
already open — a revoked 检举控告 grant, a new role, a deactivation — not at the next login. Each case
keeps the Actor the user logged in with (what a running window holds) and calls the real services."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from app.domain.enums import MatterType, Role
from app.domain.permissions import Permission
from app.errors import AccountClosed, PermissionDenied, ValidationError
from app.services.audit_log import AuditFilter, audit_ids
from app.services.matter_dossier import load_dossier
from app.services.users import authenticate, set_accusation_access, set_active, set_role
from app.services.workspace import Workspace
from db.models import AuditEvent, Contact
from tests.conftest import PASSWORD, ROLE_LOGINS
from tests.support.matters import register


def _login(ws: Workspace, role: Role):  # type: ignore[no-untyped-def]
    return authenticate(ws, ROLE_LOGINS[role], PASSWORD)


def _dossier_masked(ws: Workspace, actor, matter_id) -> bool:  # type: ignore[no-untyped-def]
    with ws.read(actor) as uow:
        dossier = load_dossier(uow, matter_id, ws.attachments_dir)
    assert ("红包" in repr(dossier)) is not dossier.masked
    return dossier.masked


def _contacts(ws: Workspace) -> int:
    with ws.database.read() as session:
        return session.scalar(select(func.count()).select_from(Contact)) or 0


def test_a_revoked_grant_masks_the_next_dossier_opened_without_logging_in_again(ws, admin):
    matter_id = register(ws, admin, "检举某站站长收受红包", matter_type=MatterType.ACCUSATION, name="赵检举")
    leader = _login(ws, Role.LEADER)
    assert not _dossier_masked(ws, leader, matter_id)
    with ws.write(admin) as uow:
        set_accusation_access(uow, leader.user_id, False)
    assert _dossier_masked(ws, leader, matter_id)
    with ws.read(leader) as uow:
        # The unit of work acts with the stored rights, and says why when a service asks for the right.
        assert not uow.actor.may(Permission.READ_ACCUSATION)
        with pytest.raises(PermissionDenied, match="管理员已收回"):
            uow.actor.require(Permission.READ_ACCUSATION)
    with ws.write(admin) as uow:
        set_accusation_access(uow, leader.user_id, None)
    assert not _dossier_masked(ws, leader, matter_id)


def test_a_grant_opens_the_content_at_the_next_operation(ws, admin):
    matter_id = register(ws, admin, "检举某站站长收受红包", matter_type=MatterType.ACCUSATION, name="赵检举")
    handler = _login(ws, Role.HANDLER)
    assert _dossier_masked(ws, handler, matter_id)
    with ws.write(admin) as uow:
        set_accusation_access(uow, handler.user_id, True)
    assert not _dossier_masked(ws, handler, matter_id)


def test_a_role_change_applies_to_the_next_operation(ws, admin):
    clerk = _login(ws, Role.RECEPTIONIST)
    register(ws, clerk, "反映红旗村路灯不亮")
    with ws.write(admin) as uow:
        set_role(uow, clerk.user_id, Role.COUNTY_READER)
    before = _contacts(ws)
    with pytest.raises(PermissionDenied, match="县级查阅不能登记来访"):
        register(ws, clerk, "反映东风村道路破损")
    assert _contacts(ws) == before
    # Raised to administrator: the audit trail opens at once, still without a new login.
    with pytest.raises(PermissionDenied), ws.read(clerk) as uow:
        audit_ids(uow, AuditFilter())
    with ws.write(admin) as uow:
        set_role(uow, clerk.user_id, Role.ADMIN)
    with ws.read(clerk) as uow:
        assert uow.actor.role is Role.ADMIN and audit_ids(uow, AuditFilter())
    with ws.database.read() as session:
        changes = [(e.before, e.after) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action == "set_role").order_by(AuditEvent.seq))]
    assert changes == [({"role": "receptionist"}, {"role": "county_reader"}),
                       ({"role": "county_reader"}, {"role": "admin"})]


def test_role_changes_keep_an_administrator_and_are_for_administrators(ws, admin):
    clerk = _login(ws, Role.RECEPTIONIST)
    with pytest.raises(PermissionDenied), ws.write(clerk) as uow:
        set_role(uow, clerk.user_id, Role.ADMIN)
    with pytest.raises(ValidationError, match="自己"), ws.write(admin) as uow:
        set_role(uow, admin.user_id, Role.LEADER)
    with pytest.raises(ValidationError, match="最后一个"), ws.write(ws.system_actor()) as uow:
        set_role(uow, admin.user_id, Role.LEADER)


def test_a_deactivated_user_is_refused_at_the_next_read_and_write(ws, admin):
    clerk = _login(ws, Role.RECEPTIONIST)
    register(ws, clerk, "反映红旗村路灯不亮")
    with ws.write(admin) as uow:
        set_active(uow, clerk.user_id, False)
    before = _contacts(ws)
    with pytest.raises(AccountClosed, match="已被管理员停用"):
        register(ws, clerk, "反映东风村道路破损")
    with pytest.raises(AccountClosed), ws.read(clerk):
        pass
    assert _contacts(ws) == before
    with ws.write(admin) as uow:
        set_active(uow, clerk.user_id, True)
    register(ws, clerk, "反映东风村道路破损")
    assert _contacts(ws) == before + 1


def test_the_check_is_one_primary_key_read_per_unit_of_work(ws, admin):
    statements: list[str] = []

    def seen(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(ws.database.engine, "before_cursor_execute", seen)
    try:
        with ws.read(admin):
            pass
    finally:
        event.remove(ws.database.engine, "before_cursor_execute", seen)
    account_reads = [s for s in statements if "FROM user_account" in s]
    assert len(account_reads) == 1 and "WHERE user_account.id = ?" in account_reads[0]
