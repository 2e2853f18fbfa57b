"""Which backups to keep: 7 daily, 4 weekly, 12 monthly (grandfather-father-son), as a pure rule.

Periods are counted over the days, ISO weeks and months that *have* backups, not back from today:
a PC left switched off for a month still keeps its last seven days of work. In each period the
newest backup stands for it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


class Tier(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


TIER_LABELS = {Tier.DAILY: "每日", Tier.WEEKLY: "每周", Tier.MONTHLY: "每月"}
KEEP: dict[Tier, int] = {Tier.DAILY: 7, Tier.WEEKLY: 4, Tier.MONTHLY: 12}
_PERIOD: dict[Tier, Callable[[datetime], Hashable]] = {
    Tier.DAILY: lambda at: at.date(),
    Tier.WEEKLY: lambda at: at.isocalendar()[:2],
    Tier.MONTHLY: lambda at: (at.year, at.month),
}


def plan_rotation(backups: Iterable[tuple[K, datetime]], keep: dict[Tier, int] = KEEP) -> dict[K, Tier]:
    """The backups to keep, each with the longest tier that keeps it; every other one may go.

    Of two backups with the same time, the one later in ``backups`` counts as the newer.
    """
    newest_first = sorted(reversed(list(backups)), key=lambda item: item[1], reverse=True)
    kept: dict[K, Tier] = {}
    for tier in (Tier.DAILY, Tier.WEEKLY, Tier.MONTHLY):
        periods: set[Hashable] = set()
        for key, at in newest_first:
            period = _PERIOD[tier](at)
            if period in periods:
                continue
            if len(periods) == keep[tier]:
                break
            periods.add(period)
            kept[key] = tier
    return kept
