"""Matters (信访事项): open one, and carry out the steps of its statutory road.

``perform`` is the one way a matter changes state: it checks permission, legality and dates, lets the
step's handler validate and record its facts, appends the MatterEvent, recomputes the clocks and
writes the audit trail — all in the caller's single transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.domain import workflow
from app.domain.calendar import DayUnit
from app.domain.deadlines import (
    OBJECTION_WORKING_DAYS,
    SIMPLIFIED_DECISION_WORKING_DAYS,
    MatterDates,
    compute_clocks,
    handling_due,
)
from app.domain.enums import Decision, DocumentKind, MatterSource, MatterState, MatterType
from app.domain.permissions import Permission
from app.domain.text import clean_content, clean_line
from app.domain.workflow import Action
from app.errors import IllegalTransition, NotFound, ValidationError
from app.services import audit, documents, matter_steps as st
from app.services.context import UnitOfWork
from app.services.numbering import matter_number, next_number
from db.ids import new_id
from db.models import Matter, MatterDeadline, MatterEvent, MatterPetitioner, ResponsibleUnit, Subject, UserAccount

DECIDING = frozenset(workflow.DECISION_ACTIONS | {Action.REOPEN})
# Decisions after which the township owes the assigning office no result of its own.
_HANDED_ON = frozenset(d.value for d in (Decision.OBJECT, Decision.DECLINE, Decision.ROUTE_LEGAL,
                                         Decision.FORWARD, Decision.ASSIGN))


@dataclass(frozen=True)
class NewMatter:
    title: str
    matter_type: MatterType
    subject_code: str
    registered_on: date
    petitioner_ids: tuple[uuid.UUID, ...] = ()
    problem_village_id: uuid.UUID | None = None
    simplified: bool = False
    confidential: bool = False
    pending_proceeding: str | None = None
    source: MatterSource = MatterSource.CONTACT
    assigned_by: str = ""
    assigned_due_on: date | None = None


def open_matter(uow: UnitOfWork, data: NewMatter) -> Matter:
    """Register a new matter (the caller checked the permission for its use case)."""
    title = clean_line(data.title, field="title", label="事项摘要", max_length=200)
    if uow.session.get(Subject, _subject_id(uow, data.subject_code)) is None:
        raise ValidationError("subject", f"问题分类：代码“{data.subject_code}”不存在", field="subject_code")
    if data.registered_on > uow.today():
        # Every clock starts here, so a mistyped future date would hide a matter from "overdue".
        raise ValidationError("future_date", "登记日期：不能晚于今天", field="registered_on")
    if data.source is MatterSource.ASSIGNED_DOWN:
        clean_line(data.assigned_by, field="assigned_by", label="交办单位", max_length=100)
        if data.assigned_due_on is not None and data.assigned_due_on <= data.registered_on:
            raise ValidationError("assigned_due", "交办期限：须晚于收到日期", field="assigned_due_on")
    year = data.registered_on.year
    matter = Matter(
        id=new_id(), office_id=uow.office_id,
        number=matter_number(year, next_number(uow.session, uow.office_id, "matter", year)),
        title=title, matter_type=data.matter_type.value, subject_code=data.subject_code,
        state=MatterState.REGISTERED.value, source=data.source.value, simplified=data.simplified,
        confidential=data.confidential, pending_proceeding=data.pending_proceeding,
        problem_village_id=data.problem_village_id, registered_on=data.registered_on,
        assigned_by=data.assigned_by.strip(), assigned_due_on=data.assigned_due_on,
    )
    matter.petitioners = [MatterPetitioner(office_id=uow.office_id, person_id=pid, position=i)
                          for i, pid in enumerate(data.petitioner_ids)]
    uow.session.add(matter)
    _append_event(uow, matter, 1, Action.REGISTER, None, MatterState.REGISTERED, data.registered_on, "",
                  {"source": data.source.value})
    sync_clocks(uow, matter)
    audit.record(uow, "create", "matter", matter.id,
                 after={"number": matter.number, "type": matter.matter_type, "subject": data.subject_code})
    return matter


def register_assigned_down(uow: UnitOfWork, data: NewMatter) -> Matter:
    """Register a matter the county (or higher) assigned down to this township (上级交办件)."""
    uow.actor.require(Permission.REGISTER_CONTACT)
    if data.source is not MatterSource.ASSIGNED_DOWN:
        raise ValueError("register_assigned_down takes a NewMatter with source=ASSIGNED_DOWN")
    return open_matter(uow, data)


def _subject_id(uow: UnitOfWork, code: str) -> uuid.UUID:
    from db.models import subject_id

    return subject_id(code)


def load_matter(uow: UnitOfWork, matter_id: uuid.UUID) -> Matter:
    matter = uow.session.get(Matter, matter_id)
    if matter is None:
        raise NotFound("matter", "信访事项：不存在", field="matter_id")
    return matter


def find_by_number(uow: UnitOfWork, number: str) -> Matter:
    matter = uow.session.scalars(
        select(Matter).where(Matter.office_id == uow.office_id, Matter.number == number.strip())
    ).first()
    if matter is None:
        raise NotFound("matter", f"信访事项：编号“{number}”不存在", field="number")
    return matter


def perform(uow: UnitOfWork, matter_id: uuid.UUID, step: st.Step) -> Matter:
    uow.actor.require(Permission.DECIDE_MATTER if step.action in DECIDING else Permission.HANDLE_MATTER)
    matter = load_matter(uow, matter_id)
    state = MatterState(matter.state)
    target = workflow.target_state(step.action, state)
    last_seq = _check_step_date(uow, matter, step.on)
    before = _facts(matter)
    data = _HANDLERS[type(step)](uow, matter, step)
    matter.state = target.value
    matter.needs_review = False  # a clerk has taken the matter up (see record_ledger_import)
    _append_event(uow, matter, last_seq + 1, step.action, state, target, step.on,
                  clean_content(step.note, field="note", label="备注", required=False), data)
    sync_clocks(uow, matter)
    after = _facts(matter)
    changed = {k for k in after if after[k] != before.get(k)}
    audit.record(uow, step.action.value, "matter", matter.id,
                 before={k: before.get(k) for k in changed}, after={k: after[k] for k in changed})
    return matter


@dataclass(frozen=True)
class LedgerOutcome:
    """What an old ledger (台账) row says about its matter's end, and where the row came from."""

    source: str  # file name and row, for the event
    result: str = ""  # 办理情况 as the ledger words it
    closed_on: date | None = None  # 办结日期, when the ledger records one


