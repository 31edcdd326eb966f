"""Undo commands for edits of table cells (one command per commit or paste)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from app.numbers import Number
from app.template_model import CellKey

if TYPE_CHECKING:
    from ui.document import Document


class SetCellsCommand(QUndoCommand):
    """Set several input cells at once; undo restores the values they had before.

    Attributes:
        document: the document whose report is edited.
        new: the validated values to set, by cell key.
        old: the values the cells had before (0 for blank cells).

    """

    def __init__(self, document: Document, new: dict[CellKey, Number],
                 old: dict[CellKey, Number], description: str) -> None:
        super().__init__(description)
        self.document = document
        self.new = dict(new)
        self.old = dict(old)

    def redo(self) -> None:
        self.document.apply_values(self.new)

    def undo(self) -> None:
        self.document.apply_values(self.old)
