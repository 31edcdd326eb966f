from decimal import Decimal

import pytest

from app.meta_fields import parse_meta_value
from app.numbers import InputError


def field(template, field_id):
    return template.meta_field(field_id)


@pytest.mark.parametrize("field_id,typed,expected", [
    ("year", "２０２６", 2026), ("year", "2026年", 2026), ("publish_date", "2027年1月20日", "2027-01-20"),
    ("publish_date", "2027/1/5", "2027-01-05"), ("postcode", "８３５０００", "835000"),
    ("contact_phone", "0991-1234567", "0991-1234567"), ("info_fee", "30", Decimal("30")),
    ("address", "  人民路1号 ", "人民路1号"), ("info_fee", "", Decimal(0)),
])
def test_accepted(t2021, field_id, typed, expected):
    assert parse_meta_value(field(t2021, field_id), typed) == expected


@pytest.mark.parametrize("field_id,typed,message", [
    ("organ", "  ", "请填写机关名称"), ("year", "26", "四位数字"), ("publish_date", "2027-02-30", "不是有效的日期"),
    ("publish_date", "明年", "日期请写成"), ("postcode", "83500", "6 位"), ("contact_phone", "电话", "只能包含数字"),
    ("contact_phone", "12345", "位数太少"),
    ("info_fee", "-5", "负数"),
])
def test_refused_with_chinese_message(t2021, field_id, typed, message):
    with pytest.raises(InputError, match=message):
        parse_meta_value(field(t2021, field_id), typed)
