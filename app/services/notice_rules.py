"""Which notice a matter's recorded facts allow, and why not (the message the clerk sees)."""

from __future__ import annotations

from app.domain.enums import Decision, DocumentKind, MatterState
from app.domain.workflow import FINISHED_STATES, STATE_LABELS
from app.errors import IllegalTransition
from db.models import Matter

_DECISION_FOR: dict[DocumentKind, tuple[str, ...]] = {
    DocumentKind.ACCEPTANCE: (Decision.ACCEPT.value,),
    DocumentKind.DECLINE: (Decision.DECLINE.value,),
    DocumentKind.NO_LONGER_ACCEPTED: (Decision.DECLINE.value,),
    DocumentKind.LEGAL_CHANNEL: (Decision.ROUTE_LEGAL.value,),
    DocumentKind.REFERRAL: (Decision.FORWARD.value, Decision.ASSIGN.value),
}
_NEEDS: dict[DocumentKind, str] = {
    DocumentKind.ACCEPTANCE: "作出受理决定",
    DocumentKind.DECLINE: "作出不予受理决定",
    DocumentKind.NO_LONGER_ACCEPTED: "作出不予（不再）受理决定",
    DocumentKind.LEGAL_CHANNEL: "作出依法分类处理决定",
    DocumentKind.REFERRAL: "作出转送或交办决定",
    DocumentKind.EXTENSION: "办理“延期办理”",
    DocumentKind.REPLY: "办理“出具答复意见”",
    DocumentKind.ARCHIVE_COVER: "办结（或终结）",
    DocumentKind.CATALOGUE: "办结（或终结）",
}


def refusal(kind: DocumentKind, matter: Matter, *, has_contact: bool, has_target: bool,
            sibling_issued: bool = False) -> str | None:
    """Why ``kind`` cannot be issued for ``matter`` now, or None when it can."""
    state = MatterState(matter.state)
    label = STATE_LABELS[state]
    if kind is DocumentKind.REGISTRATION:
        return None if has_contact else "该事项没有来访（来信）登记记录，不能出具登记表"
    if kind is DocumentKind.DELIVERY_RECEIPT:
        return None if has_target else "该事项还没有需要送达信访人的文书，不能出具送达回证"
    if kind in _DECISION_FOR:
        if matter.decision not in _DECISION_FOR[kind]:
            return f"事项状态为“{label}”，尚未{_NEEDS[kind]}，不能出具该文书"
        if sibling_issued:
            return "已出具不予受理（不再受理）告知书，两者只能出具一种"
        return None
    if kind is DocumentKind.EXTENSION:
        return None if matter.extension_days else f"事项状态为“{label}”，尚未{_NEEDS[kind]}"
    if kind is DocumentKind.REPLY:
        return None if matter.replied_on else f"事项状态为“{label}”，尚未{_NEEDS[kind]}"
    if kind in (DocumentKind.ARCHIVE_COVER, DocumentKind.CATALOGUE):
        return None if state in FINISHED_STATES else f"事项状态为“{label}”，尚未{_NEEDS[kind]}，不能归档"
    return f"不支持的文书类别：{kind.value}"


def require_allowed(kind: DocumentKind, matter: Matter, **facts: bool) -> None:
    reason = refusal(kind, matter, **facts)
    if reason is not None:
        raise IllegalTransition("notice_not_allowed", f"文书：{reason}", field="kind", kind=kind.value,
                                state=matter.state)
