"""Sample data shared by the export and import tests."""

import random
from decimal import Decimal
from pathlib import Path

from app.numbers import CellKind
from app.report import Report

SEED_REPORT_TEXT = Path(__file__).parent / "data" / "seed-report-2021.txt"
"""The real township report (2019 layout) the project started from, as published."""


def fill_numbers(report: Report, seed: int = 1, low: int = 0) -> Report:
    """Put a repeatable random number into every input cell: amounts, signed counts and counts."""
    rnd = random.Random(seed)
    for key in report.template.input_keys():
        column = report.template.column(key)
        if column.kind is CellKind.AMOUNT:
            report.set_value(key, Decimal(rnd.randint(0, 999_999)) / 100)
        elif column.kind is CellKind.SIGNED_COUNT:
            report.set_value(key, rnd.randint(-20, 20))
        else:
            report.set_value(key, rnd.randint(low, 300))
    return report
