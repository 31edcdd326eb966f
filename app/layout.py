"""Draws a table's official merged layout (headers, captions, row labels, value cells) as a grid.

Every view of a table — the wizard's table, the Excel sheet, the PDF — places cells from this grid,
so the merged structure of the printed form is derived once, from the template alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.template_model import CellKey, HeaderNode, RowNode, Table

CORNER = "corner"
CAPTION = "caption"
HEADER = "header"
ROW_LABEL = "row_label"
VALUE = "value"


@dataclass(frozen=True)
class GridCell:
    """A rectangle of the drawn table.

    Attributes:
        row / col: top-left position in the grid (0-based).
        rowspan / colspan: the merged size.
        role: corner, caption, header, row_label or value.
        text: the label for non-value cells.
        key: the cell address for value cells.
        computed: whether a value cell is a total the program computes.

    """

    row: int
    col: int
    rowspan: int
    colspan: int
    role: str
    text: str = ""
    key: CellKey | None = None
    computed: bool = False


@dataclass(frozen=True)
class TableGrid:
    """The whole drawn table: its size, its cells, and how many leading rows are headers."""

    table: Table
    rows: int
    cols: int
    header_rows: int
    label_cols: int
    cells: tuple[GridCell, ...]

    def value_cells(self) -> tuple[GridCell, ...]:
        return tuple(c for c in self.cells if c.role == VALUE)

    def position(self, key: CellKey) -> GridCell | None:
        for cell in self.cells:
            if cell.key == key:
                return cell
        return None

    def at(self) -> dict[tuple[int, int], GridCell]:
        """Map every covered grid position to the cell covering it."""
        covered: dict[tuple[int, int], GridCell] = {}
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    covered[(r, c)] = cell
        return covered


def _depth(nodes: tuple[HeaderNode, ...] | tuple[RowNode, ...]) -> int:
    return max((1 + _depth(n.children) if n.children else 1) for n in nodes) if nodes else 0


def _leaf_count(node: HeaderNode | RowNode) -> int:
    return sum(1 for _ in node.leaves())


def _matrix_grid(table: Table) -> TableGrid:
    header_rows = _depth(table.column_tree)
    label_cols = _depth(table.row_tree) if table.row_labels else 0
    cells: list[GridCell] = []
    if label_cols and header_rows:
        corner_text = table.corner[1] if table.corner else ""
        cells.append(GridCell(0, 0, header_rows, label_cols, CORNER, corner_text))

    def place_header(node: HeaderNode, level: int, col: int) -> int:
        width = _leaf_count(node)
        rowspan = header_rows - level if not node.children else 1
        cells.append(GridCell(level, col, rowspan, width, HEADER, node.label))
        child_col = col
        for child in node.children:
            child_col = place_header(child, level + 1, child_col)
        return col + width

    col = label_cols
    for node in table.column_tree:
        col = place_header(node, 0, col)
    total_cols = col

    row_index = {r.id: i for i, r in enumerate(table.rows)}

    def place_label(node: RowNode, level: int) -> None:
        leaves = list(node.leaves())
        first = header_rows + row_index[leaves[0].id]
        colspan = label_cols - level if not node.children else 1
        cells.append(GridCell(first, level, len(leaves), colspan, ROW_LABEL, node.label))
        for child in node.children:
            place_label(child, level + 1)

    if label_cols:
        for row_node in table.row_tree:
            place_label(row_node, 0)
    for i, row in enumerate(table.rows):
        for j, column in enumerate(row.columns):
            key = (table.id, row.id, column.id)
            cells.append(GridCell(header_rows + i, label_cols + j, 1, 1, VALUE, key=key,
                                  computed=row.computed or column.computed))
    return TableGrid(table, header_rows + len(table.rows), total_cols, header_rows, label_cols,
                     tuple(cells))


def _grouped_grid(table: Table) -> TableGrid:
    width = 1 + table.grid_columns
    cells: list[GridCell] = []
    r = 0
    for group in table.groups:
        cells.append(GridCell(r, 0, 1, width, CAPTION, group.caption))
        r += 1
        cells.append(GridCell(r, 0, 1, 1, HEADER, table.label_header))
        c = 1
        for column in group.columns:
            cells.append(GridCell(r, c, 1, column.span, HEADER, column.label))
            c += column.span
        r += 1
        for row in group.rows:
            cells.append(GridCell(r, 0, 1, 1, ROW_LABEL, row.label))
            c = 1
            for column in group.columns:
                cells.append(GridCell(r, c, 1, column.span, VALUE, key=(table.id, row.id, column.id)))
                c += column.span
            r += 1
    return TableGrid(table, r, width, 0, 1, tuple(cells))


def table_grid(table: Table) -> TableGrid:
    """The official merged layout of a table."""
    return _matrix_grid(table) if table.type == "matrix" else _grouped_grid(table)
