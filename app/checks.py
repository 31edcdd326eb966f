"""Runs a template's consistency rules (勾稽关系) over a report and returns the problems found."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from weakref import WeakKeyDictionary

from app.compute import compute
from app.numbers import Number, format_number, normalize_text
from app.problems import CellRef, Problem, sort_problems
from app.report import Report
from app.rule_terms import Term, parse_term
from app.template_loader import parse_cell_ref
from app.template_model import CellKey, Rule, Table, Template


@dataclass(frozen=True)
class _Term:
    key: CellKey
    sign: int
    last: bool
    label: str


@dataclass(frozen=True)
class _Equation:
    rule: Rule
    where: str
    left: tuple[_Term, ...]
    right: tuple[_Term, ...]
    section: str
    implied: bool = False  # the scope is itself a total: it can only break when another scope does


_compiled: WeakKeyDictionary[Template, tuple[_Equation, ...]] = WeakKeyDictionary()


def cell_ref(template: Template, key: CellKey) -> CellRef:
    """Name a cell by ids and by the labels a clerk reads."""
    table = template.tables[key[0]]
    row = table.row(key[1])
    col = table.column(key[1], key[2])
    return CellRef(key[0], key[1], key[2], table.name, row.short if table.row_labels else "",
                   col.short if col else key[2])


def _term_label(table: Table, key: CellKey, last: bool, by_row: bool) -> str:
    """How a term is named in a message: the row's short label in a per-column rule, else the column's."""
    if by_row:
        name = table.row(key[1]).short if table.has_row(key[1]) else key[1]
    else:
        col = table.column(key[1], key[2])
        name = col.short if col else key[2]
    return f"上年报告{name}" if last else name


def _compile_equations(template: Template) -> tuple[_Equation, ...]:
    out: list[_Equation] = []
    for rule in template.rules:
        if rule.type != "equation":
            continue
        table = template.tables[rule.params["table"]]
        section = template.section_of_table(table.id).id
        equations = rule.params["equations"]
        if rule.params["for_each"] == "column":
            seen: list[str] = []
            for row in table.rows:
                seen.extend(c.id for c in row.columns if c.id not in seen)
            scopes = seen
        else:
            scopes = rule.params.get("rows") or [r.id for r in table.rows]
        by_column = rule.params["for_each"] == "column"
        for scope in scopes:
            for eq in equations:
                sides: list[list[tuple[Term, CellKey]]] = []
                for side in ("left", "right"):
                    terms = []
                    for text in eq[side]:
                        term = parse_term(text)
                        for ref in table.expand(term.ref, "row" if by_column else "column"):
                            key = (table.id, ref, scope) if by_column else (table.id, scope, ref)
                            terms.append((term, key))
                    sides.append(terms)
                if any(not t.last and not template.has_cell(k) for side in sides for t, k in side):
                    continue  # this row or column does not have every cell the equation names
                if by_column:
                    label = next(c.short for r in table.rows for c in r.columns if c.id == scope)
                    where = f"「{label}」列"
                else:
                    where = f"「{table.row(scope).short}」行" if table.row_labels else ""

                left, right = (
                    tuple(_Term(k, t.sign, t.last, _term_label(table, k, t.last, by_column)) for t, k in side)
                    for side in sides
                )
                if by_column:
                    implied = any(table.column(r.id, scope) and table.is_computed(r.id, scope)
                                  and not r.computed for r in table.rows)
                else:
                    implied = table.row(scope).computed
                out.append(_Equation(rule, where, left, right, section, implied))
    return tuple(out)


def _equations(template: Template) -> tuple[_Equation, ...]:
    compiled = _compiled.get(template)
    if compiled is None:
        compiled = _compile_equations(template)
        _compiled[template] = compiled
    return compiled


def _side_text(terms: Sequence[_Term], values: Sequence[Number]) -> tuple[str, Number]:
    parts: list[str] = []
    total: Number = 0
    for i, (term, value) in enumerate(zip(terms, values, strict=True)):
        total += term.sign * value
        sign = "−" if term.sign < 0 else ("+" if i else "")
        parts.append(f"{sign}{term.label}({format_number(value)})")
    text = "".join(parts)
    if len(terms) > 1:
        text += f"={format_number(total)}"
    return text, total


def difference(a: Number, b: Number) -> Number:
    """|a − b| in the type of the numbers (Decimal when either is an amount)."""
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return abs(Decimal(a) - Decimal(b))
    return abs(a - b)


def _side_sum(terms: Sequence[_Term], grid: Mapping[CellKey, Number],
              last_grid: Mapping[CellKey, Number] | None) -> Number | None:
    total: Number = 0
    for term in terms:
        source = last_grid if term.last else grid
        if source is None or term.key not in source:
            return None  # no previous report, or last year's format has no such cell
        total += term.sign * source[term.key]
    return total


def _check_equations(report: Report, grid: Mapping[CellKey, Number],
                     last_grid: Mapping[CellKey, Number] | None, derived: bool) -> list[Problem]:
    problems = []
    template = report.template
    for eq in _equations(template):
        if eq.rule.cross_year and last_grid is None:
            continue
        if derived and eq.implied:
            continue  # totals computed here repeat their parts' problem; one message per mistake
        left = _side_sum(eq.left, grid, last_grid)
        right = _side_sum(eq.right, grid, last_grid)
        if left is None or right is None or left == right:
            continue
        values = [[(last_grid if t.last else grid)[t.key] for t in side]  # type: ignore[index]
                  for side in (eq.left, eq.right)]
        left_text, _ = _side_text(eq.left, values[0])
        right_text, _ = _side_text(eq.right, values[1])
        message = eq.rule.message.format(
            table=template.tables[eq.left[0].key[0]].name, where=eq.where, left=left_text,
            right=right_text, diff=format_number(difference(left, right)),
        )
        cells = tuple(cell_ref(template, t.key) for t in (*eq.left, *eq.right) if not t.last)
        problems.append(Problem(eq.rule.id, eq.rule.severity, eq.rule.title, message, eq.section, cells,
                                expected=right, actual=left))
    return problems


def _sum_cells(grid: Mapping[CellKey, Number], refs: Iterable[str]) -> Number:
    total: Number = 0
    for ref in refs:
        total += grid.get(parse_cell_ref(ref), 0)
    return total


@lru_cache(maxsize=256)
def _quotes(regex: str, text: str) -> tuple[tuple[str, int | None], ...]:
    """The passages of a text a pattern finds, with the number each states (cached: texts change rarely)."""
    found = []
    for match in re.finditer(regex, text):
        number = int(normalize_text(match.group(1))) if match.groups() else None
        found.append((match.group(0), number))
    return tuple(found)


def _check_text_figures(report: Report, rule: Rule, grid: Mapping[CellKey, Number]) -> list[Problem]:
    problems = []
    template = report.template
    for section_id in rule.params.get("sections", []):
        text = report.texts.get(section_id, "")
        if not text:
            continue
        section = template.section(section_id)
        for pattern in rule.params["patterns"]:
            for quote, stated_number in _quotes(pattern["regex"], text):
                stated = pattern["value"] if stated_number is None else stated_number
                actual = _sum_cells(grid, pattern["cells"])
                if stated == actual:
                    continue
                message = rule.message.format(section=f"“{section.heading}”", quote=quote,
                                              what=pattern["what"], stated=stated,
                                              actual=format_number(actual))
                cells = tuple(cell_ref(template, parse_cell_ref(c)) for c in pattern["cells"])
                problems.append(Problem(rule.id, rule.severity, rule.title, message, section_id, cells,
                                        expected=actual, actual=stated, quote=quote))
    return problems


_YEAR = re.compile(r"(?<![0-9])(20[0-9]{2})(?=\s*年)")


@lru_cache(maxsize=64)
def _years_named(text: str) -> list[int]:
    return sorted({int(y) for y in _YEAR.findall(normalize_text(text))})


def _check_text_year(report: Report, rule: Rule) -> list[Problem]:
    problems: list[Problem] = []
    if not report.year:
        return problems
    for section_id in rule.params.get("sections", []):
        years = _years_named(report.texts.get(section_id, ""))
        if not years:
            continue
        heading = f"“{report.template.section(section_id).heading}”"
        if report.year not in years:
            message = rule.message.format(section=heading, years="、".join(f"{y}年" for y in years),
                                          year=report.year)
            problems.append(Problem(rule.id, rule.severity, rule.title, message, section_id))
        future = [y for y in years if y > report.year]
        if future and "message_future" in rule.params:
            message = rule.params["message_future"].format(
                section=heading, future="、".join(str(y) for y in future), year=report.year)
            problems.append(Problem(rule.id, rule.severity, rule.title, message, section_id))
    return problems


def _check_text_mention(report: Report, rule: Rule) -> list[Problem]:
    fee = report.meta.get(rule.params["when_meta"])
    if not isinstance(fee, (int, Decimal)) or fee <= 0:
        return []
    section_id = rule.params["section"]
    text = report.texts.get(section_id, "")
    heading = report.template.section(section_id).heading
    amount = format_number(fee)
    contradiction = rule.params.get("contradiction")
    if contradiction and contradiction in text:
        message = rule.params["message_contradiction"].format(amount=amount, section=heading)
    elif rule.params["must_contain"] not in text:
        message = rule.message.format(amount=amount, section=heading)
    else:
        return []
    return [Problem(rule.id, rule.severity, rule.title, message, section_id)]


def _check_expect_zero(report: Report, rule: Rule, grid: Mapping[CellKey, Number]) -> list[Problem]:
    if not re.search(rule.params["organ_pattern"], report.organ.strip()):
        return []
    template = report.template
    table = template.tables[rule.params["table"]]
    nonzero = [
        (table.id, row_id, col.id)
        for row_id in rule.params["rows"]
        for col in table.row(row_id).columns
        if grid[(table.id, row_id, col.id)] != 0
    ]
    if not nonzero:
        return []
    cells = tuple(cell_ref(template, key) for key in nonzero)
    shown = "，".join(f"{c.column_label}{format_number(grid[c.key])}" for c in cells)
    message = rule.message.format(table=table.name, cells=shown)
    return [Problem(rule.id, rule.severity, rule.title, message, template.section_of_table(table.id).id,
                    cells, expected=0, actual=grid[nonzero[0]])]


def _shingles(text: str, size: int = 4) -> set[str]:
    compact = "".join(ch for ch in text if not ch.isspace())
    return {compact[i:i + size] for i in range(max(0, len(compact) - size + 1))}


def text_overlap(this: str, last: str) -> float:
    """The share of this year's text (in 4-character pieces) that also stands in last year's."""
    mine = _shingles(this)
    if not mine:
        return 0.0
    return len(mine & _shingles(last)) / len(mine)


def _check_similarity(report: Report, rule: Rule, previous: Report | None) -> list[Problem]:
    if previous is None:
        return []
    problems = []
    threshold = float(rule.params.get("threshold", 0.5))
    for section_id in rule.params.get("sections", []):
        overlap = text_overlap(report.texts.get(section_id, ""), previous.texts.get(section_id, ""))
        if overlap > threshold:
            heading = report.template.section(section_id).heading
            message = rule.message.format(section=heading, percent=round(overlap * 100))
            problems.append(Problem(rule.id, rule.severity, rule.title, message, section_id))
    return problems


def _check_text_required(report: Report, rule: Rule) -> list[Problem]:
    problems = []
    for section_id in rule.params.get("sections", []):
        if not report.texts.get(section_id, "").strip():
            heading = report.template.section(section_id).heading
            problems.append(Problem(rule.id, rule.severity, rule.title, rule.message.format(section=heading),
                                    section_id))
    return problems


def _check_aggregate(report: Report, rule: Rule, parts: Sequence[Report]) -> list[Problem]:
    template = report.template
    expected: dict[CellKey, Number] = {}
    for part in parts:
        for key, value in part.values.items():
            expected[key] = expected.get(key, 0) + value
    problems = []
    grid = report.values
    for key in template.input_keys():
        want = expected.get(key, 0)
        have = grid.get(key, 0)
        if want != have:
            ref = cell_ref(template, key)
            label = f"{ref.row_label}·{ref.column_label}" if ref.row_label else ref.column_label
            message = rule.message.format(table=ref.table_name, cell=label, actual=format_number(have),
                                          expected=format_number(want), diff=format_number(difference(want, have)))
            problems.append(Problem(rule.id, rule.severity, rule.title, message,
                                    template.section_of_table(key[0]).id, (ref,), expected=want, actual=have))
    return problems


def check_grid(report: Report, grid: Mapping[CellKey, Number], previous: Report | None = None,
               parts: Sequence[Report] | None = None, derived: bool = False) -> list[Problem]:
    """Check a report whose cells (totals included) are given, e.g. as read from a workbook.

    `derived` says the totals in `grid` were computed from its inputs, so a total row or column
    cannot break a rule on its own and is not reported again.
    """
    last_grid = compute(previous.template, previous.values) if previous is not None else None
    problems = _check_equations(report, grid, last_grid, derived)
    for rule in report.template.rules:
        if rule.type == "text_figures":
            problems += _check_text_figures(report, rule, grid)
        elif rule.type == "text_year":
            problems += _check_text_year(report, rule)
        elif rule.type == "text_mention":
            problems += _check_text_mention(report, rule)
        elif rule.type == "expect_zero":
            problems += _check_expect_zero(report, rule, grid)
        elif rule.type == "text_similarity":
            problems += _check_similarity(report, rule, previous)
        elif rule.type == "text_required":
            problems += _check_text_required(report, rule)
        elif rule.type == "aggregate" and parts:
            problems += _check_aggregate(report, rule, parts)
    return sort_problems(problems)


def check(report: Report, previous: Report | None = None,
          parts: Sequence[Report] | None = None) -> list[Problem]:
    """Compute every total and check every rule; errors come first."""
    return check_grid(report, report.grid(), previous, parts, derived=True)
