"""Crash harness: the program's real write paths in a child process, killed with SIGKILL at random moments.

A child process opens the data folder through ``Workspace`` (SQLite file in WAL mode) and runs use cases
in a loop: register a contact with a new person (a new matter), a repeat contact on one of its matters,
or the accept step through ``notices.perform_step`` (which renders the acceptance notice and stores its
PDF as an attachment). Only after ``ws.write`` has committed does it append one line to the journal
file naming what it wrote: one ``os.write`` of a short line to an ``O_APPEND`` file, so a line is either
in the file whole or not at all, and it survives the kill (the kernel holds it, not the process).

The parent starts a child, lets it make a random number of writes, kills it a random moment later (so
kills land anywhere in a unit of work: before, inside, during or right after its commit), then reopens the
database and checks: ``PRAGMA integrity_check``, ``xinfang check`` (``run_checks``: foreign keys, audit
chain, attachment hashes, notices and deadlines), gap-free numbers, and that every journalled write is
present and complete. A write that committed but was killed before its line was written may be present
without a line; a journalled write that is missing is *lost*. Linux only (SIGKILL, forkserver).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.domain.enums import Channel, DocumentKind, MatterState, MatterType
from app.services import matter_steps as st, notices
from app.services.check import Severity, run_checks
from app.services.contacts import NewContact, register_contact
from app.services.persons import PersonInput
from app.services.workspace import Workspace
from db.models import (
    Attachment, AuditEvent, Contact, ContactPerson, Document, Matter, MatterEvent, MatterPetitioner, Person,
)

# Both sides see the same fixed "now", so deadlines and the holiday check do not depend on the real date.
NOW = datetime(2026, 11, 23, 10, 0)
FIRST_DAY = date(2026, 11, 2)
ACCEPT_ON = date(2026, 11, 20)
JOURNAL = "committed.jsonl"
READY = "ready"
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
SUBJECTS = ("0101", "0102", "0201", "0301")


def _clock() -> datetime:
    return NOW


# ---------------------------------------------------------------- child side


def _journal(fd: int, record: dict[str, object]) -> None:
    os.write(fd, (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode())


def _content(rng: random.Random, serial: str) -> str:
    """Content that identifies the write, so the parent can tell a complete row from a torn one."""
    return f"反映{rng.choice(['征地补偿', '拖欠工资', '邻里纠纷', '道路维修'])}问题，编号 {serial}。" + "详情" * rng.randint(1, 50)


def child_main(data_dir: str, seed: int, unlock: tuple[str, str] | None = None) -> None:
    """Write until killed; journal each write after its commit returned. An encrypted database is
    unlocked first with ``unlock`` = (login, password), as a start of the program does."""
    rng = random.Random(seed)
    if unlock is not None:
        from app.services.key_file import unlock_with_password

        unlock_with_password(Path(data_dir), *unlock)
    ws = Workspace.open(data_dir, clock=_clock)
    actor = ws.system_actor()
    fd = os.open(Path(data_dir) / JOURNAL, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with ws.read(actor) as uow:
        registered = list(uow.session.scalars(select(Matter.id).where(Matter.state == MatterState.REGISTERED.value)))
        mine = list(uow.session.scalars(select(Matter.id)))
    _journal(fd, {"kind": READY, "pid": os.getpid()})
    serial = 0
    while True:
        serial += 1
        tag = f"{seed}-{serial}"
        roll = rng.random()
        if roll < 0.25 and registered:
            matter_id = registered.pop(rng.randrange(len(registered)))
            with ws.write(actor) as uow:
                _, issued = notices.perform_step(uow, ws, matter_id, st.Accept(on=ACCEPT_ON))
            _journal(fd, {"kind": "accept", "matter": str(matter_id), "document": str(issued[0].document.id),
                          "attachment": str(issued[0].attachment_id)})
        elif roll < 0.4 and mine:
            matter_id = rng.choice(mine)
            content = _content(rng, tag)
            with ws.write(actor) as uow:
                done = register_contact(uow, NewContact(
                    channel=Channel.PHONE, contact_at=datetime.combine(ACCEPT_ON, dtime(15, 0)), content=content,
                    anonymous=True, matter_id=matter_id))
            _journal(fd, {"kind": "repeat", "contact": str(done.contact_id), "number": done.number,
                          "matter": str(matter_id), "content": content})
        else:
            content = _content(rng, tag)
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            phone = "13" + "".join(rng.choice("0123456789") for _ in range(9))
            on = FIRST_DAY + timedelta(days=rng.randrange(14))
            with ws.write(actor) as uow:
                done = register_contact(uow, NewContact(
                    channel=Channel.VISIT, contact_at=datetime.combine(on, dtime(9, rng.randrange(60))),
                    content=content, persons=(PersonInput(name=name, phones=(phone,)),),
                    subject_code=rng.choice(SUBJECTS), matter_type=MatterType.CLAIM,
                    new_matter=True, new_matter_reason="压力测试：另立事项"))
            _journal(fd, {"kind": "register", "contact": str(done.contact_id), "number": done.number,
                          "matter": str(done.matter_id), "matter_number": done.matter_number,
                          "person": str(done.person_ids[0]), "name": name, "phone": phone, "content": content})
            registered.append(done.matter_id)
            mine.append(done.matter_id)


# ---------------------------------------------------------------- parent side


@dataclass
class CrashReport:
    kills: int = 0
    writes: Counter[str] = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)
    corrupt: list[str] = field(default_factory=list)
    recovery_seconds: list[float] = field(default_factory=list)
    check_seconds: list[float] = field(default_factory=list)

    @property
    def committed(self) -> int:
        return sum(self.writes.values())

    def table(self) -> str:
        rows = [
            ("kills (SIGKILL)", str(self.kills)),
            ("writes reported committed", f"{self.committed} ({', '.join(f'{k} {v}' for k, v in sorted(self.writes.items()))})"),
            ("lost", str(len(self.lost))),
            ("corrupt", str(len(self.corrupt))),
            ("median recovery (reopen + first query)", f"{statistics.median(self.recovery_seconds) * 1000:.0f} ms"),
            ("median full check (integrity + xinfang check + rows)", f"{statistics.median(self.check_seconds) * 1000:.0f} ms"),
        ]
        width = max(len(k) for k, _ in rows)
        return "\n".join(f"| {k.ljust(width)} | {v} |" for k, v in rows)


def _context() -> multiprocessing.context.ForkServerContext:
    ctx = multiprocessing.get_context("forkserver")
    # The server imports the program (and loads its tables and fonts) once; children fork from it.
    ctx.set_forkserver_preload([__name__, "tests.support.crash_warm"])
    return ctx


def _wait_for_lines(journal: Path, offset: int, process: multiprocessing.process.BaseProcess, lines: int,
                   timeout: float = 120.0) -> None:
    """Until this child's part of the journal holds ``lines`` lines (its "ready" line included)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if journal.exists() and journal.read_text(encoding="utf-8")[offset:].count("\n") >= lines:
            return
        if not process.is_alive():
            raise RuntimeError(f"crash harness child exited early with code {process.exitcode}")
        time.sleep(0.005)
    raise RuntimeError("crash harness child did not write in time")


