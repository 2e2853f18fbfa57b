"""The steps a clerk can take on a matter, as plain data. ``matters.perform`` carries them out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from app.domain.enums import DeliveryMethod, LegalChannel, ReplyResult, Satisfaction
from app.domain.workflow import Action


@dataclass(frozen=True)
class Step:
    action: ClassVar[Action]
    on: date
    note: str = ""


@dataclass(frozen=True)
class Accept(Step):
    action = Action.ACCEPT
    issue_notice: bool = True
    no_notice_reason: str = ""
    simplified: bool = False


@dataclass(frozen=True)
class Decline(Step):
    action = Action.DECLINE
    reason: str = ""
    no_longer_accepted: bool = False  # concluded matter raised again: 不再受理告知书
    issue_notice: bool = True
    no_notice_reason: str = ""


@dataclass(frozen=True)
class RouteLegal(Step):
    action = Action.ROUTE_LEGAL
    channel: LegalChannel = LegalChannel.LITIGATION
    body: str = ""  # the competent body the petitioner should go to
    issue_notice: bool = True
    no_notice_reason: str = ""


@dataclass(frozen=True)
class Forward(Step):
    action = Action.FORWARD
    to: str = ""


@dataclass(frozen=True)
class Assign(Step):
    action = Action.ASSIGN
    to: str = ""
    report_days: int | None = None  # days for the unit's result report; None: the office rule


@dataclass(frozen=True)
class Object(Step):
    action = Action.OBJECT
    reason: str = ""


@dataclass(frozen=True)
class ReceiveReport(Step):
    action = Action.RECEIVE_REPORT
    summary: str = ""


@dataclass(frozen=True)
class Dispatch(Step):
    action = Action.DISPATCH
    responsible_unit_id: uuid.UUID | None = None
    handler_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Extend(Step):
    action = Action.EXTEND
    days: int = 30
    reason: str = ""


@dataclass(frozen=True)
class Reply(Step):
    action = Action.REPLY
    result: ReplyResult = ReplyResult.SUPPORT
    summary: str = ""


@dataclass(frozen=True)
class DeliverReply(Step):
    action = Action.DELIVER_REPLY
    method: DeliveryMethod = DeliveryMethod.DIRECT
    receiver: str = ""


@dataclass(frozen=True)
class Evaluate(Step):
    action = Action.EVALUATE
    satisfaction: Satisfaction = Satisfaction.SATISFIED
    method: str = "当面"


@dataclass(frozen=True)
class Close(Step):
    action = Action.CLOSE


@dataclass(frozen=True)
class RequestReview(Step):
    action = Action.REQUEST_REVIEW
    body: str = ""


@dataclass(frozen=True)
class DecideReview(Step):
    action = Action.DECIDE_REVIEW
    outcome: str = ""


@dataclass(frozen=True)
class DeliverReview(Step):
    """``on``: the day the petitioner received the review decision (送达回证 or the reviewing body's word)."""

    action = Action.DELIVER_REVIEW


@dataclass(frozen=True)
class RequestRereview(Step):
    action = Action.REQUEST_REREVIEW
    body: str = ""


@dataclass(frozen=True)
class DecideRereview(Step):
    action = Action.DECIDE_REREVIEW
    outcome: str = ""
    hearing_days: int = 0


@dataclass(frozen=True)
class Conclude(Step):
    action = Action.CONCLUDE


@dataclass(frozen=True)
class Reopen(Step):
    action = Action.REOPEN
    new_facts: str = ""
