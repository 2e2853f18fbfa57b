"""Statistics for upward reports: periods, figures computed in SQL, 同比/环比, submissions.

Typical use::

    report = build_report(uow, periods.month(2026, 10))
    report_json(report)                       # the stable JSON of docs/statistics.md
    report.figures.contacts_behind("by_channel", "visit")   # a ContactFilter for the ledgers
"""

from app.statistics import periods
from app.statistics.compute import compute_figures, scope
from app.statistics.figures import AverageDays, Count, Figures, Item, Ratio
from app.statistics.filters import NONE, ContactFilter, MatterFilter, count_contacts, count_matters
from app.statistics.rates import Rate, SatisfactionVariant
from app.statistics.report import Report, TrendPoint, build_report, monthly_trend, report_json

__all__ = [
    "NONE", "AverageDays", "ContactFilter", "Count", "Figures", "Item", "MatterFilter", "Rate",
    "Ratio", "Report", "SatisfactionVariant", "TrendPoint", "build_report", "compute_figures",
    "count_contacts", "count_matters", "monthly_trend", "periods", "report_json", "scope",
]