def prepare(data_dir: Path) -> None:
    """A new initialised township database in ``data_dir`` (for runs outside pytest's template)."""
    from app.services.offices import OfficeSetup, initialise

    ws = Workspace.open(data_dir, clock=_clock)
    try:
        initialise(ws, OfficeSetup(name="某某县某某镇人民政府", short_name="某某镇", division_code="330106101000",
                                   parent_name="某某县信访局", admin_login="admin", admin_name="王管理",
                                   admin_password="crash-harness-1", villages=("东风村", "红旗村")))
    finally:
        ws.close()


def run_kills(data_dir: Path, kills: int, *, seed: int = 1, min_writes: int = 0, max_writes: int = 12,
              max_delay: float = 0.15, unlock: tuple[str, str] | None = None,
              on_kill: Callable[[CrashReport], None] | None = None) -> CrashReport:
    """Kill a writing child ``kills`` times, verifying the database after each kill.

    Each kill comes after a random number of this child's writes (``min_writes`` to ``max_writes``) plus a random
    delay (0 to ``max_delay`` seconds): counting writes keeps the number of writes per kill the same
    on a loaded machine, the delay spreads the kills over every moment of a write and its commit."""
    rng = random.Random(seed)
    ctx = _context()
    journal = data_dir / JOURNAL
    report = CrashReport()
    for round_ in range(kills):
        offset = len(journal.read_text(encoding="utf-8")) if journal.exists() else 0
        child = ctx.Process(target=child_main, args=(str(data_dir), seed * 100_000 + round_, unlock), daemon=True)
        child.start()
        _wait_for_lines(journal, offset, child, 1 + rng.randint(min_writes, max_writes))
        time.sleep(rng.uniform(0.0, max_delay))
        if not child.is_alive():
            raise RuntimeError(f"crash harness child died by itself with code {child.exitcode}")
        os.kill(child.pid or 0, signal.SIGKILL)
        child.join()
        assert child.exitcode == -signal.SIGKILL
        report.kills += 1
        verify(data_dir, report)
        if on_kill is not None:
            on_kill(report)
    return report


