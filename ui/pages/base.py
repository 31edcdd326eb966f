"""The small contract every wizard page follows, and the context pages get from the window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.problems import ERROR, Problem
from app.template_model import CellKey
from ui.dialogs import Dialogs
from ui.document import Document
from ui.side_list import ICON_SIZE, severity_icon

ERROR_COLOR = "#b3261e"
WARNING_COLOR = "#8a5a00"
MUTED_COLOR = "#5f6368"


@dataclass
class PageContext:
    """What a page may use besides its document.

    Attributes:
        document: the open report.
        dialogs: the modal-dialog service.
        navigate: show a page by id, optionally selecting a cell on it.
        choose_previous / clear_previous: attach or drop last year's report (the window loads it).
        previous_name: the file name of last year's report, if one is attached.
        show_problem: open the page where a problem is fixed and point at it (set by the wizard).
        commit_all: hand every page's pending input to the document (set by the wizard).

    """

    document: Document
    dialogs: Dialogs
    navigate: Callable[[str, CellKey | None], None]
    choose_previous: Callable[[], None]
    clear_previous: Callable[[], None]
    previous_name: Callable[[], str | None]
    show_problem: Callable[[Problem], None] = field(default=lambda _problem: None)
    commit_all: Callable[[], None] = field(default=lambda: None)


class Page(QWidget):
    """One page of the wizard.

    Attributes:
        page_id: "meta", a section id, or "check".
        title: the entry in the side list.
        section_id: the template section shown, if any (its problems colour the side list entry).

    """

    stateChanged = Signal()  # noqa: N815 - the side list entry's state may have changed

    def __init__(self, ctx: PageContext, page_id: str, title: str,
                 section_id: str | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.page_id = page_id
        self.title = title
        self.section_id = section_id
        self.setObjectName(f"page_{page_id}")

    @property
    def document(self) -> Document:
        return self.ctx.document

    def severity(self) -> str | None:
        """"error", "warning" or None: the worst problem on this page."""
        return self.document.worst_severity(self.section_id) if self.section_id else None

    def summary(self) -> str:
        """A tooltip for the side list entry."""
        problems = self.document.problems_for_section(self.section_id) if self.section_id else []
        return problem_count_text(problems)

    def mount(self, content: QWidget) -> None:
        """Fill the page with its content and keep its problem list following the document."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(content)
        self.document.problemsChanged.connect(self.refresh_problems)
        self.refresh_problems()

    def refresh_problems(self) -> None:
        """Show this page's current problems (pages with a problem list override it)."""

    def commit(self, keep_editing: bool = False) -> None:
        """Write anything still pending (debounced typing, an open cell editor) into the document.

        `keep_editing` (the autosave) leaves an open cell editor alone: closing it under the
        clerk's fingers would turn the next key press into a new entry.
        """

    def shown(self) -> None:
        """Called each time the page becomes the current one."""

    def show_key(self, key: CellKey) -> None:
        """Select a cell on this page (table pages)."""

    def show_problem(self, problem: Problem) -> None:
        """Point at what a problem is about (its first cell by default)."""
        if problem.cells:
            self.show_key(problem.cells[0].key)


def problem_count_text(problems: list[Problem]) -> str:
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    if not problems:
        return "未发现问题"
    parts = ([f"错误 {errors} 项"] if errors else []) + ([f"提示 {warnings} 项"] if warnings else [])
    return "，".join(parts)


def heading_label(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    label.setObjectName("pageHeading")
    return label


def muted_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {MUTED_COLOR};")
    return label


class ProblemList(QListWidget):
    """Problems as a clickable, wrapping list with a coloured icon per severity."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setUniformItemSizes(False)
        self.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        self.setAccessibleName("问题列表")
        self.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        # A single click jumps to the problem; `itemActivated` then covers mouse and Enter, once.
        self.setStyleSheet("QListWidget { activate-on-singleclick: 1; }"
                           " QListWidget::item { padding: 3px 2px; }")

    def set_problems(self, problems: list[Problem], grouped: bool = False) -> None:
        """Fill the list; `grouped` adds a coloured heading before the errors and the warnings."""
        self.clear()
        for index, problem in enumerate(problems):
            if grouped and (index == 0 or problems[index - 1].severity != problem.severity):
                self._add_heading(problem.severity, sum(1 for p in problems
                                                        if p.severity == problem.severity))
            item = QListWidgetItem(severity_icon(problem.severity), problem.message)
            kind = "错误" if problem.severity == ERROR else "提示"
            item.setToolTip(f"{kind}（{problem.rule}，{problem.title}）\n{problem.message}")
            item.setData(Qt.ItemDataRole.UserRole, problem)
            self.addItem(item)

    def _add_heading(self, severity: str, count: int) -> None:
        text = f"错误（{count} 项，必须更正）" if severity == ERROR else f"提示（{count} 项，请核实）"
        item = QListWidgetItem(text)
        font = QFont(self.font())
        font.setBold(True)
        item.setFont(font)
        item.setForeground(QColor(ERROR_COLOR if severity == ERROR else WARNING_COLOR))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.addItem(item)

    def problems(self) -> list[Problem]:
        found = [self.problem_at(self.item(i)) for i in range(self.count())]
        return [p for p in found if p is not None]

    def problem_at(self, item: QListWidgetItem) -> Problem | None:
        problem = item.data(Qt.ItemDataRole.UserRole)
        return problem if isinstance(problem, Problem) else None


def show_section_problems(title: QLabel, problem_list: ProblemList, problems: list[Problem], scope: str,
                          hint: str = "") -> None:
    """Fill a page's problem list and its title line (“本表发现的问题：错误 1 项” or “本表未发现问题。”)."""
    problem_list.set_problems(problems)
    problem_list.setVisible(bool(problems))
    if problems:
        title.setText(f"{scope}发现的问题：{problem_count_text(problems)}{hint}")
        title.setStyleSheet("")
    else:
        title.setText(f"{scope}未发现问题。")
        title.setStyleSheet(f"color: {MUTED_COLOR};")
