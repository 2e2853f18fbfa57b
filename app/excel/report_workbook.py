"""The 月度/季度/年度统计表 workbook, laid out like the report an office sends upward.

One sheet per section; each with a title naming the office and the period, a two-row merged
header (本期 / 上年同期 / 同比 / 上期 / 环比, each split into 批次 and 人次), numbers and rates with
their numerators and denominators, A4 landscape print set-up that fits the width and repeats the
header rows, page numbers in the footer, and frozen panes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.permissions import Permission
from app.excel.common import replace_atomically, temporary_beside
from app.services import audit
from app.services.context import UnitOfWork
from app.statistics.compare import change, count_change
from app.statistics.figures import SECTION_LABELS, SINGLE_LABELS, Count, Figures, Ratio
from app.statistics.leader_report import COUNT_LINES, RATE_LINES, LeaderWorkReport
from app.statistics.periods import PeriodKind
from app.statistics.rates import RATE_LABELS, SatisfactionVariant
from app.statistics.report import Report

KIND_TITLES = {PeriodKind.MONTH: "月度", PeriodKind.QUARTER: "季度", PeriodKind.YEAR: "年度",
               PeriodKind.WEEK: "周", PeriodKind.DAY: "日", PeriodKind.RANGE: ""}
HEADER_ROWS = 5  # title, subtitle, blank spacer row for notes, two header rows

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_FONT = "宋体"


@dataclass(frozen=True)
class Line:
    label: str
    level: int  # 0 total, 1 item, 2 sub-item
    current: Count
    yoy: Count
    pop: Count


def _title(report: Report) -> str:
    office = report.office.short_name or report.office.name
    return f"{office}信访工作{KIND_TITLES[report.period.kind]}统计表"


def _subtitle(report: Report) -> str:
    p, f = report.period, report.figures
    state = "已报送" if report.submission else "未报送"
    if report.submission and report.submission.corrections:
        state += f"（已更正 {len(report.submission.corrections)} 次）"
    if report.submission and report.submission.flagged:
        state += "，数据已变化待更正"
    return (f"统计期间：{p.label()}（{p.start:%Y.%m.%d}—{p.end:%Y.%m.%d}）　"
            f"截止：{f.cutoff:%Y-%m-%d %H:%M}　填报单位：{report.office.name}　{state}")


def _sheet(book: Workbook, name: str, report: Report, widths: Sequence[float]) -> Worksheet:
    ws = book.create_sheet(name)
    last = get_column_letter(len(widths))
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = _title(report)
    ws["A1"].font = Font(name=_FONT, size=16, bold=True)
    ws["A1"].alignment = _CENTER
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = _subtitle(report)
    ws["A2"].font = Font(name=_FONT, size=10)
    ws["A2"].alignment = _LEFT
    ws.merge_cells(f"A3:{last}3")
    ws["A3"] = f"表：{name}"
    ws["A3"].font = Font(name=_FONT, size=11, bold=True)
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"1:{HEADER_ROWS}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.freeze_panes = f"B{HEADER_ROWS + 1}"
    return ws


def _head(ws: Worksheet, row: int, col: int, text: str, *, rows: int = 1, cols: int = 1) -> None:
    if rows > 1 or cols > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row + rows - 1, end_column=col + cols - 1)
    for r in range(row, row + rows):
        for c in range(col, col + cols):
            cell = ws.cell(r, c)
            cell.border, cell.fill, cell.alignment = _BORDER, _HEAD_FILL, _CENTER
            cell.font = Font(name=_FONT, bold=True)
    ws.cell(row, col).value = text


COUNT_GROUPS = ("本期", "上年同期", "同比增减", "同比增幅", "上期", "环比增减", "环比增幅")


def _count_header(ws: Worksheet, first: str) -> None:
    top = HEADER_ROWS - 1
    _head(ws, top, 1, first, rows=2)
    for g, group in enumerate(COUNT_GROUPS):
        col = 2 + 2 * g
        _head(ws, top, col, group, cols=2)
        _head(ws, top + 1, col, "批次")
        _head(ws, top + 1, col + 1, "人次")


def _put(ws: Worksheet, row: int, col: int, value: object, *, bold: bool = False, fill: PatternFill | None = None,
         align: Alignment = _CENTER, number_format: str | None = None) -> None:
    cell = ws.cell(row, col, value)
    cell.border, cell.alignment = _BORDER, align
    cell.font = Font(name=_FONT, bold=bold)
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format


def _count_rows(ws: Worksheet, lines: Sequence[Line], start: int) -> int:
    row = start
    for line in lines:
        total = line.level == 0
        fill = _TOTAL_FILL if total else None
        _put(ws, row, 1, "　" * line.level + line.label, bold=total, fill=fill, align=_LEFT)
        y, p = count_change(line.current, line.yoy), count_change(line.current, line.pop)
        values: list[object] = [
            line.current.batches, line.current.person_visits, line.yoy.batches, line.yoy.person_visits,
            y.batches.change, y.person_visits.change, y.batches.display(), y.person_visits.display(),
            line.pop.batches, line.pop.person_visits, p.batches.change, p.person_visits.change,
            p.batches.display(), p.person_visits.display(),
        ]
        for i, value in enumerate(values):
            _put(ws, row, 2 + i, value, bold=total, fill=fill)
        row += 1
    return row


def _lines_of_section(report: Report, name: str, level: int = 1, *, nonzero: bool = False) -> list[Line]:
    f, y, p = report.figures, report.yoy.section(name), report.pop.section(name)
    lines = []
    for item in f.sections[name]:
        prev_y = y[item.key].count if item.key in y else Count()
        prev_p = p[item.key].count if item.key in p else Count()
        if nonzero and not (item.count.batches or prev_y.batches or prev_p.batches):
            continue
        lines.append(Line(item.label, level, item.count, prev_y, prev_p))
    return lines


def _single(report: Report, name: str, level: int, label: str | None = None) -> Line:
    return Line(label or SINGLE_LABELS[name], level, report.figures.singles[name],
                report.yoy.singles[name], report.pop.singles[name])


def _overview(book: Workbook, report: Report) -> None:
    ws = _sheet(book, "总体情况", report, [22] + [9] * 14)
    _count_header(ws, "项目")
    lines = [_single(report, "totals", 0, "信访总量")]
    lines += [Line("其中：" + x.label if i == 0 else x.label, x.level, x.current, x.yoy, x.pop)
              for i, x in enumerate(_lines_of_section(report, "by_channel"))]
    lines += [_single(report, n, 1) for n in ("collective", "individual_visits", "joint_letters")]
    lines += [_single(report, n, 1) for n in ("first", "repeat", "repeat_visits")]
    lines += [_single(report, "skip_level", 1)] + _lines_of_section(report, "skip_level_by_target", 2)
    lines += [_single(report, "leader_reception", 1)]
    end = _count_rows(ws, lines, HEADER_ROWS + 1)
    ws.cell(end + 1, 1, f"注：集体访为 5 人以上的走访；重复信访事项 {report.figures.repeat_matters} 件。"
                        "增幅“—”表示上期为 0。")


def _by_subject(book: Workbook, report: Report) -> None:
    ws = _sheet(book, "问题分类", report, [30] + [9] * 14)
    _count_header(ws, "问题分类")
    level2 = _lines_of_section(report, "by_subject_level2", 2, nonzero=True)
    lines = [_single(report, "totals", 0)]
    for top in _lines_of_section(report, "by_subject"):
        lines.append(top)
        prefix = top.label + "/"
        lines += [Line(x.label.removeprefix(prefix), 2, x.current, x.yoy, x.pop)
                  for x in level2 if x.label.startswith(prefix)]
    _count_rows(ws, lines, HEADER_ROWS + 1)


def _by_place(book: Workbook, report: Report) -> None:
    ws = _sheet(book, "村（社区）", report, [24] + [9] * 14)
    _count_header(ws, "村（社区）")
    lines = [Line(SECTION_LABELS["by_village"], 0, report.figures.totals, report.yoy.totals, report.pop.totals)]
    lines += _lines_of_section(report, "by_village")
    lines.append(Line(SECTION_LABELS["by_residence_village"], 0, report.figures.totals,
                      report.yoy.totals, report.pop.totals))
    lines += _lines_of_section(report, "by_residence_village")
    _count_rows(ws, lines, HEADER_ROWS + 1)


def _by_type_and_unit(book: Workbook, report: Report) -> None:
    ws = _sheet(book, "类别与责任单位", report, [24] + [9] * 14)
    _count_header(ws, "项目")
    lines = [Line(SECTION_LABELS["by_matter_type"], 0, report.figures.totals, report.yoy.totals, report.pop.totals)]
    lines += _lines_of_section(report, "by_matter_type")
    lines.append(Line(SECTION_LABELS["by_responsible_unit"], 0, report.figures.totals,
                      report.yoy.totals, report.pop.totals))
    lines += _lines_of_section(report, "by_responsible_unit")
    _count_rows(ws, lines, HEADER_ROWS + 1)


def _ratio_cells(r: Ratio) -> list[object]:
    return [r.numerator, r.denominator, r.display()]


def _rate_header(ws: Worksheet) -> None:
    top = HEADER_ROWS - 1
    _head(ws, top, 1, "指标", rows=2)
    for g, group in enumerate(("本期", "上年同期", "上期")):
        _head(ws, top, 2 + 3 * g, group, cols=3)
        for i, sub in enumerate(("分子", "分母", "比率")):
            _head(ws, top + 1, 2 + 3 * g + i, sub)
    _head(ws, top, 11, "同比", rows=2)
    _head(ws, top, 12, "环比", rows=2)
    _head(ws, top, 13, "口径", rows=2)


def _rate_rows(ws: Worksheet, rows: Sequence[tuple[str, tuple[Ratio, Ratio, Ratio], str]], start: int) -> int:
    """One line per rate: (label, (this period, a year earlier, the period before), definition)."""
    row = start
    for label, (now, yoy, pop), note in rows:
        cells: list[object] = [label] + _ratio_cells(now) + _ratio_cells(yoy) + _ratio_cells(pop)
        for other in (yoy, pop):
            cells.append("—" if now.value is None or other.value is None
                         else f"{(now.value - other.value) * 100:+.1f}个百分点")
        cells.append(note)
        for i, value in enumerate(cells):
            _put(ws, row, 1 + i, value, align=_LEFT if i in (0, 12) else _CENTER)
        row += 1
    return row


def _rates(book: Workbook, report: Report) -> None:
    ws = _sheet(book, "办理质量", report, [18] + [9] * 9 + [12, 12, 40])
    _rate_header(ws)
    notes = _rate_notes(report.figures)
    f, y, p = report.figures, report.yoy, report.pop
    row = _rate_rows(ws, [(RATE_LABELS[rate], (f.rates[rate], y.rates[rate], p.rates[rate]), notes.get(rate.value, ""))
                          for rate in f.rates], HEADER_ROWS + 1)
    avg = [report.figures.average_days, report.yoy.average_days, report.pop.average_days]
    cells = ["平均办理天数"]
    for a in avg:
        cells += [a.total_days, a.matters, a.display()]
    cells += ["", "", "（送达日期－受理日期）之和 ÷ 本期答复件数"]
    for i, value in enumerate(cells):
        _put(ws, row, 1 + i, value, align=_LEFT if i in (0, 12) else _CENTER)
    ws.cell(row + 2, 1, "注：分母为 0 的比率显示为“—”。")


def _rate_notes(f: Figures) -> dict[str, str]:
    variant = "满意＋基本满意" if f.satisfaction_variant is SatisfactionVariant.SATISFIED_OR_BASICALLY else "仅“满意”"
    return {
        "timely_acceptance": "本期登记、截止时已作出受理决定或已过告知期限的事项",
        "on_time_reply": "答复期限（含延期）在本期届满或本期答复的已受理事项",
        "evaluation": f"本期送达答复意见的事项；送达后 {f.evaluation_window_days} 天内评价",
        "satisfaction": f"参评事项中满意的比例（计为满意：{variant}）",
        "first_contact_resolution": "本期办结的申诉求决类初信初访事项，截止时无重复信访且未评不满意",
        "backlog_resolution": "期初积案及本期新增积案中截止时已化解的",
        "closure": "本期应办结（期限届满）或本期办结的已受理事项中已办结的",
        "resolution": "本期应办结或本期化解的已受理事项中已化解的",
    }


def _leader_counts(book: Workbook, report: Report, work: LeaderWorkReport) -> None:
    ws = _sheet(book, "领导接访与维稳", report, [24, 7, 10, 10, 10, 10, 10, 10, 10, 36])
    top = HEADER_ROWS - 1
    _head(ws, top, 1, "项目", rows=2)
    _head(ws, top, 2, "单位", rows=2)
    _head(ws, top, 3, "本期", rows=2)
    for g, (group, before) in enumerate((("同比", "上年同期"), ("环比", "上期"))):
        _head(ws, top, 4 + 3 * g, group, cols=3)
        for i, sub in enumerate((before, "增减", "增幅")):
            _head(ws, top + 1, 4 + 3 * g + i, sub)
    _head(ws, top, 10, "口径", rows=2)
    row, group = HEADER_ROWS + 1, ""
    for line in COUNT_LINES:
        if line.group != group:
            group = line.group
            for col in range(1, 11):
                _put(ws, row, col, group if col == 1 else None, bold=True, fill=_TOTAL_FILL, align=_LEFT)
            row += 1
        now = line.value(work.current)
        y, p = change(now, line.value(work.yoy)), change(now, line.value(work.pop))
        cells: list[object] = ["　" + line.label, line.unit, now, y.previous, y.change, y.display(),
                               p.previous, p.change, p.display(), line.note]
        for i, value in enumerate(cells):
            _put(ws, row, 1 + i, value, align=_LEFT if i in (0, 9) else _CENTER)
        row += 1
    ws.cell(row + 1, 1, "注：领导工作数字每次按截止时的记录计算，不随统计报表报送；增幅“—”表示比较期为 0。")


def _leader_rates(book: Workbook, report: Report, work: LeaderWorkReport) -> None:
    ws = _sheet(book, "领导工作化解率", report, [18] + [9] * 9 + [12, 12, 40])
    _rate_header(ws)
    row = _rate_rows(ws, [(r.label, work.rates(r.key), r.note) for r in RATE_LINES], HEADER_ROWS + 1)
    ws.cell(row + 1, 1, "注：分母为 0 的比率显示为“—”。")


def _corrections(book: Workbook, report: Report) -> None:
    items = list(report.submission.corrections if report.submission else ())
    items += [c for c in report.corrections_in_period if c not in items]
    pending = report.submission.pending if report.submission else ()
    if not items and not pending:
        return
    ws = _sheet(book, "更正说明", report, [16, 8, 18, 12, 34, 12, 12, 30])
    top = HEADER_ROWS - 1
    for i, text in enumerate(("所更正期间", "次序", "登记时间", "登记人", "更正项目", "原数", "更正后", "原因")):
        _head(ws, top, 1 + i, text, rows=2)
    row = HEADER_ROWS + 1
    for c in items:
        for change_ in c.changes:
            for i, value in enumerate((c.period.label(), c.seq, f"{c.recorded_at:%Y-%m-%d %H:%M}",
                                       c.recorded_by, change_.label, change_.before, change_.after, c.reason)):
                _put(ws, row, 1 + i, value, align=_LEFT if i in (4, 7) else _CENTER)
            row += 1
    for p in pending:
        for i, value in enumerate((report.period.label(), "待更正", "", "", p.label, p.before, p.after,
                                   "报送后数据发生变化，尚未登记更正")):
            _put(ws, row, 1 + i, value, align=_LEFT if i in (4, 7) else _CENTER)
        row += 1


def write_report_workbook(report: Report, path: str | Path) -> Path:
    target = Path(path)
    book = Workbook()
    book.remove(book.active)
    _overview(book, report)
    _by_subject(book, report)
    _by_place(book, report)
    _by_type_and_unit(book, report)
    _rates(book, report)
    if report.leader_work is not None:
        _leader_counts(book, report, report.leader_work)
        _leader_rates(book, report, report.leader_work)
    _corrections(book, report)
    book.active = 0
    work = temporary_beside(target)
    try:
        book.save(work)
    except OSError:
        work.unlink(missing_ok=True)
        raise
    replace_atomically(work, target)
    return target


def export_report(uow: UnitOfWork, report: Report, path: str | Path) -> Path:
    """Write the report's workbook on the acting user's behalf, and audit that it left the program."""
    uow.actor.require(Permission.READ)
    target = write_report_workbook(report, path)
    audit.record_access(uow, "export", "report", None, period=report.period.kind.value,
                        start=report.period.start, end=report.period.end, file=target.name)
    return target


__all__ = ["export_report", "write_report_workbook"]
