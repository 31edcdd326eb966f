"""Column widths and row heights that let a report table on screen read like the printed form."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics

from app.layout import CAPTION, HEADER, VALUE, GridCell, TableGrid

VALUE_CHARS_MAX = 9  # value columns grow with the window up to this width
ROW_HEIGHT_LINES = 1.8  # a one-line row is this many text lines tall: room to read and click
MIN_BODY_ROWS = 3  # the header rows stay frozen only while this many body rows fit below them


def padding(font: QFont) -> int:
    """The room left around a cell's text, growing with the font (and so with display scaling)."""
    return max(10, QFontMetrics(font).horizontalAdvance("国") // 2 + 4)


def natural_widths(width_chars: list[int], label_cols: int, font: QFont) -> list[int]:
    """Pixel widths of the grid columns from how many characters each should show."""
    metrics = QFontMetrics(font)
    em = metrics.horizontalAdvance("国")
    digits = metrics.horizontalAdvance("0000000")  # counts up to millions fit
    pad = padding(font)
    return [chars * em + pad if c < label_cols else max(chars * em, digits) + pad
            for c, chars in enumerate(width_chars)]


def stretch_values(widths: list[int], label_cols: int, room: int, font: QFont) -> list[int]:
    """Let value columns share spare width (up to a cap), as the printed form spans the page."""
    values = range(label_cols, len(widths))
    if not values or room <= 0:
        return list(widths)
    cap = VALUE_CHARS_MAX * QFontMetrics(font).horizontalAdvance("国")
    extra = room // len(values)
    return [max(w, min(w + extra, cap)) if c >= label_cols else w for c, w in enumerate(widths)]


def _text_height(cell: GridCell, width: int, font: QFont) -> int:
    bold = QFont(font)
    bold.setBold(cell.role in (HEADER, CAPTION))
    flags = int(Qt.TextFlag.TextWordWrap)
    return QFontMetrics(bold).boundingRect(QRect(0, 0, max(width, 1), 100_000), flags,
                                           cell.text).height()


def line_row_height(font: QFont) -> int:
    """The height of a body row showing one line of text."""
    return int(QFontMetrics(font).height() * ROW_HEIGHT_LINES)


def row_heights(grid: TableGrid, widths: list[int], font: QFont) -> list[int]:
    """Row heights tall enough for the wrapped labels; a merged label shares out what it needs."""
    heights = [line_row_height(font)] * grid.rows
    pad = padding(font)
    tall = []
    for cell in grid.cells:
        if cell.role == VALUE or not cell.text:
            continue
        need = _text_height(cell, sum(widths[cell.col:cell.col + cell.colspan]) - pad, font) + pad
        if cell.rowspan == 1:
            heights[cell.row] = max(heights[cell.row], need)
        else:
            tall.append((cell, need))
    for cell, need in tall:
        rows = range(cell.row, cell.row + cell.rowspan)
        short = need - sum(heights[r] for r in rows)
        if short > 0:
            for r in rows:
                heights[r] += -(-short // cell.rowspan)
    return heights