def journalled(data_dir: Path) -> list[dict[str, str]]:
    journal = data_dir / JOURNAL
    if not journal.exists():
        return []
    return [r for r in map(json.loads, journal.read_text(encoding="utf-8").splitlines()) if r["kind"] != READY]


def verify(data_dir: Path, report: CrashReport) -> None:
    """Reopen after a kill and check everything; problems go to ``report.lost`` / ``report.corrupt``."""
    started = time.perf_counter()
    ws = Workspace.open(data_dir, clock=_clock)
    try:
        with ws.database.read() as session:
            mode = session.execute(text("PRAGMA journal_mode")).scalar()
            session.scalar(select(func.count()).select_from(Contact))
        report.recovery_seconds.append(time.perf_counter() - started)
        if mode != "wal":
            report.corrupt.append(f"journal_mode is {mode}, not wal")
        records = journalled(data_dir)
        report.writes = Counter(r["kind"] for r in records)
        actor = ws.system_actor()
        with ws.read(actor) as uow:
            integrity = [r[0] for r in uow.session.execute(text("PRAGMA integrity_check"))]
            if integrity != ["ok"]:
                report.corrupt.append(f"integrity_check: {integrity[:3]}")
            report.corrupt += [f"xinfang check: {f.code} {f.message}" for f in run_checks(ws, uow)
                               if f.severity is Severity.ERROR]
            report.corrupt += _gap_free_numbers(uow.session)
            for record in records:
                problem = _check_record(uow.session, ws, record)
                if problem is not None:
                    (report.lost if problem.startswith("missing") else report.corrupt).append(problem)
        report.check_seconds.append(time.perf_counter() - started)
    finally:
        ws.close()


def _gap_free_numbers(session: Session) -> list[str]:
    problems = []
    for model, label in ((Contact, "contact"), (Matter, "matter")):
        numbers = sorted(int(n.rsplit("-", 1)[-1]) for n in session.scalars(select(model.number)))
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append(f"{label} numbers not gap-free: {numbers[:5]}…{numbers[-5:]}")
    seqs = sorted(s for s in session.scalars(select(Document.series_seq).where(
        Document.kind == DocumentKind.ACCEPTANCE.value)) if s is not None)
    if seqs != list(range(1, len(seqs) + 1)):
        problems.append(f"acceptance notice numbers not gap-free: {seqs[:5]}…{seqs[-5:]}")
    return problems


def _check_record(session: Session, ws: Workspace, record: dict[str, str]) -> str | None:
    """None when the journalled write is present and whole; else what is wrong ("missing …" = lost)."""
    get, scalar = session.get, session.scalar
    kind = record["kind"]
    if kind in ("register", "repeat"):
        contact = get(Contact, uuid.UUID(record["contact"]))
        if contact is None:
            return f"missing contact {record['contact']}"
        if (contact.number, contact.content, str(contact.matter_id)) != (
                record["number"], record["content"], record["matter"]):
            return f"contact {record['contact']} differs from what was written"
        if not scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.entity_type == "contact", AuditEvent.entity_id == record["contact"])):
            return f"contact {record['contact']} has no audit event"
        if kind == "repeat":
            return None
        matter = get(Matter, uuid.UUID(record["matter"]))
        person = get(Person, uuid.UUID(record["person"]))
        if matter is None or person is None:
            return f"missing matter or person of contact {record['contact']}"
        linked = scalar(select(func.count()).select_from(ContactPerson).where(
            ContactPerson.contact_id == contact.id, ContactPerson.person_id == person.id))
        petitioner = scalar(select(func.count()).select_from(MatterPetitioner).where(
            MatterPetitioner.matter_id == matter.id, MatterPetitioner.person_id == person.id))
        if (matter.number, person.name, linked, petitioner) != (record["matter_number"], record["name"], 1, 1):
            return f"matter/person of contact {record['contact']} incomplete"
        if not scalar(select(func.count()).select_from(MatterEvent).where(MatterEvent.matter_id == matter.id)):
            return f"matter {matter.number} has no events"
        return None
    if kind == "accept":
        matter = get(Matter, uuid.UUID(record["matter"]))
        document = get(Document, uuid.UUID(record["document"]))
        if matter is None or document is None:
            return f"missing accepted matter or notice {record['matter']}"
        attachment = get(Attachment, uuid.UUID(record["attachment"]))
        if matter.accepted_on != ACCEPT_ON or document.kind != DocumentKind.ACCEPTANCE.value \
                or attachment is None or document.file_id != attachment.id:
            return f"accept of {matter.number} incomplete"
        if not (ws.attachments_dir / attachment.sha256[:2] / attachment.sha256).is_file():
            return f"notice PDF of {matter.number} missing on disk"
        return None
    return f"unknown journal record {kind}"
