"""Enrolment: offices exchange identities and public keys through files the clerks carry.

The county writes an enrolment file; a township joins with it (stores the county as its partner and
writes its own file); the county admits that file. Each file carries a fingerprint of its keys that
the two clerks compare by phone, so a file swapped on the way is noticed.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.domain.enums import OfficeLevel
from app.errors import Conflict, ValidationError
from app.services import audit
from app.domain.permissions import Permission
from app.services.context import UnitOfWork
from app.sync.envelope import local_office
from app.sync.keys import ensure_office_keys, fingerprint, partner_by_id
from db.models import SyncPartner

ENROLMENT_FORMAT = "xinfang-sync-enrolment"
ENROLMENT_VERSION = 1


@dataclass(frozen=True)
class EnrolmentCard:
    """One office's identity and public keys, as written to and read from an enrolment file."""

    office_id: uuid.UUID
    division_code: str
    name: str
    level: OfficeLevel
    signing_public: bytes
    encryption_public: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing_public, self.encryption_public)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": ENROLMENT_FORMAT, "version": ENROLMENT_VERSION, "office_id": str(self.office_id),
            "division_code": self.division_code, "name": self.name, "level": self.level.value,
            "signing_public": base64.b64encode(self.signing_public).decode("ascii"),
            "encryption_public": base64.b64encode(self.encryption_public).decode("ascii"),
            "fingerprint": self.fingerprint,
        }


def own_card(session: Session) -> EnrolmentCard:
    """This office's card; makes its keys on first use (needs a writable session)."""
    office = local_office(session)
    keys = ensure_office_keys(session, office.id)
    return EnrolmentCard(office.id, office.division_code, office.name, OfficeLevel(office.level),
                         keys.signing_public, keys.encryption_public)


