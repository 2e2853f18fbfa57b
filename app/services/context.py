"""The acting user and the unit of work every service call runs in."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app.crypto import Keyring
from app.domain.calendar import CountingRule, DayUnit, WorkCalendar, default_table
from app.domain.enums import Role
from app.domain.permissions import MATRIX, Permission, require
from app.settings import SPEC_BY_KEY
from db.models import Setting

if TYPE_CHECKING:
    from app.services.audit import Access

LocalClock = Callable[[], datetime]


def system_clock() -> datetime:
    """The office's local wall-clock time (the PC's own zone), naive like contact times."""
    return datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class Actor:
    """Who is acting; passed to every service, which checks the permission itself."""

    user_id: uuid.UUID
    login: str
    display_name: str
    role: Role
    office_id: uuid.UUID
    # The role's matrix row with this user's grants and revocations applied (None: the row as is).
    permissions: frozenset[Permission] | None = None

    @property
    def rights(self) -> frozenset[Permission]:
        return MATRIX[self.role] if self.permissions is None else self.permissions

    def may(self, permission: Permission) -> bool:
        return permission in self.rights

    def require(self, permission: Permission) -> None:
        require(self.role, permission, self.permissions)


@dataclass
class UnitOfWork:
    """One user action: a session (one transaction), the actor, and the clock it happens at."""

    session: Session
    actor: Actor
    clock: LocalClock = system_clock
    # False for a read-only unit of work: its audit events wait in ``accesses`` and the workspace
    # writes them in a short write transaction afterwards (reading must not hold the write lock).
    writable: bool = True
    accesses: list[Access] = field(default_factory=list)
    _settings: dict[str, Any] = field(default_factory=dict)
    # The workspace's keyring: unlocked while a user holding the attachments' key is logged in.
    keyring: Keyring = field(default_factory=Keyring)

    @property
    def office_id(self) -> uuid.UUID:
        return self.actor.office_id

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().date()

    def utcnow(self) -> datetime:
        return datetime.now(timezone.utc)

    def setting(self, key: str) -> Any:
        if key not in self._settings:
            row = self.session.get(Setting, (self.office_id, key))
            self._settings[key] = row.value if row is not None else SPEC_BY_KEY[key].default
        return self._settings[key]

    @cached_property
    def calendar(self) -> WorkCalendar:
        rule = CountingRule(
            unit=DayUnit(self.setting("day_unit")),
            roll_to_working_day=bool(self.setting("roll_to_working_day")),
        )
        return WorkCalendar(default_table(), rule)
