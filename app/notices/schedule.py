"""领导干部接访安排表 (公示表): the published reception schedule for a week or month, as a ruled table
in the GB/T 9704 text area, signed by the office."""

from __future__ import annotations

from dataclasses import dataclass

from app.notices import blocks as b
from app.notices.fonts import Role
from app.notices.templates import Template, fill

COLUMNS = (("date", 42.0), ("time", 29.0), ("leader", 21.0), ("place", 32.0), ("topics", 32.0))
SIZE = 12.0
C = b.Align.CENTER


@dataclass(frozen=True)
class ScheduleLine:
    date: str  # 11月23日（星期一）
    time: str
    leader: str
    place: str
    topics: str


@dataclass(frozen=True)
class ScheduleFacts:
    office_name: str
    period: str  # 2026年11月 / 2026年11月23日至11月29日
    lines: tuple[ScheduleLine, ...]
    office_phone: str
    issued_on: str  # 2026年11月20日


def public_schedule(t: Template, f: ScheduleFacts) -> b.NoticeDocument:
    lab = t["labels"]
    values = {"office_name": f.office_name, "period": f.period, "office_phone": f.office_phone}
    header = b.Row(tuple(b.Cell(lab[k], w, align=C, role=Role.HEADING, size=SIZE) for k, w in COLUMNS), 10.0)
    rows = [header] + [
        b.Row(tuple(b.Cell(text, w, align=C if k in ("date", "time", "leader") else b.Align.LEFT, size=SIZE)
                    for text, (k, w) in zip((s.date, s.time, s.leader, s.place, s.topics), COLUMNS)), 10.0)
        for s in f.lines]
    note = fill(t["note"] if f.office_phone else t["note_no_phone"], values, "note")
    title = fill(t["title"], values, "title")
    return b.NoticeDocument(
        (b.Title(title), b.TextLine(fill(t["subtitle"], values, "subtitle"), align=C),
         b.Paragraph(fill(t["intro"], values, "intro")), b.Table(tuple(rows), header_rows=1),
         b.Paragraph(note), b.Signature(f.office_name, f.issued_on, seal=False)),
        title=title.replace("\n", ""), author=f.office_name, subject=f.period)
