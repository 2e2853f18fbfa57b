"""``xinfang --self-test``: one pass of a clerk's everyday work in a throwaway data folder.

An installed build proves here that it carries everything it needs (migrations, fonts, notice
templates, dictionaries, the libraries' own data files) before a clerk finds out at the desk. Each
step is a small function over one shared ``SelfTestRun``; later steps build on what earlier ones
made, so after the first failure the rest are reported as skipped. Other parts of the program add
their own step by appending a ``SelfTestStep`` to ``STEPS`` (or pass their own list).
"""

from __future__ import annotations

import tempfile
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from app.domain.enums import Channel, DocumentKind, MatterType
from app.services.context import Actor, LocalClock, system_clock
from app.services.workspace import Workspace

ADMIN_LOGIN = "selftest"
ADMIN_PASSWORD = "Selftest2026"
PERSON_NAME = "张三"
PERSON_INITIALS = "zs"  # found through pypinyin's dictionaries
SUBJECT_CODE = "0101"  # 征地拆迁, from the bundled subject dictionary
ID_BODY = "33010619800101123"  # GB 11643 check character computed by the program itself


class SelfTestFailure(Exception):
    """A step found a wrong result (as opposed to an exception raised by the program)."""


@dataclass
class SelfTestRun:
    """What the steps share: the folder, and what earlier steps made for later ones."""

    folder: Path
    clock: LocalClock = system_clock
    workspace: Workspace | None = None
    actor: Actor | None = None
    person_id: uuid.UUID | None = None
    matter_id: uuid.UUID | None = None
    contact_numbers: list[str] = field(default_factory=list)

    def opened(self) -> tuple[Workspace, Actor]:
        if self.workspace is None or self.actor is None:
            raise SelfTestFailure("没有已登录的数据库")
        return self.workspace, self.actor


@dataclass(frozen=True)
class SelfTestStep:
    key: str
    label: str
    run: Callable[[SelfTestRun], str]  # returns a short detail for the result line


class Outcome(StrEnum):
    PASSED = "通过"
    FAILED = "失败"
    SKIPPED = "跳过"


@dataclass(frozen=True)
class StepResult:
    step: SelfTestStep
    outcome: Outcome
    detail: str
    seconds: float


def _expect(condition: bool, problem: str) -> None:
    if not condition:
        raise SelfTestFailure(problem)


# --- the steps ----------------------------------------------------------------------------------


def step_open(run: SelfTestRun) -> str:
    from db.migrate import stored_revision

    run.workspace = Workspace.open(run.folder, clock=run.clock)
    revision = stored_revision(run.workspace.database.engine)
    _expect(not run.workspace.is_initialised(), "新数据库不应已有单位")
    return f"新建数据库并迁移到 {revision}"


def step_office(run: SelfTestRun) -> str:
    from app.services.offices import OfficeSetup, initialise
    from app.services.users import authenticate

    workspace = run.workspace
    _expect(workspace is not None, "数据库未打开")
    assert workspace is not None
    initialise(workspace, OfficeSetup(
        name="自检县自检镇人民政府", short_name="自检镇", division_code="330106101000",
        parent_name="自检县信访局", admin_login=ADMIN_LOGIN, admin_name="自检管理员",
        admin_password=ADMIN_PASSWORD, villages=("东风村", "红旗村"),
    ))
    run.actor = authenticate(workspace, ADMIN_LOGIN, ADMIN_PASSWORD)
    return f"单位已建立，{run.actor.login} 已登录"