def write_card(card: EnrolmentCard, path: Path) -> None:
    try:
        path.write_text(json.dumps(card.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ValidationError("enrolment_write", f"登记文件：无法写入 {path}（{exc.strerror}）", field="out") from exc


def _bad(path: Path, what: str) -> ValidationError:
    return ValidationError("enrolment_file", f"登记文件 {path.name}：{what}", field="file")


def read_card(path: Path) -> EnrolmentCard:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _bad(path, f"无法读取（{exc.strerror}）") from exc
    except ValueError as exc:
        raise _bad(path, "不是有效的 JSON 文件") from exc
    if not isinstance(data, dict) or data.get("format") != ENROLMENT_FORMAT:
        raise _bad(path, "不是信访工作台的登记文件")
    if data.get("version") != ENROLMENT_VERSION:
        raise _bad(path, f"版本 {data.get('version')} 本程序不认识，请先升级本程序")
    try:
        card = EnrolmentCard(
            uuid.UUID(data["office_id"]), str(data["division_code"]), str(data["name"]),
            OfficeLevel(data["level"]), base64.b64decode(data["signing_public"], validate=True),
            base64.b64decode(data["encryption_public"], validate=True))
    except (KeyError, ValueError, TypeError) as exc:
        raise _bad(path, "内容不完整或已损坏") from exc
    if len(card.signing_public) != 32 or len(card.encryption_public) != 32 \
            or not (card.division_code.isdigit() and len(card.division_code) == 12):
        raise _bad(path, "密钥或区划代码的长度不对，文件已损坏")
    if data.get("fingerprint") != card.fingerprint:
        raise _bad(path, "指纹与密钥不符，文件已被改动或损坏")
    return card


def _enrol(uow: UnitOfWork, card: EnrolmentCard, expected_level: OfficeLevel) -> SyncPartner:
    """Store (or re-enrol after a PC replacement) the partner of ``card`` after checking it fits us."""
    uow.actor.require(Permission.MANAGE_SETTINGS)
    office = local_office(uow.session)
    if card.level is not expected_level:
        wanted = "县级（xinfang sync enrolment 生成）" if expected_level is OfficeLevel.COUNTY else "乡镇（xinfang sync join 生成）"
        raise ValidationError("enrolment_level", f"登记文件：{card.name} 不是{wanted}的登记文件", field="file")
    if card.office_id == office.id:
        raise ValidationError("enrolment_self", "登记文件：这是本单位自己的登记文件", field="file")
    if card.division_code[:6] != office.division_code[:6]:
        raise ValidationError("enrolment_county", f"登记文件：{card.name}（{card.division_code}）不属于本县"
                                                  f"（区划代码前 6 位应为 {office.division_code[:6]}）", field="file")
    partner = partner_by_id(uow.session, card.office_id)
    clash = uow.session.query(SyncPartner).filter(SyncPartner.division_code == card.division_code,
                                                  SyncPartner.id != card.office_id).first()
    if clash is not None and clash.active:
        raise Conflict("enrolment_code_taken", f"登记文件：区划代码 {card.division_code} 已登记给另一单位"
                                               f"（{clash.name}），请先停用它", field="file")
    if clash is not None:
        uow.session.delete(clash)
        uow.session.flush()
    now = datetime.now(timezone.utc)
    before = None
    if partner is None:
        partner = SyncPartner(id=card.office_id)
        uow.session.add(partner)
    else:
        before = {"fingerprint": fingerprint(partner.signing_public, partner.encryption_public)}
    partner.division_code, partner.name, partner.level = card.division_code, card.name, card.level.value
    partner.signing_public, partner.encryption_public = card.signing_public, card.encryption_public
    partner.enrolled_at, partner.active = now, True
    uow.session.flush()
    audit.record(uow, "sync_enrol", "sync_partner", partner.id, before=before, after={
        "name": card.name, "division_code": card.division_code, "fingerprint": card.fingerprint})
    return partner


def join_county(uow: UnitOfWork, county_card: EnrolmentCard) -> EnrolmentCard:
    """Township side: store the county as partner; returns this township's card to send back."""
    if OfficeLevel(local_office(uow.session).level) is not OfficeLevel.TOWNSHIP:
        raise ValidationError("join_level", "加入县级同步：只有乡镇（街道）单位可以加入，本单位是县级", field="file")
    _enrol(uow, county_card, OfficeLevel.COUNTY)
    return own_card(uow.session)


def admit_township(uow: UnitOfWork, township_card: EnrolmentCard) -> SyncPartner:
    """County side: enrol a township from the file it wrote with ``join``."""
    if OfficeLevel(local_office(uow.session).level) is not OfficeLevel.COUNTY:
        raise ValidationError("admit_level", "登记乡镇：只有县级单位（xinfang init --level county）可以登记乡镇",
                              field="file")
    return _enrol(uow, township_card, OfficeLevel.TOWNSHIP)


def write_county_card(uow: UnitOfWork, path: Path) -> EnrolmentCard:
    """County side, step 1: write this county's enrolment file for its townships."""
    uow.actor.require(Permission.MANAGE_SETTINGS)
    if OfficeLevel(local_office(uow.session).level) is not OfficeLevel.COUNTY:
        raise ValidationError("enrolment_level", "生成登记文件：只有县级单位可以生成；乡镇请用 "
                                                 "xinfang sync join 县级登记文件 --out 本镇登记文件", field="out")
    card = own_card(uow.session)
    write_card(card, path)
    return card


def join_county_file(uow: UnitOfWork, county_file: Path, out: Path) -> tuple[EnrolmentCard, EnrolmentCard]:
    """Township side, step 2: enrol the county from its file and write ours; (county's card, ours)."""
    county_card = read_card(county_file)
    own = join_county(uow, county_card)
    write_card(own, out)
    return county_card, own


def admit_township_file(uow: UnitOfWork, township_file: Path) -> EnrolmentCard:
    """County side, step 3: enrol the township from the file it wrote in step 2."""
    card = read_card(township_file)
    admit_township(uow, card)
    return card


def deactivate_partner(uow: UnitOfWork, partner_id: uuid.UUID) -> None:
    """Stop accepting packages from a partner (a lost PC whose keys may be in other hands)."""
    uow.actor.require(Permission.MANAGE_SETTINGS)
    partner = partner_by_id(uow.session, partner_id)
    if partner is None:
        raise ValidationError("partner_unknown", "同步单位：不存在", field="office")
    partner.active = False
    audit.record(uow, "sync_deactivate", "sync_partner", partner.id, after={"name": partner.name})
