"""The figures of one period as plain data, their JSON form, and where each number comes from.

``Figures`` holds counts (批次 and 人次) per breakdown and the rates with numerator and
denominator. ``contacts_behind`` and ``matters_behind`` turn any number back into the filter that
lists the contacts or matters it counts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.statistics import rates
from app.statistics.filters import NONE, ContactFilter, MatterFilter
from app.statistics.periods import Period, PeriodKind, Window

DASH = "—"  # a rate with denominator 0 is shown as a dash, never 0 or 100%


@dataclass(frozen=True)
class Count:
    batches: int = 0
    person_visits: int = 0

    def __add__(self, other: Count) -> Count:
        return Count(self.batches + other.batches, self.person_visits + other.person_visits)

    def __sub__(self, other: Count) -> Count:
        return Count(self.batches - other.batches, self.person_visits - other.person_visits)

    def json(self) -> dict[str, int]:
        return {"batches": self.batches, "person_visits": self.person_visits}


@dataclass(frozen=True)
class Item:
    """One line of a breakdown: its stable key (code, id or NONE), its label and its count."""

    key: str
    label: str
    count: Count


@dataclass(frozen=True)
class Ratio:
    numerator: int = 0
    denominator: int = 0

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def display(self) -> str:
        value = self.value
        return DASH if value is None else f"{value * 100:.1f}%"

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator)


@dataclass(frozen=True)
class AverageDays:
    matters: int = 0
    total_days: int = 0

    @property
    def value(self) -> float | None:
        return self.total_days / self.matters if self.matters else None

    def display(self) -> str:
        value = self.value
        return DASH if value is None else f"{value:.1f}"


# Single-valued counts and the contact filter each one counts.
SINGLES: dict[str, dict[str, Any]] = {
    "totals": {},
    "collective": {"collective": True},
    "individual": {"collective": False},
    "individual_visits": {"channel": "visit", "collective": False},
    "joint_letters": {"joint_letter": True},
    "first": {"repeat": False},
    "repeat": {"repeat": True},
    "repeat_visits": {"channel": "visit", "repeat": True},
    "skip_level": {"skip_level": "any"},
    "leader_reception": {"leader_reception": True},
    "not_leader_reception": {"leader_reception": False},
}
SINGLE_LABELS: dict[str, str] = {
    "totals": "合计", "collective": "集体访", "individual": "非集体访（个人）",
    "individual_visits": "个访", "joint_letters": "联名信", "first": "初次信访", "repeat": "重复信访",
    "repeat_visits": "重复访", "skip_level": "越级访", "leader_reception": "领导接访",
    "not_leader_reception": "非领导接访",
}

# Breakdowns by a dimension, and the filter field a line's key goes into.
SECTIONS: dict[str, str] = {
    "by_channel": "channel",
    "skip_level_by_target": "skip_level",
    "by_matter_type": "matter_type",
    "by_subject": "subject_prefix",
    "by_subject_level2": "subject_code",
    "by_village": "problem_village_id",
    "by_residence_village": "residence_village_id",
    "by_responsible_unit": "responsible_unit_id",
}
SECTION_LABELS: dict[str, str] = {
    "by_channel": "按信访形式", "skip_level_by_target": "越级访按去向", "by_matter_type": "按事项类别",
    "by_subject": "按问题分类（一级）", "by_subject_level2": "按问题分类（二级）",
    "by_village": "按问题属地村（社区）", "by_residence_village": "按信访人所在村（社区）",
    "by_responsible_unit": "按责任单位",
}
# Each line's key goes into JSON as "key"; these sections are keyed by the line's label instead.
LABEL_KEYED = frozenset({"by_subject", "by_subject_level2", "by_village", "by_residence_village",
                         "by_responsible_unit"})
RATE_ORDER: tuple[rates.Rate, ...] = tuple(rates.Rate)


@dataclass
class Figures:
    """Everything one report states about one period, for one or more offices."""

    period: Period
    cutoff: datetime
    office_ids: tuple[uuid.UUID, ...]
    singles: dict[str, Count]
    sections: dict[str, list[Item]]
    repeat_matters: int
    rates: dict[rates.Rate, Ratio]
    average_days: AverageDays
    satisfaction_variant: rates.SatisfactionVariant = rates.SatisfactionVariant.SATISFIED
    evaluation_window_days: int = 30

    @property
    def totals(self) -> Count:
        return self.singles["totals"]

    @property
    def window(self) -> Window:
        return Window(self.period, self.cutoff)

    def section(self, name: str) -> dict[str, Item]:
        return {item.key: item for item in self.sections[name]}

    # --- where a number comes from ----------------------------------------------------------

    def base_filter(self) -> ContactFilter:
        return ContactFilter.for_window(self.window, self.office_ids)

    def contacts_behind(self, name: str, key: str | None = None) -> ContactFilter:
        """The filter listing the contacts of a single count or of one line of a breakdown."""
        base = self.base_filter()
        if name in SINGLES:
            return base.narrowed(**SINGLES[name])
        attr = SECTIONS[name]
        if key is None:
            raise ValueError("a breakdown line needs its key")
        value: Any = key
        if attr.endswith("_id") and key != NONE:
            value = uuid.UUID(key)
        if attr == "subject_prefix" and key == NONE:
            return base.narrowed(subject_code=NONE)
        return base.narrowed(**{attr: value})

    def matters_behind(self, rate: rates.Rate | str, part: str = "denominator") -> MatterFilter:
        chosen: Any = rate if rate == "average_days" else rates.Rate(rate)
        return MatterFilter(office_ids=self.office_ids, rate=chosen, rate_part=part,  # type: ignore[arg-type]
                            window=self.window)

    # --- JSON -------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "period": period_json(self.period),
            "cutoff": self.cutoff.isoformat(timespec="minutes"),
            "offices": [str(i) for i in self.office_ids],
        }
        for name, count in self.singles.items():
            data[name] = count.json()
        data["repeat_matters"] = self.repeat_matters
        for name, items in self.sections.items():
            data[name] = {(item.label if name in LABEL_KEYED else item.key):
                          {"key": item.key, "label": item.label, **item.count.json()} for item in items}
        data["rates"] = {r.value: rate_json(r, self.rates[r]) for r in RATE_ORDER}
        data["rates"][rates.Rate.SATISFACTION.value]["variant"] = self.satisfaction_variant.value
        data["rates"][rates.Rate.EVALUATION.value]["window_days"] = self.evaluation_window_days
        avg = self.average_days
        data["average_days_to_close"] = {
            "matters": avg.matters, "total_days": avg.total_days,
            "value": None if avg.value is None else round(avg.value, 2), "display": avg.display()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figures:
        p = data["period"]
        period = Period(PeriodKind(p["kind"]), date.fromisoformat(p["start"]), date.fromisoformat(p["end"]))
        singles = {name: Count(data[name]["batches"], data[name]["person_visits"]) for name in SINGLES}
        sections = {name: [Item(v["key"], v["label"], Count(v["batches"], v["person_visits"]))
                           for v in data[name].values()] for name in SECTIONS}
        rate_data = data["rates"]
        avg = data["average_days_to_close"]
        return cls(
            period=period, cutoff=datetime.fromisoformat(data["cutoff"]),
            office_ids=tuple(uuid.UUID(i) for i in data["offices"]), singles=singles,
            sections=sections, repeat_matters=int(data["repeat_matters"]),
            rates={r: Ratio(rate_data[r.value]["numerator"], rate_data[r.value]["denominator"])
                   for r in RATE_ORDER},
            average_days=AverageDays(avg["matters"], avg["total_days"]),
            satisfaction_variant=rates.SatisfactionVariant(
                rate_data[rates.Rate.SATISFACTION.value].get("variant", "satisfied")),
            evaluation_window_days=int(rate_data[rates.Rate.EVALUATION.value].get("window_days", 30)),
        )

    def flat(self) -> dict[str, int]:
        """Every number as "path → value", for comparing two versions of the same figures."""
        out: dict[str, int] = {}
        for name, count in self.singles.items():
            out[f"{name}.batches"], out[f"{name}.person_visits"] = count.batches, count.person_visits
        out["repeat_matters"] = self.repeat_matters
        for name, items in self.sections.items():
            for item in items:
                out[f"{name}.{item.key}.batches"] = item.count.batches
                out[f"{name}.{item.key}.person_visits"] = item.count.person_visits
        for r, ratio in self.rates.items():
            out[f"rates.{r.value}.numerator"] = ratio.numerator
            out[f"rates.{r.value}.denominator"] = ratio.denominator
        out["average_days_to_close.matters"] = self.average_days.matters
        out["average_days_to_close.total_days"] = self.average_days.total_days
        return out

    def describe(self, path: str) -> str:
        """A Chinese name for a ``flat`` path: 按信访形式/走访/批次."""
        parts = path.split(".")
        unit = {"batches": "批次", "person_visits": "人次", "numerator": "分子", "denominator": "分母",
                "matters": "件数", "total_days": "总天数"}.get(parts[-1], parts[-1])
        if parts[0] in SINGLES:
            return f"{SINGLE_LABELS[parts[0]]}/{unit}"
        if parts[0] in SECTIONS:
            label = self.section(parts[0]).get(parts[1])
            return f"{SECTION_LABELS[parts[0]]}/{label.label if label else parts[1]}/{unit}"
        if parts[0] == "rates":
            return f"{rates.RATE_LABELS[rates.Rate(parts[1])]}/{unit}"
        if parts[0] == "repeat_matters":
            return "重复信访事项数"
        return f"平均办理天数/{unit}"


def period_json(period: Period) -> dict[str, str]:
    return {"kind": period.kind.value, "start": period.start.isoformat(),
            "end": period.end.isoformat(), "key": period.key(), "label": period.label()}


def rate_json(rate: rates.Rate, ratio: Ratio) -> dict[str, Any]:
    value = ratio.value
    return {"label": rates.RATE_LABELS[rate], "numerator": ratio.numerator,
            "denominator": ratio.denominator, "value": None if value is None else round(value, 6),
            "display": ratio.display()}