def step_contacts(run: SelfTestRun) -> str:
    from app.domain.identity import check_character
    from app.services.contacts import NewContact, register_contact
    from app.services.person_search import find_persons
    from app.services.persons import PersonInput

    workspace, actor = run.opened()
    first_at = run.clock() - timedelta(minutes=2)
    person = PersonInput(name=PERSON_NAME, id_number=ID_BODY + check_character(ID_BODY),
                         phones=("13800138000",), address="东风村3组")
    with workspace.write(actor) as uow:
        first = register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=first_at, content="反映征地补偿款未按时发放，要求尽快兑付。",
            persons=(person,), subject_code=SUBJECT_CODE, matter_type=MatterType.CLAIM))
    run.person_id, run.matter_id = first.person_ids[0], first.matter_id
    with workspace.write(actor) as uow:
        again = register_contact(uow, NewContact(
            channel=Channel.LETTER, contact_at=first_at + timedelta(minutes=1),
            content="再次来信反映征地补偿款问题。", persons=(run.person_id,), subject_code=SUBJECT_CODE))
    _expect(again.is_repeat and again.matter_id == run.matter_id, "同一人同类问题的第二次登记应认定为重复信访")
    run.contact_numbers = [first.number, again.number]
    with workspace.read(actor) as uow:
        hits = find_persons(uow, PERSON_INITIALS)
    _expect([h.person.id for h in hits] == [run.person_id], f"按拼音首字母 {PERSON_INITIALS} 未找到{PERSON_NAME}")
    return f"登记 {first.number}、{again.number}（重复访），事项 {first.matter_number}"


def step_notice(run: SelfTestRun) -> str:
    from pypdf import PdfReader

    from app.services.notices import issue_notice

    workspace, actor = run.opened()
    _expect(run.matter_id is not None, "没有可出具文书的事项")
    assert run.matter_id is not None
    with workspace.write(actor) as uow:
        issued = issue_notice(uow, workspace, DocumentKind.REGISTRATION, run.matter_id)
    text = "".join(page.extract_text() for page in PdfReader(issued.path).pages)
    # The person's name copied back out of the PDF proves the font was embedded with its ToUnicode map.
    _expect(PERSON_NAME in text, f"文书 PDF 中找不到“{PERSON_NAME}”")
    return f"{issued.label} {issued.number or ''}".rstrip() + f"（{issued.size // 1024} KB）"


def step_report(run: SelfTestRun) -> str:
    from openpyxl import load_workbook

    from app.excel.report_workbook import write_report_workbook
    from app.statistics import build_report, report_json
    from app.statistics.periods import month

    workspace, actor = run.opened()
    today = run.clock() - timedelta(minutes=2)  # the month the contacts were registered in
    with workspace.read(actor) as uow:
        report = build_report(uow, month(today.year, today.month))
    batches = report_json(report)["totals"]["batches"]
    _expect(batches == len(run.contact_numbers), f"月报批次为 {batches}，应为 {len(run.contact_numbers)}")
    path = write_report_workbook(report, run.folder / "月报.xlsx")
    book = load_workbook(path, read_only=True)
    try:
        sheets = book.sheetnames
    finally:
        book.close()
    _expect(len(sheets) > 0, "报表工作簿没有工作表")
    return f"{report.period.label()}月报 {batches} 批，{len(sheets)} 张工作表"


def step_check(run: SelfTestRun) -> str:
    from app.services.check import Severity, run_checks

    workspace, actor = run.opened()
    with workspace.read(actor) as uow:
        findings = run_checks(workspace, uow)
    errors = [f.message for f in findings if f.severity is Severity.ERROR]
    _expect(not errors, "；".join(errors))
    return "完整性、审计链、附件均正常"


def step_sync(run: SelfTestRun) -> str:
    """A county hub in a second folder: enrol both ways, export a package, import it at the county."""
    from app.domain.enums import OfficeLevel
    from app.services.offices import OfficeSetup, initialise
    from app.services.users import authenticate
    from app.sync.enrolment import admit_township_file, join_county_file, write_county_card
    from app.sync.exporting import export_packages
    from app.sync.import_queue import import_packages

    township, actor = run.opened()
    county = Workspace.open(run.folder / "county", clock=run.clock)
    try:
        initialise(county, OfficeSetup(
            name="自检县信访局", division_code="330106000000", level=OfficeLevel.COUNTY,
            admin_login=ADMIN_LOGIN, admin_name="自检管理员", admin_password=ADMIN_PASSWORD))
        hub = authenticate(county, ADMIN_LOGIN, ADMIN_PASSWORD)
        cards = run.folder / "enrolment"
        cards.mkdir()
        with county.write(hub) as uow:
            write_county_card(uow, cards / "county.json")
        with township.write(actor) as uow:
            join_county_file(uow, cards / "county.json", cards / "township.json")
        with county.write(hub) as uow:
            admit_township_file(uow, cards / "township.json")
        [package] = export_packages(township, actor, run.folder / "usb")
        [report] = import_packages(county, hub, [package.path])
        _expect(report.status == "imported", f"县级导入结果为“{report.status}”")
        _expect(report.total("new") == sum(package.rows.values()),
                f"县级新增 {report.total('new')} 行，包内 {sum(package.rows.values())} 行")
    finally:
        county.close()
    return f"{package.path.name}：{sum(package.rows.values())} 行，县级已导入"


