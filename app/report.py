"""The report being filled in: its format, metadata, free texts and the numbers typed in."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.compute import compute, plan_for
from app.numbers import InputError, Number, check_number, zero
from app.template_model import CellKey, Template


@dataclass
class Report:
    """One annual report. `values` holds input cells only; a missing cell means 0.

    Attributes:
        template: the official format this report follows.
        meta: 机关名称 (organ, str), 年度 (year, int), info_fee (Decimal) and other strings.
        texts: free text per text-section id.
        values: numbers typed into input cells, by cell key.

    """

    template: Template
    meta: dict[str, Any] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    values: dict[CellKey, Number] = field(default_factory=dict)

    @classmethod
    def blank(cls, template: Template, organ: str, year: int) -> Report:
        report = cls(template)
        report.meta = {"organ": organ, "year": year}
        report.texts = {s.id: "" for s in template.sections if s.kind == "text"}
        return report

    @property
    def organ(self) -> str:
        return str(self.meta.get("organ", ""))

    @property
    def year(self) -> int:
        year = self.meta.get("year")
        return year if isinstance(year, int) else 0

    @property
    def title(self) -> str:
        return self.template.report_title(self.organ, self.year or "")

    def value(self, key: CellKey) -> Number:
        """The typed value of an input cell (0 when blank)."""
        if key in self.values:
            return self.values[key]
        col = self.template.column(key)
        if col is None:
            raise KeyError(key)
        return zero(col.kind)

    def set_value(self, key: CellKey, value: Number) -> None:
        """Set an input cell after validating it against its kind; computed cells are refused."""
        col = self.template.column(key)
        if col is None:
            raise KeyError(key)
        if key in plan_for(self.template).computed:
            raise InputError("合计单元格由程序自动计算，不能直接填写")
        checked = check_number(value, col.kind, col.places)
        if checked == 0:  # blank and 0 are the same cell; keep drafts free of noise
            self.values.pop(key, None)
        else:
            self.values[key] = checked

    def grid(self) -> dict[CellKey, Number]:
        """Every cell including computed totals."""
        return compute(self.template, self.values)

    def info_fee(self) -> Decimal:
        fee = self.meta.get("info_fee")
        return fee if isinstance(fee, Decimal) else Decimal(0)
