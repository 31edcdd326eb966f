"""Cell kinds and the parsing, validation and formatting of the numbers a clerk types."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from enum import StrEnum

Number = int | Decimal

MAX_COUNT = 999_999_999
MAX_AMOUNT = Decimal("999999999999")


class CellKind(StrEnum):
    """What a table cell holds."""

    COUNT = "count"  # whole number >= 0
    SIGNED_COUNT = "signed_count"  # whole number, may be negative (2019 本年增/减)
    AMOUNT = "amount"  # Decimal >= 0 with a bounded number of decimal places

    @property
    def is_amount(self) -> bool:
        return self is CellKind.AMOUNT


class InputError(ValueError):
    """A value typed or read that is not acceptable; the message is for the clerk."""


_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$")


def normalize_text(text: str) -> str:
    """Fold full-width digits, signs and separators to ASCII and drop spaces."""
    folded = unicodedata.normalize("NFKC", text)
    folded = folded.replace("−", "-").replace("—", "-").replace("，", ",")
    return "".join(folded.split())


def parse_number(text: str, kind: CellKind, places: int = 0) -> Number:
    """Parse what a clerk typed into a cell, or raise InputError with a Chinese message.

    An empty cell means 0. Full-width digits and correct thousands separators are accepted.
    """
    raw = normalize_text(text)
    if raw == "":
        return Decimal(0) if kind.is_amount else 0
    if _GROUPED.match(raw):
        raw = raw.replace(",", "")
    if not _PLAIN.match(raw):
        if raw in {"/", "-", "无", "—"}:
            raise InputError(f"“{text.strip()}”不是数字：没有发生的请填 0")
        raise InputError(f"“{text.strip()}”不是有效的数字")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise InputError(f"“{text.strip()}”不是有效的数字") from exc
    return check_number(value, kind, places, shown=text.strip())


def check_number(value: Number, kind: CellKind, places: int = 0, shown: str | None = None) -> Number:
    """Validate a number against a cell kind and return it in the kind's type (int or Decimal)."""
    shown = shown if shown is not None else str(value)
    if isinstance(value, bool):
        raise InputError(f"“{shown}”不是数字")
    if kind.is_amount:
        dec = Decimal(value)
        if not dec.is_finite():
            raise InputError(f"“{shown}”不是有效的金额")
        if dec < 0:
            raise InputError(f"金额不能为负数（“{shown}”）")
        if dec > MAX_AMOUNT:
            raise InputError(f"金额“{shown}”过大，请核对")
        exponent = dec.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            raise InputError(f"金额最多保留 {places} 位小数（“{shown}”）")
        return dec
    dec = Decimal(value)
    if not dec.is_finite() or dec != dec.to_integral_value():
        raise InputError(f"件数必须是整数（“{shown}”）")
    whole = int(dec)
    if kind is CellKind.COUNT and whole < 0:
        raise InputError(f"件数不能为负数（“{shown}”）")
    if abs(whole) > MAX_COUNT:
        raise InputError(f"数字“{shown}”过大，请核对")
    return whole


def format_number(value: Number) -> str:
    """Show a number the way it is written in the report (no exponent, no float noise)."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return "0" if text in {"-0", ""} else text
    return str(value)


def zero(kind: CellKind) -> Number:
    return Decimal(0) if kind.is_amount else 0