def record_ledger_import(uow: UnitOfWork, matter_id: uuid.UUID, outcome: LedgerOutcome) -> Matter:
    """Mark a matter registered from an old ledger as historical, with an event saying so.

    The office did not record its statutory road in this program, so it gets no decision clock. With a
    closing date the ledger's matter is recorded as a closed historical matter (办结 on that date); without
    one it stays 已登记, flagged for the clerk to review (``needs_review``) until a step is taken on it.
    Only for matters without a recorded step here: an imported repeat contact never rewrites the road of a
    matter handled in the program.
    """
    uow.actor.require(Permission.REGISTER_CONTACT)
    matter = load_matter(uow, matter_id)
    last_seq = _check_step_date(uow, matter, outcome.closed_on or matter.registered_on)
    if matter.state != MatterState.REGISTERED.value or (last_seq > 1 and not matter.historical):
        raise IllegalTransition("not_historical", f"台账导入：事项 {matter.number} 已在本系统办理，不能按台账改写",
                                field="matter_id")
    before = _facts(matter)
    target = MatterState.CLOSED if outcome.closed_on else MatterState.REGISTERED
    matter.historical, matter.needs_review = True, outcome.closed_on is None
    matter.state, matter.closed_on = target.value, outcome.closed_on
    result = clean_content(outcome.result, field="result", label="办理情况", required=False)
    _append_event(uow, matter, last_seq + 1, Action.IMPORT_LEDGER, MatterState.REGISTERED, target,
                  outcome.closed_on or matter.registered_on, "", {
                      "source": outcome.source, "result": result, "needs_review": matter.needs_review})
    sync_clocks(uow, matter)
    after = _facts(matter)
    changed = {k for k in after if after[k] != before.get(k)}
    audit.record(uow, Action.IMPORT_LEDGER.value, "matter", matter.id,
                 before={k: before.get(k) for k in changed}, after={k: after[k] for k in changed})
    return matter


