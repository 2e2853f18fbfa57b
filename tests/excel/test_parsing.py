"""What real ledgers contain: dates, ID numbers, collective names, wording of categories."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.domain.enums import Channel, MatterType, SkipLevel
from app.excel import parsing as P
from app.excel.sheet_reader import field_for
from tests.support.ids import make_id

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(("value", "expected"), [
    (datetime(2024, 3, 5, 9, 30), datetime(2024, 3, 5, 9, 30)),
    (date(2024, 3, 5), datetime(2024, 3, 5)),
    (45356, datetime(2024, 3, 5)),  # Excel serial
    (45356.375, datetime(2024, 3, 5, 9, 0)),
    ("45356", datetime(2024, 3, 5)),
    ("2024-03-05", datetime(2024, 3, 5)),
    ("2024/3/5", datetime(2024, 3, 5)),
    ("2024.3.5", datetime(2024, 3, 5)),
    ("2024年3月5日", datetime(2024, 3, 5)),
    ("2024年3月5号", datetime(2024, 3, 5)),
    ("20240305", datetime(2024, 3, 5)),
    (20240305, datetime(2024, 3, 5)),
    ("  2024 - 3 - 5  ", datetime(2024, 3, 5)),
    ("２０２４年３月５日", datetime(2024, 3, 5)),
    ("2024-03-05 14:30", datetime(2024, 3, 5, 14, 30)),
    ("2024年3月5日 下午3时", datetime(2024, 3, 5, 15, 0)),
    ("2024/3/5 9:05:00", datetime(2024, 3, 5, 9, 5)),
])
def test_dates(value: object, expected: datetime) -> None:
    assert P.parse_datetime(value) == expected


@pytest.mark.parametrize("value", ["", "三月五日", "2024-02-30", "12", "2024/13/1", None])
def test_bad_dates(value: object) -> None:
    with pytest.raises(P.CellError):
        P.parse_datetime(value)


def _id_with_x() -> str:
    for seq in range(100, 999):
        number = make_id("330106", "19800101", str(seq))
        if number.endswith("X"):
            return number
    raise AssertionError


def test_id_numbers() -> None:
    good = make_id("330106", "19900101", "123")
    assert P.parse_id(good, today=TODAY).value == good
    x = _id_with_x()
    assert P.parse_id(x.lower(), today=TODAY).value == x
    full_width = good.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    assert P.parse_id(f" {full_width} ", today=TODAY).value == good
    assert P.parse_id(f"'{good}", today=TODAY).value == good
    assert P.parse_id(None, today=TODAY).value is None


def test_id_numbers_that_lost_precision_are_flagged_not_used() -> None:
    good = next(n for n in (make_id("330106", "19900101", f"{s:03d}") for s in range(120, 140))
                if n[-1].isdigit())
    as_float = float(good)  # what Excel keeps of an 18-digit number typed into a General cell
    parsed = P.parse_id(as_float, today=TODAY)
    assert parsed.value is None and "丢失" in parsed.warnings[0]
    parsed = P.parse_id(int(good[:15] + "000"), today=TODAY)
    assert parsed.value is None and "丢失" in parsed.warnings[0]
    parsed = P.parse_id("3.30106199001011E+17", today=TODAY)
    assert parsed.value is None and "科学计数法" in parsed.warnings[0]
    parsed = P.parse_id(good[:15] + "000", today=TODAY)
    assert parsed.value is None and "000" in parsed.warnings[0]
    old = good[:6] + good[8:17]  # the same person's 15-digit old number
    assert P.parse_id(int(old), today=TODAY).value == good
    with pytest.raises(P.CellError, match="校验位"):
        P.parse_id(good[:17] + ("1" if good[17] != "1" else "2"), today=TODAY)


def test_collective_names() -> None:
    assert P.parse_names("张三等15人").value == P.Names(("张三",), 15)
    assert P.parse_names("张三、李四").value == P.Names(("张三", "李四"), 2)
    assert P.parse_names("张三，李四,王五").value.names == ("张三", "李四", "王五")
    assert P.parse_names("张三（代表）").value.names == ("张三",)
    assert P.parse_names("匿名").value.anonymous
    many = P.parse_names("甲一、乙二、丙三、丁四、戊五、己六")
    assert len(many.value.names) == 5 and many.value.headcount_hint == 6 and many.warnings
    with pytest.raises(P.CellError):
        P.parse_names("  ")


def test_words_for_channels_types_and_targets() -> None:
    assert P.parse_channel("来访") is Channel.VISIT and P.parse_channel("走访") is Channel.VISIT
    assert P.parse_channel("来信") is Channel.LETTER and P.parse_channel("电话") is Channel.PHONE
    assert P.parse_channel("网上信访") is Channel.ONLINE and P.parse_channel("传真") is Channel.FAX
    assert P.parse_channel("") is None
    assert P.parse_matter_type("检举控告") is MatterType.ACCUSATION
    assert P.parse_matter_type("申诉求决类") is MatterType.CLAIM
    assert P.parse_skip_level("进京") is SkipLevel.BEIJING and P.parse_skip_level("否") is None
    assert P.parse_headcount("15人") == 15 and P.parse_headcount(3.0) == 3
    assert P.parse_repeat("重复访") is True and P.parse_repeat("初访") is False


def test_subject_wording() -> None:
    subjects = {"01": ("城乡建设", None), "0101": ("征地拆迁", "01"), "0102": ("房屋安置", "01")}
    assert P.match_subject("征地拆迁", subjects) == "0101"
    assert P.match_subject("城乡建设/房屋安置", subjects) == "0102"
    assert P.match_subject("城乡建设", subjects) == "01"
    assert P.match_subject("0102", subjects) == "0102"
    assert P.match_subject("关于征地拆迁补偿", subjects) == "0101"
    assert P.match_subject("其它事情", subjects) is None


@pytest.mark.parametrize(("header", "field"), [
    ("姓名", "name"), ("信访人", "name"), ("来访人", "name"), ("身份证", "id_number"),
    ("身份证号码", "id_number"), ("证件号", "id_number"), ("来访时间", "contact_at"),
    ("登记日期", "contact_at"), ("日期", "contact_at"), ("人数", "headcount"), ("来访人数", "headcount"),
    ("反映问题", "content"), ("诉求", "content"), ("主要内容", "content"), ("村（社区）", "village"),
    ("问题类别", "subject"), ("事项类别", "matter_type"), ("联系电话", "phone"), ("来访\n日期", "contact_at"),
    ("*姓名", "name"), ("问题属地", "problem_village"), ("备注", "note"),
])
def test_header_synonyms(header: str, field: str) -> None:
    assert field_for(header)[0] == field
