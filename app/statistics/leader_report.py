"""The leader-work part of a periodic report: each count with 同比/环比, each rate with its numerator and
denominator, in one fixed order shared by the JSON (key ``leader_work``) and the workbook's sheets.

Leader-work figures are never part of a submission: they are computed live for the period and its
two comparison periods, even when the period's statutory figures were submitted.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.domain.leader_work import RECEPTION_KIND_LABELS, RISK_LABELS, ReceptionKind, Risk
from app.services.context import UnitOfWork
from app.statistics.compare import change, rate_change
from app.statistics.figures import Ratio
from app.statistics.leader_work import LeaderWorkFigures, leader_work_figures
from app.statistics.periods import Period


@dataclass(frozen=True)
class CountLine:
    key: str  # stable JSON key
    group: str  # the heading the line stands under
    label: str
    unit: str
    value: Callable[[LeaderWorkFigures], int]
    note: str = ""


@dataclass(frozen=True)
class RateLine:
    key: str
    label: str
    note: str


def _kind(kind: ReceptionKind) -> Callable[[LeaderWorkFigures], int]:
    return lambda f: f.receptions[kind]


def _risk(risk: Risk) -> Callable[[LeaderWorkFigures], int]:
    return lambda f: f.screened[risk]


COUNT_LINES: tuple[CountLine, ...] = (
    CountLine("leader_contacts_batches", "领导接访", "领导接访登记", "批次", lambda f: f.leader_contacts.batches,
              "本期登记为领导接访的来访"),
    CountLine("leader_contacts_person_visits", "领导接访", "领导接访登记", "人次",
              lambda f: f.leader_contacts.person_visits),
    *(CountLine(f"receptions_{k.value}", "领导接访", f"{RECEPTION_KIND_LABELS[k]}记录", "次", _kind(k),
                "本期举行的接访、下访、约访" if k is ReceptionKind.RECEPTION else "") for k in ReceptionKind),
    CountLine("village_receptions", "领导接访", "村级接访", "场", lambda f: f.village_receptions),
    CountLine("cases_assigned", "领导包案", "新增包案", "件", lambda f: f.cases.assigned, "本期确定包案领导的"),
    CountLine("cases_settled", "领导包案", "包案化解", "件", lambda f: f.cases.settled, "本期化解（息诉罢访）的"),
    CountLine("cases_open", "领导包案", "在办包案", "件", lambda f: f.cases.open, "期末未化解、未移交的"),
    CountLine("cases_overdue", "领导包案", "其中超过化解时限", "件", lambda f: f.cases.overdue, "期末已过定时限的"),
    *(CountLine(f"screened_{r.value}", "矛盾纠纷排查", f"排查{RISK_LABELS[r]}风险", "件", _risk(r),
                "本期新排查的（结转的不重复计）" if r is Risk.HIGH else "") for r in Risk),
    CountLine("screened_total", "矛盾纠纷排查", "排查合计", "件", lambda f: sum(f.screened.values())),
    CountLine("key_persons_listed", "重点人员", "在册重点人员", "人", lambda f: f.key_persons.listed, "期末在册的"),
    CountLine("key_persons_new", "重点人员", "新列入", "人", lambda f: f.key_persons.new),
    CountLine("key_person_follow_ups", "重点人员", "走访联系", "次", lambda f: f.key_persons.follow_ups),
    CountLine("key_persons_overdue", "重点人员", "逾期未联系", "人", lambda f: f.key_persons.overdue,
              "期末已过联系周期的"),
    CountLine("sensitive_skip_level_batches", "敏感节点", "敏感节点期间越级访", "批次",
              lambda f: f.sensitive_skip_level.batches, "越级访中来访日期在敏感节点内的"),
    CountLine("sensitive_skip_level_person_visits", "敏感节点", "敏感节点期间越级访", "人次",
              lambda f: f.sensitive_skip_level.person_visits),
)

RATE_LINES: tuple[RateLine, ...] = (
    RateLine("reception_resolution", "领导接访化解率", "本期接访、下访、约访所涉事项中截止时已化解的"),
    RateLine("screened_settled", "排查化解率", "本期新排查的矛盾纠纷中截止时已化解或已转信访事项的"),
    RateLine("case_resolution", "包案化解率", "期末未移交、期初未化解的包案中截止时已化解的"),
    RateLine("backlog_resolution", "积案化解率", "期初积案及本期新增积案中截止时已化解的"),
)


@dataclass(frozen=True)
class LeaderWorkReport:
    current: LeaderWorkFigures
    yoy: LeaderWorkFigures
    pop: LeaderWorkFigures
    backlog: tuple[Ratio, Ratio, Ratio]  # 积案化解率 of the period, a year earlier, the period before

    def rates(self, key: str) -> tuple[Ratio, Ratio, Ratio]:
        if key == "backlog_resolution":
            return self.backlog
        if key == "case_resolution":
            return self.current.cases.resolution, self.yoy.cases.resolution, self.pop.cases.resolution
        return getattr(self.current, key), getattr(self.yoy, key), getattr(self.pop, key)


def build_leader_work(uow: UnitOfWork, periods: tuple[Period, Period, Period], backlog: tuple[Ratio, Ratio, Ratio],
                      *, office_ids: tuple[uuid.UUID, ...], cutoff: datetime | None) -> LeaderWorkReport:
    """``periods`` = (period, a year earlier, the period before), each seen at ``cutoff`` at the latest."""
    current, yoy, pop = (leader_work_figures(uow, p, office_ids=office_ids, cutoff=cutoff) for p in periods)
    return LeaderWorkReport(current, yoy, pop, backlog)


def _ratio_json(r: Ratio) -> dict[str, Any]:
    return {"numerator": r.numerator, "denominator": r.denominator,
            "value": None if r.value is None else round(r.value, 6), "display": r.display()}


def leader_work_json(report: LeaderWorkReport) -> dict[str, Any]:
    counts = {}
    for line in COUNT_LINES:
        now = line.value(report.current)
        counts[line.key] = {"label": line.label, "unit": line.unit, "value": now,
                            "yoy": change(now, line.value(report.yoy)).json(),
                            "pop": change(now, line.value(report.pop)).json()}
    rates = {}
    for rate in RATE_LINES:
        now, yoy, pop = report.rates(rate.key)
        rates[rate.key] = _ratio_json(now) | {"label": rate.label, "yoy": rate_change(now, yoy).json(),
                                              "pop": rate_change(now, pop).json()}
    return {"live": True, "counts": counts, "rates": rates}


__all__ = ["COUNT_LINES", "RATE_LINES", "LeaderWorkReport", "build_leader_work", "leader_work_json"]
