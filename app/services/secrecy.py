"""检举控告类 secrecy: an accusation's content and the accuser's identity are for granted users only.

Lists and dossiers mask such matters for everybody else (``MASKED``); files that carry the content
(attachments of the matter or its contacts, notices naming the accuser) are refused outright.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from app.domain.enums import DocumentKind, MatterType
from app.domain.permissions import Permission
from app.errors import PermissionDenied
from app.services.context import UnitOfWork
from db.models import Contact, Document, Matter


def is_accusation(uow: UnitOfWork, matter_id: uuid.UUID | None) -> bool:
    if matter_id is None:
        return False
    kind = uow.session.scalar(select(Matter.matter_type).where(Matter.id == matter_id))
    return kind == MatterType.ACCUSATION.value


def _matter_of(uow: UnitOfWork, entity_type: str, entity_id: uuid.UUID) -> uuid.UUID | None:
    """The matter whose content a record carries; a referral names nobody, so it carries none."""
    if entity_type == "matter":
        return entity_id
    if entity_type == "contact":
        return uow.session.scalar(select(Contact.matter_id).where(Contact.id == entity_id))
    if entity_type == "document":
        doc = uow.session.get(Document, entity_id)
        if doc is None or doc.kind == DocumentKind.REFERRAL.value:
            return None
        return doc.matter_id
    return None


def require_content_access(uow: UnitOfWork, entity_type: str, entity_id: uuid.UUID, what: str) -> None:
    """Refuse ``what`` (a file of the record) when it belongs to an accusation the actor may not read."""
    if uow.actor.may(Permission.READ_ACCUSATION):
        return
    if is_accusation(uow, _matter_of(uow, entity_type, entity_id)):
        raise PermissionDenied("accusation_content",
                               f"权限不足：检举控告类事项的{what}只有获得授权的人员才能查看或打印",
                               field="attachment", permission=Permission.READ_ACCUSATION.value)
