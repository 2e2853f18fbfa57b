"""Read the audit trail for the administrator: filter, list (ids first, rows on demand), export.

Times are stored in UTC and shown in the PC's local time; a date filter means local calendar days.
Every export of the trail is itself audited.
"""

from __future__ import annotations

import json
import time as timer
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Select, String, cast, func, or_, select

from app.domain.permissions import Permission
from app.domain.workflow import ACTION_LABELS as STEP_LABELS
from app.excel.common import CancelCheck, Progress, check_cancel, replace_atomically, temporary_beside
from app.excel.xlsx import Column, StreamingWorkbook
from app.services import audit
from app.services.context import UnitOfWork
from app.services.listing import packed_ids
from db.models import AuditEvent, Contact, Document, Matter, Office, Person, UserAccount

ACTION_LABELS: dict[str, str] = {a.value: label for a, label in STEP_LABELS.items()} | {
    "create": "新建", "update": "修改", "delete": "删除", "login": "登录", "login_failed": "登录失败",
    "locked": "账号锁定", "change_password": "修改密码", "reset_password": "重置密码", "activate": "启用",
    "deactivate": "停用", "set_grant": "检举控告授权", "set_role": "修改角色", "open": "打开查看", "export": "导出",
    "backup": "备份", "restore": "恢复", "enable_encryption": "开启附件加密", "encrypt_attachments": "加密附件",
    "recover_key": "凭恢复码恢复密钥",
    "print": "打印文书", "import": "导入", "issue": "出具文书", "deliver": "送达", "attach": "添加附件",
    "detach": "移除附件", "merge": "合并档案", "unmerge": "撤销合并", "init": "初始化",
    "load_demo": "载入演示数据", "submit": "报送报表", "correct": "更正报表", "set_case_leader": "设定包案领导",
    "supervise": "督办", "supervision_reply": "督办回复",
}
ENTITY_LABELS: dict[str, str] = {
    "matter": "信访事项", "person": "信访人档案", "contact": "来访登记", "document": "文书", "attachment": "附件",
    "user": "用户", "office": "单位", "setting": "设置", "ledger": "台账", "report": "统计报表",
    "report_submission": "报表报送", "supervision": "督办", "village": "村（社区）", "responsible_unit": "责任单位",
    "audit": "审计日志", "data_key": "附件加密密钥",
}
# Names of the fields events carry most often; others show their code name.
FIELD_LABELS: dict[str, str] = {
    "masked": "内容已遮蔽", "read_accusation": "检举控告查阅", "kind": "类别", "rows": "条数", "file": "文件",
    "login": "登录名", "role": "角色", "active": "在用", "name": "名称", "number": "编号", "state": "状态",
    "channel": "信访形式", "matter": "事项", "is_repeat": "重复访", "matter_id": "事项", "owner": "所属",
    "period": "期间", "start": "起", "end": "止", "phones": "电话", "id_number": "身份证号",
    "accepted_on": "受理日期", "decided_on": "决定日期", "delivery_method": "送达方式", "delivered_on": "送达日期",
    "reply_delivered_on": "答复送达日期", "sha256": "文件指纹", "attachment_id": "附件",
    "division_code": "区划代码", "level": "级别", "admin": "管理员",
}
EXPORT_CHUNK = 2000


@dataclass(frozen=True)
class AuditFilter:
    start: date | None = None  # local calendar days, both ends included
    end: date | None = None
    user_id: uuid.UUID | None = None
    action: str | None = None
    entity_type: str | None = None
    text: str = ""  # in the login, the record's id and the changed fields


@dataclass(frozen=True)
class AuditRow:
    id: uuid.UUID
    seq: int
    at: datetime  # local time, naive
    user: str
    action: str
    entity_type: str
    entity: str  # a readable name of the record: matter number, person's name, login, document number
    details: str  # changed fields: before → after

    def cells(self) -> tuple[str, ...]:
        return (str(self.seq), f"{self.at:%Y-%m-%d %H:%M:%S}", self.user, ACTION_LABELS.get(self.action, self.action),
                ENTITY_LABELS.get(self.entity_type, self.entity_type), self.entity, self.details)


@dataclass(frozen=True)
class AuditOptions:
    users: tuple[tuple[uuid.UUID, str], ...]
    actions: tuple[tuple[str, str], ...]
    entity_types: tuple[tuple[str, str], ...]


COLUMNS = ("序号", "时间", "用户", "操作", "对象类别", "对象", "内容")


