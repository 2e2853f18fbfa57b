"""An office's own wording of its notices, kept in the office setting ``notice_templates``.

The setting holds, per kind, only the texts the office changed; the rest follows the shipped
templates in ``resources/templates/notices``. Changing it needs the settings permission, and every
placeholder of the new text must be one the kind knows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.enums import DocumentKind
from app.domain.permissions import Permission
from app.errors import ValidationError
from app.notices.templates import Template, check_override, merged, placeholders, shipped_template
from app.services import audit
from app.services.context import UnitOfWork
from db.models import Setting

SETTING = "notice_templates"

BASE_PLACEHOLDERS = frozenset({
    "office_name", "office_short_name", "parent_name", "document_number", "issue_date", "matter_number",
    "matter_title", "matter_type", "subject", "registered_date", "contact_date", "channel", "addressee",
    "you", "petitioner_names", "petitioner_short", "contact_person", "contact_phone", "decided_date",
    "accepted_date",
})
_DECLINE = {"reason", "legal_basis", "alternative"}
KIND_PLACEHOLDERS: dict[DocumentKind, frozenset[str]] = {
    DocumentKind.ACCEPTANCE: BASE_PLACEHOLDERS | {"handling_limit", "max_extension_days", "reply_due"},
    DocumentKind.DECLINE: BASE_PLACEHOLDERS | _DECLINE,
    DocumentKind.NO_LONGER_ACCEPTED: BASE_PLACEHOLDERS | _DECLINE,
    DocumentKind.LEGAL_CHANNEL: BASE_PLACEHOLDERS | {"legal_channel", "competent_body", "where", "time_limit"},
    DocumentKind.REFERRAL: BASE_PLACEHOLDERS | {"referral_word", "unit", "petitioner_info", "deadline",
                                                "secrecy", "attachments", "report_requirement"},
    DocumentKind.EXTENSION: BASE_PLACEHOLDERS | {"original_due", "new_due", "extension_days",
                                                 "extension_reason"},
    DocumentKind.REPLY: BASE_PLACEHOLDERS | {"request", "facts", "decision", "result_phrase", "legal_basis",
                                             "legal_basis_sentence", "review_days", "review_body"},
    DocumentKind.REGISTRATION: frozenset({"office_name"}),
    DocumentKind.DELIVERY_RECEIPT: frozenset({"office_name", "direct", "post", "electronic", "left"}),
    DocumentKind.ARCHIVE_COVER: frozenset({"office_name"}),
    DocumentKind.CATALOGUE: frozenset({"office_name", "items", "pages", "missing"}),
}


@dataclass(frozen=True)
class NoticeTemplate:
    kind: DocumentKind
    shipped: Template
    override: dict[str, Any]
    effective: Template
    placeholders: frozenset[str]


def _overrides(uow: UnitOfWork) -> dict[str, Any]:
    value = uow.setting(SETTING)
    return dict(value) if isinstance(value, Mapping) else {}


def effective_template(uow: UnitOfWork, kind: DocumentKind) -> Template:
    return merged(kind.value, _overrides(uow).get(kind.value))


def get_notice_template(uow: UnitOfWork, kind: DocumentKind) -> NoticeTemplate:
    uow.actor.require(Permission.READ)
    kind = DocumentKind(kind)
    override = dict(_overrides(uow).get(kind.value) or {})
    return NoticeTemplate(kind, shipped_template(kind.value), override, merged(kind.value, override),
                          KIND_PLACEHOLDERS[kind])


def _check_placeholders(kind: DocumentKind, override: Mapping[str, Any]) -> None:
    known = KIND_PLACEHOLDERS[kind]
    texts = [(k, v) for k, v in override.items() if isinstance(v, str)]
    texts += [(f"{k}.{sk}", sv) for k, v in override.items() if isinstance(v, Mapping) for sk, sv in v.items()]
    for key, text in texts:
        try:
            text.format_map({name: "" for name in known})
        except (KeyError, IndexError, ValueError, AttributeError):
            unknown = sorted(placeholders(text) - known)
            raise ValidationError(
                "template_placeholder",
                f"文书模板：“{key}”中的占位符 {'、'.join('{' + u + '}' for u in unknown) or '写法'}不正确",
                field=SETTING, kind=kind.value) from None


def set_notice_template(uow: UnitOfWork, kind: DocumentKind, override: Mapping[str, Any]) -> NoticeTemplate:
    """Replace the office's wording of ``kind`` (an empty mapping restores the shipped wording)."""
    uow.actor.require(Permission.MANAGE_SETTINGS)
    kind = DocumentKind(kind)
    clean = check_override(kind.value, override)
    _check_placeholders(kind, clean)
    row = uow.session.get(Setting, (uow.office_id, SETTING))
    before = dict(row.value) if row is not None and isinstance(row.value, Mapping) else {}
    after = {k: v for k, v in before.items() if k != kind.value}
    if clean:
        after[kind.value] = clean
    if row is None:
        row = Setting(office_id=uow.office_id, key=SETTING, value=after)
        uow.session.add(row)
    else:
        row.value = after  # a new dict, so the JSON column sees the change
    uow.session.flush()
    uow._settings.pop(SETTING, None)  # the unit of work caches settings: later reads see the new text
    audit.record(uow, "update", "setting", SETTING, before={kind.value: before.get(kind.value)},
                 after={kind.value: clean or None})
    return get_notice_template(uow, kind)
