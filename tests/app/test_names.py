"""Person-name normalisation, validation and pinyin keys (app.domain.names)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.names import name_initials, name_pinyin, normalize_name
from app.errors import ValidationError

JI = "\U00020bb7"  # 𠮷, outside the BMP


def reject(raw: str, code: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        normalize_name(raw)
    error = caught.value
    assert (error.field, error.code) == ("name", code)
    assert error.message.startswith("姓名：")
    return error


# --- normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("张三", "张三"),
        ("  张三  ", "张三"),
        ("张 三", "张三"),
        ("张\u3000三", "张三"),  # ideographic space
        ("阿 依 古 丽", "阿依古丽"),
        ("欧阳  修", "欧阳修"),
        ("John  Smith", "John Smith"),  # spaces between Latin words are kept, collapsed
        ("J. Smith", "J. Smith"),  # "." is only a middle dot between Han characters
        ("Ｔｏｍ", "Tom"),  # full-width letters
        (f"{JI}田", f"{JI}田"),
        (f"{JI} 田", f"{JI}田"),
        (f"  {JI}  ", JI),
    ],
)
def test_normalize(typed: str, expected: str) -> None:
    assert normalize_name(typed) == expected


@pytest.mark.parametrize(
    "dot",
    ["·", "\u30fb", "\uff65", "\u2022", "\u2027", "\u2219", "\uff0e", "\u22c5", "."],
)
@pytest.mark.parametrize("template", ["买买提{}艾力", "买买提 {} 艾力", "买买提{} 艾力", "买买提\u3000{}艾力"])
def test_middle_dot_variants_unify(dot: str, template: str) -> None:
    assert normalize_name(template.format(dot)) == "买买提\u00b7艾力"


def test_several_middle_dots() -> None:
    assert normalize_name("阿卜杜 ・ 热合曼 • 艾力") == "阿卜杜·热合曼·艾力"


def test_character_beyond_bmp_is_kept_and_counts_as_one() -> None:
    name = normalize_name(JI * 50)
    assert name == JI * 50 and len(name) == 50


def test_fifty_characters_are_allowed() -> None:
    assert normalize_name("张" * 50) == "张" * 50


# --- rejections -----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["", "   ", "\u3000", " \u3000 "])
def test_empty_or_spaces_only(typed: str) -> None:
    assert reject(typed, "name_empty").message == "姓名：不能为空"


def test_fifty_one_characters() -> None:
    error = reject("张" * 51, "name_too_long")
    assert "50" in error.message and "51" in error.message


@pytest.mark.parametrize("typed", ["张三1", "张3", "张三２", "李四①"])
def test_digits(typed: str) -> None:
    error = reject(typed, "name_digits")
    assert "数字" in error.message


@pytest.mark.parametrize("symbol", list("<>{}[]\\/|@#$%^*=_~") + ["＠", "＜"])
def test_forbidden_symbols(symbol: str) -> None:
    error = reject(f"张{symbol}三", "name_chars")
    assert "符号" in error.message


@pytest.mark.parametrize("char", ["\x00", "\x07", "\n", "\t", "\u200b", "\ufeff", "\ud800"])
def test_control_characters_inside(char: str) -> None:
    error = reject(f"张{char}三", "name_control")
    assert f"U+{ord(char):04X}" in error.message


@pytest.mark.parametrize("typed", ["·艾力", "买买提·", "・艾力", "买买提 •", "张三 ．"])
def test_leading_or_trailing_middle_dot(typed: str) -> None:
    error = reject(typed, "name_dot")
    assert "开头或结尾" in error.message


@pytest.mark.parametrize("typed", ["买买提··艾力", "买买提・•艾力", "买买提 · · 艾力"])
def test_double_middle_dot(typed: str) -> None:
    error = reject(typed, "name_dot")
    assert "两个间隔号" in error.message


# --- pinyin ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "initials", "full"),
    [
        ("张三", "zs", "zhangsan"),
        ("单雄信", "sxx", "shanxiongxin"),  # 单 as a surname is Shan, not dan
        ("曾国藩", "zgf", "zengguofan"),  # 曾 as a surname is Zeng, not ceng
        ("买买提·艾力", "mmtal", "maimaitiaili"),  # the dot is dropped
        ("查尔斯·达尔文", "cesdew", "chaersidaerwen"),  # transliteration: 查 is not a surname here
        ("尉迟恭", "ycg", "yuchigong"),  # compound surname
        ("单于飞", "syf", "shanyufei"),  # 单 + 于飞, not the extinct surname 单于
        ("阚泽", "kz", "kanze"),
        ("吕布", "lb", "lvbu"),  # ü typed as v
        (f"{JI}田", "t", "tian"),  # 𠮷 has no pinyin in pypinyin: skipped
        (f"陈{JI}", "c", "chen"),
        ("Tom张", "tomz", "tomzhang"),  # Latin letters kept, lowercase
        ("José 李", "josel", "joseli"),
        ("", "", ""),
    ],
)
def test_initials_and_pinyin(name: str, initials: str, full: str) -> None:
    assert name_initials(name) == initials
    assert name_pinyin(name) == full


def test_only_the_first_character_gets_the_surname_reading() -> None:
    assert name_pinyin("曾曾") == "zengceng"
    assert name_pinyin("张单") == "zhangdan"


def test_importing_names_does_not_import_pypinyin() -> None:
    code = "import sys, app.domain.names; print('pypinyin' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


# --- properties -----------------------------------------------------------------------------

name_like = st.text(alphabet="张三单曾买提艾力·・•.． \u3000\tAbx1@" + JI, max_size=60)


@given(st.one_of(st.text(), name_like))
def test_arbitrary_text_raises_only_validation_error(text: str) -> None:
    try:
        name = normalize_name(text)
    except ValidationError as error:
        assert error.field == "name" and error.message.startswith("姓名：")
    else:
        assert name == name.strip() and 0 < len(name) <= 50
        assert normalize_name(name) == name  # idempotent
    initials = name_initials(text)
    assert initials == initials.lower() and initials.isascii()
    assert name_pinyin(text).isascii()
