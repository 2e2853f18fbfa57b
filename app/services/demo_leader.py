"""Leaders' work in the demo data: published reception schedules and the receptions held, 下访 and 约访,
case ownership with progress and settling, monthly dispute screening, key persons with follow-ups,
sensitive periods, village reception sessions and a petition proxy.

Loaded after the contacts and matters of ``app.services.demo``, through the services, each operation
in a unit of work dated on the day a clerk or leader would have done it (so "not in the future",
"target after today" and the carrying-over of screening rounds hold as they would have). Everything
is drawn from ``random.Random`` seeded by the demo seed and from rows picked in a stable order, so
the same seed and today give the same leader work.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from app.domain.enums import MatterState, MatterType, Resolution, Role, Satisfaction
from app.domain.leader_work import UNRESOLVED_CONFLICT, ConflictStatus, ReceptionKind, Risk
from app.services import backlog, case_ownership as co, demo_names as nm, key_persons as kp
from app.services import leader_receptions as lr, screening as sc, village_work as vw
from app.services.context import Actor, UnitOfWork
from app.services.workspace import Workspace, actor_for
from db.models import (Contact, Matter, MatterPetitioner, Person, PersonTag, ScreenedConflict, UserAccount,
                       Village)

LEADER_DAY = 2  # Wednesday, as in the demo's contacts
RECEIVED_DAYS = 12  # the latest days on which leaders received people: their slots and reception records
PAST_WEEKS = 4  # published reception days before today, whether or not anybody came
AHEAD_WEEKS = 4  # published ahead (the last one still unpublished)
SCREENING_MONTHS = 6
OWNED_CASES = 5
KEY_PERSONS = 6
# kind, subject code for turning it into a matter, what it is about, how it is being settled
CONFLICT_KINDS = (
    ("宅基地纠纷", "0302", "因宅基地界址不清发生争执，双方多次到村委会反映", "核实权属资料，现场丈量界址，召开村民代表会议公开协商。"),
    ("土地承包纠纷", "0301", "因承包地调整和流转费用分配产生矛盾", "调取承包合同和确权资料，请农经站参与调处。"),
    ("邻里纠纷", "0107", "因排水沟堵塞、建房滴水等琐事长期不和", "组织双方当面调解，释法明理，约定一周内回访。"),
    ("劳资纠纷", "0201", "务工人员反映包工头拖欠工资，情绪激动", "联系用工单位和劳动保障所，督促限期结清欠款。"),
    ("婚姻家庭纠纷", "0803", "夫妻因赡养老人和财产分割问题争吵不断", "请妇联和村调委会上门调解，做好双方思想工作。"),
    ("征地补偿纠纷", "0401", "对征地补偿款在家庭成员间的分配有异议", "公开补偿款发放明细，请司法所释法，组织家庭协商。"),
    ("山林权属纠纷", "0404", "两组村民对一处山林的权属各执一词", "查阅林权证和历史档案，请林业站现场勘界。"),
)
RESPONSIBLE = ("村调委会主任", "综治中心", "司法所", "包村干部")
RISK_MIX = ((Risk.HIGH, 2), (Risk.MEDIUM, 4), (Risk.LOW, 5))
IN_HAND = (MatterState.ACCEPTED.value, MatterState.IN_HANDLING.value, MatterState.EXTENDED.value)


@dataclass
class _Cast:
    leaders: list[Actor]
    clerks: list[Actor]  # receptionists: schedules, receptions, screening, periods
    handlers: list[Actor]
    villages: list[tuple[uuid.UUID, str]]


class _Loader:
    def __init__(self, uow: UnitOfWork, cast: _Cast, rng: random.Random) -> None:
        self.uow, self.cast, self.rng = uow, cast, rng
        self.now = uow.now()
        self.today = self.now.date()

    def on(self, day: date, actor: Actor, hour: int = 17) -> UnitOfWork:
        """A unit of work of ``actor`` on ``day`` (never later than now), in the load's transaction."""
        at = min(datetime.combine(day, time(hour)), self.now)
        return UnitOfWork(self.uow.session, actor, lambda: at)

    def clerk(self) -> Actor:
        return self.rng.choice(self.cast.clerks)

    def name(self) -> str:
        return nm.person_name(self.rng).name

    # -- 敏感节点 ----------------------------------------------------------------------------------
    def periods(self) -> None:
        t = self.today
        for year in range(t.year - 2, t.year + 1):
            for name, start, end in (("全国两会", date(year, 3, 3), date(year, 3, 15)),
                                     ("国庆节", date(year, 9, 28), date(year, 10, 8))):
                if start <= t + timedelta(days=120):
                    kp.save_period(self.on(min(start, t), self.clerk()), name=name, starts_on=start, ends_on=end)
        kp.save_period(self.on(t - timedelta(days=10), self.clerk()), name="县人民代表大会会议",
                       starts_on=t - timedelta(days=2), ends_on=t + timedelta(days=4),
                       note="会议期间加强重点人员稳控，实行日报告、零报告")

    # -- 领导接访：三定一公开、接访、下访、约访 ----------------------------------------------------
    def receptions(self) -> None:
        t, s = self.today, self.uow.session
        last = t - timedelta(days=(t.weekday() - LEADER_DAY) % 7)  # the latest reception day, today or before
        received = s.execute(select(func.date(Contact.contact_at), Contact.leader_name).distinct()
                             .where(Contact.leader_reception).order_by(func.date(Contact.contact_at).desc(),
                                                                        Contact.leader_name)).all()
        by_day: dict[date, list[str]] = {}
        for day_text, name in received:
            day = date.fromisoformat(str(day_text))
            if day in by_day or len(by_day) < RECEIVED_DAYS:
                by_day.setdefault(day, []).append(name)
        for week in range(PAST_WEEKS):
            by_day.setdefault(last - timedelta(weeks=week), [])
        for n, day in enumerate(sorted(by_day)):
            leaders = [a for a in self.cast.leaders if a.display_name in by_day[day]]
            self.reception_day(day, leaders or [self.cast.leaders[n % len(self.cast.leaders)]])
        for week in range(1, AHEAD_WEEKS + 1):
            day = last + timedelta(weeks=week)
            leader = self.cast.leaders[week % len(self.cast.leaders)]
            lr.add_slot(self.on(t, self.clerk(), 9), lr.NewSlot(
                leader.user_id, day, "上午 8:30—11:30", "镇信访接待室", "征地拆迁、劳动社保、农村土地"))
        lr.publish(self.on(t, self.clerk(), 10), t, last + timedelta(weeks=AHEAD_WEEKS - 1))
        for months_back in range(4, 0, -1):
            self.village_visit(t - timedelta(days=30 * months_back - self.rng.randint(0, 10)))
        for matter, name in self.hard_matters(3, claim_only=False):
            day = t - timedelta(days=self.rng.randint(3, 50))
            registered = s.get(Matter, matter).registered_on  # type: ignore[union-attr]
            lr.record_reception(self.on(max(day, registered), self.clerk()), lr.NewReception(
                ReceptionKind.APPOINTMENT, max(day, registered), self.rng.choice(self.cast.leaders).user_id,
                place="镇长办公室", persons=name, headcount=1, matter_ids=(matter,),
                note="约请信访人面谈，听取诉求，告知办理进度。"))

    def reception_day(self, day: date, leaders: list[Actor]) -> None:
        """The published slot of each leader that day (planned on its Monday) and the reception record,
        which links by itself the contacts that leader received that day (none on a quiet day)."""
        monday = day - timedelta(days=day.weekday())
        for n, leader in enumerate(leaders):
            clerk = self.clerk()
            lr.add_slot(self.on(monday, clerk, 9), lr.NewSlot(
                leader.user_id, day, ("上午 8:30—11:30", "下午 2:30—5:00")[n % 2], "镇信访接待室",
                "征地拆迁、劳动社保、农村土地"))
        lr.publish(self.on(monday, self.clerk(), 10), day, day)
        if day == self.today and self.now.hour < 12:
            return  # today's reception is still going on
        for leader in leaders:
            came = self.uow.session.scalar(select(func.count()).where(
                Contact.leader_reception, Contact.leader_name == leader.display_name,
                Contact.contact_at >= datetime.combine(day, time()),
                Contact.contact_at < datetime.combine(day + timedelta(days=1), time())))
            lr.record_reception(self.on(day, self.clerk()), lr.NewReception(
                ReceptionKind.RECEPTION, day, leader.user_id, place="镇信访接待室",
                note="当场答复政策咨询，其余事项交责任单位限期办理。" if came else "当日无群众来访，接访领导阅批积案材料。"))

    def village_visit(self, day: date) -> None:
        vid, vname = self.rng.choice(self.cast.villages)
        open_matters = list(self.uow.session.scalars(select(Matter.id).where(
            Matter.problem_village_id == vid, Matter.resolution != Resolution.RESOLVED.value,
            Matter.registered_on <= day).order_by(Matter.number).limit(2)))
        lr.record_reception(self.on(day, self.clerk()), lr.NewReception(
            ReceptionKind.VILLAGE_VISIT, day, self.rng.choice(self.cast.leaders).user_id, place=f"{vname}村委会",
            village_id=vid, persons="村民代表、村两委成员", headcount=self.rng.randint(5, 14),
            matter_ids=tuple(open_matters), note=f"到{vname}走访，现场协调群众反映的问题。"))

    def hard_matters(self, count: int, *, claim_only: bool = True) -> list[tuple[uuid.UUID, str]]:
        """Unresolved matters with a named petitioner, the oldest first (the ones leaders take on); claims
        only in the township's own hands (accepted, in handling or extended)."""
        stmt = (select(Matter.id, func.min(Person.name)).join(MatterPetitioner, MatterPetitioner.matter_id == Matter.id)
                .join(Person, Person.id == MatterPetitioner.person_id)
                .where(Matter.resolution != Resolution.RESOLVED.value, Matter.closed_on.is_(None),
                       Matter.concluded_on.is_(None), Matter.registered_on < self.today - timedelta(days=30))
                .group_by(Matter.id, Matter.registered_on, Matter.number).order_by(Matter.registered_on, Matter.number)
                .limit(count))
        if claim_only:
            stmt = stmt.where(Matter.matter_type == MatterType.CLAIM.value, Matter.state.in_(IN_HAND))
        return [(mid, name) for mid, name in self.uow.session.execute(stmt)]

    # -- 领导包案 ----------------------------------------------------------------------------------
    def cases(self) -> None:
        t, rng = self.today, self.rng
        for n, (matter, _name) in enumerate(self.hard_matters(OWNED_CASES)):
            registered = self.uow.session.get(Matter, matter).registered_on  # type: ignore[union-attr]
            assigned = max(t - timedelta(days=rng.randint(40, 150)), registered + timedelta(days=1))
            leader = self.cast.leaders[n % len(self.cast.leaders)]
            # the third package is past its target date: the leader page shows it red
            target = (assigned + timedelta(days=rng.randint(20, 30)) if n == 2
                      else max(assigned + timedelta(days=rng.randint(90, 150)), t + timedelta(days=rng.randint(10, 60))))
            ownership = co.assign_case(self.on(assigned, leader, 9), matter, co.NewOwnership(
                leader.user_id, f"经办人{rng.choice(self.cast.handlers).display_name}、包村干部{self.name()}",
                "定期约谈信访人，协调责任单位限期拿出解决方案，逐项落实。", target))
            noted = assigned
            for note in ("已约谈信访人，了解诉求和家庭情况。", "召集责任单位专题会商，明确解决方案。",
                         "方案已征得信访人初步同意，正在落实。", "责任单位已落实第一批措施，信访人情绪稳定。"):
                day = noted + timedelta(days=rng.randint(10, 25))
                if day > t:
                    break
                co.add_progress(self.on(day, leader), ownership, day, note)
                noted = day
            if n < 2 and noted + timedelta(days=3) <= t:
                settled = noted + timedelta(days=rng.randint(3, min(20, (t - noted).days)))
                co.settle_case(self.on(settled, leader), ownership, co.Settlement(
                    settled, "问题已按方案解决，信访人书面承诺息诉罢访。",
                    Satisfaction.SATISFIED if n == 0 else None,
                    "" if n == 0 else "信访人外出务工，电话回访表示认可处理结果"))

    # -- 矛盾纠纷排查 -----------------------------------------------------------------------------
    def screening(self) -> None:
        t, rng = self.today, self.rng
        first = date(t.year, t.month, 1)
        months = []
        for _ in range(SCREENING_MONTHS):
            months.insert(0, first)
            first = (first - timedelta(days=1)).replace(day=1)
        for i, month in enumerate(months):
            end = min((month + timedelta(days=32)).replace(day=1) - timedelta(days=1), t)
            opened = min(month + timedelta(days=2), t)
            round_id = sc.open_round(self.on(opened, self.clerk(), 9), month).id
            ops: list[tuple[date, int, Callable[[], None]]] = []
            carried = list(self.uow.session.scalars(select(ScreenedConflict.id).where(
                ScreenedConflict.round_id == round_id).order_by(ScreenedConflict.found_on, ScreenedConflict.parties)))
            for cid in carried:
                ops += self.progress_of(cid, opened, end, 0.45)
            for k in range(rng.randint(2, 5)):
                found = opened + timedelta(days=rng.randint(0, max(0, (end - opened).days)))
                ops.append((found, 0, lambda f=found: self.new_conflict(round_id, f, end, ops)))
            while ops:  # in date order; a new item schedules its own later steps
                ops.sort(key=lambda op: (op[0], op[1]))
                ops.pop(0)[2]()
            if i == len(months) - 2:
                self.convert(round_id, end)

    def new_conflict(self, round_id: uuid.UUID, found: date, end: date,
                     ops: list[tuple[date, int, Callable[[], None]]]) -> None:
        rng = self.rng
        kind, _code, summary, measures = rng.choice(CONFLICT_KINDS)
        vid, vname = rng.choice(self.cast.villages)
        risk = rng.choices([r for r, _ in RISK_MIX], [w for _, w in RISK_MIX])[0]
        cid = sc.add_conflict(self.on(found, self.clerk()), round_id, sc.NewConflict(
            found, f"{self.name()}、{self.name()}", kind, risk, f"{vname}{rng.choice(RESPONSIBLE)}", vid,
            f"{vname}村民{summary}。", measures, found + timedelta(days=rng.choice((15, 30, 30, 45)))))
        ops += self.progress_of(cid, found, end, 0.35)

    def progress_of(self, cid: uuid.UUID, start: date, end: date, resolve: float) -> list[tuple[date, int, Callable[[], None]]]:
        rng, roll = self.rng, self.rng.random()
        day = start + timedelta(days=rng.randint(2, 20))
        if day > end or roll >= resolve + 0.3:
            return []
        if roll < resolve:
            return [(day, 1, lambda: sc.set_status(self.on(day, self.clerk()), cid, ConflictStatus.RESOLVED, on=day,
                                                   note="经调解双方达成协议，已履行。"))]
        return [(day, 1, lambda: sc.set_status(self.on(day, self.clerk()), cid, ConflictStatus.IN_PROGRESS, on=day,
                                               note="已组织首次调解，双方分歧缩小。"))]

    def convert(self, round_id: uuid.UUID, day: date) -> None:
        live = self.uow.session.execute(select(ScreenedConflict.id, ScreenedConflict.parties, ScreenedConflict.kind)
                                        .where(ScreenedConflict.round_id == round_id,
                                               ScreenedConflict.status.in_([s.value for s in UNRESOLVED_CONFLICT]))
                                        .order_by(ScreenedConflict.risk, ScreenedConflict.found_on,
                                                  ScreenedConflict.parties)).first()
        if live is None:
            return
        code = next(c for k, c, _s, _m in CONFLICT_KINDS if k == live.kind)
        sc.convert_to_matter(self.on(day, self.clerk(), 16), live.id, title=f"{live.parties}{live.kind}",
                             subject_code=code, matter_type=MatterType.CLAIM)

    # -- 重点人员 ----------------------------------------------------------------------------------
    def key_persons(self) -> None:
        t, rng = self.today, self.rng
        people = list(self.uow.session.execute(
            select(Person.id, func.min(Contact.contact_at)).join(PersonTag, PersonTag.person_id == Person.id)
            .join(MatterPetitioner, MatterPetitioner.person_id == Person.id)
            .join(Contact, Contact.matter_id == MatterPetitioner.matter_id)
            .where(PersonTag.tag.in_(("重点人员", "信访老户")), Person.merged_into_id.is_(None))
            .group_by(Person.id, Person.name, Person.id_number).order_by(Person.name, Person.id_number)
            .limit(KEY_PERSONS)))
        for n, (pid, first_seen) in enumerate(people):
            officer = self.cast.handlers[n % len(self.cast.handlers)]
            listed = max(t - timedelta(days=rng.randint(60, 200)), first_seen.date())
            period = rng.choice((15, 30, 30))
            key_id = kp.list_key_person(self.on(listed, self.clerk()), pid, officer_id=officer.user_id,
                                        reason="长期越级上访，诉求未解决", follow_up_days=period)
            day = listed
            # the last one's follow-ups stopped: overdue, so the sensitive-period banner names someone
            while n != len(people) - 1 or day < listed + timedelta(days=period):
                day += timedelta(days=max(1, period - rng.randint(0, 6)))
                if day > t:
                    break
                kp.log_follow_up(self.on(day, officer), key_id, on=day, way=rng.choice(("入户走访", "电话联系", "面谈")),
                                 note=rng.choice(("情绪稳定，无进京赴省意向。", "反映诉求未变，已做政策解释。",
                                                  "家属表示配合，近期在家务农。")))

    # -- 村级接访、信访代办 ------------------------------------------------------------------------
    def village_sessions(self) -> None:
        t, rng = self.today, self.rng
        latest = t - timedelta(days=(t.weekday() - 1) % 7)  # the latest Tuesday, today or before
        for week in range(7, -1, -1):
            day = latest - timedelta(weeks=week)
            for vid, vname in rng.sample(self.cast.villages, min(3, len(self.cast.villages))):
                contacts, cases = rng.choice((0, 0, 1, 2)), rng.choice((0, 1, 1, 2))
                what = "有访接访" if contacts else "无访说案" if cases else "无案说事、无事排查"
                vw.record_village_reception(self.on(day, self.clerk()), vw.NewVillageReception(
                    day, vid, f"包村干部{self.name()}、村支书{self.name()}", contacts, cases, rng.random() < 0.8,
                    f"{vname}村级接访日：{what}。"))

    def proxies(self) -> None:
        for n, (matter, _name) in enumerate(self.hard_matters(OWNED_CASES + 2)[-2:]):  # after the packages
            start = self.today - timedelta(days=30 if n == 0 else 6)
            handler = self.cast.handlers[n % len(self.cast.handlers)]
            proxy = vw.order_proxy(self.on(start, self.clerk()), matter, on=start,
                                   request="信访人年老体弱，申请由代办员代为跑办相关手续。")
            vw.dispatch_proxy(self.on(start + timedelta(days=1), self.clerk()), proxy, on=start + timedelta(days=1),
                              proxy_user_id=handler.user_id)
            if n == 0:
                vw.accept_proxy(self.on(start + timedelta(days=2), handler), proxy, on=start + timedelta(days=2))
                vw.rate_proxy(self.on(start + timedelta(days=20), self.clerk()), proxy, on=start + timedelta(days=20),
                              rating=Satisfaction.SATISFIED, note="代办员跑办及时，信访人满意。")


