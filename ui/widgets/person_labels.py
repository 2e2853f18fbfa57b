"""Chinese labels and short formats for the person archive's codes (channels, genders, sizes, urgency)."""

from __future__ import annotations

from datetime import date, datetime

from app.domain.identity import Gender

CHANNEL_LABELS = {"visit": "走访", "letter": "来信", "phone": "来电", "online": "网上", "fax": "传真"}
SKIP_LEVEL_LABELS = {"county": "赴县", "city": "赴市", "province": "赴省", "beijing": "进京"}
GENDER_LABELS = {Gender.MALE: "男", Gender.FEMALE: "女"}
CONTACT_FLAG_LABELS = {"repeat": "重复访", "leader": "领导接访", "collective": "集体访"}


def gender_text(gender: Gender | None) -> str:
    return GENDER_LABELS.get(gender, "") if gender else ""


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def date_text(value: date | datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def time_text(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def urgency_of(days_left: int | None) -> str | None:
    """Deadline colours shared with the deadline board: overdue, within 3 days, within 7 days."""
    if days_left is None:
        return None
    if days_left < 0:
        return "overdue"
    if days_left <= 3:
        return "soon"
    if days_left <= 7:
        return "week"
    return None


def days_text(days_left: int | None) -> str:
    if days_left is None:
        return ""
    if days_left < 0:
        return f"已超期 {-days_left} 天"
    if days_left == 0:
        return "今天到期"
    return f"剩 {days_left} 天"
