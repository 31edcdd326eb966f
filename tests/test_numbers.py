from decimal import Decimal

import pytest

from app.numbers import CellKind, InputError, format_number, parse_number


@pytest.mark.parametrize("typed,expected", [
    ("12", 12), ("１２", 12), ("1,234", 1234), ("１，２３４", 1234), (" 7 ", 7), ("", 0), ("0", 0),
])
def test_counts_accept_what_clerks_type(typed, expected):
    assert parse_number(typed, CellKind.COUNT) == expected


@pytest.mark.parametrize("typed,message", [
    ("abc", "不是有效的数字"), ("-1", "不能为负数"), ("1.5", "必须是整数"), ("/", "没有发生的请填 0"),
    ("1,23", "不是有效的数字"), ("1e5", "不是有效的数字"), ("9999999999", "过大"),
])
def test_counts_refuse_bad_input_with_chinese_message(typed, message):
    with pytest.raises(InputError, match=message):
        parse_number(typed, CellKind.COUNT)


def test_signed_counts_allow_decrease():
    assert parse_number("-8", CellKind.SIGNED_COUNT) == -8
    assert parse_number("－８", CellKind.SIGNED_COUNT) == -8


def test_amounts_are_decimal_with_bounded_places():
    value = parse_number("12.50", CellKind.AMOUNT, 4)
    assert isinstance(value, Decimal) and value == Decimal("12.50")
    assert format_number(value) == "12.50"
    assert parse_number("2,510.5", CellKind.AMOUNT, 4) == Decimal("2510.5")
    with pytest.raises(InputError, match="小数"):
        parse_number("0.123456", CellKind.AMOUNT, 4)
    with pytest.raises(InputError, match="负数"):
        parse_number("-1", CellKind.AMOUNT, 4)


def test_format_never_shows_exponent():
    assert format_number(Decimal("1E+3")) == "1000"
    assert format_number(Decimal("0.0001")) == "0.0001"