def _cast(uow: UnitOfWork) -> _Cast | None:
    users = [actor_for(u) for u in uow.session.scalars(select(UserAccount).where(
        UserAccount.office_id == uow.office_id, UserAccount.active, ~UserAccount.is_system)
        .order_by(UserAccount.login))]
    leaders = [a for a in users if a.role is Role.LEADER]
    clerks = [a for a in users if a.role is Role.RECEPTIONIST]
    handlers = [a for a in users if a.role is Role.HANDLER]
    villages = [(v.id, v.name) for v in uow.session.scalars(select(Village).where(
        Village.office_id == uow.office_id, Village.active).order_by(Village.name))]
    if not (leaders and clerks and handlers and villages):
        return None
    return _Cast(leaders, clerks, handlers, villages)


def load_leader_work(workspace: Workspace, actor: Actor, seed: int) -> None:
    """Add the leader work to a freshly loaded demo, in one unit of work (all of it or none)."""
    with workspace.write(actor) as uow:
        cast = _cast(uow)
        if cast is None:
            return
        loader = _Loader(uow, cast, random.Random(f"{seed}-leader-work"))
        loader.periods()
        loader.receptions()
        loader.cases()
        loader.screening()
        loader.key_persons()
        loader.village_sessions()
        loader.proxies()
        backlog.apply_backlog_rule(uow)


__all__ = ["load_leader_work"]
