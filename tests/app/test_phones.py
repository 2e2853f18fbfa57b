"""Phone-number normalisation and validation (app.domain.phones)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.phones import normalize_phone, phone_search_prefix
from app.errors import ValidationError


def reject(raw: str, code: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        normalize_phone(raw)
    error = caught.value
    assert (error.field, error.code) == ("phone", code)
    assert error.message.startswith("联系电话：")
    return error


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # mobile
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("0086-138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits
        ("＋８６　１３８１２３４５６７８", "13812345678"),  # full-width plus, ideographic space
        ("19912345678", "19912345678"),
        # landline with area code
        ("0571-8888888", "05718888888"),  # 4-digit area code + 7 digits
        ("0571-88888888", "057188888888"),  # 4-digit area code + 8 digits
        ("010-12345678", "01012345678"),  # 3-digit area code + 8 digits
        ("(010) 1234 5678", "01012345678"),
        ("（０１０）１２３４５６７８", "01012345678"),  # full-width parentheses
        ("021\u20146123 4567", "02161234567"),  # em dash
        ("+86 571 8888 8888", "057188888888"),  # international form drops the trunk 0
        ("+86 (0)571 8888 8888", "057188888888"),
        ("+86 10 1234 5678", "01012345678"),
        # local number without area code
        ("8888888", "8888888"),
        ("8888 8888", "88888888"),
        ("2345-6789", "23456789"),
    ],
)
def test_normalize(typed: str, expected: str) -> None:
    assert normalize_phone(typed) == expected


@pytest.mark.parametrize("typed", ["", "   ", "\u3000", "--", "()", "+86"])
def test_empty(typed: str) -> None:
    assert reject(typed, "phone_empty").message == "联系电话：不能为空"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("138l2345678", "“l”"),
        ("138.1234.5678", "“.”"),
        ("+1 415 555 0100", "“+”"),  # only +86 is understood
        ("0571-8888888转801", "“转”"),
        ("138\x0012345678", "U+0000"),
        ("١٣٨١٢٣٤٥٦٧٨", "“١”"),  # Arabic-Indic digits are not digits here
    ],
)
def test_invalid_characters(typed: str, shown: str) -> None:
    error = reject(typed, "phone_chars")
    assert shown in error.message


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("1381234567", "手机号应为 11 位，现在是 10 位"),
        ("138123456789", "手机号应为 11 位，现在是 12 位"),
        ("110", "手机号"),
        ("057188888", "现在是 9 位"),
        ("0571888888888", "现在是 13 位"),
        ("0571-8888-8888-801", "固定电话"),  # extension typed as digits
        ("888888", "7–8 位，现在是 6 位"),
        ("888888888", "现在是 9 位"),
        ("0888888", "固定电话"),  # 7 digits starting with 0: area code without a number
        ("1888888", "手机号"),
        ("00712345678", "固定电话"),  # no area code starts with 00 (international prefix)
    ],
)
def test_wrong_length(typed: str, hint: str) -> None:
    error = reject(typed, "phone_length")
    assert hint in error.message


def test_ten_digit_landline_is_accepted() -> None:
    # Spec: 3-4 digit area code + 7-8 digits, so 10 digits (3 + 7) passes the shape check.
    assert normalize_phone("0571888888") == "0571888888"


def test_length_is_a_parameter() -> None:
    assert reject("1381234567", "phone_length").params["length"] == 10


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("138", "138"),
        ("138 1234", "1381234"),
        ("１３８－１２", "13812"),
        ("(0571) 88", "057188"),
        ("+86 138", "138"),
        ("13", None),  # fewer than 3 digits
        ("", None),
        ("张三", None),
        ("138x", None),
        ("11010519491231002X", None),
    ],
)
def test_phone_search_prefix(typed: str, expected: str | None) -> None:
    assert phone_search_prefix(typed) == expected


phone_like = st.text(alphabet="0123456789１３８+-() \u3000（）x", max_size=20)


@given(st.one_of(st.text(), phone_like))
def test_arbitrary_text_raises_only_validation_error(text: str) -> None:
    try:
        number = normalize_phone(text)
    except ValidationError as error:
        assert error.field == "phone" and error.message.startswith("联系电话：")
    else:
        assert number.isascii() and number.isdigit() and 7 <= len(number) <= 12
        assert normalize_phone(number) == number  # idempotent
    prefix = phone_search_prefix(text)
    assert prefix is None or (prefix.isascii() and prefix.isdigit() and len(prefix) >= 3)


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_any_mobile_number_round_trips_through_formatting(number: str) -> None:
    spaced = f"+86 {number[:3]} {number[3:7]}-{number[7:]}"
    assert normalize_phone(spaced) == number
