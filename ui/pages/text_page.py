"""A text page: a plain-text editor with the official guidance beside it, a count and live warnings."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.problems import Problem
from app.template_model import Section
from ui.pages.base import (
    MUTED_COLOR,
    Page,
    PageContext,
    ProblemList,
    heading_label,
    muted_label,
    show_section_problems,
)

COMMIT_DELAY_MS = 400  # checks run on a pause in typing, not on every key
MAX_PENDING_MS = 2000  # … but never later than this after the first unsaved key


def count_characters(text: str) -> int:
    """What a clerk calls the number of 字: every character except spaces and line breaks."""
    return sum(1 for ch in text if not ch.isspace())


class TextPage(Page):
    """One text section of the format.

    Attributes:
        editor: the section's text.
        count_label: “已输入 N 字”.
        problem_list: this section's warnings (R8 figures and years, R8F fee, R11 copying).

    """

    def __init__(self, ctx: PageContext, section: Section) -> None:
        super().__init__(ctx, section.id, section.heading, section.id)
        self.section = section
        self.editor = QPlainTextEdit()
        self.editor.setObjectName(f"text_{section.id}")
        self.editor.setAccessibleName(section.heading)
        self._dirty = False  # typed text not yet in the document
        self._loading = False
        self.editor.setPlaceholderText(f"在此填写“{section.heading}”的正文。右侧是官方要求写明的内容。")
        self.editor.setTabChangesFocus(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COMMIT_DELAY_MS)
        self._timer.timeout.connect(self.commit)
        self._pending = QElapsedTimer()
        self.count_label = QLabel()
        self.count_label.setStyleSheet(f"color: {MUTED_COLOR};")
        self.editor.textChanged.connect(self._typed)
        self._load_text()
        self.problems_title = QLabel()
        self.problem_list = ProblemList()
        self.problem_list.itemActivated.connect(self._jump)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(heading_label(section.heading))
        left_layout.addWidget(self.editor, 1)
        count_row = QHBoxLayout()
        count_row.addWidget(self.count_label)
        count_row.addStretch(1)
        left_layout.addLayout(count_row)
        left_layout.addWidget(self.problems_title)
        left_layout.addWidget(self.problem_list)
        self.problem_list.setMaximumHeight(self.fontMetrics().height() * 8)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        if section.guidance:
            splitter.addWidget(self._guidance_panel(section))
            splitter.setStretchFactor(0, 3)
            splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        self._update_count()
        self.mount(splitter)

    def _guidance_panel(self, section: Section) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("应写明的内容")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        browser = QTextBrowser()
        browser.setObjectName(f"guidance_{section.id}")
        browser.setOpenLinks(False)
        browser.setHtml("".join(
            f"<p><b>{escape(g.label)}</b><br/>{escape(g.text)}</p>" for g in section.guidance))
        insert = QPushButton("插入小标题")
        insert.setToolTip("把右侧各项的标题插入正文光标处，便于逐项填写")
        insert.clicked.connect(self.insert_outline)
        layout.addWidget(title)
        layout.addWidget(browser, 1)
        layout.addWidget(muted_label("以上内容来自国务院办公厅关于年度报告格式的通知。"))
        layout.addWidget(insert, 0, Qt.AlignmentFlag.AlignLeft)
        return panel

    # -- editing -------------------------------------------------------------------------------

    def _typed(self) -> None:
        self._update_count()
        if self._loading:
            return
        self._dirty = True
        if not self._timer.isActive():
            self._pending.start()
        if self._pending.elapsed() >= MAX_PENDING_MS:
            self.commit()  # someone typing without a pause still gets checked and autosaved
        else:
            self._timer.start()

    def _update_count(self) -> None:
        self.count_label.setText(f"已输入 {count_characters(self.editor.toPlainText())} 字")

    def commit(self, keep_editing: bool = False) -> None:
        """Hand typed text to the document (only typed text: the document may be newer)."""
        self._timer.stop()
        if self._dirty:
            self._dirty = False
            self.document.set_text(self.section.id, self.editor.toPlainText())

    def _load_text(self) -> None:
        self._loading = True
        try:
            self.editor.setPlainText(self.document.report.texts.get(self.section.id, ""))
        finally:
            self._loading = False

    def insert_outline(self) -> None:
        outline = "\n\n".join(g.label for g in self.section.guidance)
        cursor = self.editor.textCursor()
        cursor.clearSelection()
        # Headings stand on lines of their own: never glued to a sentence or splitting one, so
        # from inside a paragraph they go after it.
        before = ""
        if not cursor.atBlockStart():
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
            before = "\n"
        cursor.insertText(before + outline + "\n")
        self.editor.setTextCursor(cursor)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- problems ------------------------------------------------------------------------------

    def refresh_problems(self) -> None:
        show_section_problems(self.problems_title, self.problem_list,
                              self.document.problems_for_section(self.section.id), "本节")

    def _jump(self, item: QListWidgetItem) -> None:
        problem = self.problem_list.problem_at(item)
        if problem is None:
            return
        if problem.quote:
            self.show_problem(problem)
        elif problem.cells:
            key = problem.cells[0].key
            self.ctx.navigate(self.document.template.section_of_table(key[0]).id, key)

    def show_problem(self, problem: Problem) -> None:
        """Select the passage a text warning quotes, so the clerk sees what to correct."""
        self.commit()
        found = self.editor.document().find(problem.quote) if problem.quote else None
        if found is not None and not found.isNull():
            self.editor.setTextCursor(found)
            self.editor.ensureCursorVisible()
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def shown(self) -> None:
        text = self.document.report.texts.get(self.section.id, "")
        if not self._dirty and text != self.editor.toPlainText():
            self._load_text()  # changed elsewhere (e.g. restored); the editor follows
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
