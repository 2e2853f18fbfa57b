"""村级接访 (weekly village reception sessions: 有访接访、无访说案、无案说事、无事排查) and 信访代办
(an official takes a matter on for the petitioner: 点单 → 派单 → 接单 → 评单, recorded on the matter)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select

from app.domain.enums import Satisfaction
from app.domain.leader_work import PROXY_STAGE_LABELS, ProxyStage
from app.domain.permissions import Permission
from app.domain.text import clean_content, clean_line
from app.errors import Conflict, NotFound, ValidationError
from app.services import audit
from app.services.context import UnitOfWork
from app.services.matter_list import is_hidden, petitioner_names, shown_petitioners
from app.services.matter_queries import MASKED
from app.services.matters import load_matter
from app.services.work_records import not_before, not_future, office_user, user_names, village, village_names
from db.ids import new_id
from db.models import Matter, PetitionProxy, VillageReception

MAX_COUNT = 1000


@dataclass(frozen=True)
class NewVillageReception:
    held_on: date
    village_id: uuid.UUID
    officials: str
    contacts_registered: int = 0
    cases_discussed: int = 0
    screening_done: bool = False
    note: str = ""


@dataclass(frozen=True)
class VillageReceptionInfo:
    id: uuid.UUID
    held_on: date
    village: str
    officials: str
    contacts_registered: int
    cases_discussed: int
    screening_done: bool
    note: str


def record_village_reception(uow: UnitOfWork, data: NewVillageReception) -> uuid.UUID:
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    not_future(uow, data.held_on, field="held_on", label="接访日期")
    place = village(uow, data.village_id)
    for value, field, label in ((data.contacts_registered, "contacts_registered", "登记来访"),
                                (data.cases_discussed, "cases_discussed", "说案件数")):
        if not 0 <= value <= MAX_COUNT:
            raise ValidationError("count", f"{label}：须在 0–{MAX_COUNT} 之间", field=field)
    row = VillageReception(
        id=new_id(), office_id=uow.office_id, held_on=data.held_on, village_id=place.id,  # type: ignore[union-attr]
        officials=clean_line(data.officials, field="officials", label="参加人员", max_length=400),
        contacts_registered=data.contacts_registered, cases_discussed=data.cases_discussed,
        screening_done=data.screening_done,
        note=clean_content(data.note, field="note", label="接访情况", required=False))
    uow.session.add(row)
    audit.record(uow, "create", "village_reception", row.id, after={
        "held_on": data.held_on, "village": place.name,  # type: ignore[union-attr]
        "contacts": data.contacts_registered, "cases": data.cases_discussed, "screening": data.screening_done})
    return row.id


def village_receptions(uow: UnitOfWork, start: date, end: date) -> tuple[VillageReceptionInfo, ...]:
    uow.actor.require(Permission.READ)
    rows = list(uow.session.scalars(select(VillageReception).where(
        VillageReception.office_id == uow.office_id, VillageReception.held_on >= start,
        VillageReception.held_on <= end).order_by(VillageReception.held_on)))
    names = village_names(uow, (r.village_id for r in rows))
    return tuple(VillageReceptionInfo(r.id, r.held_on, names.get(r.village_id, ""), r.officials,
                                      r.contacts_registered, r.cases_discussed, r.screening_done, r.note)
                 for r in rows)


# --- 信访代办 ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProxyInfo:
    id: uuid.UUID
    matter_id: uuid.UUID
    stage: ProxyStage
    stage_label: str
    request: str
    ordered_on: date
    proxy: str
    dispatched_on: date | None
    accepted_on: date | None
    rated_on: date | None
    rating: Satisfaction | None


def stage_of(row: PetitionProxy) -> ProxyStage:
    if row.rated_on is not None:
        return ProxyStage.RATED
    if row.accepted_on is not None:
        return ProxyStage.ACCEPTED
    return ProxyStage.DISPATCHED if row.dispatched_on is not None else ProxyStage.ORDERED


def order_proxy(uow: UnitOfWork, matter_id: uuid.UUID, *, on: date, request: str) -> uuid.UUID:
    """点单: the petitioner asks for an official to take the matter on."""
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    matter = load_matter(uow, matter_id)
    not_future(uow, on, field="ordered_on", label="点单日期")
    not_before(on, matter.registered_on, field="ordered_on", label="点单日期", earlier_label="事项登记日期")
    live = uow.session.scalar(select(PetitionProxy.id).where(PetitionProxy.matter_id == matter.id,
                                                             PetitionProxy.rated_on.is_(None)))
    if live is not None:
        raise Conflict("proxy_open", "信访代办：该事项已有未评单的代办", field="matter_id")
    row = PetitionProxy(id=new_id(), office_id=uow.office_id, matter_id=matter.id, ordered_on=on,
                        request=clean_content(request, field="request", label="代办诉求"))
    uow.session.add(row)
    audit.record(uow, "proxy_order", "matter", matter.id, after={"proxy_id": row.id, "on": on})
    return row.id


def dispatch_proxy(uow: UnitOfWork, proxy_id: uuid.UUID, *, on: date, proxy_user_id: uuid.UUID) -> None:
    """派单: name the official (代办员) who takes it on."""
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    row = _at_stage(uow, proxy_id, ProxyStage.ORDERED, "派单")
    official = office_user(uow, proxy_user_id, field="proxy_user_id", label="代办员")
    _date(uow, on, row.ordered_on, "dispatched_on", "派单日期", "点单日期")
    row.dispatched_on, row.proxy_id = on, official.id
    audit.record(uow, "proxy_dispatch", "matter", row.matter_id, after={"proxy": official.display_name, "on": on})


def accept_proxy(uow: UnitOfWork, proxy_id: uuid.UUID, *, on: date) -> None:
    """接单: the official confirms taking it on."""
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    row = _at_stage(uow, proxy_id, ProxyStage.DISPATCHED, "接单")
    _date(uow, on, row.dispatched_on, "accepted_on", "接单日期", "派单日期")  # type: ignore[arg-type]
    row.accepted_on = on
    audit.record(uow, "proxy_accept", "matter", row.matter_id, after={"on": on})


def rate_proxy(uow: UnitOfWork, proxy_id: uuid.UUID, *, on: date, rating: Satisfaction, note: str = "") -> None:
    """评单: the petitioner rates the proxy's work."""
    uow.actor.require(Permission.RECORD_STABILITY_WORK)
    row = _at_stage(uow, proxy_id, ProxyStage.ACCEPTED, "评单")
    _date(uow, on, row.accepted_on, "rated_on", "评单日期", "接单日期")  # type: ignore[arg-type]
    if rating not in {s.value for s in Satisfaction}:
        raise ValidationError("rating", "评价：请选择 满意/基本满意/不满意", field="rating")
    text = clean_line(note, field="rating_note", label="评价说明", max_length=400,
                      required=rating is Satisfaction.DISSATISFIED)
    row.rated_on, row.rating, row.rating_note = on, Satisfaction(rating).value, text
    audit.record(uow, "proxy_rate", "matter", row.matter_id, after={"on": on, "rating": row.rating})


