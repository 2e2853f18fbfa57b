"""Matters at the points of their road where each notice is issued (shared by tests, images, bench)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from app.domain.enums import Channel, DeliveryMethod, LegalChannel, MatterType, ReplyResult
from app.domain.identity import Gender
from app.services import matter_steps as st, notices
from app.services.contacts import NewContact, RegisteredContact, register_contact
from app.services.context import Actor
from app.services.persons import PersonInput
from app.services.workspace import Workspace
from tests.support.ids import make_id

D = date.fromisoformat
CONTENT = ("本人承包的东风村三组耕地2.6亩于2025年被征收用于道路建设，至今尚有征地补偿款18600元未发放到位。"
           "多次向村委会反映未果，请求镇政府督促有关部门尽快足额发放补偿款。")


def register(ws: Workspace, actor: Actor, *, name: str = "张建国", at: datetime = datetime(2026, 8, 3, 9, 30),
             matter_type: MatterType = MatterType.CLAIM, content: str = CONTENT,
             title: str = "反映东风村三组征地补偿款未足额发放", headcount: int = 1,
             extra: tuple[str, ...] = (), subject: str = "0101", sequence: int | None = None) -> RegisteredContact:
    sequence = sum(map(ord, name)) % 499 if sequence is None else sequence  # one ID number per name
    people = [PersonInput(name=name, id_number=make_id("330106", "19680512", f"{sequence * 2 + 1:03d}"),
                          phones=("13857112345",),
                          address="某某镇东风村三组18号")]
    people += [PersonInput(name=n, gender=Gender.MALE) for n in extra]
    with ws.write(actor) as uow:
        return register_contact(uow, NewContact(
            channel=Channel.VISIT, contact_at=at, content=content, persons=tuple(people),
            subject_code=subject, matter_type=matter_type, title=title, headcount=headcount))


def step(ws: Workspace, actor: Actor, matter_id: uuid.UUID, action: st.Step,
         fields: dict[str, str] | None = None) -> list[notices.IssuedNotice]:
    with ws.write(actor) as uow:
        return notices.perform_step(uow, ws, matter_id, action, fields)[1]


def replied_matter(ws: Workspace, actor: Actor, **kw: object) -> uuid.UUID:
    """Accepted, extended, replied, the reply delivered, closed: every handling notice of a claim."""
    matter_id = register(ws, actor, **kw).matter_id  # type: ignore[arg-type]
    step(ws, actor, matter_id, st.Accept(on=D("2026-08-05")))
    step(ws, actor, matter_id, st.Extend(on=D("2026-09-28"), days=30,
                                         reason="涉及征地补偿资金的核算和拨付，需要县自然资源部门核实"))
    step(ws, actor, matter_id, st.Reply(on=D("2026-11-10"), result=ReplyResult.SUPPORT,
                                        summary="经核实，你户被征收耕地2.6亩，应得补偿款62400元，已发放43800元，尚欠18600元属实。"
                                                "镇政府已督促村委会于2026年11月30日前足额发放。"))
    return matter_id


def closed_matter(ws: Workspace, actor: Actor, **kw: object) -> uuid.UUID:
    matter_id = replied_matter(ws, actor, **kw)
    step(ws, actor, matter_id, st.DeliverReply(on=D("2026-11-12"), method=DeliveryMethod.DIRECT,
                                               receiver="张建国"))
    step(ws, actor, matter_id, st.Close(on=D("2026-11-20")))
    return matter_id


def declined_matter(ws: Workspace, actor: Actor, *, no_longer: bool = False, name: str = "") -> uuid.UUID:
    name = name or ("陈桂兰" if no_longer else "李秀英")
    matter_id = register(ws, actor, name=name, title="要求重新核定宅基地面积").matter_id
    reason = ("你反映的宅基地面积核定问题已于2024年经县人民政府复核终结" if no_longer
              else "你反映的问题已由县自然资源和规划局依法受理，目前正在办理中")
    step(ws, actor, matter_id, st.Decline(on=D("2026-08-10"), reason=reason, no_longer_accepted=no_longer))
    return matter_id


def routed_matter(ws: Workspace, actor: Actor) -> uuid.UUID:
    matter_id = register(ws, actor, name="王小明", title="反映某建材公司拖欠工资8个月",
                         subject="0101").matter_id
    step(ws, actor, matter_id, st.RouteLegal(on=D("2026-08-06"), channel=LegalChannel.ARBITRATION,
                                             body="某某县劳动人事争议仲裁委员会"))
    return matter_id


def accusation_matter(ws: Workspace, actor: Actor, *, name: str = "赵检举", assign: bool = True) -> uuid.UUID:
    matter_id = register(ws, actor, name=name, matter_type=MatterType.ACCUSATION,
                         title="检举东风村村委会挪用集体土地补偿款",
                         content="检举东风村村委会负责人挪用集体土地补偿款用于个人开支。").matter_id
    action = st.Assign if assign else st.Forward
    step(ws, actor, matter_id, action(on=D("2026-08-04"), to="某某镇纪委"))
    return matter_id
