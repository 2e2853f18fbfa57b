"""The rows the 统计报表 page shows, built from a Report: counts with 同比/环比, rates, breakdowns.

Every number is taken from the report's Figures as computed by app/statistics; nothing is summed
or recomputed here. A change is written "+3（+25.0%）": the absolute change, then the relative one
("—" when the earlier figure is 0).
"""

from __future__ import annotations

from app.statistics.compare import change
from app.statistics.figures import RATE_ORDER, SECTION_LABELS, SINGLE_LABELS, Count, Figures
from app.statistics.rates import RATE_LABELS
from app.statistics.report import Report, TrendPoint
from ui.widgets.charts import Series
from ui.widgets.record_table import Record

COUNT_COLUMNS = ("项目", "批次", "人次", "同比·批次", "同比·人次", "环比·批次", "环比·人次")
RATE_COLUMNS = ("指标", "分子", "分母", "比率", "上年同期", "上期")
OVERVIEW_SINGLES = ("collective", "individual", "first", "repeat", "skip_level", "leader_reception")
# Breakdowns offered in the 分类统计 tab and the bar chart, in report order.
SECTION_CHOICES = ("by_subject", "by_village", "by_channel", "by_matter_type", "by_subject_level2",
                   "by_residence_village", "by_responsible_unit", "skip_level_by_target")


def change_text(current: int, previous: int) -> str:
    c = change(current, previous)
    return f"{c.change:+d}（{c.display()}）"


def _count_record(label: str, now: Count, yoy: Count, pop: Count, report: Report, key: str) -> Record:
    tip = (f"上年同期（{report.yoy.period.label()}）：{yoy.batches} 批次 / {yoy.person_visits} 人次\n"
           f"上期（{report.pop.period.label()}）：{pop.batches} 批次 / {pop.person_visits} 人次")
    return Record((label, str(now.batches), str(now.person_visits),
                   change_text(now.batches, yoy.batches), change_text(now.person_visits, yoy.person_visits),
                   change_text(now.batches, pop.batches), change_text(now.person_visits, pop.person_visits)),
                  payload=key, tooltip=tip)


def _count_of(figures: Figures, section: str, key: str) -> Count:
    item = figures.section(section).get(key)
    return item.count if item is not None else Count()


def overview_records(report: Report) -> list[Record]:
    """合计, each channel, then collective / individual, first / repeat, skip-level, leader receptions."""
    f, y, p = report.figures, report.yoy, report.pop
    rows = [_count_record("合计", f.totals, y.totals, p.totals, report, "totals")]
    for item in f.sections["by_channel"]:
        rows.append(_count_record(f"　{item.label}", item.count, _count_of(y, "by_channel", item.key),
                                  _count_of(p, "by_channel", item.key), report, f"by_channel:{item.key}"))
    for name in OVERVIEW_SINGLES:
        rows.append(_count_record(SINGLE_LABELS[name], f.singles[name], y.singles[name], p.singles[name],
                                  report, name))
    return rows


def section_records(report: Report, section: str) -> list[Record]:
    f, y, p = report.figures, report.yoy, report.pop
    return [_count_record(item.label, item.count, _count_of(y, section, item.key), _count_of(p, section, item.key),
                          report, f"{section}:{item.key}") for item in f.sections[section]]


def rate_records(report: Report) -> list[Record]:
    f, y, p = report.figures, report.yoy, report.pop
    rows = [Record((RATE_LABELS[rate], str(f.rates[rate].numerator), str(f.rates[rate].denominator),
                    f.rates[rate].display(), y.rates[rate].display(), p.rates[rate].display()), payload=rate.value)
            for rate in RATE_ORDER]
    avg = f.average_days
    rows.append(Record(("平均办结天数", str(avg.total_days), str(avg.matters), avg.display(),
                        y.average_days.display(), p.average_days.display()), payload="average_days",
                       tooltip="分子为办结事项的办理天数之和，分母为办结事项数"))
    return rows


def trend_data(points: tuple[TrendPoint, ...]) -> tuple[list[str], list[Series]]:
    """Month labels ("3月"; the first month and each January carry the year: "26年1月") and both series."""
    labels = []
    for i, point in enumerate(points):
        start = point.period.start
        labels.append(f"{start.year % 100:02d}年{start.month}月" if i == 0 or start.month == 1 else f"{start.month}月")
    return labels, [Series("批次", tuple(p.count.batches for p in points)),
                    Series("人次", tuple(p.count.person_visits for p in points))]


def section_chart_data(report: Report, section: str) -> tuple[list[str], list[Series]]:
    """The lines of a breakdown with any contacts, largest first (the chart shows the top ones)."""
    items = sorted((i for i in report.figures.sections[section] if i.count.batches),
                   key=lambda i: (-i.count.batches, -i.count.person_visits))
    return [i.label for i in items], [Series("批次", tuple(i.count.batches for i in items)),
                                      Series("人次", tuple(i.count.person_visits for i in items))]


def first_repeat_chart_data(report: Report) -> tuple[list[str], list[Series]]:
    s = report.figures.singles
    labels = [SINGLE_LABELS[n] for n in ("first", "repeat", "collective", "individual")]
    counts = [s[n] for n in ("first", "repeat", "collective", "individual")]
    return labels, [Series("批次", tuple(c.batches for c in counts)),
                    Series("人次", tuple(c.person_visits for c in counts))]


def section_label(section: str) -> str:
    return SECTION_LABELS[section]
