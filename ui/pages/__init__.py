"""The wizard: pages generated from the template, a side list with their states, Back and Next."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.problems import Problem
from app.template_model import CellKey
from ui.pages.base import MUTED_COLOR, Page, PageContext
from ui.pages.check_page import CheckPage
from ui.pages.meta_page import MetaPage
from ui.pages.table_page import TablePage
from ui.pages.text_page import TextPage
from ui.side_list import SideList

# One page class per section kind of the template; a new format file needs no new page code.
SECTION_PAGES = {"text": TextPage, "table": TablePage}


def build_pages(ctx: PageContext) -> list[Page]:
    """基本信息, one page per template section in order, then 检查与导出."""
    pages: list[Page] = [MetaPage(ctx)]
    for section in ctx.document.template.sections:
        pages.append(SECTION_PAGES[section.kind](ctx, section))
    pages.append(CheckPage(ctx))
    return pages


class WizardView(QWidget):
    """The side list, the current page and the navigation bar; all state lives in the document.

    Attributes:
        pages: every page in order.
        side: the side list (one entry per page).
        stack: the page shown.
        back_button / next_button: 上一步 / 下一步.

    """

    currentChanged = Signal(int)  # noqa: N815

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        ctx.show_problem = self.show_problem
        ctx.commit_all = self.commit
        self.pages = build_pages(ctx)
        self.side = SideList()
        self.side.set_pages([p.title for p in self.pages])
        self.stack = QStackedWidget()
        for page in self.pages:
            self.stack.addWidget(page)
            page.stateChanged.connect(self.refresh_states)
        self.step_label = QLabel()
        self.step_label.setStyleSheet(f"color: {MUTED_COLOR};")
        self.back_button = QPushButton("上一步")
        self.next_button = QPushButton("下一步")
        for button in (self.back_button, self.next_button):
            # Enter in a table or a field must never press these (they are no dialog defaults).
            button.setAutoDefault(False)
            button.setDefault(False)
            button.setMinimumWidth(self.fontMetrics().horizontalAdvance("下一步") * 2)
        self.back_button.setToolTip("上一步（Ctrl+PgUp）")
        self.next_button.setToolTip("下一步（Ctrl+PgDown）")
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        QShortcut(QKeySequence("Ctrl+PgUp"), self, self.go_back)
        QShortcut(QKeySequence("Ctrl+PgDown"), self, self.go_next)
        self.side.currentRowChanged.connect(self._side_clicked)

        bar = QHBoxLayout()
        bar.addWidget(self.step_label)
        bar.addStretch(1)
        bar.addWidget(self.back_button)
        bar.addWidget(self.next_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(12, 8, 12, 8)
        right_layout.addWidget(self.stack, 1)
        right_layout.addLayout(bar)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.side)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        ctx.document.problemsChanged.connect(self.refresh_states)
        self.refresh_states()
        self.go_to(0)

    # -- navigation ----------------------------------------------------------------------------

    def current_index(self) -> int:
        return self.stack.currentIndex()

    def current_page(self) -> Page:
        page = self.stack.currentWidget()
        assert isinstance(page, Page)
        return page

    def index_of(self, page_id: str) -> int:
        for index, page in enumerate(self.pages):
            if page.page_id == page_id:
                return index
        return -1

    def page(self, page_id: str) -> Page:
        return self.pages[self.index_of(page_id)]

    def go_to(self, index: int) -> None:
        if not 0 <= index < len(self.pages):
            return
        if index != self.stack.currentIndex():
            self.current_page().commit()  # leaving a page never loses what was typed
        self.stack.setCurrentIndex(index)
        self.side.blockSignals(True)
        self.side.setCurrentRow(index)
        self.side.blockSignals(False)
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(self.pages) - 1)
        self.step_label.setText(f"第 {index + 1} 步，共 {len(self.pages)} 步")
        self.pages[index].shown()
        self.currentChanged.emit(index)

    def go_to_page(self, page_id: str, key: CellKey | None = None) -> None:
        index = self.index_of(page_id)
        if index < 0:
            return
        self.go_to(index)
        if key is not None:
            self.pages[index].show_key(key)

    def go_back(self) -> None:
        self.go_to(self.current_index() - 1)

    def go_next(self) -> None:
        self.go_to(self.current_index() + 1)

    def _side_clicked(self, row: int) -> None:
        self.go_to(row)

    def show_problem(self, problem: Problem) -> None:
        """Open the page where a problem is fixed and point at its cell or field."""
        cells = problem.cells
        if problem.quote or not cells:  # a passage of a text, or a field: its own page
            page_id = problem.section
        else:
            page_id = self.ctx.document.template.section_of_table(cells[0].table).id
        index = self.index_of(page_id)
        if index >= 0:
            self.go_to(index)
            self.pages[index].show_problem(problem)

    def commit(self, keep_editing: bool = False) -> None:
        """Hand every page's pending input to the document (before saving, closing, exporting)."""
        for page in self.pages:
            page.commit(keep_editing)

    # -- states --------------------------------------------------------------------------------

    def refresh_states(self) -> None:
        for row, page in enumerate(self.pages):
            self.side.set_state(row, page.severity(), page.summary())
