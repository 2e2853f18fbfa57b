"""Read a ledger sheet as offices make them: find the header row below titles and merged cells,
map columns to fields by their wording, and tell data rows from blank, repeated-header and note rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.text import fold_width
from app.errors import StorageError, ValidationError

SCAN_ROWS = 30  # the header is looked for in the first rows

# field → (label, synonyms). Exact matches win over partial ones; longer synonyms over shorter.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "contact_at": ("来访时间", ("来访时间", "登记日期", "日期", "来访日期", "信访日期", "登记时间", "时间",
                            "接访时间", "接访日期", "来信日期", "来电时间", "收件日期", "受理日期", "年月日")),
    "name": ("信访人", ("姓名", "信访人", "来访人", "信访人姓名", "来访人姓名", "上访人", "反映人",
                      "当事人", "来信人", "来电人", "信访群众", "诉求人")),
    "id_number": ("身份证号", ("身份证", "身份证号", "身份证号码", "证件号", "证件号码", "公民身份号码",
                            "身份证件号码")),
    "phone": ("联系电话", ("电话", "联系电话", "手机", "手机号", "手机号码", "联系方式", "电话号码")),
    "headcount": ("人数", ("人数", "来访人数", "人次", "上访人数", "到访人数")),
    "content": ("反映问题", ("反映问题", "诉求", "主要内容", "反映内容", "信访事项", "主要诉求", "问题",
                         "事由", "内容", "反映的主要问题", "信访内容", "诉求内容", "来访事由",
                         "反映的问题", "简要内容")),
    "address": ("住址", ("住址", "地址", "家庭住址", "现住址", "户籍地址", "住所", "家庭地址")),
    "village": ("所在村（社区）", ("村", "所在村", "村社区", "所属村", "村居", "村别", "村名",
                               "所在村社区", "村委会")),
    "problem_village": ("问题属地", ("问题属地", "问题发生地", "属地", "问题所在地")),
    "channel": ("信访形式", ("信访形式", "来访方式", "形式", "方式", "信访方式", "渠道", "来源")),
    "matter_type": ("事项类别", ("事项类别", "信访类别", "事项类型", "类别")),
    "subject": ("问题分类", ("问题分类", "问题类别", "内容分类", "问题类型", "分类", "问题性质")),
    "repeat": ("初访/重复访", ("初重访", "初访重访", "初访重复访", "是否重复访", "访别", "初信初访",
                            "是否初访", "初访重复")),
    "skip_level": ("越级情形", ("越级情形", "越级", "越级情况", "是否越级")),
    "leader": ("接访领导", ("接访领导", "领导接访", "接待领导", "包案领导")),
    "result": ("办理情况", ("办理情况", "处理情况", "办理结果", "处理结果", "答复情况", "处理意见",
                        "办理结果及答复")),
    "closed_on": ("办结日期", ("办结日期", "办结时间", "结案日期", "结案时间", "办理完成日期", "答复日期",
                          "办结")),
    "note": ("备注", ("备注", "说明")),
    "number": ("序号", ("序号", "编号", "登记编号", "顺序号")),
}
REQUIRED = ("contact_at", "name", "content")
_CLEAN = re.compile(r"[\s\u3000*＊:：/、（）()\[\]【】]+")
_TOTAL_WORDS = ("合计", "小计", "总计", "累计")


def normalize_header(value: Any) -> str:
    return _CLEAN.sub("", fold_width(str(value or "")))


def field_for(header: str) -> tuple[str | None, int]:
    """(field, score) for a header: 3 exact, 2 the header starts with a synonym, 1 contains one."""
    text = normalize_header(header)
    if not text:
        return None, 0
    best: tuple[str | None, int, int] = (None, 0, 0)
    for name, (_, synonyms) in FIELDS.items():
        for syn in synonyms:
            score = 3 if text == syn else 2 if text.startswith(syn) else 1 if len(syn) >= 2 and syn in text else 0
            if (score, len(syn)) > (best[1], best[2]):
                best = (name, score, len(syn))
    return best[0], best[1]


@dataclass
class SheetGrid:
    """The sheet's values with merged cells resolved, plus which rows are single merged notes."""

    name: str
    rows: list[list[Any]]
    note_rows: set[int] = field(default_factory=set)  # 0-based indexes
    width: int = 0


def open_workbook(path: Path):  # type: ignore[no-untyped-def]
    if path.suffix.lower() == ".xls":
        raise ValidationError("xls_format", f"{path.name}：旧版 .xls 格式无法读取，请在 Excel/WPS 中另存为 .xlsx",
                              field="file")
    try:
        return load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise StorageError("file_missing", f"文件不存在：{path}") from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise ValidationError("not_xlsx", f"{path.name}：不是有效的 Excel 文件（{exc}）", field="file") from None


def pick_sheet(book: Any, name: str | None) -> Worksheet:
    if name is None:
        return book.worksheets[0] if len(book.worksheets) == 1 else _fullest(book)
    if name not in book.sheetnames:
        raise ValidationError("sheet", f"工作表“{name}”不存在（有：{'、'.join(book.sheetnames)}）", field="sheet")
    return book[name]


def _fullest(book: Any) -> Worksheet:
    return max(book.worksheets, key=lambda s: s.max_row * min(s.max_column, 30))


