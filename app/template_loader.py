"""Reads a template file and validates it; a broken file fails with a message naming file and place."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from app.numbers import CellKind
from app.resources import templates_dir
from app.template_model import (
    CellKey,
    Column,
    Group,
    Guidance,
    HeaderNode,
    MetaField,
    Row,
    RowNode,
    Rule,
    Section,
    Table,
    Template,
)

SUPPORTED_FORMAT_VERSION = 1
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
RULE_ID_PATTERN = re.compile(r"^R[0-9]+[A-Z]?$")
SEVERITIES = {"error", "warning"}
RULE_TYPES = {
    "equation", "text_figures", "text_year", "text_mention", "aggregate", "expect_zero",
    "text_similarity", "text_required",
}
META_KINDS = {"text", "year", "date", "phone", "postcode", "amount"}
SECTION_KINDS = {"text", "table"}
TABLE_TYPES = {"matrix", "grouped"}


class TemplateError(Exception):
    """A template file that cannot be used; the message names the file and the place in it."""


class _Ctx:
    """Where in the file we are, for error messages."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, where: str, what: str) -> TemplateError:
        return TemplateError(f"模板文件 {self.file}，位置 {where}：{what}")

    def get(self, obj: Any, key: str, where: str, kind: type | tuple[type, ...] = str,
            default: Any = ...) -> Any:
        if not isinstance(obj, dict):
            raise self.fail(where, "应为对象（{…}）")
        if key not in obj:
            if default is ...:
                raise self.fail(where, f"缺少“{key}”")
            return default
        value = obj[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(f"{where}.{key}", f"类型不对：{value!r}")
        return value

    def ident(self, obj: Any, where: str, pattern: re.Pattern[str] = ID_PATTERN) -> str:
        value = self.get(obj, "id", where)
        if not pattern.match(value):
            raise self.fail(f"{where}.id", f"编号“{value}”只能用小写英文字母、数字和下划线")
        return value


def _unique(ctx: _Ctx, ids: list[str], where: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ctx.fail(where, f"编号“{item}”重复")
        seen.add(item)


def _column(ctx: _Ctx, raw: Any, where: str) -> Column:
    kind_name = ctx.get(raw, "kind", where, default="count")
    try:
        kind = CellKind(kind_name)
    except ValueError:
        raise ctx.fail(f"{where}.kind", f"未知的单元格类型“{kind_name}”") from None
    label = ctx.get(raw, "label", where)
    return Column(
        id=ctx.ident(raw, where),
        label=label,
        short=ctx.get(raw, "short", where, default=label),
        kind=kind,
        places=ctx.get(raw, "places", where, int, default=0),
        span=ctx.get(raw, "span", where, int, default=1),
        sum=tuple(ctx.get(raw, "sum", where, list, default=[])),
    )


def _header(ctx: _Ctx, raw: Any, where: str) -> HeaderNode:
    children_raw = ctx.get(raw, "children", where, list, default=[])
    if children_raw:
        children = tuple(_header(ctx, c, f"{where}.children[{i}]") for i, c in enumerate(children_raw))
        return HeaderNode(ctx.ident(raw, where), ctx.get(raw, "label", where), children)
    column = _column(ctx, raw, where)
    return HeaderNode(column.id, column.label, (), column)


def _row_node(ctx: _Ctx, raw: Any, where: str) -> RowNode:
    label = ctx.get(raw, "label", where)
    children_raw = ctx.get(raw, "children", where, list, default=[])
    return RowNode(
        id=ctx.ident(raw, where),
        label=label,
        short=ctx.get(raw, "short", where, default=label),
        children=tuple(_row_node(ctx, c, f"{where}.children[{i}]") for i, c in enumerate(children_raw)),
        sum=tuple(ctx.get(raw, "sum", where, list, default=[])),
    )


def _expand(ids: tuple[str, ...], groups: dict[str, list[str]]) -> tuple[str, ...]:
    """Replace a group id in a sum by the leaf ids below it."""
    out: list[str] = []
    for item in ids:
        out.extend(groups.get(item, [item]))
    return tuple(out)


def _matrix(ctx: _Ctx, raw: dict[str, Any], where: str, table_id: str) -> Table:
    column_tree = tuple(
        _header(ctx, c, f"{where}.columns[{i}]") for i, c in enumerate(ctx.get(raw, "columns", where, list))
    )
    row_tree = tuple(
        _row_node(ctx, r, f"{where}.rows[{i}]") for i, r in enumerate(ctx.get(raw, "rows", where, list))
    )
    col_nodes = [n for top in column_tree for n in _walk_header(top)]
    row_nodes = [n for top in row_tree for n in _walk_rows(top)]
    _unique(ctx, [n.id for n in col_nodes], f"{where}.columns")
    _unique(ctx, [n.id for n in row_nodes], f"{where}.rows")
    col_groups = {n.id: [leaf.id for leaf in n.leaves()] for n in col_nodes if n.children}
    row_groups = {n.id: [leaf.id for leaf in n.leaves()] for n in row_nodes if n.children}
    leaf_cols = [leaf.column for top in column_tree for leaf in top.leaves()]
    columns = []
    for col in leaf_cols:
        assert col is not None
        expanded = _expand(col.sum, col_groups)
        for ref in expanded:
            if ref not in {c.id for c in leaf_cols if c is not None}:
                raise ctx.fail(f"{where}.columns.{col.id}.sum", f"引用了不存在的列“{ref}”")
        columns.append(Column(col.id, col.label, col.short, col.kind, col.places, col.span, expanded))
    leaf_rows = [leaf for top in row_tree for leaf in top.leaves()]
    leaf_ids = {r.id for r in leaf_rows}
    rows = []
    for node in leaf_rows:
        expanded = _expand(node.sum, row_groups)
        for ref in expanded:
            if ref not in leaf_ids:
                raise ctx.fail(f"{where}.rows.{node.id}.sum", f"引用了不存在的行“{ref}”")
        rows.append(Row(node.id, node.label, node.short, tuple(columns), expanded))
    if not rows or not columns:
        raise ctx.fail(where, "表格至少要有一行一列")
    corner_raw = ctx.get(raw, "corner", where, dict, default=None)
    corner = None
    if corner_raw is not None:
        corner = (ctx.ident(corner_raw, f"{where}.corner"), ctx.get(corner_raw, "label", f"{where}.corner"))
    # Rebuild the header tree so its leaves carry the expanded columns.
    by_id = {c.id: c for c in columns}
    column_tree = tuple(_rebind(node, by_id) for node in column_tree)
    return Table(
        id=table_id,
        name=ctx.get(raw, "name", where),
        type="matrix",
        rows=tuple(rows),
        column_tree=column_tree,
        row_tree=row_tree,
        corner=corner,
        row_labels=ctx.get(raw, "row_labels", where, bool, default=True),
    )


def _rebind(node: HeaderNode, by_id: dict[str, Column]) -> HeaderNode:
    if not node.children:
        return HeaderNode(node.id, node.label, (), by_id[node.id])
    return HeaderNode(node.id, node.label, tuple(_rebind(c, by_id) for c in node.children))


def _walk_header(node: HeaderNode) -> list[HeaderNode]:
    out = [node]
    for child in node.children:
        out.extend(_walk_header(child))
    return out


def _walk_rows(node: RowNode) -> list[RowNode]:
    out = [node]
    for child in node.children:
        out.extend(_walk_rows(child))
    return out


def _grouped(ctx: _Ctx, raw: dict[str, Any], where: str, table_id: str) -> Table:
    grid_columns = ctx.get(raw, "grid_columns", where, int)
    groups = []
    all_rows: list[Row] = []
    for gi, graw in enumerate(ctx.get(raw, "groups", where, list)):
        gwhere = f"{where}.groups[{gi}]"
        columns = tuple(
            _column(ctx, c, f"{gwhere}.columns[{ci}]")
            for ci, c in enumerate(ctx.get(graw, "columns", gwhere, list))
        )
        _unique(ctx, [c.id for c in columns], f"{gwhere}.columns")
        if sum(c.span for c in columns) != grid_columns:
            raise ctx.fail(f"{gwhere}.columns", f"各列跨度之和应为 {grid_columns}")
        if any(c.sum for c in columns):
            raise ctx.fail(f"{gwhere}.columns", "分组表格不支持合计列")
        group_id = ctx.ident(graw, gwhere)
        rows = []
        for ri, rraw in enumerate(ctx.get(graw, "rows", gwhere, list)):
            rwhere = f"{gwhere}.rows[{ri}]"
            label = ctx.get(rraw, "label", rwhere)
            rows.append(Row(ctx.ident(rraw, rwhere), label, ctx.get(rraw, "short", rwhere, default=label),
                            columns, (), group_id))
        groups.append(Group(group_id, ctx.get(graw, "caption", gwhere), columns, tuple(rows)))
        all_rows.extend(rows)
    _unique(ctx, [g.id for g in groups], f"{where}.groups")
    _unique(ctx, [r.id for r in all_rows], f"{where}.rows")
    return Table(
        id=table_id,
        name=ctx.get(raw, "name", where),
        type="grouped",
        rows=tuple(all_rows),
        groups=tuple(groups),
        label_header=ctx.get(raw, "label_header", where),
        grid_columns=grid_columns,
    )


def _table(ctx: _Ctx, raw: Any, where: str) -> Table:
    table_id = ctx.ident(raw, where)
    kind = ctx.get(raw, "type", where)
    if kind not in TABLE_TYPES:
        raise ctx.fail(f"{where}.type", f"未知的表格类型“{kind}”")
    return _matrix(ctx, raw, where, table_id) if kind == "matrix" else _grouped(ctx, raw, where, table_id)


def _section(ctx: _Ctx, raw: Any, where: str) -> Section:
    kind = ctx.get(raw, "kind", where)
    if kind not in SECTION_KINDS:
        raise ctx.fail(f"{where}.kind", f"未知的章节类型“{kind}”")
    guidance = tuple(
        Guidance(ctx.ident(g, f"{where}.guidance[{i}]"), ctx.get(g, "label", f"{where}.guidance[{i}]"),
                 ctx.get(g, "text", f"{where}.guidance[{i}]"))
        for i, g in enumerate(ctx.get(raw, "guidance", where, list, default=[]))
    )
    return Section(
        id=ctx.ident(raw, where),
        number=ctx.get(raw, "number", where),
        label=ctx.get(raw, "label", where),
        kind=kind,
        table=ctx.get(raw, "table", where, default=None) if kind == "table" else None,
        guidance=guidance,
    )


def _meta(ctx: _Ctx, raw: Any, where: str) -> MetaField:
    kind = ctx.get(raw, "kind", where)
    if kind not in META_KINDS:
        raise ctx.fail(f"{where}.kind", f"未知的字段类型“{kind}”")
    return MetaField(
        id=ctx.ident(raw, where),
        label=ctx.get(raw, "label", where),
        kind=kind,
        required=ctx.get(raw, "required", where, bool, default=False),
        hint=ctx.get(raw, "hint", where, default=""),
        places=ctx.get(raw, "places", where, int, default=2),
    )


def _rule(ctx: _Ctx, raw: Any, where: str) -> Rule:
    kind = ctx.get(raw, "type", where)
    if kind not in RULE_TYPES:
        raise ctx.fail(f"{where}.type", f"未知的规则类型“{kind}”")
    severity = ctx.get(raw, "severity", where)
    if severity not in SEVERITIES:
        raise ctx.fail(f"{where}.severity", f"未知的严重程度“{severity}”（应为 error 或 warning）")
    reserved = {"id", "title", "type", "severity", "message", "cross_year"}
    return Rule(
        id=ctx.ident(raw, where, RULE_ID_PATTERN),
        title=ctx.get(raw, "title", where),
        type=kind,
        severity=severity,
        message=ctx.get(raw, "message", where),
        cross_year=ctx.get(raw, "cross_year", where, bool, default=False),
        params={k: v for k, v in raw.items() if k not in reserved},
    )


def parse_template(data: Any, file: str = "<模板>", source: Path | None = None) -> Template:
    """Build and validate a Template from parsed JSON data."""
    ctx = _Ctx(file)
    version = ctx.get(data, "format_version", "顶层", int)
    if version != SUPPORTED_FORMAT_VERSION:
        raise ctx.fail("format_version", f"不支持的模板格式版本 {version}")
    years = ctx.get(data, "years", "顶层", dict)
    meta = tuple(_meta(ctx, m, f"meta[{i}]") for i, m in enumerate(ctx.get(data, "meta", "顶层", list)))
    sections = tuple(
        _section(ctx, s, f"sections[{i}]") for i, s in enumerate(ctx.get(data, "sections", "顶层", list))
    )
    tables_list = [_table(ctx, t, f"tables[{i}]") for i, t in enumerate(ctx.get(data, "tables", "顶层", list))]
    rules = tuple(_rule(ctx, r, f"rules[{i}]") for i, r in enumerate(ctx.get(data, "rules", "顶层", list)))
    _unique(ctx, [m.id for m in meta], "meta")
    _unique(ctx, [s.id for s in sections], "sections")
    _unique(ctx, [t.id for t in tables_list], "tables")
    _unique(ctx, [r.id for r in rules], "rules")
    for required in ("organ", "year"):
        if required not in {m.id for m in meta}:
            raise ctx.fail("meta", f"缺少必需的字段“{required}”")
    template = Template(
        id=ctx.get(data, "id", "顶层"),
        name=ctx.get(data, "name", "顶层"),
        basis=ctx.get(data, "basis", "顶层", default=""),
        year_from=ctx.get(years, "from", "years", int),
        year_to=ctx.get(years, "to", "years", int, default=None),
        title=ctx.get(data, "title", "顶层"),
        meta=meta,
        sections=sections,
        tables={t.id: t for t in tables_list},
        rules=rules,
        source=source,
    )
    _check_references(ctx, template)
    # Imported here to avoid a cycle: the compute plan validates the absence of cycles.
    from app.compute import CycleError, plan_for

    try:
        plan_for(template)
    except CycleError as exc:
        raise ctx.fail("tables", f"合计单元格存在循环引用：{exc}") from None
    return template


def _check_references(ctx: _Ctx, template: Template) -> None:
    for i, section in enumerate(template.sections):
        if section.kind == "table" and section.table not in template.tables:
            raise ctx.fail(f"sections[{i}].table", f"引用了不存在的表格“{section.table}”")
    used = [s.table for s in template.sections if s.table]
    for table_id in template.tables:
        if table_id not in used:
            raise ctx.fail("tables", f"表格“{table_id}”没有放在任何章节中")
    section_ids = {s.id for s in template.sections}
    meta_ids = {m.id for m in template.meta}
    for i, rule in enumerate(template.rules):
        where = f"rules[{i}]（{rule.id}）"
        params = rule.params
        if rule.type == "equation":
            _check_equation(ctx, template, rule, where)
        elif rule.type == "expect_zero":
            table = _rule_table(ctx, template, params, where)
            for row_id in params.get("rows", []):
                if not table.has_row(row_id):
                    raise ctx.fail(f"{where}.rows", f"引用了不存在的行“{row_id}”")
            try:
                re.compile(params["organ_pattern"])
            except (KeyError, re.error) as exc:
                raise ctx.fail(f"{where}.organ_pattern", f"正则表达式无效：{exc}") from None
        for sid in params.get("sections", []) + ([params["section"]] if "section" in params else []):
            if sid not in section_ids:
                raise ctx.fail(where, f"引用了不存在的章节“{sid}”")
        if "when_meta" in params and params["when_meta"] not in meta_ids:
            raise ctx.fail(f"{where}.when_meta", f"引用了不存在的字段“{params['when_meta']}”")
        for pi, pattern in enumerate(params.get("patterns", [])):
            try:
                re.compile(pattern["regex"])
            except (KeyError, re.error) as exc:
                raise ctx.fail(f"{where}.patterns[{pi}]", f"正则表达式无效：{exc}") from None
            for ref in pattern.get("cells", []):
                if not template.has_cell(parse_cell_ref(ref)):
                    raise ctx.fail(f"{where}.patterns[{pi}].cells", f"引用了不存在的单元格“{ref}”")


def _rule_table(ctx: _Ctx, template: Template, params: dict[str, Any], where: str) -> Table:
    table_id = params.get("table")
    if table_id not in template.tables:
        raise ctx.fail(f"{where}.table", f"引用了不存在的表格“{table_id}”")
    return template.tables[table_id]


def _check_equation(ctx: _Ctx, template: Template, rule: Rule, where: str) -> None:
    from app.rule_terms import parse_term

    params = rule.params
    table = _rule_table(ctx, template, params, where)
    for_each = params.get("for_each")
    if for_each not in {"row", "column"}:
        raise ctx.fail(f"{where}.for_each", "应为 row 或 column")
    equations = params.get("equations")
    if not isinstance(equations, list) or not equations:
        raise ctx.fail(f"{where}.equations", "至少要有一个等式")
    for row_id in params.get("rows", []):
        if not table.has_row(row_id):
            raise ctx.fail(f"{where}.rows", f"引用了不存在的行“{row_id}”")
    for ei, eq in enumerate(equations):
        for side in ("left", "right"):
            terms = eq.get(side) if isinstance(eq, dict) else None
            if not isinstance(terms, list) or not terms:
                raise ctx.fail(f"{where}.equations[{ei}].{side}", "不能为空")
            for text in terms:
                term = parse_term(text)
                if term.last and not rule.cross_year:
                    raise ctx.fail(f"{where}.equations[{ei}]", f"“{text}”引用上年数据，但规则未标明 cross_year")
                axis = "row" if for_each == "column" else "column"
                refs = table.expand(term.ref, axis)
                if for_each == "column":
                    ok = all(table.has_row(ref) for ref in refs)
                else:
                    ok = all(any(table.column(r.id, ref) for r in table.rows) for ref in refs)
                if not ok:
                    what = "行" if for_each == "column" else "列"
                    raise ctx.fail(f"{where}.equations[{ei}].{side}", f"引用了不存在的{what}“{term.ref}”")


def parse_cell_ref(ref: str) -> CellKey:
    """Turn "t3:new:total" into a cell key."""
    parts = ref.split(":")
    if len(parts) != 3:
        return ("", "", "")
    return (parts[0], parts[1], parts[2])


def load_template_file(path: Path) -> Template:
    """Load and validate one template file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"模板文件 {path.name} 无法读取：{exc}") from None
    except json.JSONDecodeError as exc:
        raise TemplateError(f"模板文件 {path.name}，第 {exc.lineno} 行第 {exc.colno} 列：JSON 格式错误") from None
    return parse_template(data, path.name, path)


@cache
def available_templates() -> dict[str, Template]:
    """Every template shipped in resources/templates, by id, newest format first."""
    found: dict[str, Template] = {}
    for path in sorted(templates_dir().glob("*.json")):
        template = load_template_file(path)
        if template.id in found:
            raise TemplateError(f"模板文件 {path.name}：模板编号“{template.id}”与其他模板重复")
        found[template.id] = template
    return dict(sorted(found.items(), key=lambda kv: kv[1].year_from, reverse=True))


def get_template(template_id: str) -> Template:
    """Return a shipped template by id, or raise TemplateError with a Chinese message."""
    templates = available_templates()
    if template_id not in templates:
        known = "、".join(templates)
        raise TemplateError(f"未知的报告格式“{template_id}”（可用：{known}）")
    return templates[template_id]


def default_template_for(year: int) -> Template:
    """The template that applies to a report year (the newest one if none matches)."""
    templates = available_templates()
    for template in templates.values():
        if template.applies_to(year):
            return template
    return next(iter(templates.values()))
