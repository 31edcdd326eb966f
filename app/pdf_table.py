"""Draws an official table from its merged layout (`app.layout.table_grid`) as a splittable flowable.

Column widths come from the text itself (the CSS “auto” table rule: every column gets at least its
narrowest sensible width, the rest is shared in proportion to how much more each would like).
When the table does not fit on the page it is cut between rows; every part repeats the column
header rows, and a row label spanning the cut (三、本年度办理结果) is shown in both parts. Tables
with caption rows (表二) are only cut before a caption, so a 第二十条 block stays together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.platypus import Table
from reportlab.platypus.flowables import Flowable

from app.cjk_linebreak import clusters
from app.layout import CAPTION, ROW_LABEL, VALUE, GridCell, TableGrid
from app.numbers import Number, format_number
from app.pdf_fonts import SONG, FontSet
from app.pdf_styles import (
    TABLE_CAPTION_SHADE,
    TABLE_LINE_WIDTH,
    TABLE_PADDING,
    TABLE_SIZES,
    TABLE_SPACE_AFTER,
    table_cell_style,
)
from app.pdf_text import SetText, Span, TextBlock, TextStyle

_MIN_BODY_ROWS = 2  # never leave fewer body rows than this at the foot of a page


def cell_text(cell: GridCell, values: Mapping[tuple[str, str, str], Number]) -> str:
    if cell.role == VALUE and cell.key is not None:
        return format_number(values.get(cell.key, 0))
    return cell.text


def _align(cell: GridCell, grid: TableGrid) -> str:
    if cell.role == ROW_LABEL and cell.rowspan == 1 and grid.table.type == "matrix":
        # long row labels of 表三 read from the left, like the official form; not justified, as
        # spreading a few characters across a narrow cell looks (and extracts) like spaces
        return "left"
    return "center"


@dataclass
class _Layout:
    size: float
    widths: list[float]
    sets: dict[GridCell, tuple[SetText, TextStyle]]


def _measure(grid: TableGrid, texts: dict[GridCell, str], fonts: FontSet, size: float,
             avail: float) -> _Layout | None:
    """Column widths at one font size, or None if even the narrowest columns do not fit."""
    pad = 2 * TABLE_PADDING
    sets: dict[GridCell, tuple[SetText, TextStyle]] = {}
    low = [pad + size] * grid.cols
    high = [pad + size] * grid.cols
    for cell in grid.cells:
        style = table_cell_style(size, _align(cell, grid))
        prepared = SetText([Span(texts[cell])], style, fonts)
        sets[cell] = (prepared, style)
        if cell.colspan != 1:
            continue  # merged across columns: fits in whatever the columns add up to
        natural = sum(prepared.widths)
        piece = max((sum(prepared.widths[a:b]) for a, b in clusters(prepared.text)), default=0.0)
        if cell.role == VALUE:
            narrowest = natural  # numbers never wrap
        else:  # at least two characters a line
            narrowest = max(piece, min(natural, 2 * size))
        wish = natural / cell.rowspan if cell.rowspan > 1 else natural
        low[cell.col] = max(low[cell.col], narrowest + pad)
        high[cell.col] = max(high[cell.col], wish + pad, narrowest + pad)
    if sum(low) > avail + 1e-6:
        return None
    spare, wanted = avail - sum(low), sum(high) - sum(low)
    if wanted <= spare:  # everything fits on one line: share the rest like the wishes
        total = sum(high)
        widths = [h * avail / total for h in high]
    else:
        widths = [lo + (hi - lo) * spare / wanted for lo, hi in zip(low, high, strict=True)]
    return _Layout(size, widths, sets)


def layout_table(grid: TableGrid, values: Mapping[tuple[str, str, str], Number], fonts: FontSet,
                 avail: float) -> _Layout:
    """The largest table font size whose columns fit the width, with its column widths."""
    texts = {cell: cell_text(cell, values) for cell in grid.cells}
    for size in TABLE_SIZES:
        found = _measure(grid, texts, fonts, size, avail)
        if found is not None:
            return found
    # still too wide at the smallest size: shrink the narrowest widths proportionally
    last = _measure(grid, texts, fonts, TABLE_SIZES[-1], float("inf"))
    assert last is not None
    scale = avail / sum(last.widths)
    return _Layout(last.size, [w * scale for w in last.widths], last.sets)


class GridTable(Flowable):
    """The body rows `first`…`stop` of a table grid, drawn under the grid's header rows."""

    def __init__(self, grid: TableGrid, values: Mapping[tuple[str, str, str], Number],
                 fonts: FontSet, first: int | None = None, stop: int | None = None,
                 _layout: _Layout | None = None) -> None:
        super().__init__()
        self.grid = grid
        self.values = values
        self.fonts = fonts
        self.first = grid.header_rows if first is None else first
        self.stop = grid.rows if stop is None else stop
        self._layout = _layout
        self._table: Table | None = None
        self.spaceAfter = TABLE_SPACE_AFTER if self.stop == grid.rows else 0.0
        caption_rows = {c.row for c in grid.cells if c.role == CAPTION}
        body_rows = {c.row for c in grid.cells if c.role in (VALUE, ROW_LABEL)}
        self._cut_before = {
            k for k in range(grid.header_rows + 1, grid.rows)
            if (k - 1) in body_rows and (not caption_rows or k in caption_rows)
        }

    def _ensure_layout(self, avail: float) -> _Layout:
        if self._layout is None:
            self._layout = layout_table(self.grid, self.values, self.fonts, avail)
        return self._layout

    def _build(self, avail: float) -> Table:
        if self._table is not None:
            return self._table
        lay = self._ensure_layout(avail)
        grid, first, stop = self.grid, self.first, self.stop
        heads = grid.header_rows
        nrows = heads + (stop - first)
        data: list[list[object]] = [["" for _ in range(grid.cols)] for _ in range(nrows)]
        commands: list[tuple] = [
            # covered cells are drawn as empty strings in the cell font: never reportlab's Helvetica
            ("FONTNAME", (0, 0), (-1, -1), self.fonts.face(SONG).name),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), TABLE_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), TABLE_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), TABLE_PADDING),
            ("BOTTOMPADDING", (0, 0), (-1, -1), TABLE_PADDING),
            ("GRID", (0, 0), (-1, -1), TABLE_LINE_WIDTH, colors.black),
            ("BOX", (0, 0), (-1, -1), 2 * TABLE_LINE_WIDTH, colors.black),
        ]
        for cell in grid.cells:
            if cell.row < heads:
                r0, r1 = cell.row, cell.row + cell.rowspan
                at = r0
            else:
                r0, r1 = max(cell.row, first), min(cell.row + cell.rowspan, stop)
                if r0 >= r1:
                    continue
                at = heads + (r0 - first)
            prepared, style = lay.sets[cell]
            data[at][cell.col] = TextBlock([], style, self.fonts, _set=prepared)
            end = (cell.col + cell.colspan - 1, at + (r1 - r0) - 1)
            if end != (cell.col, at):
                commands.append(("SPAN", (cell.col, at), end))
            if cell.role == CAPTION:
                shade = colors.Color(TABLE_CAPTION_SHADE, TABLE_CAPTION_SHADE, TABLE_CAPTION_SHADE)
                commands.append(("BACKGROUND", (cell.col, at), end, shade))
        self._table = Table(data, colWidths=lay.widths, style=commands, repeatRows=0)
        return self._table

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        table = self._build(availWidth)
        self.width, self.height = table.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        table = self._build(availWidth)
        table.wrap(availWidth, availHeight)
        heights = table._rowHeights
        heads = self.grid.header_rows
        if None in heights[:heads]:
            return []
        used = sum(heights[:heads])
        candidates: list[int] = []
        for offset, grid_row in enumerate(range(self.first, self.stop)):
            row_height = heights[heads + offset]
            if row_height is None:  # reportlab stops measuring rows once past the page
                break
            used += row_height
            if used > availHeight + 1e-6:
                break
            cut = grid_row + 1
            if cut in self._cut_before and cut - self.first >= _MIN_BODY_ROWS and cut < self.stop:
                candidates.append(cut)
        # a cut spanning label may need more room in the shorter part: check, then fall back
        for cut in reversed(candidates):
            head = GridTable(self.grid, self.values, self.fonts, self.first, cut, self._layout)
            if head.wrap(availWidth, availHeight)[1] <= availHeight + 1e-6:
                tail = GridTable(self.grid, self.values, self.fonts, cut, self.stop, self._layout)
                return [head, tail]
        return []

    def start_height(self, availWidth: float) -> float:  # noqa: N803
        """Height of the header rows plus the body rows that must stay with them on a page."""
        table = self._build(availWidth)
        table.wrap(availWidth, float("inf"))
        heights = table._rowHeights
        heads = self.grid.header_rows
        stop = next((k for k in sorted(self._cut_before)
                     if k - self.first >= _MIN_BODY_ROWS and self.first < k < self.stop), self.stop)
        return sum(heights[: heads + (stop - self.first)])

    def draw(self) -> None:
        table = self._build(self.width)
        table.drawOn(self.canv, 0, 0)

