"""同比 and 环比: a figure against the same figure of an earlier period."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.statistics.figures import Count, Ratio


@dataclass(frozen=True)
class Change:
    """``change`` = this − previous; ``relative`` = change / previous, None when previous is 0."""

    previous: int
    change: int
    relative: float | None

    def json(self) -> dict[str, Any]:
        return {"previous": self.previous, "change": self.change,
                "relative": None if self.relative is None else round(self.relative, 6)}

    def display(self) -> str:
        """The relative change as a report prints it: +12.5%, -3.0%, or — when previous is 0."""
        return "—" if self.relative is None else f"{self.relative * 100:+.1f}%"


def change(current: int, previous: int) -> Change:
    diff = current - previous
    return Change(previous, diff, diff / previous if previous else None)


@dataclass(frozen=True)
class CountChange:
    batches: Change
    person_visits: Change

    def json(self) -> dict[str, Any]:
        return {"batches": self.batches.json(), "person_visits": self.person_visits.json()}


def count_change(current: Count, previous: Count) -> CountChange:
    return CountChange(change(current.batches, previous.batches),
                       change(current.person_visits, previous.person_visits))


@dataclass(frozen=True)
class RateChange:
    """A rate against an earlier one: ``change`` in fraction points, None where either is "—"."""

    previous: float | None
    change: float | None

    def json(self) -> dict[str, Any]:
        return {"previous": None if self.previous is None else round(self.previous, 6),
                "change": None if self.change is None else round(self.change, 6)}


def rate_change(current: Ratio, previous: Ratio) -> RateChange:
    now, before = current.value, previous.value
    return RateChange(before, None if now is None or before is None else now - before)
