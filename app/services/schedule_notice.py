"""领导干部接访安排表 (公示表): the published schedule of a week or a month as a printable PDF in the
notices' layout (三定一公开)."""

from __future__ import annotations

from datetime import date, timedelta

from app.errors import ValidationError
from app.notices.render import render_pdf
from app.notices.schedule import ScheduleFacts, ScheduleLine, public_schedule
from app.notices.templates import shipped_template
from app.services.context import UnitOfWork
from app.services.leader_receptions import schedule
from app.services.offices import office_info

WEEKDAYS = "一二三四五六日"


def _cn_date(day: date, *, year: bool = False) -> str:
    return (f"{day.year}年" if year else "") + f"{day.month}月{day.day}日"


def _period_text(start: date, end: date) -> str:
    if start.day == 1 and (end + timedelta(days=1)).day == 1 and start.month == end.month:
        return f"{start.year}年{start.month}月"
    return f"{_cn_date(start, year=True)}至{_cn_date(end, year=start.year != end.year)}"


def schedule_pdf(uow: UnitOfWork, start: date, end: date) -> bytes:
    """The printable 公示表 of the published slots in [start, end] (a week or a month)."""
    slots = schedule(uow, start, end, published_only=True)
    if not slots:
        raise ValidationError("nothing_published", "公示表：所选期间没有已公示的接访安排", field="start")
    office = office_info(uow)
    facts = ScheduleFacts(
        office_name=office.name, period=_period_text(start, end),
        lines=tuple(ScheduleLine(f"{_cn_date(s.held_on)}（星期{WEEKDAYS[s.held_on.weekday()]}）", s.time_slot,
                                 s.leader, s.place, s.topics) for s in slots),
        office_phone=str(uow.setting("office_phone")), issued_on=_cn_date(uow.today(), year=True))
    return render_pdf(public_schedule(shipped_template("reception-schedule"), facts))
