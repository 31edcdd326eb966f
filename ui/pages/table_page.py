"""A table page: the section heading, the spreadsheet-like table, input messages, and its problems."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QLabel,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.problems import Problem
from app.template_model import CellKey, Section
from ui.pages.base import (
    Page,
    PageContext,
    ProblemList,
    heading_label,
    muted_label,
    show_section_problems,
)
from ui.side_list import ICON_SIZE
from ui.table_view import ReportTableView

MESSAGE_SHOWN_MS = 15_000
PROBLEM_LINES = 4
HINT = ("直接输入数字，Enter 向下、Tab 向右移到下一格；Delete 清为 0；可从 Excel/WPS 复制整块粘贴；"
        "Ctrl+Z 撤销。灰色单元格是程序自动计算的合计。")


class TablePage(Page):
    """One table section of the format.

    Attributes:
        view: the spreadsheet-like table (ReportTableView).
        status: the last message about what was typed or pasted.
        problem_list: this table's problems; activating one selects its first cell.

    """

    def __init__(self, ctx: PageContext, section: Section) -> None:
        super().__init__(ctx, section.id, section.heading, section.id)
        assert section.table is not None
        table = self.document.template.table(section.table)
        self.view = ReportTableView(self.document, table.id, on_message=self._show_message)
        self.view.setObjectName(f"table_{table.id}")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("inputMessage")
        self._clear_timer = QTimer(self)
        self._clear_timer.setSingleShot(True)
        self._clear_timer.setInterval(MESSAGE_SHOWN_MS)
        self._clear_timer.timeout.connect(self.status.clear)
        self.problems_title = QLabel()
        self.problem_list = ProblemList()
        self.problem_list.itemActivated.connect(self._jump)
        self._problem_row = max(self.fontMetrics().height(), ICON_SIZE) + 8  # item padding and spacing

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(heading_label(section.heading))
        top_layout.addWidget(muted_label(f"{table.name}　{HINT}"))
        top_layout.addWidget(self.view, 1)
        top_layout.addWidget(self.status)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.problems_title)
        bottom_layout.addWidget(self.problem_list, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.mount(splitter)

    def _show_message(self, text: str) -> None:
        self.status.setText(text)
        self._clear_timer.start()

    def refresh_problems(self) -> None:
        show_section_problems(self.problems_title, self.problem_list,
                              self.document.problems_for_section(self.page_id), "本表", "（点击可定位到单元格）")
        # As tall as its problems, up to four lines, so the table keeps the rest of the page.
        lines = min(max(self.problem_list.count(), 1), PROBLEM_LINES)
        self.problem_list.setFixedHeight(lines * self._problem_row + 2 * self.problem_list.frameWidth())

    def _jump(self, item: QListWidgetItem) -> None:
        problem = self.problem_list.problem_at(item)
        if problem is not None:
            self.show_problem(problem)

    def show_problem(self, problem: Problem) -> None:
        for ref in problem.cells:
            if self.view.select_key(ref.key):
                return

    def show_key(self, key: CellKey) -> None:
        self.view.select_key(key)

    def commit(self, keep_editing: bool = False) -> None:
        """Commit a number still being typed in a cell (validated like Enter), closing its editor."""
        if keep_editing:
            return
        commit_editor = getattr(self.view, "commit_editor", None)
        if commit_editor is not None:
            commit_editor()
            return
        editor = self.view.editor()  # until the view has commit_editor(): the same by hand
        if editor is not None:
            self.view.commitData(editor)
            self.view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def shown(self) -> None:
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
