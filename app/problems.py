"""What a check finds: a problem with its rule, severity, cells and a message a clerk understands."""

from __future__ import annotations

from dataclasses import dataclass

from app.numbers import Number

ERROR = "error"
WARNING = "warning"
SEVERITY_LABELS = {ERROR: "错误", WARNING: "提示"}


@dataclass(frozen=True)
class CellRef:
    """A cell named both by ids (for jumping to it) and by labels (for people)."""

    table: str
    row: str
    column: str
    table_name: str
    row_label: str
    column_label: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table, self.row, self.column)


@dataclass(frozen=True)
class Problem:
    """One finding of the consistency checks.

    Attributes:
        rule: rule id (R1 …).
        severity: "error" or "warning".
        title: the rule's short name.
        message: the full Chinese sentence with the numbers.
        section: the section to open for fixing it.
        cells: the cells involved, the first being where to jump.
        expected / actual: the two numbers compared, when the rule compares numbers.
        quote: the passage of a text section the problem is about (R8), to point at it.

    """

    rule: str
    severity: str
    title: str
    message: str
    section: str
    cells: tuple[CellRef, ...] = ()
    expected: Number | None = None
    actual: Number | None = None
    quote: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Errors first, then warnings, each in the order the report reads."""
    return sorted(problems, key=lambda p: 0 if p.is_error else 1)
