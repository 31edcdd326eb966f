"""A spreadsheet-like view of one report table: typing, moving, clearing, copy/paste and undo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QSize, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QTableView,
    QWidget,
)

from app.layout import GridCell
from app.numbers import InputError
from app.template_model import CellKey
from ui import table_sizing
from ui.cell_commands import plan_paste, split_block
from ui.cell_editor import (
    ARROWS,
    CHORD,
    ENTER,
    CellDelegate,
    is_redo,
    leaves_cell,
    move_for_key,
)
from ui.document import Document
from ui.frozen_header import FrozenHeader
from ui.table_model import COMPUTED_REFUSED, ReportTableModel


class ReportTableView(QTableView):
    """One report table drawn like the printed form and edited like a spreadsheet.

    Enter moves down a column (then on to the next column), Tab/Shift+Tab along the rows, arrows in
    their direction — always to the next cell a person fills in. The table's header rows stay in
    view while the body scrolls. Messages for the clerk go to the `message` signal and the
    `on_message` callback, never to a modal box.

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
        self._delegate = CellDelegate(self)
        self.setItemDelegate(self._delegate)
        self._rejected = False
        self._fitting = False
        self._forwarding = False  # a key is being handed to the cell editor (re-entrancy guard)
        self._committing = False
        self._natural = QSize()
        self._model.inputRejected.connect(self._on_rejected)
        spans = self._model.spans()
        for row, col, rowspan, colspan in spans:
            self.setSpan(row, col, rowspan, colspan)
        self._frozen: FrozenHeader | None = None
        if self._model.grid_layout.header_rows:
            # The header rows can move from the scrolling body into the view's (frozen) header.
            self._frozen = FrozenHeader(self, self._model.grid_layout.header_rows)
            self.setHorizontalHeader(self._frozen)
            self._frozen.attach(self._model, spans)
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

    def frozen_rows(self) -> QTableView | None:
        """The view showing the table's header rows above the body (None for headerless tables)."""
        return self._frozen.rows if self._frozen is not None else None

    def commit_editor(self) -> None:
        """Commit an open cell editor's value as Enter would, and close it.

        The value is validated as usual: a bad one gives the usual message and is not committed.
        Call before saving, closing, exporting or leaving the page.
        """
        editor = self.editor()
        if editor is None or self._committing:
            return
        self._committing = True
        try:
            self._rejected = False
            self._delegate.commitData.emit(editor)
            self._delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        finally:
            self._committing = False

    # -- public helpers --------------------------------------------------------------------

    def select_key(self, key: CellKey) -> bool:
        """Scroll to a cell, make it current and focus the table; False if not in this table."""
        index = self._model.index_of(key)
        if not index.isValid():
            return False
        self.commit_editor()
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

    def commit_and_move(self, move: str) -> None:
        """Commit the open editor's text, close it and move on unless the value was refused."""
        self.commit_editor()
        if not self._rejected:
            self._move(move)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if self.editor() is not None and leaves_cell(event):
                # The editor passed on a window command (Ctrl+S, Ctrl+PgDn …): keep what was
                # typed before the command runs, and let the command run.
                self.commit_editor()
            if self._claims(event):
                # Claim our editing keys before window shortcuts (a menu's Ctrl+Z, a dialog's Enter).
                event.accept()
                return True
        return super().event(event)

    def _claims(self, event: QKeyEvent) -> bool:
        standard = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Paste,
                    QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Cut)
        return any(event.matches(s) for s in standard) or is_redo(event) or event.key() in (
            *ENTER, Qt.Key.Key_Delete, Qt.Key.Key_Backspace)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        editor = self.editor()
        if editor is not None:
            if self._forwarding or (editor.hasFocus() and not leaves_cell(event)):
                # The editor had this key and left it (F1, Esc's siblings …): it travels on to
                # the window. Never hand it back to the editor, which would return it here.
                event.ignore()
                return
            if not leaves_cell(event):
                self._forward(editor, event)
                return
            self.commit_editor()  # PageDown, Ctrl+S …: keep the value, then act as without editor
        key, mods = event.key(), event.modifiers()
        stack = self.document.undo_stack
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
        elif is_redo(event):
            if stack.canRedo():
                self._say(f"已恢复：{stack.redoText()}")
                stack.redo()
        elif key in ENTER and not mods & CHORD:
            self._move(move_for_key(event) or "down")
        elif key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not mods & CHORD:
            if not self._move("next" if key == Qt.Key.Key_Tab else "prev"):
                event.ignore()  # past the last cell: let focus leave the table
                return
        elif key in ARROWS and not mods:
            self._move(ARROWS[key])
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not mods & CHORD:
            self.clear_selection()
        elif event.text() and event.text().isprintable() and not mods & CHORD \
                and self._typed_into_cell(event.text()):
            pass
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def inputMethodEvent(self, event: Any) -> None:
        # Full-width digits typed through a Chinese input method arrive here, not as key presses.
        text = event.commitString()
        if self.state() != QAbstractItemView.State.EditingState and text \
                and self._typed_into_cell(text):
            event.accept()
            return
        super().inputMethodEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        super().mouseDoubleClickEvent(event)
        if self._model.is_total(self.indexAt(event.position().toPoint())):
            self._say(COMPUTED_REFUSED)

    def _forward(self, editor: QLineEdit, event: QKeyEvent) -> None:
        """Hand a key sent to the view (not the editor) to the open editor, exactly once."""
        self._forwarding = True
        try:
            QApplication.sendEvent(editor, event)
        finally:
            self._forwarding = False
        event.accept()  # if the editor left it, it has already travelled on to the window

    def _typed_into_cell(self, text: str) -> bool:
        """Start editing the current cell with typed text; a total says why it cannot be typed in."""
        index = self.currentIndex()
        if self._model.is_input(index):
            self._start_typing(text)
            return True
        if self._model.is_total(index):
            self._say(COMPUTED_REFUSED)
            return True
        return False

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
        index = self._model.index(*target)
        self.setCurrentIndex(index)
        # Qt scrolls to a new current cell only sometimes (not while an editor closes, for one).
        self.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
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
            font, grid = self.font(), self._model.grid_layout
            widths = table_sizing.natural_widths(self._model.width_chars(), grid.label_cols, font)
            self._natural = QSize(sum(widths), sum(table_sizing.row_heights(grid, widths, font)))
            room = self.viewport().width() - self.verticalScrollBar().sizeHint().width() \
                - sum(widths)
            widths = table_sizing.stretch_values(widths, grid.label_cols, room, font)
            heights = table_sizing.row_heights(grid, widths, font)
            for col, width in enumerate(widths):
                self.setColumnWidth(col, width)
            for row, height in enumerate(heights):
                self.setRowHeight(row, height)
            if self._frozen is not None:
                self._frozen.fit(widths, heights)
                self._freeze_header(heights)
        finally:
            self._fitting = False

    def _freeze_header(self, heights: list[int]) -> None:
        """Keep the header rows above the scrolling body, unless that would leave the body no room.

        In a very short view (a small screen at 150%) the frozen header would hide nearly every
        row, so then the header rows scroll with the body as on paper.
        """
        assert self._frozen is not None
        rows = self._frozen.header_rows
        room = self.height() - 2 * self.frameWidth() - sum(heights[:rows]) \
            - self.horizontalScrollBar().sizeHint().height()
        freeze = room >= table_sizing.MIN_BODY_ROWS * table_sizing.line_row_height(self.font())
        if freeze != self._frozen.isVisibleTo(self):
            self._frozen.setVisible(freeze)
            for row in range(rows):
                self.setRowHidden(row, freeze)
        self.updateGeometries()  # the header's height may have changed