def step_encrypt(run: SelfTestRun) -> str:
    """The database file encrypted with SQLCipher (the bundled sqlcipher3 binary), then opened anew
    the way a start does: the password opens the key file, the key the database."""
    from app.paths import DATABASE_FILE
    from app.services import data_keys, key_file
    from app.services.database_encryption import encrypt_database
    from app.services.users import authenticate
    from db import cipher

    workspace, actor = run.opened()
    data_keys.enable(workspace, actor, ADMIN_PASSWORD)
    encrypt_database(workspace, actor, ADMIN_PASSWORD)
    workspace.close()
    run.workspace = None
    database = run.folder / DATABASE_FILE
    cipher.forget_key(database)
    _expect(cipher.is_encrypted(database), "数据库文件未加密")
    _expect(ID_BODY.encode() not in database.read_bytes(), "加密后的数据库文件中仍能读到身份证号")
    key_file.unlock_with_password(run.folder, ADMIN_LOGIN, ADMIN_PASSWORD)
    run.workspace = Workspace.open(run.folder, clock=run.clock)
    run.actor = authenticate(run.workspace, ADMIN_LOGIN, ADMIN_PASSWORD)
    return "数据库文件已用 SQLCipher 加密，凭密码重新打开"


STEPS: list[SelfTestStep] = [
    SelfTestStep("open", "建库", step_open),
    SelfTestStep("office", "单位与登录", step_office),
    SelfTestStep("contacts", "登记与查人", step_contacts),
    SelfTestStep("notice", "出具文书", step_notice),
    SelfTestStep("report", "统计报表", step_report),
    SelfTestStep("sync", "同步包", step_sync),
    SelfTestStep("encrypt", "数据库加密", step_encrypt),
    SelfTestStep("check", "数据检查", step_check),
]


# --- running ------------------------------------------------------------------------------------


def run_steps(run: SelfTestRun, steps: Sequence[SelfTestStep],
              report: Callable[[StepResult], None]) -> list[StepResult]:
    results: list[StepResult] = []
    failed = False
    for step in steps:
        if failed:
            result = StepResult(step, Outcome.SKIPPED, "前一步失败", 0.0)
        else:
            started = time.perf_counter()
            try:
                result = StepResult(step, Outcome.PASSED, step.run(run), time.perf_counter() - started)
            except SelfTestFailure as exc:
                result = StepResult(step, Outcome.FAILED, str(exc), time.perf_counter() - started)
            except Exception:  # a bug or a missing file: the traceback is what the developer needs
                result = StepResult(step, Outcome.FAILED, traceback.format_exc().rstrip(),
                                    time.perf_counter() - started)
            failed = result.outcome is Outcome.FAILED
        results.append(result)
        report(result)
    return results


def format_result(result: StepResult) -> str:
    timing = f"  {result.seconds * 1000:.0f} ms" if result.outcome is not Outcome.SKIPPED else ""
    return f"[{result.outcome.value}] {result.step.label}：{result.detail}{timing}"


def self_test(out: TextIO, steps: Sequence[SelfTestStep] | None = None,
              folder: Path | None = None) -> bool:
    """Run the steps in a new temporary data folder (removed afterwards); True when all passed."""
    with tempfile.TemporaryDirectory(prefix="xinfang-self-test-",
                                     ignore_cleanup_errors=True) as temporary:
        run = SelfTestRun(folder or Path(temporary))
        started = time.perf_counter()
        try:
            results = run_steps(run, STEPS if steps is None else steps,
                                lambda r: print(format_result(r), file=out, flush=True))
        finally:
            if run.workspace is not None:
                run.workspace.close()
    passed = all(r.outcome is Outcome.PASSED for r in results)
    verdict = "自检通过" if passed else "自检失败"
    print(f"{verdict}：{sum(r.outcome is Outcome.PASSED for r in results)}/{len(results)} 项，"
          f"{time.perf_counter() - started:.1f} 秒", file=out, flush=True)
    return passed
