"""A Qt table model showing one report table in its official merged layout, editable per cell."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app.checks import cell_ref
from app.layout import CAPTION, HEADER, ROW_LABEL, VALUE, GridCell, table_grid
from app.numbers import InputError, format_number, parse_number
from app.problems import ERROR
from app.template_model import CellKey
from ui.document import Document

ModelIndex = QModelIndex | QPersistentModelIndex

# Colours are chosen to stay readable with black text in light and dark desktop themes alike.
HEADER_COLOUR = QColor("#dfe7f1")
COMPUTED_COLOUR = QColor("#e9e9e9")
ERROR_COLOUR = QColor("#f6c9c9")
WARNING_COLOUR = QColor("#fbe3a8")
TEXT_COLOUR = QColor("#000000")
ZERO_COLOUR = QColor("#8a8a8a")  # zeros stay legible but let the typed numbers stand out
COMPUTED_TIP = "合计，由程序自动计算"
COMPUTED_REFUSED = "合计由程序自动计算，不能直接填写"  # said when a clerk types into a total
_BRUSHES = {name: QBrush(colour) for name, colour in (
    ("header", HEADER_COLOUR), ("computed", COMPUTED_COLOUR), ("error", ERROR_COLOUR),
    ("warning", WARNING_COLOUR), ("text", TEXT_COLOUR), ("zero", ZERO_COLOUR))}

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
LABEL_CHARS_MAX = 14  # a row label column is at most this many characters wide before wrapping
GROUP_LABEL_CHARS = 4  # a label spanning a few rows (（四）无法提供) wraps at this width
VALUE_CHARS = 6  # the widest a value column needs to be for its header
_ARROW_STEPS = {"arrow_up": (-1, 0), "arrow_down": (1, 0), "arrow_left": (0, -1),
                "arrow_right": (0, 1)}  # the cell key of a value cell, None elsewhere

_ALIGN_VALUE = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ALIGN_HEADER = Qt.AlignmentFlag.AlignCenter
_ALIGN_LABEL = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_PROBLEM_ROLES = [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole,
                  Qt.ItemDataRole.ForegroundRole]


def _flags_for(cell: GridCell) -> Qt.ItemFlag:
    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    if cell.role == VALUE and not cell.computed:
        flags |= Qt.ItemFlag.ItemIsEditable
    return flags


class ReportTableModel(QAbstractTableModel):
    """The cells of one table of a `Document`, laid out exactly as `app.layout.table_grid` draws it.

    Rows and columns are those of the drawn grid: headers, captions and row labels are cells too,
    and merged cells appear once at their top-left position (`spans()` tells the view how to merge).

    Attributes:
        document: the document edited.
        table_id: the id of the table shown.
        grid_layout: the table's drawn grid (`app.layout.TableGrid`).

    """

    inputRejected = Signal(str)  # noqa: N815 - a Chinese message about a refused value

    def __init__(self, document: Document, table_id: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.table_id = table_id
        self.table = document.template.table(table_id)
        self.grid_layout = table_grid(self.table)
        self._covering = self.grid_layout.at()
        # Painting asks data()/flags() thousands of times: look cells and flags up, never rebuild.
        self._anchors = {(c.row, c.col): c for c in self.grid_layout.cells}
        self._flags = {pos: _flags_for(c) for pos, c in self._anchors.items()}
        self._cache: dict[tuple[int, int], dict[int, Any]] = {}
        inputs = [(c.row, c.col) for c in self.grid_layout.value_cells() if not c.computed]
        self._row_major = sorted(inputs)
        self._col_major = sorted((c, r) for r, c in inputs)
        self._by_key: dict[CellKey, GridCell] = {
            c.key: c for c in self.grid_layout.value_cells() if c.key}
        self._bold = QFont()
        self._bold.setBold(True)
        document.cellsChanged.connect(self._on_cells_changed)
        document.problemsChanged.connect(self._on_problems_changed)

    # -- layout ----------------------------------------------------------------------------

    def cell_at(self, index: ModelIndex) -> GridCell | None:
        """The drawn cell covering a position (merged cells cover several positions)."""
        if not index.isValid():
            return None
        return self._covering.get((index.row(), index.column()))

    def _anchor(self, index: ModelIndex) -> GridCell | None:
        """The cell whose top-left corner is this position; covered positions have none."""
        return self._anchors.get((index.row(), index.column())) if index.isValid() else None

    def key_at(self, index: ModelIndex) -> CellKey | None:
        cell = self.cell_at(index)
        return cell.key if cell is not None and cell.role == VALUE else None

    def index_of(self, key: CellKey) -> QModelIndex:
        cell = self._by_key.get(key)
        return QModelIndex() if cell is None else self.index(cell.row, cell.col)

    def spans(self) -> list[tuple[int, int, int, int]]:
        """(row, column, rowspan, colspan) of every merged cell."""
        return [(c.row, c.col, c.rowspan, c.colspan) for c in self.grid_layout.cells
                if c.rowspan > 1 or c.colspan > 1]

    def is_input(self, index: ModelIndex) -> bool:
        """Whether the clerk types into this position (a value cell that is not a total)."""
        cell = self._anchor(index)
        return cell is not None and cell.role == VALUE and not cell.computed

    def is_total(self, index: ModelIndex) -> bool:
        """Whether this position shows a total the program computes (drawn grey)."""
        cell = self.cell_at(index)
        return cell is not None and cell.role == VALUE and cell.computed

    def next_input(self, row: int, col: int, move: str) -> tuple[int, int] | None:
        """The input cell a key moves to from a position, skipping labels and totals.

        "next"/"prev" go along the rows (Tab), "down"/"up" down the columns and on to the next
        column (Enter), "arrow_*" straight in one direction; None when there is none that way.
        """
        here = self._covering.get((row, col))
        if move.startswith("arrow_"):
            d_row, d_col = _ARROW_STEPS[move]
            while True:
                row, col = row + d_row, col + d_col
                cell = self._covering.get((row, col))
                if cell is None:
                    return None
                if cell is not here and cell.role == VALUE and not cell.computed:
                    return (cell.row, cell.col)
        pos = (here.row, here.col) if here else (row, col)
        if move in ("down", "up"):
            order, probe = self._col_major, (pos[1], pos[0])
        else:
            order, probe = self._row_major, pos
        if move in ("down", "next"):
            found = next((p for p in order if p > probe), None)
        else:
            found = next((p for p in reversed(order) if p < probe), None)
        if found is None:
            return None
        return (found[1], found[0]) if order is self._col_major else found

    def width_chars(self) -> list[int]:
        """How many characters wide each grid column should be to read its labels comfortably."""
        grid = self.grid_layout
        chars = [2] * grid.label_cols
        for cell in grid.cells:
            if cell.colspan != 1 or cell.col >= grid.label_cols \
                    or cell.role not in (ROW_LABEL, HEADER):
                continue
            length = len(cell.text)
            if cell.rowspan == 1:
                want = min(length, LABEL_CHARS_MAX)
            else:  # spanning rows: narrow, or one character a line if the rows are tall enough
                want = 2 if cell.rowspan >= length else min(length, GROUP_LABEL_CHARS)
            chars[cell.col] = max(chars[cell.col], want)
        leaf_headers = [len(c.text) for c in grid.cells
                        if c.role == HEADER and c.colspan == 1 and c.col >= grid.label_cols]
        # Value columns share one width; a leaf header may wrap onto two lines.
        value = min(max([4, *((n + 1) // 2 for n in leaf_headers)]), VALUE_CHARS)
        return chars + [value] * (grid.cols - grid.label_cols)

    def cell_label(self, key: CellKey) -> str:
        """How a message names a cell: 表三「本年新收·自然人」."""
        ref = cell_ref(self.document.template, key)
        name = f"{ref.row_label}·{ref.column_label}" if ref.row_label else ref.column_label
        return f"{ref.table_name}「{name}」"

    # -- Qt model API ----------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.grid_layout.rows

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.grid_layout.cols

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return None  # the view hides Qt's headers: the table's own headers are cells

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return self._flags.get((index.row(), index.column()), Qt.ItemFlag.ItemIsEnabled)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        pos = (index.row(), index.column())
        roles = self._cache.get(pos)
        if roles is None:
            cell = self._anchors.get(pos) if index.isValid() else None
            if cell is None:
                return None
            roles = self._cache[pos] = self._roles(cell)
        return roles.get(role)

    def _roles(self, cell: GridCell) -> dict[int, Any]:
        """Everything shown for one cell, by role (cached until the document changes)."""
        r = Qt.ItemDataRole
        if cell.role != VALUE:
            roles: dict[int, Any] = {
                r.DisplayRole: cell.text, r.ToolTipRole: cell.text,
                r.TextAlignmentRole: _ALIGN_LABEL if cell.role == ROW_LABEL else _ALIGN_HEADER,
                r.BackgroundRole: _BRUSHES["header"], r.ForegroundRole: _BRUSHES["text"]}
            if cell.role in (HEADER, CAPTION):
                roles[r.FontRole] = self._bold
            return roles
        key = cell.key
        assert key is not None
        value = self.document.grid[key]
        shown = format_number(value)
        tips = [COMPUTED_TIP] if cell.computed else []
        tips += [p.message for p in self.document.problems_for_cell(key)]
        roles = {r.DisplayRole: shown, r.EditRole: shown, r.TextAlignmentRole: _ALIGN_VALUE,
                 r.ForegroundRole: _BRUSHES["zero" if value == 0 else "text"],
                 r.AccessibleTextRole: f"{self.cell_label(key)} {shown}", KEY_ROLE: key}
        if tips:
            roles[r.ToolTipRole] = "\n".join(tips)
        background = self._value_background(cell)
        if background is not None:
            roles[r.BackgroundRole] = background
        return roles

    def _value_background(self, cell: GridCell) -> QBrush | None:
        assert cell.key is not None
        problems = self.document.problems_for_cell(cell.key)
        if any(p.severity == ERROR for p in problems):
            return _BRUSHES["error"]
        if problems:
            return _BRUSHES["warning"]
        return _BRUSHES["computed"] if cell.computed else None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not self.is_input(index):
            return False
        key = self.key_at(index)
        assert key is not None
        column = self.table.column(key[1], key[2])
        assert column is not None
        try:
            number = parse_number(value, column.kind, column.places) if isinstance(value, str) \
                else value
            self.document.set_cells({key: number})
        except InputError as exc:
            self.inputRejected.emit(f"{self.cell_label(key)}：{exc}")
            return False
        return True

    # -- document signals ------------------------------------------------------------------

    def _emit_for(self, keys: Iterable[CellKey], roles: list[int] | None = None) -> None:
        cells = [self._by_key[k] for k in keys if k in self._by_key]
        if not cells:
            return
        top = min(c.row for c in cells)
        left = min(c.col for c in cells)
        bottom = max(c.row for c in cells)
        right = max(c.col for c in cells)
        self.dataChanged.emit(self.index(top, left), self.index(bottom, right), roles or [])

    @Slot(object)
    def _on_cells_changed(self, keys: set[CellKey]) -> None:
        self._cache.clear()
        self._emit_for(keys)

    @Slot()
    def _on_problems_changed(self) -> None:
        # Marks can appear or vanish anywhere in the table: refresh colour/tooltip roles of all.
        self._cache.clear()
        self._emit_for(self._by_key, _PROBLEM_ROLES)