def proxies_of(uow: UnitOfWork, matter_id: uuid.UUID) -> tuple[ProxyInfo, ...]:
    uow.actor.require(Permission.READ)
    rows = list(uow.session.scalars(select(PetitionProxy).where(PetitionProxy.matter_id == matter_id)
                                    .order_by(PetitionProxy.ordered_on)))
    return _infos(uow, rows)


@dataclass(frozen=True)
class ProxyEntry:
    """One 代办 for the 信访代办台账, with its matter; masked for 检举控告 like the matter lists."""
    proxy: ProxyInfo
    number: str
    title: str
    petitioners: tuple[str, ...]


def proxy_register(uow: UnitOfWork, start: date, end: date) -> tuple[ProxyEntry, ...]:
    """The 代办 ordered (点单) in the period, oldest first."""
    uow.actor.require(Permission.READ)
    rows = list(uow.session.execute(
        select(PetitionProxy, Matter).join(Matter, Matter.id == PetitionProxy.matter_id)
        .where(PetitionProxy.office_id == uow.office_id, PetitionProxy.ordered_on >= start,
               PetitionProxy.ordered_on <= end).order_by(PetitionProxy.ordered_on, Matter.number)).all())
    infos = _infos(uow, [p for p, _m in rows])
    names = petitioner_names(uow, [m.id for _p, m in rows])
    entries = []
    for info, (_p, m) in zip(infos, rows, strict=True):
        hidden = is_hidden(uow, m.matter_type)
        entries.append(ProxyEntry(replace(info, request=MASKED) if hidden else info, m.number,
                                  MASKED if hidden else m.title,
                                  shown_petitioners(uow, m.matter_type, names.get(m.id, ()))))
    return tuple(entries)


def _infos(uow: UnitOfWork, rows: list[PetitionProxy]) -> tuple[ProxyInfo, ...]:
    names = user_names(uow, (r.proxy_id for r in rows))
    return tuple(ProxyInfo(r.id, r.matter_id, stage_of(r), PROXY_STAGE_LABELS[stage_of(r)], r.request,
                           r.ordered_on, names.get(r.proxy_id, "") if r.proxy_id else "", r.dispatched_on,
                           r.accepted_on, r.rated_on, Satisfaction(r.rating) if r.rating else None) for r in rows)


def _at_stage(uow: UnitOfWork, proxy_id: uuid.UUID, stage: ProxyStage, action: str) -> PetitionProxy:
    row = uow.session.get(PetitionProxy, proxy_id)
    if row is None or row.office_id != uow.office_id:
        raise NotFound("petition_proxy", "信访代办：不存在", field="proxy_id")
    current = stage_of(row)
    if current is not stage:
        raise Conflict("proxy_stage", f"信访代办：当前为“{PROXY_STAGE_LABELS[current]}”，不能{action}",
                       field="proxy_id")
    return row


def _date(uow: UnitOfWork, on: date, earliest: date, field: str, label: str, earlier_label: str) -> None:
    not_future(uow, on, field=field, label=label)
    not_before(on, earliest, field=field, label=label, earlier_label=earlier_label)