def _check_step_date(uow: UnitOfWork, matter: Matter, on: date) -> int:
    """Refuse a date in the future or before the previous step; returns the last event's seq."""
    if on > uow.today():
        raise ValidationError("future_date", "日期：不能晚于今天", field="occurred_on")
    last_seq, last_on = uow.session.execute(
        select(func.max(MatterEvent.seq), func.max(MatterEvent.occurred_on))
        .where(MatterEvent.matter_id == matter.id)).one()
    floor = max(d for d in (matter.registered_on, last_on) if d is not None)
    if on < floor:
        raise ValidationError(
            "date_before_previous",
            f"日期：不能早于登记日期或上一步骤的日期 {floor.isoformat()}", field="occurred_on")
    return last_seq or 0


def _facts(matter: Matter) -> dict[str, Any]:
    keys = ("state", "decision", "decided_on", "accepted_on", "extension_days", "replied_on",
            "reply_result", "reply_delivered_on", "satisfaction", "closed_on", "review_requested_on",
            "review_decided_on", "review_delivered_on", "rereview_requested_on", "rereview_decided_on",
            "concluded_on",
            "responsible_unit_id", "handler_id", "referred_to", "needs_review", "historical")
    return {k: getattr(matter, k) for k in keys}


def dates_of(matter: Matter, hearing_days: int = 0) -> MatterDates:
    return MatterDates(
        registered_on=matter.registered_on, source=MatterSource(matter.source), historical=matter.historical,
        simplified=matter.simplified, reopened_on=matter.reopened_on, decided_on=matter.decided_on,
        returned_on=matter.decided_on if matter.decision in _HANDED_ON else None,
        accepted_on=matter.accepted_on, extension_days=matter.extension_days,
        assigned_out_on=matter.decided_on if matter.decision == Decision.ASSIGN.value else None,
        report_days=matter.report_days,
        report_received_on=matter.closed_on if matter.decision == Decision.ASSIGN.value else None,
        assigned_due_on=matter.assigned_due_on, replied_on=matter.replied_on,
        reply_delivered_on=matter.reply_delivered_on, review_requested_on=matter.review_requested_on,
        review_decided_on=matter.review_decided_on, review_delivered_on=matter.review_delivered_on,
        rereview_requested_on=matter.rereview_requested_on,
        rereview_decided_on=matter.rereview_decided_on, hearing_days=hearing_days,
    )


def _hearing_days(uow: UnitOfWork, matter: Matter) -> int:
    """Hearing days recorded with the current re-review decision (an earlier round's do not count)."""
    if matter.rereview_decided_on is None:
        return 0
    data = uow.session.scalars(select(MatterEvent.data).where(
        MatterEvent.matter_id == matter.id, MatterEvent.action == Action.DECIDE_REREVIEW.value)
        .order_by(MatterEvent.seq.desc())).first()
    return int((data or {}).get("hearing_days", 0))


def sync_clocks(uow: UnitOfWork, matter: Matter) -> None:
    """Store the clocks derived from the matter's dates, replacing what was stored before."""
    clocks = compute_clocks(uow.calendar, dates_of(matter, _hearing_days(uow, matter)))
    # Through the collection (loaded once per session): stale rows go as orphans, new ones cascade.
    stored = {d.clock: d for d in matter.deadlines}
    wanted = {c.clock.value for c in clocks}
    for name in set(stored) - wanted:
        matter.deadlines.remove(stored.pop(name))
    for clock in clocks:
        row = stored.get(clock.clock.value)
        if row is None:
            row = MatterDeadline(office_id=matter.office_id, matter_id=matter.id, clock=clock.clock.value)
            matter.deadlines.append(row)
        row.starts_on, row.days, row.unit = clock.starts_on, clock.days, clock.unit.value
        row.due_on, row.met_on = clock.due_on, clock.met_on


