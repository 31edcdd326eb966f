"""A spreadsheet-like view of one report table: typing, moving, clearing, copy/paste and undo."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.layout import CAPTION, HEADER, VALUE, GridCell
from app.numbers import InputError
from app.template_model import CellKey
from ui.cell_commands import plan_paste, split_block
from ui.document import Document
from ui.table_model import ReportTableModel

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_ARROWS = {Qt.Key.Key_Up: "arrow_up", Qt.Key.Key_Down: "arrow_down",
           Qt.Key.Key_Left: "arrow_left", Qt.Key.Key_Right: "arrow_right"}
_CHORD = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier \
    | Qt.KeyboardModifier.MetaModifier

VALUE_CHARS_MAX = 9  # value columns grow with the window up to this width


def _is_redo(event: QKeyEvent) -> bool:
    # Windows says Ctrl+Y, Linux desktops Ctrl+Shift+Z; clerks use either, so accept both everywhere.
    combo = event.keyCombination()
    ctrl = Qt.KeyboardModifier.ControlModifier
    return event.matches(QKeySequence.StandardKey.Redo) or (
        combo.key() == Qt.Key.Key_Y and combo.keyboardModifiers() == ctrl) or (
        combo.key() == Qt.Key.Key_Z
        and combo.keyboardModifiers() == ctrl | Qt.KeyboardModifier.ShiftModifier)


class _CellDelegate(QStyledItemDelegate):
    """A right-aligned line editor whose Enter/Tab/Up/Down commit and move instead of escaping."""

    def __init__(self, view: ReportTableView) -> None:
        super().__init__(view)
        # Weak: a Python cycle view <-> delegate would leave a closed top-level view to the garbage
        # collector, which may then delete it in the middle of a paint.
        self._view = weakref.ref(view)
        self.pending_text: str | None = None  # typed text that replaces the cell's content
        self.active: QLineEdit | None = None  # the open editor, if any

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex) -> QWidget:
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setFrame(False)
        self.active = editor
        return editor

    def destroyEditor(self, editor: QWidget, index: QModelIndex) -> None:
        if editor is self.active:
            self.active = None
        super().destroyEditor(editor, index)

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        assert isinstance(editor, QLineEdit)
        if self.pending_text is not None:
            editor.setText(self.pending_text)
        else:
            editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex) -> None:
        assert isinstance(editor, QLineEdit)
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, editor: Any, event: QEvent) -> bool:
        view = self._view()
        if view is not None and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent):
            move = view.move_for_key(event)
            if move is not None:
                # Qt's own Enter handling lets the key travel on to a dialog's default button.
                view.commit_and_move(editor, move)
                return True
        return super().eventFilter(editor, event)


class ReportTableView(QTableView):
    """One report table drawn like the printed form and edited like a spreadsheet.

    Enter moves down a column (then on to the next column), Tab/Shift+Tab along the rows, arrows in
    their direction — always to the next cell a person fills in. Messages for the clerk go to the
    `message` signal and the `on_message` callback, never to a modal box.

    Attributes:
        document: the document edited.
        on_message: called with every message for the clerk (may be None).

    """

    message = Signal(str)

    def __init__(self, document: Document, table_id: str, parent: QWidget | None = None,
                 on_message: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.on_message = on_message
        self._model = ReportTableModel(document, table_id, self)
        self.setModel(self._model)
        self._delegate = _CellDelegate(self)
        self.setItemDelegate(self._delegate)
        self._rejected = False
        self._fitting = False
        self._natural = QSize()
        self._model.inputRejected.connect(self._on_rejected)
        for row, col, rowspan, colspan in self._model.spans():
            self.setSpan(row, col, rowspan, colspan)
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.setWordWrap(True)
        self.setTabKeyNavigation(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setAccessibleName(document.template.table(table_id).name)
        self._fit_sizes()
        first = self._model.next_input(-1, -1, "next")
        if first is not None:
            self.setCurrentIndex(self._model.index(*first))

    def model(self) -> ReportTableModel:
        return self._model

    def editor(self) -> QLineEdit | None:
        """The line editor of the cell being edited, if any."""
        return self._delegate.active if self.state() == self.State.EditingState else None

    # -- public helpers --------------------------------------------------------------------

    def select_key(self, key: CellKey) -> bool:
        """Scroll to a cell, make it current and focus the table; False if not in this table."""
        index = self._model.index_of(key)
        if not index.isValid():
            return False
        self.setCurrentIndex(index)
        self.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def copy_selection(self) -> str:
        """Copy the selected block as tab-separated lines (what Excel and WPS paste)."""
        indexes = self._selected()
        if not indexes:
            return ""
        chosen = {(i.row(), i.column()) for i in indexes}
        rows = range(min(r for r, _ in chosen), max(r for r, _ in chosen) + 1)
        cols = range(min(c for _, c in chosen), max(c for _, c in chosen) + 1)
        lines = []
        for r in rows:
            fields = [str(self._model.index(r, c).data() or "") if (r, c) in chosen else ""
                      for c in cols]
            lines.append("\t".join(fields))
        text = "\n".join(lines)
        QGuiApplication.clipboard().setText(text)
        return text

    def paste(self, text: str | None = None) -> bool:
        """Paste a tab/newline block at the current cell as one undo step; all or nothing."""
        text = QGuiApplication.clipboard().text() if text is None else text
        block = split_block(text)
        start = self._model.cell_at(self.currentIndex())
        if not block or start is None:
            return False
        plan = plan_paste(self._model.grid_layout, start, block, self._selected_input_cells(),
                          self._model.cell_label)
        if plan.changes and not plan.errors:
            try:
                self.document.set_cells(plan.changes, "粘贴")
            except InputError as exc:
                plan.errors.append(str(exc))
        self._say(plan.message())
        return bool(plan.changes) and not plan.errors

    def clear_selection(self) -> None:
        """Set the selected input cells to 0 (one undo step); totals are left alone."""
        zeros: dict[CellKey, Any] = {c.key: 0 for c in self._selected_input_cells() if c.key}
        if zeros:
            self.document.set_cells(zeros, "清除单元格")

    # -- keyboard --------------------------------------------------------------------------

    def move_for_key(self, event: QKeyEvent) -> str | None:
        """The move a key asks for while a cell is edited: "down", "up", "next", "prev" or None."""
        key, mods = event.key(), event.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if mods & _CHORD:
            return None
        if key in _ENTER:
            return "up" if shift else "down"
        if key == Qt.Key.Key_Tab:
            return "next"
        if key == Qt.Key.Key_Backtab:
            return "prev"
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not shift:
            return "arrow_up" if key == Qt.Key.Key_Up else "arrow_down"
        return None

    def commit_and_move(self, editor: QWidget, move: str) -> None:
        """Commit the editor's text, close it and move on unless the value was refused."""
        self._rejected = False
        self._delegate.commitData.emit(editor)
        self._delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        if not self._rejected:
            self._move(move)

    def event(self, event: QEvent) -> bool:
        # Claim our editing keys before window-level shortcuts (a menu's Ctrl+Z, a dialog's Enter).
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and self._claims(event):
            event.accept()
            return True
        return super().event(event)

    def _claims(self, event: QKeyEvent) -> bool:
        standard = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Paste,
                    QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Cut)
        return any(event.matches(s) for s in standard) or _is_redo(event) or event.key() in (
            *_ENTER, Qt.Key.Key_Delete, Qt.Key.Key_Backspace)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        stack = self.document.undo_stack
        editor = self._delegate.active
        if self.state() == QAbstractItemView.State.EditingState and editor is not None:
            # Keys that reach the view while a cell is edited belong to the editor.
            QApplication.sendEvent(editor, event)
            return
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
        elif event.matches(QKeySequence.StandardKey.Cut):
            self.copy_selection()
            self.clear_selection()
        elif event.matches(QKeySequence.StandardKey.Undo):
            if stack.canUndo():
                self._say(f"已撤销：{stack.undoText()}")
                stack.undo()
        elif _is_redo(event):
            if stack.canRedo():
                self._say(f"已恢复：{stack.redoText()}")
                stack.redo()
        elif key in _ENTER and not mods & _CHORD:
            self._move(self.move_for_key(event) or "down")
        elif key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not mods & _CHORD:
            if not self._move("next" if key == Qt.Key.Key_Tab else "prev"):
                event.ignore()  # past the last cell: let focus leave the table
                return
        elif key in _ARROWS and not mods:
            self._move(_ARROWS[key])
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not mods & _CHORD:
            self.clear_selection()
        elif event.text() and event.text().isprintable() and not mods & _CHORD \
                and self._model.is_input(self.currentIndex()):
            self._start_typing(event.text())
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def inputMethodEvent(self, event: Any) -> None:
        # Full-width digits typed through a Chinese input method arrive here, not as key presses.
        text = event.commitString()
        if self.state() != QAbstractItemView.State.EditingState and text \
                and self._model.is_input(self.currentIndex()):
            self._start_typing(text)
            event.accept()
            return
        super().inputMethodEvent(event)

    def _start_typing(self, text: str) -> None:
        self._delegate.pending_text = text
        try:
            self.edit(self.currentIndex())
        finally:
            self._delegate.pending_text = None
        editor = self._delegate.active
        if editor is not None:  # Qt selects the editor's text on opening: keep the typed text
            editor.deselect()
            editor.end(False)

    # -- moving ----------------------------------------------------------------------------

    def _move(self, move: str) -> bool:
        """Go to the next input cell for a move; False when there is none that way."""
        index = self.currentIndex()
        target = self._model.next_input(index.row(), index.column(), move)
        if target is None:
            return False
        self.setCurrentIndex(self._model.index(*target))
        return True

    # -- helpers ---------------------------------------------------------------------------

    def _selected(self) -> list[QModelIndex]:
        indexes = [i for i in self.selectedIndexes() if self._model.cell_at(i) is not None]
        if not indexes and self.currentIndex().isValid():
            indexes = [self.currentIndex()]
        return indexes

    def _selected_input_cells(self) -> list[GridCell]:
        cells = []
        for index in self._selected():
            if self._model.is_input(index):
                cell = self._model.cell_at(index)
                assert cell is not None
                cells.append(cell)
        return cells

    @Slot(str)
    def _on_rejected(self, text: str) -> None:
        self._rejected = True
        self._say(text)

    def _say(self, text: str) -> None:
        self.message.emit(text)
        if self.on_message is not None:
            self.on_message(text)

    # -- sizes -----------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_sizes()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_sizes()

    def sizeHint(self) -> QSize:
        frame = 2 * self.frameWidth()
        return QSize(self._natural.width() + frame, self._natural.height() + frame)

    def _fit_sizes(self) -> None:
        """Size columns from the labels' lengths and rows from the wrapped text they must show."""
        if self._fitting:
            return
        self._fitting = True
        try:
            widths = self._natural_widths()
            self._natural = QSize(sum(widths), sum(self._row_heights(widths)))
            self._stretch_values(widths)
            for col, width in enumerate(widths):
                self.setColumnWidth(col, width)
            for row, height in enumerate(self._row_heights(widths)):
                self.setRowHeight(row, height)
        finally:
            self._fitting = False

    def _metrics(self, cell: GridCell) -> QFontMetrics:
        font = QFont(self.font())
        font.setBold(cell.role in (HEADER, CAPTION))
        return QFontMetrics(font)

    def _padding(self) -> int:
        return max(10, self.fontMetrics().horizontalAdvance("国") // 2 + 4)

    def _natural_widths(self) -> list[int]:
        em = self.fontMetrics().horizontalAdvance("国")
        digits = self.fontMetrics().horizontalAdvance("0000000")  # counts up to millions fit
        label_cols = self._model.grid_layout.label_cols
        return [chars * em + self._padding() if c < label_cols
                else max(chars * em, digits) + self._padding()
                for c, chars in enumerate(self._model.width_chars())]

    def _stretch_values(self, widths: list[int]) -> None:
        """Let value columns use spare window width, as the printed form spans the page."""
        label_cols = self._model.grid_layout.label_cols
        values = list(range(label_cols, len(widths)))
        if not values:
            return
        room = self.viewport().width() - self.verticalScrollBar().sizeHint().width() - sum(widths)
        cap = VALUE_CHARS_MAX * self.fontMetrics().horizontalAdvance("国")
        if room > 0:
            extra = room // len(values)
            for c in values:
                widths[c] = max(widths[c], min(widths[c] + extra, cap))

    def _row_heights(self, widths: list[int]) -> list[int]:
        grid = self._model.grid_layout
        base = int(self.fontMetrics().height() * 1.8)
        heights = [base] * grid.rows
        pad = self._padding()
        tall = []
        for cell in grid.cells:
            if cell.role == VALUE or not cell.text:
                continue
            width = sum(widths[cell.col:cell.col + cell.colspan]) - pad
            flags = int(Qt.TextFlag.TextWordWrap)
            need = self._metrics(cell).boundingRect(QRect(0, 0, max(width, 1), 100_000), flags,
                                                    cell.text).height() + pad
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
