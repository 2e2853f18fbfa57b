"""Who may do what: the permission matrix, in one place. Services check it; the UI only mirrors it."""

from __future__ import annotations

from enum import StrEnum

from app.domain.enums import Role
from app.errors import PermissionDenied


class Permission(StrEnum):
    READ = "read"
    READ_ACCUSATION = "read_accusation"  # 检举控告类 content and the accuser's identity
    REGISTER_CONTACT = "register_contact"
    EDIT_PERSON = "edit_person"
    MERGE_PERSONS = "merge_persons"
    DECIDE_MATTER = "decide_matter"  # accept / decline / route / forward / assign
    HANDLE_MATTER = "handle_matter"  # dispatch, extend, reply, deliver, evaluate, close, review records
    OWN_MATTER = "own_matter"  # be or set the case-owning leader, resolve, supervise
    ISSUE_DOCUMENT = "issue_document"
    MANAGE_USERS = "manage_users"
    MANAGE_SETTINGS = "manage_settings"
    SUBMIT_REPORT = "submit_report"  # mark a period's report as sent upward, record corrections
    LOAD_DEMO = "load_demo"
    READ_AUDIT = "read_audit"  # the audit trail: who opened, changed, exported what
    # 领导接访安排与记录、村级接访、矛盾纠纷排查、重点人员稳控: the office's everyday stability work
    RECORD_STABILITY_WORK = "record_stability_work"


_P = Permission
MATRIX: dict[Role, frozenset[Permission]] = {
    Role.RECEPTIONIST: frozenset(
        {_P.READ, _P.REGISTER_CONTACT, _P.EDIT_PERSON, _P.DECIDE_MATTER, _P.ISSUE_DOCUMENT,
         _P.RECORD_STABILITY_WORK}
    ),
    Role.HANDLER: frozenset({_P.READ, _P.EDIT_PERSON, _P.HANDLE_MATTER, _P.ISSUE_DOCUMENT,
                             _P.RECORD_STABILITY_WORK}),
    Role.LEADER: frozenset({_P.READ, _P.READ_ACCUSATION, _P.OWN_MATTER, _P.SUBMIT_REPORT,
                            _P.RECORD_STABILITY_WORK}),
    Role.ADMIN: frozenset(Permission),
    Role.COUNTY_READER: frozenset({_P.READ}),
}

ROLE_LABELS: dict[Role, str] = {
    Role.RECEPTIONIST: "接待员",
    Role.HANDLER: "经办人",
    Role.LEADER: "领导",
    Role.ADMIN: "管理员",
    Role.COUNTY_READER: "县级查阅",
}

PERMISSION_LABELS: dict[Permission, str] = {
    _P.READ: "查阅", _P.READ_ACCUSATION: "查阅检举控告内容", _P.REGISTER_CONTACT: "登记来访",
    _P.EDIT_PERSON: "编辑信访人档案", _P.MERGE_PERSONS: "合并重复档案", _P.DECIDE_MATTER: "受理决定",
    _P.HANDLE_MATTER: "办理事项", _P.OWN_MATTER: "包案与督办", _P.ISSUE_DOCUMENT: "出具文书",
    _P.MANAGE_USERS: "管理用户", _P.MANAGE_SETTINGS: "修改设置", _P.LOAD_DEMO: "载入演示数据",
    _P.SUBMIT_REPORT: "报送统计报表", _P.READ_AUDIT: "查阅审计日志",
    _P.RECORD_STABILITY_WORK: "登记接访排查稳控工作",
}

# What an administrator may grant to or withhold from one user, beyond the role's default.
GRANTABLE: frozenset[Permission] = frozenset({_P.READ_ACCUSATION})


def allows(role: Role, permission: Permission) -> bool:
    """The role's default; a user's own rights may differ (see ``effective``)."""
    return permission in MATRIX[role]


def effective(role: Role, overrides: dict[Permission, bool]) -> frozenset[Permission]:
    """The role's permissions with a user's grants added and revocations taken away."""
    granted = {p for p, on in overrides.items() if on and p in GRANTABLE}
    revoked = {p for p, on in overrides.items() if not on and p in GRANTABLE}
    return frozenset((MATRIX[role] | granted) - revoked)


def require(role: Role, permission: Permission, permissions: frozenset[Permission] | None = None) -> None:
    if permission in (MATRIX[role] if permissions is None else permissions):
        return
    if permissions is not None and permission in MATRIX[role]:
        reason = f"管理员已收回您的“{PERMISSION_LABELS[permission]}”权限"
    else:
        reason = f"{ROLE_LABELS[role]}不能{PERMISSION_LABELS[permission]}"
    raise PermissionDenied("permission_denied", f"权限不足：{reason}", permission=permission.value)