def _append_event(uow: UnitOfWork, matter: Matter, seq: int, action: Action,
                  from_state: MatterState | None, to_state: MatterState, on: date, note: str,
                  data: dict[str, Any]) -> None:
    uow.session.add(MatterEvent(
        office_id=matter.office_id, matter_id=matter.id, seq=seq, action=action.value,
        from_state=from_state.value if from_state else None, to_state=to_state.value,
        occurred_on=on, actor_id=uow.actor.user_id, note=note,
        data={k: (str(v) if isinstance(v, (uuid.UUID, date)) else v) for k, v in data.items()},
    ))


# --- step handlers: validate the step's own inputs and record its facts on the matter ---------

Handler = Callable[[UnitOfWork, Matter, Any], dict[str, Any]]


def _required(value: str, field: str, label: str, max_length: int = 2000) -> str:
    return clean_content(value, field=field, label=label, max_length=max_length)


def _notice(uow: UnitOfWork, matter: Matter, step: Any, kind: DocumentKind) -> dict[str, Any]:
    reason = clean_line(step.no_notice_reason, field="no_notice_reason", label="不出具告知书的理由",
                        max_length=200, required=False)
    workflow.require_notice_or_reason(step.issue_notice, reason)
    matter.no_notice_reason = reason
    if not step.issue_notice:
        return {"no_notice_reason": matter.no_notice_reason}
    doc = documents.issue_document(uow, kind, matter, step.on)
    return {"document_id": doc.id, "document_number": doc.number}


def _decide(matter: Matter, step: st.Step, decision: str, reason: str = "") -> None:
    matter.decision, matter.decided_on, matter.decision_reason = decision, step.on, reason


def _accept(uow: UnitOfWork, matter: Matter, step: st.Accept) -> dict[str, Any]:
    if step.simplified and not matter.simplified:
        due = uow.calendar.deadline(matter.reopened_on or matter.registered_on,
                                    SIMPLIFIED_DECISION_WORKING_DAYS, DayUnit.WORKING)
        if step.on > due:
            raise IllegalTransition(
                "simplified_late", f"简易办理：须在登记后 3 个工作日内（{due.isoformat()} 前）受理，已超过",
                field="simplified")
    data = _notice(uow, matter, step, DocumentKind.ACCEPTANCE)
    _decide(matter, step, "accept")
    matter.accepted_on = step.on
    matter.simplified = matter.simplified or step.simplified
    return data


def _decline(uow: UnitOfWork, matter: Matter, step: st.Decline) -> dict[str, Any]:
    reason = _required(step.reason, "reason", "不予受理理由")
    kind = DocumentKind.NO_LONGER_ACCEPTED if step.no_longer_accepted else DocumentKind.DECLINE
    data = _notice(uow, matter, step, kind)
    _decide(matter, step, "decline", reason)
    return data | {"reason": reason}


def _route_legal(uow: UnitOfWork, matter: Matter, step: st.RouteLegal) -> dict[str, Any]:
    body = clean_line(step.body, field="body", label="受理机关", max_length=100)
    data = _notice(uow, matter, step, DocumentKind.LEGAL_CHANNEL)
    _decide(matter, step, "route_legal")
    matter.legal_channel, matter.referred_to = step.channel.value, body
    return data | {"channel": step.channel.value, "body": body}


def office_report_days(uow: UnitOfWork) -> int:
    """The office rule 交办报告期限 (系统设置 › 办理规则): a unit's days for its result report, unless the
    交办 step gives its own."""
    return int(uow.setting("assignment_report_days"))


def _refer(uow: UnitOfWork, matter: Matter, step: st.Forward | st.Assign) -> dict[str, Any]:
    to = clean_line(step.to, field="to", label="转送（交办）单位", max_length=100)
    data: dict[str, Any] = {}
    if isinstance(step, st.Assign):
        # 交办 requires a result report by a deadline; fixed now so a later change of the office rule
        # does not move the deadline already printed on the 交办单.
        days = step.report_days if step.report_days is not None else office_report_days(uow)
        workflow.check_report_days(days)
        matter.report_days = data["report_days"] = days
    _decide(matter, step, step.action.value)
    matter.referred_to = to
    doc = documents.issue_document(uow, DocumentKind.REFERRAL, matter, step.on)
    return {"to": to, "document_id": doc.id, "document_number": doc.number} | data


