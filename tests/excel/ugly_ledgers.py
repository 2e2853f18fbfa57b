"""Excel ledgers of the shapes offices really keep, generated for the import tests.

Each builder returns the file and notes what a correct import must make of it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from tests.support.ids import make_id


def digit_id(born: str, start: int = 100) -> str:
    return next(n for n in (make_id("330106", born, f"{s:03d}") for s in range(start, start + 40))
                if n[-1].isdigit())


def x_id(born: str) -> str:
    return next(n for n in (make_id("330106", born, f"{s:03d}") for s in range(100, 999)) if n.endswith("X"))


ZHANG_ID = digit_id("19700315")
LI_ID = x_id("19820704")
LOST_ID = digit_id("19650101", 300)


def titled(path: Path) -> Path:
    """Title and notes above the header, blank rows, a repeated header, a note and a total line.

    Data rows (sheet row → what happens):
      6  张三, ID, 2024-03-05 as a real date                  → imported (new person)
      7  李四 (ID with lowercase x), "2024/3/6", 东风村3组     → imported, village from the address
      8  张三 again, same ID, "2024.3.8", 2 people             → imported, same person, repeat contact
      9  blank                                                 → silently skipped
      10 王五等15人, "2024年3月9日", 15 people                 → imported, collective
      11 repeated header row                                   → ignored
      12 赵六、钱七, "20240312", phone                          → imported, two persons
      13 孙八, ID stored as a number (lost digits)             → imported without ID, warned
      14 周九, date "三月中旬"                                  → skipped: date
      15 吴十, no content                                      → skipped: content
      16 note merged across the table                           → ignored
      17 郑一, date in the future                              → skipped by the registration service
      18 赵六 again with the same phone, "2024-03-20 15:30"    → imported, matched by name + phone
      19 合计 row                                              → ignored
      20 李四 with a wrong check digit                          → skipped: ID number
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "来访登记"
    headers = ["序号", "来访日期", "来访人", "身份证号码", "联系电话", "家庭住址", "来访人数", "反映问题", "处理情况"]
    ws.merge_cells("A1:I1")
    ws["A1"] = "某某镇2024年来访登记台账"
    ws.merge_cells("A2:I2")
    ws["A2"] = "填报单位：某某镇信访办　　　　单位：人"
    ws.append([])  # row 3 blank
    ws.append([None, None, None, None, None, None, None, "（此表由综治中心汇总）"])  # row 4 stray note
    ws.append(headers)  # row 5
    wrong_li = LI_ID[:17] + ("1" if LI_ID[17] != "1" else "2")
    rows = [
        [1, datetime(2024, 3, 5, 9, 0), "张三", ZHANG_ID, "13800001111", "东风村1组", 1, "征地补偿款未发放", "已转城建办"],
        [2, "2024/3/6", "李四", LI_ID.lower(), None, "东风村3组", None, "宅基地纠纷", None],
        [3, "2024.3.8", "张三", ZHANG_ID, None, None, 2, "再次反映补偿款问题", None],
        [None] * 9,
        [4, "2024年3月9日", "王五等15人", None, None, "红旗村", 15, "集体反映拖欠工资", None],
        headers,
        [5, "20240312", "赵六、钱七", None, "139-0000-2222", None, 2, "反映村务不公开", None],
        [6, "2024-03-13", "孙八", float(LOST_ID), None, None, 1, "低保问题", None],
        [7, "三月中旬", "周九", None, None, None, 1, "道路问题", None],
        [8, "2024-03-14", "吴十", None, None, None, 1, None, None],
        ["注：以下为补录的来访", None, None, None, None, None, None, None, None],
        [9, "2030-01-01", "郑一", None, None, None, 1, "未来的来访", None],
        [10, "2024-03-20 15:30", "赵六", None, "13900002222", None, 1, "再次反映村务", None],
        ["合计", None, None, None, None, None, 21, None, None],
        [11, "2024-03-21", "李四", wrong_li, None, None, 1, "又来了", None],
    ]
    for row in rows:
        ws.append(row)
    ws.merge_cells("A16:I16")
    wb.save(path)
    return path


