"""Cell edits as undo steps, and the planning of a pasted clipboard block into one such edit."""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from app.layout import VALUE, GridCell, TableGrid
from app.numbers import InputError, Number, parse_number
from app.template_model import CellKey

if TYPE_CHECKING:
    from ui.document import Document

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
MAX_ERRORS_SHOWN = 3


class SetCellsCommand(QUndoCommand):
    """Set several input cells at once; undo restores the values they had before.

    Attributes:
        new: the validated values to set, by cell key.
        old: the values the cells had before (0 for blank cells).

    """

    def __init__(self, document: Document, new: dict[CellKey, Number],
                 old: dict[CellKey, Number], description: str) -> None:
        super().__init__(description)
        # A weak reference: the document owns the stack that owns this command, and a Python
        # reference cycle through Qt-owned objects would leave their destruction to the garbage
        # collector, in whatever order it picks.
        self._document = weakref.ref(document)
        self.new = dict(new)
        self.old = dict(old)

    def redo(self) -> None:
        document = self._document()
        if document is not None:
            document.apply_values(self.new)

    def undo(self) -> None:
        document = self._document()
        if document is not None:
            document.apply_values(self.old)


@dataclass
class PastePlan:
    """What a pasted block does: the values to set, or why it cannot be pasted.

    Attributes:
        changes: parsed values by input cell.
        errors: one Chinese message per refused field (naming the cell and the text).
        skipped: fields that landed on totals the program computes.
        outside: non-empty fields beyond the table's edge.

    """

    changes: dict[CellKey, Number] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    skipped: int = 0
    outside: int = 0

    def message(self) -> str:
        """The sentence for the clerk's status line."""
        if self.errors:
            more = len(self.errors) - MAX_ERRORS_SHOWN
            tail = f"（另有 {more} 处）" if more > 0 else ""
            return "粘贴未完成，表格没有改动。" + "；".join(self.errors[:MAX_ERRORS_SHOWN]) + tail
        if not self.changes:
            return "没有可粘贴的单元格：合计由程序自动计算"
        notes = [f"已粘贴 {len(self.changes)} 个单元格"]
        if self.skipped:
            notes.append(f"{self.skipped} 个合计单元格由程序计算，未粘贴")
        if self.outside:
            notes.append(f"{self.outside} 个数据超出表格范围，未粘贴")
        return "；".join(notes)


def split_block(text: str) -> list[list[str]]:
    """Rows of fields from clipboard text as Excel/WPS put it (tabs, CRLF, a final line break)."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return [line.split("\t") for line in lines]


def plan_paste(grid: TableGrid, start: GridCell, block: list[list[str]],
               selected_inputs: Iterable[GridCell], label: Callable[[CellKey], str]) -> PastePlan:
    """Place a block on the grid from `start`, keeping the form's shape; parse every value.

    A block maps cell for cell onto the drawn table (so a block copied from the same form lands
    where it came from); fields on totals, labels or the inside of merged cells are not pasted.
    A single value fills every selected input cell, as in a spreadsheet.
    """
    placed: list[tuple[GridCell, str]] = []
    plan = PastePlan()
    if len(block) == 1 and len(block[0]) == 1:
        placed = [(cell, block[0][0]) for cell in (list(selected_inputs) or [start])]
    else:
        covering = grid.at()
        for i, fields in enumerate(block):
            for j, text in enumerate(fields):
                pos = (start.row + i, start.col + j)
                cell = covering.get(pos)
                if cell is None:
                    plan.outside += bool(text.strip())
                elif (cell.row, cell.col) != pos or cell.role != VALUE:
                    continue
                elif cell.computed:
                    plan.skipped += 1
                else:
                    placed.append((cell, text))
    for cell, text in placed:
        if cell.role != VALUE or cell.computed or cell.key is None:
            continue
        column = grid.table.column(cell.key[1], cell.key[2])
        assert column is not None
        try:
            plan.changes[cell.key] = parse_number(text, column.kind, column.places)
        except InputError as exc:
            plan.errors.append(f"{label(cell.key)}：{exc}")
    return plan
