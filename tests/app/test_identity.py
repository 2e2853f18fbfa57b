"""ID number normalisation and validation (app.domain.identity)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.identity import Gender, IdNumberInfo, id_search_prefix, parse_id_number
from app.errors import ValidationError
from tests.support.ids import check_char, make_id

TODAY = date(2026, 6, 15)
def reject(raw: str, code: str, *, today: date = TODAY) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse_id_number(raw, today=today)
    error = caught.value
    assert (error.field, error.code) == ("id_number", code)
    assert error.message.startswith("身份证号：")
    return error


# --- valid numbers --------------------------------------------------------------------------


def test_standard_example_from_gb_11643() -> None:
    info = parse_id_number("11010519491231002X", today=TODAY)
    assert info == IdNumberInfo(
        number="11010519491231002X",
        birth_date=date(1949, 12, 31),
        gender=Gender.FEMALE,
        division_code="110105",
        upgraded=False,
    )


def test_odd_sequence_digit_is_male() -> None:
    info = parse_id_number("360426199101010071", today=TODAY)
    assert info.gender is Gender.MALE
    assert info.birth_date == date(1991, 1, 1)
    assert info.division_code == "360426"


def test_fifteen_digit_number_is_upgraded_with_known_result() -> None:
    info = parse_id_number("110105491231002", today=TODAY)
    assert info.number == "11010519491231002X"
    assert info.upgraded is True
    assert info.birth_date == date(1949, 12, 31)
    assert info.gender is Gender.FEMALE


def test_fifteen_digit_male_upgrade() -> None:
    info = parse_id_number("360426910101007", today=TODAY)
    assert info.number == "360426199101010071"
    assert info.gender is Gender.MALE


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",  # lowercase x
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and X
        "１１０１０５１９４９１２３１００２ｘ",  # full-width lowercase x
        "  11010519491231002X  ",  # surrounding spaces
        "110105 19491231 002X",  # groups separated by spaces
        "110105\u300019491231\u3000002X",  # ideographic spaces (U+3000)
        "\t110105 1949 1231 002 x\n",
    ],
)
def test_typing_variants_normalise(typed: str) -> None:
    assert parse_id_number(typed, today=TODAY).number == "11010519491231002X"


def test_leap_day_birth_date_is_valid() -> None:
    assert parse_id_number(make_id("110105", "20000229", "123"), today=TODAY).birth_date == date(
        2000, 2, 29
    )


def test_born_today_is_valid() -> None:
    number = make_id("110105", TODAY.strftime("%Y%m%d"), "001")
    assert parse_id_number(number, today=TODAY).birth_date == TODAY


def test_exactly_130_years_is_valid_one_day_more_is_not() -> None:
    assert parse_id_number(make_id("110105", "18960615", "001"), today=TODAY)
    error = reject(make_id("110105", "18960614", "001"), "id_too_old")
    assert "1896-06-14" in error.message


def test_130_years_before_a_leap_day_counts_from_28_february() -> None:
    leap_today = date(2024, 2, 29)  # 1894-02-29 does not exist
    assert parse_id_number(make_id("110105", "18940228", "001"), today=leap_today)
    reject(make_id("110105", "18940227", "001"), "id_too_old", today=leap_today)


def test_gb_example_born_1880_is_too_old_today() -> None:
    # The other example printed in GB 11643-1999; it is arithmetically valid.
    assert check_char("44052418800101001") == "4"
    reject("440524188001010014", "id_too_old")


# --- rejections -----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["", "   ", "\u3000\u3000"])
def test_empty(typed: str) -> None:
    error = reject(typed, "id_empty")
    assert error.message == "身份证号：不能为空"


def test_invalid_checksum() -> None:
    error = reject("110105194912310021", "id_checksum")
    assert error.message == "身份证号：校验位不正确，请核对最后一位"


def test_impossible_birth_date() -> None:
    error = reject(make_id("110105", "19900230", "123"), "id_birth_date")
    assert error.message == "身份证号：出生日期 1990-02-30 不存在"
    assert error.params["birth_date"] == "1990-02-30"


def test_impossible_birth_date_wins_over_checksum() -> None:
    body = "11010519900230123"
    wrong = "0" if check_char(body) != "0" else "1"
    reject(body + wrong, "id_birth_date")


@pytest.mark.parametrize("born", ["19901301", "19900001", "19900100", "00000101", "19000229"])
def test_other_impossible_dates(born: str) -> None:
    reject(make_id("110105", born, "123"), "id_birth_date")


def test_fifteen_digit_impossible_date() -> None:
    error = reject("110105000229123", "id_birth_date")  # 1900 was not a leap year
    assert "1900-02-29" in error.message


def test_future_birth_date() -> None:
    tomorrow = (TODAY + timedelta(days=1)).strftime("%Y%m%d")
    error = reject(make_id("110105", tomorrow, "123"), "id_future_birth")
    assert "2026-06-16" in error.message and "晚于今天" in error.message


@pytest.mark.parametrize("typed", ["1101051949123100", "1234567890123456789", "12345", "1"])
def test_wrong_length(typed: str) -> None:
    error = reject(typed, "id_length")
    assert f"现在是 {len(typed)} 位" in error.message
    assert error.params["length"] == len(typed)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("11010519491231002A", "“A”"),
        ("11010519491231002a", "“a”"),
        ("1101051949I231002X", "“I”"),
        ("110105-19491231-002X", "“-”"),
        ("张三", "“张”"),
        ("110105\x0019491231002X", "U+0000"),  # invisible characters shown as a code point
    ],
)
def test_letters_and_symbols_inside(typed: str, shown: str) -> None:
    error = reject(typed, "id_chars")
    assert shown in error.message


def test_x_not_in_last_position() -> None:
    error = reject("1101051949123100X2", "id_chars")
    assert "最后一位" in error.message


def test_fifteen_digit_number_has_no_check_character() -> None:
    error = reject("11010549123100X", "id_chars")
    assert "15 位" in error.message


def test_unicode_digits_are_not_digits() -> None:
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in "11010519491231002") + "X"
    reject(arabic_indic, "id_chars")
    reject("①1010519491231002X", "id_chars")


def test_importing_identity_does_not_import_stdnum() -> None:
    code = "import sys, app.domain.identity; print('stdnum' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


# --- search prefix --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("110105", "110105"),
        ("１１０１０５ １９", "11010519"),
        ("110105 1949 1231 002x", "11010519491231002X"),
        ("11010519491231002", "11010519491231002"),
        ("11010", None),  # too short to be an ID start
        ("1101051949x", None),  # X only as 18th character
        ("1101051949123100212", None),  # longer than an ID number
        ("张三", None),
        ("", None),
        ("110105-1949", None),
    ],
)
def test_id_search_prefix(typed: str, expected: str | None) -> None:
    assert id_search_prefix(typed) == expected


# --- properties -----------------------------------------------------------------------------

divisions = st.integers(min_value=0, max_value=999_999).map(lambda n: f"{n:06d}")
sequences = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")
birth_dates = st.dates(min_value=date(1896, 6, 15), max_value=TODAY)


@given(division=divisions, born=birth_dates, sequence=sequences)
def test_valid_numbers_round_trip(division: str, born: date, sequence: str) -> None:
    number = make_id(division, born.strftime("%Y%m%d"), sequence)
    info = parse_id_number(number, today=TODAY)
    assert info.number == number
    assert info.birth_date == born
    assert info.division_code == division
    assert info.gender is (Gender.MALE if int(sequence[-1]) % 2 else Gender.FEMALE)
    assert info.upgraded is False
    assert parse_id_number(number.lower().replace("", " "), today=TODAY) == info


@given(division=divisions, born=st.dates(date(1900, 1, 1), date(1999, 12, 31)), sequence=sequences)
def test_valid_fifteen_digit_numbers_upgrade(division: str, born: date, sequence: str) -> None:
    old = division + born.strftime("%y%m%d") + sequence
    info = parse_id_number(old, today=TODAY)
    assert info.number == make_id(division, born.strftime("%Y%m%d"), sequence)
    assert info.upgraded is True
    assert info.birth_date == born


@given(
    division=divisions, born=birth_dates, sequence=sequences, wrong=st.sampled_from("0123456789X")
)
def test_any_other_check_character_is_rejected(
    division: str, born: date, sequence: str, wrong: str
) -> None:
    number = make_id(division, born.strftime("%Y%m%d"), sequence)
    if wrong != number[-1]:
        reject(number[:-1] + wrong, "id_checksum")


near_ids = st.text(alphabet="0123456789Xx１２ｘＸ \u3000-·", max_size=24)


@given(st.one_of(st.text(), near_ids))
def test_arbitrary_text_raises_only_validation_error(text: str) -> None:
    try:
        info = parse_id_number(text, today=TODAY)
    except ValidationError as error:
        assert error.field == "id_number" and error.message.startswith("身份证号：")
    else:
        assert len(info.number) == 18
    prefix = id_search_prefix(text)
    assert prefix is None or (6 <= len(prefix) <= 18)
