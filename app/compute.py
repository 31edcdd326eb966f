"""Computes every total of a report in dependency order from a plan compiled once per template."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from weakref import WeakKeyDictionary

from app.numbers import Number
from app.template_model import CellKey, Template


class CycleError(Exception):
    """Computed cells that depend on themselves."""


@dataclass(frozen=True)
class ComputePlan:
    """All cells of a template, and the computed ones with their sources in evaluation order."""

    keys: tuple[CellKey, ...]
    zeros: dict[CellKey, Number]
    steps: tuple[tuple[CellKey, tuple[CellKey, ...]], ...]

    @property
    def computed(self) -> frozenset[CellKey]:
        return frozenset(step[0] for step in self.steps)


_plans: WeakKeyDictionary[Template, ComputePlan] = WeakKeyDictionary()


def _sources(template: Template, key: CellKey) -> tuple[CellKey, ...]:
    table = template.tables[key[0]]
    row = table.row(key[1])
    if row.sum:  # a total row (（七）总计) sums the rows above it in the same column
        return tuple((key[0], r, key[2]) for r in row.sum)
    col = table.column(key[1], key[2])
    if col is not None and col.sum:  # a total column (总计) sums the columns of its row
        return tuple((key[0], key[1], c) for c in col.sum)
    return ()


def _build(template: Template) -> ComputePlan:
    keys = tuple(template.keys())
    zeros: dict[CellKey, Number] = {}
    for key in keys:
        col = template.column(key)
        assert col is not None
        zeros[key] = Decimal(0) if col.kind.is_amount else 0
    deps = {key: _sources(template, key) for key in keys}
    order: list[tuple[CellKey, tuple[CellKey, ...]]] = []
    state: dict[CellKey, int] = {}  # 1 = visiting, 2 = done

    def visit(key: CellKey, trail: list[CellKey]) -> None:
        if state.get(key) == 2:
            return
        if state.get(key) == 1:
            raise CycleError(" → ".join(":".join(k) for k in [*trail, key]))
        state[key] = 1
        for src in deps[key]:
            visit(src, [*trail, key])
        state[key] = 2
        if deps[key]:
            order.append((key, deps[key]))

    for key in keys:
        visit(key, [])
    return ComputePlan(keys, zeros, tuple(order))


def plan_for(template: Template) -> ComputePlan:
    """The compiled plan of a template (built once and cached)."""
    plan = _plans.get(template)
    if plan is None:
        plan = _build(template)
        _plans[template] = plan
    return plan


def compute(template: Template, values: Mapping[CellKey, Number]) -> dict[CellKey, Number]:
    """Return every cell of the report: the typed inputs, zeros for blanks, and computed totals."""
    plan = plan_for(template)
    grid = dict(plan.zeros)
    for key, value in values.items():
        if key in grid:
            grid[key] = value
    for key, sources in plan.steps:
        total: Number = 0
        for src in sources:
            total += grid[src]
        grid[key] = total
    return grid
