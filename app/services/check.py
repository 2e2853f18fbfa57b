"""``xinfang check``: integrity of the database file, the audit chain, files and domain invariants."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select, text, true
from sqlalchemy.exc import DatabaseError

from app.domain.deadlines import compute_clocks
from app.domain.enums import Decision, DocumentKind, MatterState
from app.domain.permissions import Permission
from app.services.attachments import verify_stored
from app.services.audit import GENESIS, event_hash
from app.services.context import UnitOfWork
from app.services.matters import dates_of
from app.services.workspace import Workspace
from db.models import Attachment, AuditEvent, Document, Matter, MatterDeadline

# Decisions that must come with a written notice to the petitioner (or a recorded reason).
NOTICE_FOR_DECISION = {
    Decision.ACCEPT.value: {DocumentKind.ACCEPTANCE.value},
    Decision.DECLINE.value: {DocumentKind.DECLINE.value, DocumentKind.NO_LONGER_ACCEPTED.value},
    Decision.ROUTE_LEGAL.value: {DocumentKind.LEGAL_CHANNEL.value},
}
# A state reached only through a step that records this date.
STATE_NEEDS_DATE = {
    MatterState.ACCEPTED: "accepted_on", MatterState.REPLIED: "replied_on",
    MatterState.EVALUATED: "evaluated_on", MatterState.CLOSED: "closed_on",
    MatterState.UNDER_REVIEW: "review_requested_on", MatterState.REVIEWED: "review_decided_on",
    MatterState.CONCLUDED: "concluded_on",
}
BATCH = 1000


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    message: str


def run_checks(workspace: Workspace, uow: UnitOfWork) -> list[Finding]:
    uow.actor.require(Permission.READ)
    findings: list[Finding] = []
    for check, label in CHECKS:
        try:
            findings.extend(check(workspace, uow))
        except DatabaseError as exc:
            # A damaged page stops one check; the others still run and report what they can.
            uow.session.rollback()
            detail = exc.orig if exc.orig is not None else exc
            findings.append(Finding(Severity.ERROR, "check_aborted", f"{label}：无法读完（{detail}），数据库可能已损坏"))
    return findings


def _database_file(workspace: Workspace, uow: UnitOfWork) -> Iterator[Finding]:
    if uow.session.get_bind().dialect.name != "sqlite":
        return
    try:
        result = [r[0] for r in uow.session.execute(text("PRAGMA integrity_check"))]
    except DatabaseError as exc:  # a damaged page header stops the check itself
        uow.session.rollback()
        result = [str(exc.orig if exc.orig is not None else exc)]
    if result != ["ok"]:
        yield Finding(Severity.ERROR, "integrity", "数据库文件损坏：" + "；".join(result[:5]))
    for row in uow.session.execute(text("PRAGMA foreign_key_check")):
        yield Finding(Severity.ERROR, "foreign_key", f"外键失效：表 {row[0]} 第 {row[1]} 行引用的 {row[2]} 不存在")


def _audit_chain(workspace: Workspace, uow: UnitOfWork) -> Iterator[Finding]:
    previous, expected_seq = GENESIS, 1
    stmt = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=BATCH)
    for event in uow.session.scalars(stmt):
        if event.seq != expected_seq:
            yield Finding(Severity.ERROR, "audit_gap", f"审计日志：缺少第 {expected_seq} 条（下一条为第 {event.seq} 条）")
        if event.prev_hash != previous or event_hash(event) != event.hash:
            yield Finding(Severity.ERROR, "audit_chain", f"审计日志：第 {event.seq} 条被改动或链条断裂")
            return
        previous, expected_seq = event.hash, event.seq + 1


def _attachments(workspace: Workspace, uow: UnitOfWork) -> Iterator[Finding]:
    for att in uow.session.scalars(select(Attachment).execution_options(yield_per=BATCH)):
        problem = verify_stored(workspace.attachments_dir, att, uow.keyring)
        if problem == "attachment_missing":
            yield Finding(Severity.ERROR, problem, f"附件缺失：{att.original_name}（{att.sha256[:12]}…）")
        elif problem is not None:
            yield Finding(Severity.ERROR, problem, f"附件内容与登记的哈希不符：{att.original_name}")


def _matter_invariants(workspace: Workspace, uow: UnitOfWork) -> Iterator[Finding]:
    notices = {
        (matter_id, kind)
        for matter_id, kind in uow.session.execute(select(Document.matter_id, Document.kind))
    }
    stored: dict[object, dict[str, tuple[object, object]]] = {}
    for d in uow.session.execute(select(MatterDeadline.matter_id, MatterDeadline.clock,
                                        MatterDeadline.due_on, MatterDeadline.met_on)):
        stored.setdefault(d.matter_id, {})[d.clock] = (d.due_on, d.met_on)
    for matter in uow.session.scalars(select(Matter).execution_options(yield_per=BATCH)):
        kinds = NOTICE_FOR_DECISION.get(matter.decision or "")
        if kinds and not matter.no_notice_reason and not any((matter.id, k) in notices for k in kinds):
            yield Finding(Severity.ERROR, "notice_missing",
                          f"事项 {matter.number}：已作受理决定但没有告知书，也没有记录理由")
        needed = STATE_NEEDS_DATE.get(MatterState(matter.state))
        if needed and getattr(matter, needed) is None:
            yield Finding(Severity.ERROR, "state_date", f"事项 {matter.number}：状态与记录的日期不符（缺 {needed}）")
        if matter.satisfaction is not None and (
                matter.reply_delivered_on is None or matter.evaluated_on is None
                or matter.evaluated_on < matter.reply_delivered_on):
            yield Finding(Severity.ERROR, "evaluation_undelivered",
                          f"事项 {matter.number}：满意度评价早于答复送达（或答复未送达）")
        expected = {c.clock.value: (c.due_on, c.met_on)
                    for c in compute_clocks(uow.calendar, dates_of(matter))}
        have = stored.get(matter.id, {})
        # Hearing days extend only the re-review clock; compare the rest exactly.
        have = {k: v for k, v in have.items() if k != "rereview_decision"}
        expected = {k: v for k, v in expected.items() if k != "rereview_decision"}
        if have != expected:
            yield Finding(Severity.ERROR, "deadlines", f"事项 {matter.number}：存储的期限与登记的日期不一致")


def _ledger_imports(workspace: Workspace, uow: UnitOfWork) -> Iterator[Finding]:
    waiting = uow.session.scalar(select(func.count()).select_from(Matter).where(Matter.needs_review.is_(true())))
    if waiting:
        yield Finding(Severity.WARNING, "ledger_review",
                      f"台账导入的事项 {waiting} 件没有办理结果，待核实（不计算法定期限）")


def _holiday_table(workspace: Workspace, uow: UnitOfWork) -> Iterator[Finding]:
    today = uow.today()
    missing = uow.calendar.missing_years([today.year])
    if missing:
        yield Finding(Severity.ERROR, "holidays_missing",
                      f"节假日表缺少 {missing[0]} 年：期限按周末推算，请更新 resources/calendar/holidays-cn.json")
    elif today.month >= 11 and uow.calendar.missing_years([today.year + 1]):
        yield Finding(Severity.WARNING, "holidays_next_year",
                      f"节假日表还没有 {today.year + 1} 年：国务院公布后请及时更新")




CHECKS = (
    (_database_file, "数据库文件检查"), (_audit_chain, "审计日志检查"), (_attachments, "附件检查"),
    (_matter_invariants, "事项规则检查"), (_ledger_imports, "台账导入检查"), (_holiday_table, "节假日表检查"),
)
