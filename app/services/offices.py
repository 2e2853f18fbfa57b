"""Set up a new database: the office, its administrator, the system account and the dictionaries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.domain.enums import OfficeLevel, Role
from app.domain.text import clean_line, fold_width
from app.errors import Conflict, ValidationError
from app.services import audit
from app.services.context import UnitOfWork
from app.services.dictionaries import install_subjects, read_subject_file
from app.services.passwords import hash_password, check_password_policy
from app.services.workspace import LOCAL_OFFICE_KEY, SYSTEM_LOGIN, Workspace, actor_for
from db.ids import new_id
from db.models import Meta, Office, ResponsibleUnit, UserAccount, Village

DEFAULT_RESPONSIBLE_UNITS = (
    "党政办公室", "综治中心", "司法所", "派出所", "自然资源所", "农业农村办",
    "社会事务办", "城建办", "财政所", "综合执法队", "劳动保障所", "卫生院",
)


@dataclass(frozen=True)
class OfficeSetup:
    name: str
    division_code: str
    admin_login: str
    admin_name: str
    admin_password: str
    short_name: str = ""
    level: OfficeLevel = OfficeLevel.TOWNSHIP
    parent_name: str = ""
    villages: tuple[str, ...] = ()


def validate_division_code(raw: str, level: OfficeLevel) -> str:
    code = fold_width(raw).replace(" ", "")
    if not (code.isdigit() and len(code) == 12):
        raise ValidationError("division_code", "行政区划代码：须为 12 位数字（统计用区划代码）",
                              field="division_code")
    if level is OfficeLevel.COUNTY and code[6:] != "000000":
        raise ValidationError("division_code", "行政区划代码：县级单位的后 6 位应为 000000",
                              field="division_code")
    if level is OfficeLevel.TOWNSHIP and (code[6:9] == "000" or code[9:] != "000"):
        raise ValidationError("division_code", "行政区划代码：乡镇（街道）的第 7–9 位不能为 000，后 3 位应为 000",
                              field="division_code")
    return code


def initialise(workspace: Workspace, setup: OfficeSetup) -> uuid.UUID:
    """Create this installation's office; refuses a database that already has one."""
    if workspace.is_initialised():
        raise Conflict("already_initialised", "数据库已初始化，不能重复初始化", field="db")
    name = clean_line(setup.name, field="office_name", label="单位名称", max_length=100)
    code = validate_division_code(setup.division_code, setup.level)
    login = clean_line(setup.admin_login, field="admin_login", label="管理员账号", max_length=50)
    if not login.isascii() or not login.replace("_", "").replace(".", "").isalnum():
        raise ValidationError("login_chars", "管理员账号：只能用字母、数字、下划线和点", field="admin_login")
    check_password_policy(setup.admin_password)
    office = Office(
        id=new_id(), name=name, short_name=setup.short_name.strip() or name,
        division_code=code, level=setup.level.value, parent_name=setup.parent_name.strip(),
    )
    system = UserAccount(id=new_id(), office_id=office.id, login=SYSTEM_LOGIN,
                         display_name="系统（命令行）", role=Role.ADMIN.value, is_system=True)
    admin = UserAccount(
        id=new_id(), office_id=office.id, login=login,
        display_name=setup.admin_name.strip() or login, role=Role.ADMIN.value,
        password_hash=hash_password(setup.admin_password),
    )
    with workspace.database.write() as session:
        session.add(office)
        session.flush()
        session.add_all([system, admin, Meta(key=LOCAL_OFFICE_KEY, value=str(office.id))])
        for village in setup.villages:
            session.add(Village(office_id=office.id, name=clean_line(village, field="village",
                                                                     label="村（社区）", max_length=100)))
        for unit in DEFAULT_RESPONSIBLE_UNITS:
            session.add(ResponsibleUnit(office_id=office.id, name=unit))
        install_subjects(session, read_subject_file())
        session.flush()
        # Imported here: cryptography is heavy, and the login window must not wait for it.
        from app.sync.keys import ensure_office_keys

        ensure_office_keys(session, office.id)
        uow = UnitOfWork(session, actor_for(system), workspace.clock)
        audit.record(uow, "init", "office", office.id, after={
            "name": name, "division_code": code, "level": setup.level.value, "admin": login})
    return office.id


def local_office(uow: UnitOfWork) -> Office:
    office = uow.session.get(Office, uow.office_id)
    assert office is not None, "the actor's office always exists"
    return office



@dataclass(frozen=True)
class OfficeInfo:
    id: uuid.UUID
    name: str
    short_name: str
    division_code: str
    level: OfficeLevel
    parent_name: str


def office_info(uow: UnitOfWork) -> OfficeInfo:
    o = local_office(uow)
    return OfficeInfo(o.id, o.name, o.short_name, o.division_code, OfficeLevel(o.level), o.parent_name)
