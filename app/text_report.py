"""Renders a report's tables, with computed totals, as aligned plain text for the command line."""

from __future__ import annotations

from app.numbers import format_number
from app.report import Report
from app.template_model import CellKey, Column, Row, RowNode, Table
from app.text_width import display_width, pad

TOTAL_MARK = "*"
LABEL_LIMIT = 44  # wider labels (表三 （二）部分公开…) are cut with an ellipsis


def _label(text: str, indent: int) -> str:
    room = LABEL_LIMIT - indent * 2
    if display_width(text) > room:
        while display_width(text) > room - 2:
            text = text[:-1]
        text += "…"
    return "  " * indent + text


def _lines_for(table: Table, nodes: tuple[RowNode, ...], indent: int) -> list[tuple[str, Row | None]]:
    out: list[tuple[str, Row | None]] = []
    for node in nodes:
        if node.children:
            out.append((_label(node.label, indent), None))
            out.extend(_lines_for(table, node.children, indent + 1))
        else:
            out.append((_label(node.label, indent), table.row(node.id)))
    return out


def _render(lines: list[str], labelled: list[tuple[str, Row | None]], columns: tuple[Column, ...],
            table: Table, grid: dict[CellKey, object]) -> None:
    label_width = max(display_width(text) for text, _ in labelled)
    names = [c.label for c in columns]
    if len(set(names)) < len(names):  # 表四 repeats 结果维持 … under three headings
        names = [c.short for c in columns]
    widths = [max(display_width(n), 6) for n in names]
    header = "  ".join(pad(n, w, right=True) for n, w in zip(names, widths, strict=True))
    lines.append(pad("", label_width) + "  " + header)
    for text, row in labelled:
        if row is None:
            lines.append(text)
            continue
        cells = []
        for col, width in zip(columns, widths, strict=True):
            shown = format_number(grid[(table.id, row.id, col.id)])  # type: ignore[arg-type]
            if table.is_computed(row.id, col.id):
                shown += TOTAL_MARK
            cells.append(pad(shown, width, right=True))
        lines.append(pad(text, label_width) + "  " + "  ".join(cells))


def render_tables(report: Report) -> str:
    """All tables of the report; totals computed by the program are marked with *."""
    grid: dict[CellKey, object] = dict(report.grid())
    lines = [report.title, f"报告格式：{report.template.name}", ""]
    for section in report.template.sections:
        if section.kind != "table" or section.table is None:
            continue
        table = report.template.tables[section.table]
        lines.append(f"{section.heading}（{table.name}）")
        if table.type == "grouped":
            for group in table.groups:
                lines.append(f"  {group.caption}")
                labelled: list[tuple[str, Row | None]] = [(_label(r.label, 1), r) for r in group.rows]
                _render(lines, labelled, group.columns, table, grid)
        elif len(table.rows) == 1:  # 表四: one row of fifteen numbers reads best as a list
            row = table.rows[0]
            width = max(display_width(c.short) for c in row.columns)
            for col in row.columns:
                mark = TOTAL_MARK if table.is_computed(row.id, col.id) else ""
                shown = format_number(grid[(table.id, row.id, col.id)])  # type: ignore[arg-type]
                lines.append(f"  {pad(col.short, width)}  {shown}{mark}")
        else:
            _render(lines, _lines_for(table, table.row_tree, 0), table.leaf_columns, table, grid)
        lines.append("")
    lines.append(f"注：带 {TOTAL_MARK} 的数字是程序自动计算的合计。")
    return "\n".join(lines)
