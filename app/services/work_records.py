"""Checks shared by the leader-work, screening and key-person services: who a named user or village
is, and that a recorded date is not in the future (each error names the field)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.domain.enums import Role
from app.domain.permissions import Permission
from app.errors import NotFound, ValidationError
from app.services.context import UnitOfWork
from db.models import UserAccount, Village

LEADER_ROLES = (Role.LEADER.value, Role.ADMIN.value)


def office_user(uow: UnitOfWork, user_id: uuid.UUID | None, *, field: str, label: str) -> UserAccount:
    """An active account of this office (not the built-in system account)."""
    if user_id is None:
        raise ValidationError("required", f"{label}：请选择", field=field)
    user = uow.session.get(UserAccount, user_id)
    if user is None or user.office_id != uow.office_id or not user.active or user.is_system:
        raise NotFound("user", f"{label}：所选用户不存在或已停用", field=field)
    return user


def leader_account(uow: UnitOfWork, user_id: uuid.UUID | None, *, field: str = "leader_id",
                   label: str = "领导") -> UserAccount:
    user = office_user(uow, user_id, field=field, label=label)
    if user.role not in LEADER_ROLES:
        raise ValidationError("not_a_leader", f"{label}：{user.display_name}不是领导账户", field=field)
    return user


def leaders(uow: UnitOfWork) -> tuple[tuple[uuid.UUID, str], ...]:
    """(id, name) of the office's active leader accounts, for pick lists."""
    return tuple((uid, name) for uid, name in uow.session.execute(
        select(UserAccount.id, UserAccount.display_name)
        .where(UserAccount.office_id == uow.office_id, UserAccount.role == Role.LEADER.value,
               UserAccount.active).order_by(UserAccount.display_name)))


def village(uow: UnitOfWork, village_id: uuid.UUID | None, *, field: str = "village_id",
            label: str = "村（社区）", required: bool = True) -> Village | None:
    if village_id is None:
        if required:
            raise ValidationError("required", f"{label}：请选择", field=field)
        return None
    row = uow.session.get(Village, village_id)
    if row is None or row.office_id != uow.office_id:
        raise NotFound("village", f"{label}：不存在", field=field)
    return row


def not_future(uow: UnitOfWork, on: date, *, field: str, label: str) -> date:
    if on > uow.today():
        raise ValidationError("future_date", f"{label}：不能晚于今天", field=field)
    return on


def not_before(on: date, earliest: date, *, field: str, label: str, earlier_label: str) -> date:
    if on < earliest:
        raise ValidationError("too_early", f"{label}：不能早于{earlier_label} {earliest.isoformat()}",
                              field=field)
    return on


def user_names(uow: UnitOfWork, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(uow.session.execute(
        select(UserAccount.id, UserAccount.display_name).where(UserAccount.id.in_(wanted))).all())


def village_names(uow: UnitOfWork, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(uow.session.execute(
        select(Village.id, Village.name).where(Village.id.in_(wanted))).all())


@dataclass(frozen=True)
class PickLists:
    today: date
    leaders: tuple[tuple[uuid.UUID, str], ...]
    villages: tuple[tuple[uuid.UUID, str], ...]
    users: tuple[tuple[uuid.UUID, str], ...]  # every active account, for 稳控责任人 and 代办员


def pick_lists(uow: UnitOfWork) -> PickLists:
    """What the leader-work and screening forms choose from."""
    uow.actor.require(Permission.READ)
    villages = tuple((vid, name) for vid, name in uow.session.execute(
        select(Village.id, Village.name).where(Village.office_id == uow.office_id, Village.active)
        .order_by(Village.name)))
    users = tuple((uid, name) for uid, name in uow.session.execute(
        select(UserAccount.id, UserAccount.display_name)
        .where(UserAccount.office_id == uow.office_id, UserAccount.active, UserAccount.is_system.is_(False))
        .order_by(UserAccount.display_name)))
    return PickLists(uow.today(), leaders(uow), villages, users)