def two_row_header(path: Path) -> Path:
    """A two-line header (信访人 over 姓名/证件号; 登记日期 merged down), serial dates, categories.

      3 冯一, Excel serial date 45383 (2024-04-01), 来信, 征地拆迁, 检举控告      → accusation letter
      4 陈二, "2024 / 4 / 2", 来电, 城乡建设/房屋安置, 初访
      5 冯一 again (same ID), 20240405 as a number, 走访, 征地拆迁, 重复访       → repeat of row 3's matter
      6 褚三, "2024年4月8日", 网上, unknown subject wording                   → default subject, warned
      7 卫四, 45394.5 (2024-04-12 12:00), 传真, blank subject
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "2024年"
    ws.append(["序号", "信访人", None, "登记日期", "信访形式", "诉求", "问题类别", "事项类别", "初重访"])
    ws.append([None, "姓名", "证件号", None, None, None, None, None, None])
    ws.merge_cells("B1:C1")
    for col in "ADEFGHI":
        ws.merge_cells(f"{col}1:{col}2")
    feng = digit_id("19580808")
    chen = digit_id("19900202")
    rows = [
        [1, "冯一", feng, 45383, "来信", "举报村干部侵占补偿款", "征地拆迁", "检举控告", "初访"],
        [2, "陈二", chen, " 2024 / 4 / 2 ", "来电", "安置房质量问题", "城乡建设/房屋安置", "申诉求决", "初访"],
        [3, "冯一", feng, 20240405, "走访", "补偿款仍未到位", "征地拆迁", "检举控告", "重复访"],
        [4, "褚三", None, "2024年4月8日", "网上", "网上反映噪音", "乱七八糟的分类", "建议", None],
        [5, "卫四", None, 45394.5, "传真", "传真反映情况", None, None, None],
    ]
    for row in rows:
        ws.append(row)
    wb.create_sheet("说明").append(["本表为示例"])
    wb.save(path)
    return path


def odd_headers(path: Path) -> Path:
    """Headers nobody would guess (甲/乙/丙/丁), a date merged down over a day's visits, two sheets."""
    wb = Workbook()
    cover = wb.active
    cover.title = "封面"
    cover.append(["某某镇信访台账"])
    ws = wb.create_sheet("台账")
    ws.append(["甲", "乙", "丙", "丁"])
    ws.append(["2024-05-06", "蒋五", "反映一", 1])
    ws.append([None, "沈六", "反映二", 1])
    ws.append([None, "韩七", "反映三", 3])
    ws.merge_cells("A2:A4")
    ws.append(["2024-05-07", "杨八", "反映四", 1])
    wb.save(path)
    return path


HUANG_ID = digit_id("19600606")


def with_outcomes(path: Path) -> Path:
    """An old ledger (2023) that records how each matter ended, the way offices fill it in.

      2 秦一, real date, 办结日期 a real date, 办理情况 已解决        → closed historical matter, 20 Apr 2023
      3 尤二, "2023/5/6", 办结日期 "2023年6月1日"                   → closed historical matter, 1 Jun 2023
      4 许三, no result, no closing date                           → flagged for review
      5 何四, 办理情况 "已转城建办" but no closing date              → flagged for review (no date guessed)
      6 吕五, 办结日期 "不详"                                       → flagged, warned
      7 施六, 办结日期 before the visit                             → flagged, warned
      8 许三 again (same ID), 办结日期 2023-09-30, 已答复            → repeat contact; closes row 4's matter
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "2023年来访"
    ws.append(["序号", "来访日期", "姓名", "身份证号", "反映问题", "办理情况", "办结日期"])
    rows = [
        [1, datetime(2023, 3, 5, 9, 0), "秦一", None, "邻里宅基地纠纷", "已调解解决", datetime(2023, 4, 20)],
        [2, "2023/5/6", "尤二", None, "低保申请", "已纳入低保", "2023年6月1日"],
        [3, "2023-07-10", "许三", HUANG_ID, "承包地被占", None, None],
        [4, "2023-07-11", "何四", None, "排水沟堵塞", "已转城建办", None],
        [5, "2023-07-12", "吕五", None, "路灯不亮", "已处理", "不详"],
        [6, "2023-07-13", "施六", None, "噪声扰民", "已答复", "2023-07-01"],
        [7, "2023-09-01", "许三", HUANG_ID, "再次反映承包地被占", "已答复，退还土地", "2023-09-30"],
    ]
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path