def _utc(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone().astimezone(timezone.utc)


def _statement(uow: UnitOfWork, f: AuditFilter) -> Select[Any]:
    stmt = select(AuditEvent.id).where(or_(AuditEvent.office_id == uow.office_id, AuditEvent.office_id.is_(None)))
    if f.start is not None:
        stmt = stmt.where(AuditEvent.at >= _utc(f.start))
    if f.end is not None:
        stmt = stmt.where(AuditEvent.at < _utc(f.end + timedelta(days=1)))
    if f.user_id is not None:
        stmt = stmt.where(AuditEvent.user_id == f.user_id)
    if f.action:
        stmt = stmt.where(AuditEvent.action == f.action)
    if f.entity_type:
        stmt = stmt.where(AuditEvent.entity_type == f.entity_type)
    for word in f.text.split():
        pattern = f"%{word}%"
        stmt = stmt.where(or_(AuditEvent.user_login.like(pattern), AuditEvent.entity_id.like(pattern),
                              cast(AuditEvent.before, String).like(pattern),
                              cast(AuditEvent.after, String).like(pattern)))
    return stmt.order_by(AuditEvent.seq.desc())


def audit_ids(uow: UnitOfWork, f: AuditFilter) -> bytes:
    """The matching events' ids, newest first, packed 16 bytes each (for the lazy table)."""
    uow.actor.require(Permission.READ_AUDIT)
    return packed_ids(uow.session, _statement(uow, f))


def audit_rows(uow: UnitOfWork, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, AuditRow]:
    uow.actor.require(Permission.READ_AUDIT)
    events = uow.session.execute(select(*_COLUMNS).where(AuditEvent.id.in_(list(ids)))).all()
    names = _entity_names(uow, events)
    return {e.id: _row(e, names) for e in events}


# Plain rows, not ORM objects: an export of 100,000 events spent half its time building them.
_COLUMNS = (AuditEvent.id, AuditEvent.seq, AuditEvent.at, AuditEvent.user_login, AuditEvent.action,
            AuditEvent.entity_type, AuditEvent.entity_id, AuditEvent.before, AuditEvent.after)


def _entity_names(uow: UnitOfWork, events: Sequence[Any]) -> dict[tuple[str, str], str]:
    """Readable names of the records the events concern, looked up per kind in one query each."""
    wanted: dict[str, set[uuid.UUID]] = {}
    for e in events:
        if e.entity_id and e.entity_type in _NAMERS:
            try:
                wanted.setdefault(e.entity_type, set()).add(uuid.UUID(e.entity_id))
            except ValueError:
                continue
    names: dict[tuple[str, str], str] = {}
    for kind, ids in wanted.items():
        id_column, name_column = _NAMERS[kind]
        for row_id, name in uow.session.execute(select(id_column, name_column).where(id_column.in_(ids))):
            names[(kind, str(row_id))] = name or ""
    return names


_NAMERS: dict[str, tuple[Any, Any]] = {
    "matter": (Matter.id, Matter.number), "person": (Person.id, Person.name), "contact": (Contact.id, Contact.number),
    "user": (UserAccount.id, UserAccount.login), "document": (Document.id, Document.number),
    "office": (Office.id, Office.short_name),
}


def _details(e: Any) -> str:
    before, after = e.before or {}, e.after or {}
    parts = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        text = _value(new) if key not in before else f"{_value(old)} → {_value(new)}"
        parts.append(f"{FIELD_LABELS.get(key, key)}：{text}")
    return "；".join(parts)


def _value(value: Any) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _row(e: Any, names: dict[tuple[str, str], str]) -> AuditRow:
    entity = names.get((e.entity_type, e.entity_id or ""), "") or (e.entity_id or "")
    return AuditRow(e.id, e.seq, e.at.astimezone().replace(tzinfo=None), e.user_login, e.action, e.entity_type,
                    entity, _details(e))


def filter_options(uow: UnitOfWork) -> AuditOptions:
    uow.actor.require(Permission.READ_AUDIT)
    users = tuple((i, f"{name}（{login}）") for i, name, login in uow.session.execute(
        select(UserAccount.id, UserAccount.display_name, UserAccount.login)
        .where(UserAccount.office_id == uow.office_id).order_by(UserAccount.login)))
    used_actions = set(uow.session.scalars(select(AuditEvent.action).distinct()))
    used_types = set(uow.session.scalars(select(AuditEvent.entity_type).distinct()))
    return AuditOptions(
        users=users,
        actions=tuple(sorted(((a, ACTION_LABELS.get(a, a)) for a in used_actions), key=lambda p: p[1])),
        entity_types=tuple(sorted(((t, ENTITY_LABELS.get(t, t)) for t in used_types), key=lambda p: p[1])),
    )


@dataclass(frozen=True)
class AuditExport:
    path: Path
    rows: int
    seconds: float


def export_audit(uow: UnitOfWork, f: AuditFilter, path: str | Path, *, progress: Progress | None = None,
                 cancelled: CancelCheck | None = None) -> AuditExport:
    """The filtered trail as an .xlsx (streamed, constant memory); replaces the file at the end."""
    uow.actor.require(Permission.READ_AUDIT)
    started = timer.perf_counter()
    target = Path(path)
    matching = _statement(uow, f)
    total = uow.session.scalar(select(func.count()).select_from(matching.order_by(None).subquery())) or 0
    columns = [Column("序号", 8, "int"), Column("时间", 20, "datetime"), Column("用户", 12), Column("操作", 14),
               Column("对象类别", 12), Column("对象", 20), Column("内容", 60)]
    work = temporary_beside(target)
    with StreamingWorkbook(work) as book:
        sheet = book.add_sheet("审计日志", columns, title="审计日志",
                               subtitle=f"共 {total} 条　导出时间：{uow.now():%Y-%m-%d %H:%M}")
        done = 0
        events = uow.session.execute(matching.with_only_columns(*_COLUMNS)
                                     .execution_options(yield_per=EXPORT_CHUNK))
        for chunk in events.partitions():
            check_cancel(cancelled)
            names = _entity_names(uow, chunk)
            for event in chunk:
                r = _row(event, names)
                sheet.write_row((r.seq, r.at, *r.cells()[2:]))
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    replace_atomically(work, target)
    audit.record_access(uow, "export", "audit", None, rows=total, file=target.name)
    return AuditExport(target, total, timer.perf_counter() - started)
