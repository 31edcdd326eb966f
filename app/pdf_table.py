"""Draws an official table from its merged layout (`app.layout.table_grid`) as a splittable flowable.

Column widths come from the text itself (the CSS “auto” table rule: every column gets at least its
narrowest sensible width, the rest is shared in proportion to how much more each would like).
A table that fits on one page is never cut: it moves to the next page whole. A longer one is cut
between rows; every part repeats the column header rows, and a row label spanning the cut
(三、本年度办理结果) is shown in both parts. A part at the foot of a page shows at least five body
rows and a third of the table (else the table starts on the next page). Tables with caption rows
(表二) are only cut before a caption, so a 第二十条 block stays together.
"""

from __future__ import annotations

import math
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
    TABLE_FIT_SIZE,
    TABLE_LINE_WIDTH,
    TABLE_PADDING,
    TABLE_SIZES,
    TABLE_SPACE_AFTER,
    table_cell_style,
)
from app.pdf_text import SetText, Span, TextBlock, TextStyle

# A part at the foot of a page holds at least this many body rows and this share of the table,
# and (where the blocks allow) leaves at least _MIN_END_ROWS for the next page.
_MIN_START_ROWS = 5
_MIN_START_SHARE = 1 / 3
_MIN_END_ROWS = 3


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
             avail: float, squeeze: bool = False) -> _Layout | None:
    """Column widths at one font size, or None if even the narrowest columns do not fit.

    With `squeeze`, columns that do not fit get their narrowest widths scaled down to the width
    (numbers too long for their column then wrap rather than cross the cell borders).
    """
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
        if not squeeze:
            return None
        return _Layout(size, [lo * avail / sum(low) for lo in low], sets)
    spare, wanted = avail - sum(low), sum(high) - sum(low)
    if wanted <= spare:  # everything fits on one line: share the rest like the wishes
        total = sum(high)
        widths = [h * avail / total for h in high]
    else:
        widths = [lo + (hi - lo) * spare / wanted for lo, hi in zip(low, high, strict=True)]
    return _Layout(size, widths, sets)


def layout_table(grid: TableGrid, values: Mapping[tuple[str, str, str], Number], fonts: FontSet,
                 avail: float, sizes: tuple[float, ...] = TABLE_SIZES) -> _Layout:
    """The largest table font size whose columns fit the width, with its column widths."""
    texts = {cell: cell_text(cell, values) for cell in grid.cells}
    for size in sizes:
        found = _measure(grid, texts, fonts, size, avail)
        if found is not None:
            return found
    # still too wide at the smallest size: shrink the narrowest widths proportionally
    last = _measure(grid, texts, fonts, sizes[-1], avail, squeeze=True)
    assert last is not None
    return last


class GridTable(Flowable):
    """The body rows `first`…`stop` of a table grid, drawn under the grid's header rows."""

    def __init__(self, grid: TableGrid, values: Mapping[tuple[str, str, str], Number],
                 fonts: FontSet, first: int | None = None, stop: int | None = None,
                 _layout: _Layout | None = None, keep_within: float | None = None) -> None:
        super().__init__()
        self.grid = grid
        self.values = values
        self.fonts = fonts
        self.first = grid.header_rows if first is None else first
        self.stop = grid.rows if stop is None else stop
        # a part no taller than this (a page less the heading above it) is never cut
        self.keep_within = keep_within
        self._layout = _layout
        self._table: Table | None = None
        self._heights: tuple[float, list[float]] | None = None
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
            if self.keep_within is not None and self._height(self._layout, avail) > self.keep_within:
                # a table a little too long for a page is set smaller (down to 小五) to stay whole
                for size in (s for s in TABLE_SIZES if TABLE_FIT_SIZE <= s < self._layout.size):
                    smaller = layout_table(self.grid, self.values, self.fonts, avail, (size,))
                    if self._height(smaller, avail) <= self.keep_within + 1e-6:
                        self._layout = smaller
                        break
        return self._layout

    def _height(self, layout: _Layout, avail: float) -> float:
        whole = GridTable(self.grid, self.values, self.fonts, self.first, self.stop, layout)
        return sum(whole._row_heights(avail))

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

    @property
    def min_start_rows(self) -> int:
        """Body rows a part needs at the foot of a page: five, and a third of the table."""
        body = self.grid.rows - self.grid.header_rows
        return min(self.stop - self.first,
                   max(_MIN_START_ROWS, math.ceil(body * _MIN_START_SHARE)))

    def _part(self, first: int, stop: int) -> GridTable:
        return GridTable(self.grid, self.values, self.fonts, first, stop, self._layout,
                         self.keep_within)

    def _row_heights(self, avail_width: float) -> list[float]:
        if self._heights is None or self._heights[0] != avail_width:  # measuring is the slow part
            table = self._build(avail_width)
            table.wrap(avail_width, float("inf"))
            self._heights = (avail_width, list(table._rowHeights))
        return self._heights[1]

    def kept_whole(self, avail_width: float) -> bool:
        """True if this part fits on a page below its heading, so it is never cut."""
        return (self.keep_within is not None
                and sum(self._row_heights(avail_width)) <= self.keep_within + 1e-6)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        if self.kept_whole(availWidth):
            return []  # the whole table goes to the next page
        heights = self._row_heights(availWidth)
        heads = self.grid.header_rows
        used = sum(heights[:heads])
        fitting: list[int] = []  # row boundaries whose upper part fits, top to bottom
        for offset, grid_row in enumerate(range(self.first, self.stop - 1)):
            used += heights[heads + offset]
            if used > availHeight + 1e-6:
                break
            fitting.append(grid_row + 1)
        least = self.min_start_rows
        blocks = [c for c in fitting if c in self._cut_before]
        choices = [
            [c for c in blocks if c - self.first >= least and self.stop - c >= _MIN_END_ROWS],
            [c for c in blocks if c - self.first >= least],
        ]
        frame = getattr(self, "_frame", None)
        if frame is not None and getattr(frame, "_atTop", False):
            # a part that cannot keep the rules even on an empty page is cut anywhere rather
            # than failing the export
            choices += [blocks, fitting]
        # a cut spanning label may need more room in the upper part: check, then fall back
        for cuts in choices:
            for cut in reversed(cuts):
                head = self._part(self.first, cut)
                if head.wrap(availWidth, availHeight)[1] <= availHeight + 1e-6:
                    return [head, self._part(cut, self.stop)]
        return []

    def start_height(self, availWidth: float) -> float:  # noqa: N803
        """Height of what must fit below the heading to start the table on this page.

        That is the whole table if it is never cut, else its header rows and the body rows that
        must stay with them at the foot of a page.
        """
        heights = self._row_heights(availWidth)
        if self.kept_whole(availWidth):
            return sum(heights)
        least = self.min_start_rows
        stop = next((k for k in sorted(self._cut_before)
                     if k - self.first >= least and self.first < k < self.stop), self.stop)
        return sum(heights[: self.grid.header_rows + (stop - self.first)])

    def draw(self) -> None:
        table = self._build(self.width)
        table.drawOn(self.canv, 0, 0)

