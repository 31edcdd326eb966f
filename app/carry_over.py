"""Starts this year's report from last year's: metadata and the figures that carry forward."""

from __future__ import annotations

from app.checks import _equations, cell_ref
from app.compute import compute
from app.numbers import InputError, Number, format_number
from app.report import Report
from app.template_loader import default_template_for
from app.template_model import Template

# Metadata that belongs to one year only and is not carried into the next report.
YEARLY_META = {"year", "publish_date", "info_fee"}


def prefill_from_previous(report: Report, previous: Report) -> list[str]:
    """Fill the cells that prefill rules (R5, R7) derive from last year; return notes for the clerk."""
    notes: list[str] = []
    last_grid = compute(previous.template, previous.values)
    for eq in _equations(report.template):
        if not eq.rule.params.get("prefill"):
            continue
        if len(eq.left) != 1 or eq.left[0].last or not all(t.last for t in eq.right):
            continue
        if not all(t.key in last_grid for t in eq.right):
            continue
        total: Number = 0
        for term in eq.right:
            total += term.sign * last_grid[term.key]
        target = eq.left[0].key
        if report.template.tables[target[0]].is_computed(target[1], target[2]):
            continue  # a total carries forward by itself once its parts do
        ref = cell_ref(report.template, target)
        try:
            report.set_value(target, total)
        except InputError as exc:
            notes.append(f"{ref.table_name}「{ref.row_label}·{ref.column_label}」未能从上年报告带入"
                         f"（{format_number(total)}）：{exc}")
    return notes


def start_from_previous(previous: Report, template: Template | None = None) -> tuple[Report, list[str]]:
    """A new report for the year after `previous`, with metadata and carried-forward figures."""
    year = previous.year + 1
    template = template or default_template_for(year)
    report = Report.blank(template, previous.organ, year)
    known = {m.id for m in template.meta}
    for key, value in previous.meta.items():
        if key not in YEARLY_META and key in known:
            report.meta[key] = value
    return report, prefill_from_previous(report, previous)