def _object(uow: UnitOfWork, matter: Matter, step: st.Object) -> dict[str, Any]:
    workflow.check_assigned_down(MatterSource(matter.source))
    due = uow.calendar.deadline(matter.reopened_on or matter.registered_on, OBJECTION_WORKING_DAYS,
                                DayUnit.WORKING)
    if step.on > due:
        raise IllegalTransition(
            "objection_late", f"异议：应在收到后 5 个工作日内（{due.isoformat()} 前）提出，已超过",
            field="occurred_on")
    reason = _required(step.reason, "reason", "异议理由")
    _decide(matter, step, "object", reason)
    return {"reason": reason}


def _receive_report(uow: UnitOfWork, matter: Matter, step: st.ReceiveReport) -> dict[str, Any]:
    summary = _required(step.summary, "summary", "办结报告摘要")
    matter.closed_on = step.on
    return {"summary": summary}


def _dispatch(uow: UnitOfWork, matter: Matter, step: st.Dispatch) -> dict[str, Any]:
    if step.responsible_unit_id is None and step.handler_id is None:
        raise ValidationError("dispatch_target", "责任单位：请选择责任单位或经办人", field="responsible_unit_id")
    if step.responsible_unit_id and uow.session.get(ResponsibleUnit, step.responsible_unit_id) is None:
        raise NotFound("responsible_unit", "责任单位：不存在", field="responsible_unit_id")
    if step.handler_id and uow.session.get(UserAccount, step.handler_id) is None:
        raise NotFound("handler", "经办人：不存在", field="handler_id")
    matter.responsible_unit_id, matter.handler_id = step.responsible_unit_id, step.handler_id
    return {"responsible_unit_id": step.responsible_unit_id, "handler_id": step.handler_id}


def _extend(uow: UnitOfWork, matter: Matter, step: st.Extend) -> dict[str, Any]:
    original = handling_due(uow.calendar, dates_of(matter))
    assert original is not None, "only accepted matters can be extended"
    workflow.check_extension(step.days, matter.extension_days is not None, step.on, original)
    reason = _required(step.reason, "reason", "延期理由")
    matter.extension_days, matter.extension_reason = step.days, reason
    doc = documents.issue_document(uow, DocumentKind.EXTENSION, matter, step.on)
    return {"days": step.days, "reason": reason, "document_number": doc.number}


def _reply(uow: UnitOfWork, matter: Matter, step: st.Reply) -> dict[str, Any]:
    summary = _required(step.summary, "summary", "答复意见")
    matter.replied_on, matter.reply_result = step.on, step.result.value
    doc = documents.issue_document(uow, DocumentKind.REPLY, matter, step.on)
    return {"result": step.result.value, "summary": summary, "document_number": doc.number}


def _deliver_reply(uow: UnitOfWork, matter: Matter, step: st.DeliverReply) -> dict[str, Any]:
    if matter.reply_delivered_on is not None:
        # The review window runs from this date: a second delivery must not move it.
        raise IllegalTransition(
            "delivered_twice", f"送达：答复意见已于 {matter.reply_delivered_on.isoformat()} 送达",
            field="reply_delivered_on")
    if step.on < (matter.replied_on or step.on):
        raise ValidationError("delivery_before_reply", "送达日期：不能早于答复日期", field="occurred_on")
    doc = documents.issue_document(uow, DocumentKind.REPLY, matter, matter.replied_on or step.on)
    documents.record_delivery(uow, doc, step.method, step.on, step.receiver)
    matter.reply_delivered_on = step.on
    return {"method": step.method.value, "receiver": step.receiver.strip()}


def _evaluate(uow: UnitOfWork, matter: Matter, step: st.Evaluate) -> dict[str, Any]:
    workflow.require_reply_delivered(matter.reply_delivered_on)
    assert matter.reply_delivered_on is not None
    workflow.check_evaluation(matter.satisfaction is not None, matter.reply_delivered_on,
                              int(uow.setting("evaluation_window_days")), step.on)
    matter.satisfaction, matter.evaluated_on = step.satisfaction.value, step.on
    return {"satisfaction": step.satisfaction.value, "method": step.method}


