"""The office running the program, its users, settings, dictionaries and number series."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, OfficeOwned, Synced, code, long, short


class Office(Synced, Base):
    """A township (乡镇/街道) or county bureau (县信访局)."""

    __tablename__ = "office"

    name: Mapped[short]
    short_name: Mapped[short]
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    level: Mapped[code]
    parent_name: Mapped[short] = mapped_column(default="")


class Meta(Base):
    """Facts about this installation (which office is local, ...), not synced."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(400))


class TriggerDeferral(Base):
    """On SQLite, a flag a bulk import writes in its own transaction: the triggers of derived data
    named by it stand aside until the import makes their work up (db/deferred.py). Never committed;
    PostgreSQL uses a per-transaction setting instead."""

    __tablename__ = "trigger_deferral"

    flag: Mapped[str] = mapped_column(String(40), primary_key=True)


class Setting(Base):
    """Office settings: they live in the database so they travel with backups."""

    __tablename__ = "setting"

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("office.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class NumberSeries(Base):
    """Last number handed out per office, series and year: keeps numbers gap-free."""

    __tablename__ = "number_series"

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("office.id"), primary_key=True)
    series: Mapped[str] = mapped_column(String(30), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class UserAccount(OfficeOwned, Base):
    """A person who logs in. The built-in system account (is_system) acts for the command line."""

    __tablename__ = "user_account"

    login: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[short]
    role: Mapped[code]
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    is_system: Mapped[bool] = mapped_column(default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    # None follows the role's default; True grants, False revokes 检举控告类 access for this user.
    read_accusation: Mapped[bool | None]
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())


class Village(OfficeOwned, Base):
    """A village or community (村/社区) of the township."""

    __tablename__ = "village"
    __table_args__ = (UniqueConstraint("office_id", "name"),)

    name: Mapped[short]
    division_code: Mapped[str | None] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(default=True)


class ResponsibleUnit(OfficeOwned, Base):
    """A body a matter can be forwarded or assigned to (责任单位)."""

    __tablename__ = "responsible_unit"
    __table_args__ = (UniqueConstraint("office_id", "name"),)

    name: Mapped[short]
    active: Mapped[bool] = mapped_column(default=True)


class Subject(Synced, Base):
    """A node of the two-level subject tree (问题分类); ids derive from codes so offices agree."""

    __tablename__ = "subject"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[short]
    parent_code: Mapped[str | None] = mapped_column(String(20), index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)
    note: Mapped[long] = mapped_column(default="")


SUBJECT_NAMESPACE = uuid.UUID("6f1c2a52-4d0b-4e8e-9a51-3c2b8f1d7e10")


def subject_id(subject_code: str) -> uuid.UUID:
    return uuid.uuid5(SUBJECT_NAMESPACE, subject_code)


__all__ = [
    "Meta", "NumberSeries", "Office", "ResponsibleUnit", "Setting", "Subject", "UserAccount",
    "Village", "subject_id",
]
