"""The document the whole UI edits: a report, its undo history, its totals and current problems."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from app.checks import check
from app.numbers import InputError, Number
from app.problems import ERROR, WARNING, Problem
from app.report import Report
from app.template_model import CellKey, Template
from ui.cell_commands import SetCellsCommand


class Document(QObject):
    """One open report with everything the views need to show it.

    Attributes:
        report: the report being edited (cells change only through `set_cells` or undo/redo).
        path: the draft file it was loaded from / saved to, or None for a new report.
        previous: last year's report, for the cross-year checks, or None.
        undo_stack: the undo history of cell edits.
        grid: every cell value including totals, recomputed after each change.
        problems: the findings of the checks for the current content, errors first.

    """

    cellsChanged = Signal(object)  # noqa: N815 - set of cell keys whose shown value may have changed
    problemsChanged = Signal()  # noqa: N815
    changed = Signal()
    modifiedChanged = Signal(bool)  # noqa: N815
    pathChanged = Signal()  # noqa: N815

    def __init__(self, report: Report, path: Path | None = None, previous: Report | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.path = path
        self.previous = previous
        self.undo_stack = QUndoStack(self)
        self._other_dirty = False  # texts/meta changed since the last save (not on the undo stack)
        self._was_modified = False
        self._table_keys = {tid: frozenset(t.keys()) for tid, t in report.template.tables.items()}
        self.grid: dict[CellKey, Number] = report.grid()
        self.problems: list[Problem] = []
        self._by_cell: dict[CellKey, list[Problem]] = {}
        self._recheck()
        self.undo_stack.cleanChanged.connect(self._update_modified)

    # -- state -----------------------------------------------------------------------------

    @property
    def template(self) -> Template:
        return self.report.template

    @property
    def is_modified(self) -> bool:
        return self._other_dirty or not self.undo_stack.isClean()

    def mark_saved(self, path: Path | None = None) -> None:
        """Record that the current content is what is on disk (at `path` if given)."""
        self.undo_stack.setClean()
        self._other_dirty = False
        if path is not None and path != self.path:
            self.path = path
            self.pathChanged.emit()
        self._update_modified()

    def mark_modified(self) -> None:
        """Flag the content as differing from the file (e.g. a report recovered after a crash)."""
        self._other_dirty = True
        self._update_modified()

    def set_previous(self, previous: Report | None) -> None:
        """Attach or drop last year's report; only the cross-year checks change."""
        self.previous = previous
        self._recheck()

    def value(self, key: CellKey) -> Number:
        """The shown value of any cell, totals included."""
        return self.grid[key]

    # -- edits -----------------------------------------------------------------------------

    def set_cells(self, changes: Mapping[CellKey, Number], description: str = "编辑单元格") -> None:
        """Set input cells as one undo step, or raise InputError and change nothing."""
        # Validate on a scratch report so a bad value anywhere leaves the real one untouched.
        scratch = Report(self.report.template, values=dict(self.report.values))
        for key, value in changes.items():
            try:
                scratch.set_value(key, value)
            except KeyError as exc:
                raise InputError("没有这个单元格") from exc
        new = {k: scratch.value(k) for k in changes}
        old = {k: self.report.value(k) for k in changes}
        changed = {k: v for k, v in new.items() if v != old[k] or type(v) is not type(old[k])}
        if not changed:
            return
        self.undo_stack.push(SetCellsCommand(self, changed, {k: old[k] for k in changed},
                                             description))

    def apply_values(self, values: Mapping[CellKey, Number]) -> None:
        """Write already validated values and refresh; used by the undo commands only."""
        for key, value in values.items():
            self.report.set_value(key, value)
        self.grid = self.report.grid()
        affected: set[CellKey] = set()
        for tid in {key[0] for key in values}:
            affected |= self._table_keys[tid]
        self.cellsChanged.emit(affected)
        self._recheck()
        self.changed.emit()

    def set_text(self, section_id: str, text: str) -> None:
        """Replace the free text of a text section (Qt's text edit keeps its own undo)."""
        if self.report.texts.get(section_id) == text:
            return
        self.report.texts[section_id] = text
        self._content_changed()

    def set_meta(self, field_id: str, value: Any) -> None:
        """Set a metadata field (机关名称, 年度 …); the page validates the value first."""
        if field_id in self.report.meta and self.report.meta[field_id] == value \
                and type(self.report.meta[field_id]) is type(value):
            return
        self.report.meta[field_id] = value
        self._content_changed()

    # -- problems --------------------------------------------------------------------------

    def problems_for_cell(self, key: CellKey) -> list[Problem]:
        return self._by_cell.get(key, [])

    def problems_for_section(self, section_id: str) -> list[Problem]:
        return [p for p in self.problems if p.section == section_id]

    def worst_severity(self, section_id: str) -> str | None:
        """"error", "warning" or None for the problems of one section."""
        found = {p.severity for p in self.problems if p.section == section_id}
        if ERROR in found:
            return ERROR
        return WARNING if WARNING in found else None

    # -- internals -------------------------------------------------------------------------

    def _content_changed(self) -> None:
        self._other_dirty = True
        self._recheck()
        self.changed.emit()
        self._update_modified()

    def _recheck(self) -> None:
        problems = check(self.report, self.previous)
        if problems == self.problems:
            return
        self.problems = problems
        by_cell: dict[CellKey, list[Problem]] = {}
        for problem in problems:
            for ref in problem.cells:
                bucket = by_cell.setdefault(ref.key, [])
                if problem not in bucket:
                    bucket.append(problem)
        self._by_cell = by_cell
        self.problemsChanged.emit()

    def _update_modified(self, *_: object) -> None:
        now = self.is_modified
        if now != self._was_modified:
            self._was_modified = now
            self.modifiedChanged.emit(now)