def _close(uow: UnitOfWork, matter: Matter, step: st.Close) -> dict[str, Any]:
    workflow.require_reply_delivered(matter.reply_delivered_on)
    matter.closed_on = step.on
    return {}


def _request_review(uow: UnitOfWork, matter: Matter, step: st.RequestReview) -> dict[str, Any]:
    workflow.require_reply_delivered(matter.reply_delivered_on, "登记复查申请")
    body = clean_line(step.body, field="body", label="复查机关", max_length=100)
    matter.review_requested_on = step.on
    return {"body": body}


def _decide_review(uow: UnitOfWork, matter: Matter, step: st.DecideReview) -> dict[str, Any]:
    matter.review_decided_on = step.on
    return {"outcome": _required(step.outcome, "outcome", "复查意见")}


def _deliver_review(uow: UnitOfWork, matter: Matter, step: st.DeliverReview) -> dict[str, Any]:
    if matter.review_delivered_on is not None:
        # The re-review window runs from this date: a second receipt must not move it.
        raise IllegalTransition(
            "delivered_twice", f"送达：复查意见已于 {matter.review_delivered_on.isoformat()} 送达",
            field="review_delivered_on")
    matter.review_delivered_on = step.on
    return {}


def _request_rereview(uow: UnitOfWork, matter: Matter, step: st.RequestRereview) -> dict[str, Any]:
    body = clean_line(step.body, field="body", label="复核机关", max_length=100)
    matter.rereview_requested_on = step.on
    return {"body": body}


def _decide_rereview(uow: UnitOfWork, matter: Matter, step: st.DecideRereview) -> dict[str, Any]:
    if not 0 <= step.hearing_days <= 365:
        raise ValidationError("hearing_days", "听证天数：须在 0 至 365 之间", field="hearing_days")
    matter.rereview_decided_on = matter.concluded_on = step.on
    return {"outcome": _required(step.outcome, "outcome", "复核意见"), "hearing_days": step.hearing_days}


def _conclude(uow: UnitOfWork, matter: Matter, step: st.Conclude) -> dict[str, Any]:
    if matter.review_decided_on is not None:
        workflow.require_review_delivered(matter.review_delivered_on)
    window = workflow.Clock.REREVIEW_REQUEST if matter.review_decided_on else workflow.Clock.REVIEW_REQUEST
    row = uow.session.scalars(select(MatterDeadline).where(
        MatterDeadline.matter_id == matter.id, MatterDeadline.clock == window.value)).first()
    workflow.check_window_passed(row.due_on if row else None, step.on)
    matter.concluded_on = step.on
    return {}


_REOPEN_CLEARS = ("decision", "decided_on", "accepted_on", "extension_days", "replied_on",
                  "reply_result", "reply_delivered_on", "satisfaction", "evaluated_on", "closed_on",
                  "review_requested_on", "review_decided_on", "review_delivered_on", "rereview_requested_on",
                  "rereview_decided_on", "concluded_on", "legal_channel", "report_days")


def _reopen(uow: UnitOfWork, matter: Matter, step: st.Reopen) -> dict[str, Any]:
    new_facts = _required(step.new_facts, "new_facts", "新的事实和理由")
    for key in _REOPEN_CLEARS:
        setattr(matter, key, None)
    matter.referred_to = matter.decision_reason = matter.extension_reason = ""
    matter.reopened_on = step.on
    return {"new_facts": new_facts}


_HANDLERS: dict[type, Handler] = {
    st.Accept: _accept, st.Decline: _decline, st.RouteLegal: _route_legal, st.Forward: _refer,
    st.Assign: _refer, st.Object: _object, st.ReceiveReport: _receive_report, st.Dispatch: _dispatch,
    st.Extend: _extend, st.Reply: _reply, st.DeliverReply: _deliver_reply, st.Evaluate: _evaluate,
    st.Close: _close, st.RequestReview: _request_review, st.DecideReview: _decide_review,
    st.DeliverReview: _deliver_review,
    st.RequestRereview: _request_rereview, st.DecideRereview: _decide_rereview,
    st.Conclude: _conclude, st.Reopen: _reopen,
}