def read_grid(sheet: Worksheet) -> SheetGrid:
    width = sheet.max_column
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    grid = SheetGrid(sheet.title, rows, width=width)
    for merged in sheet.merged_cells.ranges:
        top, left = merged.min_row - 1, merged.min_col - 1
        value = rows[top][left] if top < len(rows) and left < len(rows[top]) else None
        span = merged.max_col - merged.min_col + 1
        if merged.min_row == merged.max_row and span >= max(3, width * 0.6):
            grid.note_rows.add(top)  # a title or a note written across the table
            continue
        # Cells merged over several rows (one date for a day's visits) belong to each row.
        for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
            for c in range(merged.min_col - 1, merged.max_col):
                if c < len(rows[r]):
                    rows[r][c] = value
    return grid


@dataclass(frozen=True)
class ColumnMap:
    header_row: int  # 0-based index of the (last) header row
    headers: tuple[str, ...]  # per column
    fields: dict[str, int]  # field → 0-based column


def _row_fields(row: list[Any]) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for col, value in enumerate(row):
        name, score = field_for(value) if isinstance(value, str) else (None, 0)
        if name and score and (name not in found or score > found[name][1]):
            found[name] = (col, score)
    return found


def detect_header(grid: SheetGrid, header_row: int | None = None) -> ColumnMap:
    """The header row: the best-matching row near the top (a two-row header is merged)."""
    if header_row is not None:
        index = header_row - 1
    else:
        scored = [(sum(1 for _, s in _row_fields(row).values() if s >= 2), -i, i)
                  for i, row in enumerate(grid.rows[:SCAN_ROWS]) if i not in grid.note_rows]
        best = max(scored, default=(0, 0, 0))
        if best[0] < 2:
            raise ValidationError("no_header", f"工作表“{grid.name}”：前 {SCAN_ROWS} 行中找不到表头"
                                  "（应含有“姓名”“来访时间”“反映问题”等列），请手动指定表头行和列",
                                  field="header_row")
        index = best[2]
    headers = [_cell_text(v) for v in _padded(grid.rows[index], grid.width)]
    below = index + 1
    if below < len(grid.rows) and below not in grid.note_rows:
        lower = [_cell_text(v) for v in _padded(grid.rows[below], grid.width)]
        # A second header line: its cells name fields where the first line only groups them.
        if sum(1 for v in lower if v and field_for(v)[1] >= 2) >= 2 and not _looks_like_data(grid.rows[below]):
            headers = [lo if lo and lo != up else up for up, lo in zip(headers, lower)]
            index = below
    fields: dict[str, int] = {}
    scores: dict[str, int] = {}
    for col, text in enumerate(headers):
        name, score = field_for(text)
        if name and score > scores.get(name, 0):
            fields[name], scores[name] = col, score
    return ColumnMap(index, tuple(headers), fields)


def _looks_like_data(row: list[Any]) -> bool:
    from datetime import datetime

    return any(isinstance(v, (int, float, datetime)) and not isinstance(v, bool) for v in row)


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _padded(row: list[Any], width: int) -> list[Any]:
    return list(row) + [None] * (width - len(row))


def apply_mapping(columns: ColumnMap, mapping: Mapping[str, str | int | None]) -> ColumnMap:
    """The user's corrections: field → column letter ("C"), 0-based index, header text, or None."""
    fields = dict(columns.fields)
    for name, target in mapping.items():
        if name not in FIELDS:
            raise ValidationError("mapping_field", f"列映射：未知字段“{name}”", field="mapping")
        if target is None or target == "":
            fields.pop(name, None)
            continue
        fields[name] = _column_index(columns, target)
    for name, col in list(fields.items()):
        if name not in mapping and col in {fields[m] for m in mapping if m in fields}:
            del fields[name]  # a column the user gave to another field
    return ColumnMap(columns.header_row, columns.headers, fields)


def _column_index(columns: ColumnMap, target: str | int) -> int:
    if isinstance(target, int):
        index = target
    elif target.isascii() and target.isalpha():
        index = column_index_from_string(target.upper()) - 1
    else:
        wanted = normalize_header(target)
        matches = [i for i, h in enumerate(columns.headers) if normalize_header(h) == wanted]
        if not matches:
            raise ValidationError("mapping_column", f"列映射：找不到列“{target}”", field="mapping")
        index = matches[0]
    if not 0 <= index < len(columns.headers):
        raise ValidationError("mapping_column", f"列映射：列 {target} 超出表格范围", field="mapping")
    return index


def check_required(columns: ColumnMap) -> None:
    missing = [FIELDS[f][0] for f in REQUIRED if f not in columns.fields]
    if missing:
        raise ValidationError("mapping_missing", f"列映射：缺少必需的列 {'、'.join(missing)}，请在映射中指定",
                              field="mapping", missing=missing)


def row_kind(grid: SheetGrid, columns: ColumnMap, index: int) -> str | None:
    """Why a row is not data: blank, a repeated header, a note across the table, a total line."""
    row = grid.rows[index]
    texts = [_cell_text(v) for v in row]
    if not any(texts):
        return "空行"
    if index in grid.note_rows:
        return "说明行（合并单元格）"
    mapped = [texts[c] for c in columns.fields.values() if c < len(texts)]
    headers = [columns.headers[c] for c in columns.fields.values()]
    if sum(1 for t, h in zip(mapped, headers) if t and t == h) >= max(2, len(headers) // 2):
        return "重复的表头行"
    if any(t.replace(" ", "").startswith(_TOTAL_WORDS) for t in texts[:3] if t):
        return "合计行"
    filled = [t for t in texts if t]
    if len(filled) == 1 and re.match(r"^(注|备注|说明|附)[：:]", filled[0]):
        return "说明行"
    return None


def letter(index: int) -> str:
    return get_column_letter(index + 1)
