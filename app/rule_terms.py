"""Parses the terms of an equation rule: "new", "-repealed", "last:in_force"."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One addend of an equation: a row or column id, its sign, and whether it is last year's."""

    ref: str
    sign: int = 1
    last: bool = False


def parse_term(text: str) -> Term:
    sign = 1
    if text.startswith("-"):
        sign, text = -1, text[1:]
    last = text.startswith("last:")
    if last:
        text = text[len("last:"):]
    return Term(text, sign, last)
