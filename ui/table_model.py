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

KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # the cell key of a value cell, None elsewhere

_ALIGN_VALUE = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ALIGN_HEADER = Qt.AlignmentFlag.AlignCenter
_ALIGN_LABEL = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_PROBLEM_ROLES = [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole,
                  Qt.ItemDataRole.ForegroundRole]


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
        cell = self.cell_at(index)
        if cell is None or (cell.row, cell.col) != (index.row(), index.column()):
            return None
        return cell

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
        cell = self._anchor(index)
        if cell is None:
            return Qt.ItemFlag.NoItemFlags if not index.isValid() else Qt.ItemFlag.ItemIsEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if cell.role == VALUE and not cell.computed:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self._anchor(index)
        if cell is None:
            return None
        if cell.role != VALUE:
            return self._label_data(cell, role)
        key = cell.key
        assert key is not None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return format_number(self.document.grid[key])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN_VALUE
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._value_background(cell)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(ZERO_COLOUR if self.document.grid[key] == 0 else TEXT_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [COMPUTED_TIP] if cell.computed else []
            lines += [p.message for p in self.document.problems_for_cell(key)]
            return "\n".join(lines) if lines else None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.cell_label(key)} {format_number(self.document.grid[key])}"
        if role == KEY_ROLE:
            return key
        return None

    def _label_data(self, cell: GridCell, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.ToolTipRole:
            return cell.text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN_LABEL if cell.role == ROW_LABEL else _ALIGN_HEADER
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(HEADER_COLOUR)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(TEXT_COLOUR)
        if role == Qt.ItemDataRole.FontRole and cell.role in (HEADER, CAPTION):
            return self._bold
        return None

    def _value_background(self, cell: GridCell) -> QBrush | None:
        assert cell.key is not None
        problems = self.document.problems_for_cell(cell.key)
        if any(p.severity == ERROR for p in problems):
            return QBrush(ERROR_COLOUR)
        if problems:
            return QBrush(WARNING_COLOUR)
        return QBrush(COMPUTED_COLOUR) if cell.computed else None

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

    def _on_cells_changed(self, keys: set[CellKey]) -> None:
        self._emit_for(keys)

    def _on_problems_changed(self) -> None:
        # Marks can appear or vanish anywhere in the table: refresh colour/tooltip roles of all.
        self._emit_for(self._by_key, _PROBLEM_ROLES)
