"""Villages and responsible units: add, rename, deactivate; duplicates refused; permission; audit."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.domain.enums import Role
from app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.services.dictionaries_admin import DictionaryKind, add_entry, list_entries, rename_entry, set_entry_active
from db.models import AuditEvent

V, U = DictionaryKind.VILLAGE, DictionaryKind.RESPONSIBLE_UNIT


def test_add_rename_deactivate_a_village(ws, admin):
    with ws.write(admin) as uow:
        entry = add_entry(uow, V, " 向阳村 ")
    assert entry.name == "向阳村" and entry.active
    with ws.write(admin) as uow:
        rename_entry(uow, V, entry.id, "向阳社区")
        set_entry_active(uow, V, entry.id, False)
    with ws.read(admin) as uow:
        names = [(e.name, e.active) for e in list_entries(uow, V)]
        active_only = [e.name for e in list_entries(uow, V, include_inactive=False)]
    assert names[-1] == ("向阳社区", False)  # deactivated entries come last
    assert "向阳社区" not in active_only and "东风村" in active_only
    with ws.database.read() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(
            AuditEvent.entity_id == str(entry.id)).order_by(AuditEvent.seq)))
    assert actions == ["create", "update", "deactivate"]


def test_duplicates_and_bad_names_are_refused(ws, admin):
    with pytest.raises(Conflict, match="已存在"), ws.write(admin) as uow:
        add_entry(uow, V, "东风村")
    with ws.read(admin) as uow:
        units = list_entries(uow, U)
    with pytest.raises(Conflict), ws.write(admin) as uow:
        rename_entry(uow, U, units[0].id, units[1].name)
    with pytest.raises(ValidationError, match="责任单位名称：不能为空"), ws.write(admin) as uow:
        add_entry(uow, U, "  ")
    with pytest.raises(NotFound), ws.write(admin) as uow:
        set_entry_active(uow, U, uuid.uuid4(), False)


@pytest.mark.parametrize("role", [Role.RECEPTIONIST, Role.HANDLER, Role.LEADER, Role.COUNTY_READER])
def test_only_the_administrator_edits_the_lists(ws, actors, role):
    with pytest.raises(PermissionDenied), ws.write(actors[role]) as uow:
        add_entry(uow, V, "新村")
    with ws.read(actors[role]) as uow:
        assert list_entries(uow, V)
