"""The in-cell line editor of a report table, and what each key means while a cell is edited."""

from __future__ import annotations

import weakref
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
ARROWS = {Qt.Key.Key_Up: "arrow_up", Qt.Key.Key_Down: "arrow_down",
          Qt.Key.Key_Left: "arrow_left", Qt.Key.Key_Right: "arrow_right"}
CHORD = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier \
    | Qt.KeyboardModifier.MetaModifier
_PAGING = (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
_MODIFIER_KEYS = frozenset({
    Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Meta, Qt.Key.Key_Alt, Qt.Key.Key_AltGr,
    Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock, Qt.Key.Key_ScrollLock, Qt.Key.Key_Super_L,
    Qt.Key.Key_Super_R, Qt.Key.Key_Hyper_L, Qt.Key.Key_Hyper_R, Qt.Key.Key_Mode_switch,
    Qt.Key.Key_unknown})


def leaves_cell(event: QKeyEvent) -> bool:
    """Whether a key the cell editor passes on takes the clerk away from the cell (so commits it).

    Paging and window commands (Ctrl+S, Ctrl+Q, Ctrl+PgDn, Alt+F …) do; a modifier pressed on
    its own does not, or Ctrl+A in the editor would close it at the Ctrl.
    """
    mods = event.modifiers()
    ctrl_alt = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    if (mods & ctrl_alt) == ctrl_alt and event.text().isprintable() and event.text():
        return False  # AltGr, which Windows reports as Ctrl+Alt, types a character
    return event.key() not in _MODIFIER_KEYS and (event.key() in _PAGING or bool(mods & CHORD))


def is_redo(event: QKeyEvent) -> bool:
    # Windows says Ctrl+Y, Linux desktops Ctrl+Shift+Z; clerks use either, so accept both everywhere.
    combo = event.keyCombination()
    ctrl = Qt.KeyboardModifier.ControlModifier
    return event.matches(QKeySequence.StandardKey.Redo) or (
        combo.key() == Qt.Key.Key_Y and combo.keyboardModifiers() == ctrl) or (
        combo.key() == Qt.Key.Key_Z
        and combo.keyboardModifiers() == ctrl | Qt.KeyboardModifier.ShiftModifier)


def move_for_key(event: QKeyEvent) -> str | None:
    """The move a key asks for while a cell is edited: "down", "up", "next", "prev" or None."""
    key, mods = event.key(), event.modifiers()
    shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
    if mods & CHORD:
        return None
    if key in ENTER:
        return "up" if shift else "down"
    if key == Qt.Key.Key_Tab:
        return "next"
    if key == Qt.Key.Key_Backtab:
        return "prev"
    if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not shift:
        return "arrow_up" if key == Qt.Key.Key_Up else "arrow_down"
    return None


class CellDelegate(QStyledItemDelegate):
    """A right-aligned line editor whose Enter/Tab/Up/Down commit and move instead of escaping.

    Attributes:
        pending_text: typed text that replaces the cell's content when the editor opens.
        active: the open editor, if any.

    """

    def __init__(self, view: QObject) -> None:  # view: has commit_and_move(move)
        super().__init__(view)
        # Weak: a Python cycle view <-> delegate would leave a closed top-level view to the garbage
        # collector, which may then delete it in the middle of a paint.
        self._view = weakref.ref(view)
        self.pending_text: str | None = None
        self.active: QLineEdit | None = None

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
        view: Any = self._view()
        if view is not None and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent):
            move = move_for_key(event)
            if move is not None:
                # Qt's own Enter handling lets the key travel on to a dialog's default button.
                view.commit_and_move(move)
                return True
        return super().eventFilter(editor, event)
