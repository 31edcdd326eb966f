"""Reads what a clerk types into the basic-information fields (年度, 发布日期, 联系电话 …)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from app.drafts import YEAR_RANGE
from app.numbers import CellKind, InputError, format_number, normalize_text, parse_number
from app.template_model import MetaField

_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_PHONE_CHARS = re.compile(r"^[0-9０-９()（）+\- ]{1,30}$")


def parse_meta_value(field: MetaField, text: str) -> Any:
    """The value to store for what was typed into a metadata field, or raise InputError (Chinese)."""
    stripped = text.strip()
    if not stripped:
        if field.required:
            raise InputError(f"请填写{field.label}")
        return Decimal(0) if field.kind == "amount" else ""
    if field.kind == "year":
        folded = normalize_text(stripped).removesuffix("年")
        if not folded.isdigit() or not YEAR_RANGE[0] <= int(folded) <= YEAR_RANGE[1]:
            raise InputError(f"年度应为四位数字，例如 {date.today().year - 1}")
        return int(folded)
    if field.kind == "amount":
        return parse_number(stripped, CellKind.AMOUNT, field.places)
    if field.kind == "date":
        match = _DATE.match(normalize_text(stripped))
        if not match:
            raise InputError("日期请写成 2027-01-20 或 2027年1月20日 的形式")
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise InputError(f"“{stripped}”不是有效的日期") from None
        return day.isoformat()
    if field.kind == "phone":
        if not _PHONE_CHARS.match(stripped):
            raise InputError("电话号码只能包含数字、空格、括号和“-”，例如 0991-1234567")
        if sum(ch.isdigit() for ch in normalize_text(stripped)) < 7:
            raise InputError("电话号码位数太少，请连同区号填写，例如 0991-1234567")
        return stripped
    if field.kind == "postcode":
        folded = normalize_text(stripped)
        if not re.fullmatch(r"\d{6}", folded):
            raise InputError("邮政编码应为 6 位数字")
        return folded
    return stripped


def shown_meta_value(value: Any) -> str:
    """How a stored metadata value is shown in its field."""
    if isinstance(value, Decimal):
        return format_number(value)
    return "" if value is None else str(value)


def written_date(value: object) -> str:
    """A stored date (2027-01-20) as it is written under a document: 2027年1月20日."""
    text = str(value or "").strip()
    match = _DATE.match(normalize_text(text))
    if match:
        year, month, day = (int(g) for g in match.groups())
        return f"{year}年{month}月{day}日"
    return text
