"""The document the whole UI edits: a report, its undo history, its totals and current problems."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from app.checks import check
from app.meta_fields import parse_meta_value, shown_meta_value
from app.numbers import InputError, Number
from app.problems import ERROR, WARNING, Problem
from app.report import Report
from app.template_model import CellKey, Template
from ui.cell_commands import SetCellsCommand

META_SECTION = "meta"  # the section id of the 基本信息 page in problems
META_RULE = "输入"


@dataclass(frozen=True)
class RejectedInput:
    """What was typed into a metadata field and not accepted, with the reason in Chinese."""

    text: str
    message: str


class Document(QObject):
    """One open report with everything the views need to show it.

    Attributes:
        report: the report being edited (cells change only through `set_cells` or undo/redo).
        path: the draft file it was loaded from / saved to, or None for a new report.
        backup_of: for a report opened from a `.bak` backup, the draft it backs up (path is None:
            saving asks where, suggesting this file).
        previous: last year's report, for the cross-year checks, or None.
        undo_stack: the undo history of cell edits.
        grid: every cell value including totals, recomputed after each change.
        problems: the findings of the checks for the current content, errors first.
        rejected: field id → typed metadata input that was not accepted; the report keeps the
            field's previous value, the input stays on screen and counts as an error and a change.

    """

    cellsChanged = Signal(object)  # noqa: N815 - set of cell keys whose shown value may have changed
    problemsChanged = Signal()  # noqa: N815
    changed = Signal()
    modifiedChanged = Signal(bool)  # noqa: N815
    pathChanged = Signal()  # noqa: N815

    def __init__(self, report: Report, path: Path | None = None, previous: Report | None = None,
                 parent: QObject | None = None, backup_of: Path | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.path = path
        self.backup_of = backup_of
        self.previous = previous
        self.undo_stack = QUndoStack(self)
        self._other_dirty = False  # texts/meta changed since the last save (not on the undo stack)
        self._was_modified = False
        self._table_keys = {tid: frozenset(t.keys()) for tid, t in report.template.tables.items()}
        self.grid: dict[CellKey, Number] = report.grid()
        self.problems: list[Problem] = []
        self.rejected: dict[str, RejectedInput] = {}
        self._rejected_problems: dict[Problem, str] = {}
        self._by_cell: dict[CellKey, list[Problem]] = {}
        self._recheck()
        self.undo_stack.cleanChanged.connect(self._update_modified)

    # -- state -----------------------------------------------------------------------------

    @property
    def template(self) -> Template:
        return self.report.template

    @property
    def is_modified(self) -> bool:
        # Rejected input is on screen but not in the file, so it is a change until corrected.
        return self._other_dirty or bool(self.rejected) or not self.undo_stack.isClean()

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

    def set_meta_text(self, field_id: str, text: str) -> str | None:
        """Take what was typed into a metadata field; the Chinese message if it is not accepted.

        An accepted value goes into the report; a rejected one is kept in `rejected` (the report
        keeps the previous value) so it is listed as an error and is not silently dropped.
        """
        field = self.template.meta_field(field_id)
        try:
            value = parse_meta_value(field, text)
        except InputError as exc:
            rejected = RejectedInput(text, str(exc))
            if self.rejected.get(field_id) != rejected:
                self.rejected[field_id] = rejected
                self._content_changed()
            return rejected.message
        cleared = self.rejected.pop(field_id, None) is not None
        meta = self.report.meta
        if not cleared and field_id in meta and meta[field_id] == value \
                and type(meta[field_id]) is type(value):
            return None
        meta[field_id] = value
        self._content_changed()  # also when only the error went: the problems changed
        return None

    def rejected_notes(self) -> list[str]:
        """One sentence per rejected field saying what the file keeps instead, for the save message."""
        notes = []
        for field in self.template.meta:
            if field.id not in self.rejected:
                continue
            kept = shown_meta_value(self.report.meta.get(field.id))
            notes.append(f"「{field.label}」填写有误，保存的是原来的值"
                         + (f"“{kept}”" if kept else "（空）"))
        return notes

    def rejected_field(self, problem: Problem) -> str | None:
        """The metadata field a rejected-input problem is about, if it is one."""
        return self._rejected_problems.get(problem)

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

    def _rejected_input_problems(self) -> list[Problem]:
        found = {}
        for field in self.template.meta:  # in the order of the form
            rejected = self.rejected.get(field.id)
            if rejected is None:
                continue
            typed = rejected.text.strip()
            message = f"基本信息「{field.label}」：{rejected.message}"
            if typed:
                message += f"（填写的“{typed}”未被采用）"
            found[Problem(META_RULE, ERROR, "基本信息填写有误", message, META_SECTION)] = field.id
        self._rejected_problems = found
        return list(found)

    def _recheck(self) -> None:
        # 基本信息 comes first in the report, so its errors lead the list.
        problems = self._rejected_input_problems() + check(self.report, self.previous)
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
