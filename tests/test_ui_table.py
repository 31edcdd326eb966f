"""The report table widget driven like a clerk would: typing, moving, pasting, clearing, undo."""

from decimal import Decimal

import pytest
from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QObject, QPoint, Qt
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from app.report import Report
from app.template_loader import available_templates
from ui.document import Document
from ui.table_model import (
    COMPUTED_COLOUR,
    COMPUTED_REFUSED,
    ERROR_COLOUR,
    HEADER_COLOUR,
    ReportTableModel,
)
from ui.table_view import ReportTableView

pytestmark = pytest.mark.gui

NEW = ("t3", "new", "natural")
NEW_BUSINESS = ("t3", "new", "business")
NEW_TOTAL = ("t3", "new", "total")
CARRIED = ("t3", "carried", "natural")
CARRY_NEXT = ("t3", "carry_next", "natural")
DISCLOSED = ("t3", "disclosed", "natural")
RESULTS_TOTAL = ("t3", "results_total", "natural")
OTHER_ORG = ("t3", "new", "other_org")
BG = Qt.ItemDataRole.BackgroundRole
TIP = Qt.ItemDataRole.ToolTipRole
CTRL = Qt.KeyboardModifier.ControlModifier
NO_MOD = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def doc(qapp, t2021):
    return Document(Report.blank(t2021, "某某镇人民政府", 2023))


class Table:
    """A shown table view with the messages it gave."""

    def __init__(self, qtbot, doc, table_id):
        self.messages: list[str] = []
        self.view = ReportTableView(doc, table_id, on_message=self.messages.append)
        qtbot.addWidget(self.view)
        self.view.resize(1000, 700)
        self.view.show()
        self.view.setFocus()
        self.model = self.view.model()
        self.qtbot = qtbot

    def shown(self, key):
        return self.model.index_of(key).data()

    def type_into(self, key, text, end=Qt.Key.Key_Return):
        """Select a cell, type as a person does (ASCII via key clicks) and finish with a key."""
        assert self.view.select_key(key)
        first, rest = text[0], text[1:]
        self.qtbot.keyClicks(self.view, first)
        editor = self.view.editor()
        assert editor is not None, "typing did not open an editor"
        if rest:
            self.qtbot.keyClicks(editor, rest)
        self.qtbot.keyClick(editor, end)


def send_text(widget, text):
    """Key presses carrying characters QTest cannot synthesise (full-width digits)."""
    for ch in text:
        target = widget.editor() or widget
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def test_typing_updates_totals_and_r1_mark(qtbot, doc):
    t = Table(qtbot, doc, "t3")
    total_index = t.model.index_of(NEW_TOTAL)
    with qtbot.waitSignal(t.model.dataChanged, check_params_cb=lambda tl, br, roles: (
            tl.row() <= total_index.row() <= br.row()
            and tl.column() <= total_index.column() <= br.column())):
        t.type_into(NEW, "5")
    assert t.shown(NEW) == "5" and t.shown(NEW_TOTAL) == "5"
    assert "相差5" in t.model.index_of(NEW).data(TIP)
    assert t.model.index_of(NEW).data(BG).color() == ERROR_COLOUR
    assert t.model.index_of(NEW_TOTAL).data(TIP).startswith("合计，由程序自动计算")
    # Enter moved down the column to the next cell the clerk fills in.
    assert t.model.key_at(t.view.currentIndex()) == CARRIED

    t.type_into(DISCLOSED, "5")
    assert t.shown(RESULTS_TOTAL) == "5"  # （七）总计 row
    assert t.shown(("t3", "results_total", "total")) == "5"
    assert t.model.index_of(NEW).data(TIP) is None
    assert t.model.index_of(NEW).data(BG) is None
    assert t.model.index_of(RESULTS_TOTAL).data(BG).color() == COMPUTED_COLOUR
    assert [p for p in doc.problems if p.cells] == []  # the text sections are still empty


@pytest.mark.parametrize(("text", "why"), [
    ("abc", "不是有效的数字"), ("-1", "不能为负数"), ("1.5", "必须是整数"), ("无", "请填 0")])
def test_bad_input_is_refused_and_old_value_kept(qtbot, doc, text, why):
    doc.set_cells({NEW: 7})
    t = Table(qtbot, doc, "t3")
    if text.isascii():
        t.type_into(NEW, text)
    else:
        t.view.select_key(NEW)
        send_text(t.view, text)
        qtbot.keyClick(t.view.editor(), Qt.Key.Key_Return)
    assert t.shown(NEW) == "7" and doc.report.values[NEW] == 7
    assert len(t.messages) == 1
    assert t.messages[0].startswith("表三「本年新收·自然人」") and why in t.messages[0]
    assert t.model.key_at(t.view.currentIndex()) == NEW  # stays on the refused cell
    assert doc.undo_stack.count() == 1


def test_full_width_and_grouped_digits_are_accepted(qtbot, doc):
    t = Table(qtbot, doc, "t3")
    t.view.select_key(NEW)
    send_text(t.view, "１２")
    qtbot.keyClick(t.view.editor(), Qt.Key.Key_Tab)
    assert doc.report.values[NEW] == 12
    assert t.model.key_at(t.view.currentIndex()) == NEW_BUSINESS  # Tab goes along the row

    t.type_into(NEW_BUSINESS, "1,234", end=Qt.Key.Key_Tab)
    assert doc.grid[NEW_BUSINESS] == 1234 and t.shown(NEW_TOTAL) == "1246"

    # A Chinese input method commits text instead of sending key presses.
    t.view.select_key(CARRIED)
    event = QInputMethodEvent("", [])
    event.setCommitString("３")
    QApplication.sendEvent(t.view, event)
    qtbot.keyClick(t.view.editor(), Qt.Key.Key_Return)
    assert doc.grid[CARRIED] == 3


def test_typing_replaces_and_f2_edits_in_place(qtbot, doc):
    doc.set_cells({NEW: 45})
    t = Table(qtbot, doc, "t3")
    t.type_into(NEW, "9")
    assert doc.grid[NEW] == 9
    t.view.select_key(NEW)
    qtbot.keyClick(t.view, Qt.Key.Key_F2)
    editor = t.view.editor()
    assert editor.text() == "9"
    editor.end(False)
    qtbot.keyClicks(editor, "0")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert doc.grid[NEW] == 90


def test_pasted_block_lands_in_place_and_one_undo_removes_it(qtbot, doc):
    t = Table(qtbot, doc, "t3")
    t.view.select_key(("t3", "new", "business"))
    QGuiApplication.clipboard().setText("1\t2\r\n3\t4\r\n5\t6\r\n")  # as Excel puts it
    qtbot.keyClick(t.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    got = {row: (doc.grid[("t3", row, "business")], doc.grid[("t3", row, "research")])
           for row in ("new", "carried", "disclosed")}
    assert got == {"new": (1, 2), "carried": (3, 4), "disclosed": (5, 6)}
    assert t.shown(("t3", "carried", "total")) == "7"
    assert doc.grid[CARRIED] == 0 and doc.grid[("t3", "partly", "business")] == 0
    assert doc.undo_stack.count() == 1
    qtbot.keyClick(t.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.report.values == {}
    assert t.shown(("t3", "carried", "total")) == "0"
    qtbot.keyClick(t.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert doc.grid[("t3", "disclosed", "research")] == 6
    qtbot.keyClick(t.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(t.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert doc.grid[("t3", "new", "research")] == 2


def test_paste_skips_totals_and_refuses_bad_blocks(qtbot, doc):
    t = Table(qtbot, doc, "t4")
    t.view.select_key(("t4", "cases", "review_pending"))
    assert t.view.paste("１\t99\t2,000")  # the 99 lands on 行政复议·总计 and is not pasted
    assert doc.grid[("t4", "cases", "review_pending")] == 1
    assert doc.grid[("t4", "cases", "review_total")] == 1
    assert doc.grid[("t4", "cases", "direct_upheld")] == 2000
    assert "1 个合计单元格由程序计算" in t.messages[-1]

    before = dict(doc.report.values)
    t.view.select_key(("t4", "cases", "review_upheld"))
    assert not t.view.paste("3\tx\t4")
    assert doc.report.values == before and doc.undo_stack.count() == 1
    assert "没有改动" in t.messages[-1]
    assert "表四「行政复议·结果纠正」" in t.messages[-1] and "“x”" in t.messages[-1]


def test_one_value_fills_the_selected_cells(qtbot, doc):
    t = Table(qtbot, doc, "t3")
    model, sel = t.model, t.view.selectionModel()
    block = QItemSelection(model.index_of(NEW), model.index_of(OTHER_ORG))
    sel.select(block, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    QGuiApplication.clipboard().setText("2")
    qtbot.keyClick(t.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert doc.grid[NEW_TOTAL] == 12  # six applicant columns, the total untouched by the paste


def test_delete_clears_selection_as_one_step(qtbot, doc):
    doc.set_cells({NEW: 4, NEW_BUSINESS: 5, CARRIED: 6})
    t = Table(qtbot, doc, "t3")
    sel = t.view.selectionModel()
    block = QItemSelection(t.model.index_of(NEW), t.model.index_of(NEW_TOTAL))
    sel.select(block, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    qtbot.keyClick(t.view, Qt.Key.Key_Delete)
    assert doc.grid[NEW] == 0 and doc.grid[NEW_BUSINESS] == 0 and doc.grid[CARRIED] == 6
    assert t.shown(NEW_TOTAL) == "0"
    doc.undo_stack.undo()
    assert doc.grid[NEW_TOTAL] == 9


def test_copy_gives_tab_separated_block_and_cut_clears(qtbot, doc):
    doc.set_cells({NEW: 4, NEW_BUSINESS: 5, CARRIED: 6})
    t = Table(qtbot, doc, "t3")
    block = QItemSelection(t.model.index_of(NEW), t.model.index_of(("t3", "carried", "business")))
    t.view.selectionModel().select(block, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    qtbot.keyClick(t.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "4\t5\n6\t0"
    assert doc.grid[NEW] == 4
    qtbot.keyClick(t.view, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "4\t5\n6\t0"
    assert doc.report.values == {}
    # Copying a block of the form and pasting it elsewhere keeps its shape.
    doc.undo_stack.undo()
    t.view.selectionModel().select(block, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    qtbot.keyClick(t.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    t.view.select_key(("t3", "withheld_secret", "natural"))
    qtbot.keyClick(t.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert doc.grid[("t3", "withheld_secret", "business")] == 5
    assert doc.grid[("t3", "withheld_law", "natural")] == 6


def test_amount_cell_accepts_decimal(qtbot, doc):
    t = Table(qtbot, doc, "t2")
    fee = ("t2", "fees", "fee_amount")
    t.type_into(fee, "12.50")
    assert doc.report.values[fee] == Decimal("12.50")
    assert isinstance(doc.report.values[fee], Decimal)
    assert t.shown(fee) == "12.50"


def test_computed_cells_are_not_editable(qtbot, doc):
    t = Table(qtbot, doc, "t3")
    for key in (NEW_TOTAL, RESULTS_TOTAL):
        index = t.model.index_of(key)
        assert not t.model.flags(index) & Qt.ItemFlag.ItemIsEditable
        t.view.setCurrentIndex(index)
        qtbot.keyClicks(t.view, "7")
        qtbot.mouseDClick(t.view.viewport(), Qt.MouseButton.LeftButton,
                          pos=t.view.visualRect(index).center())
        assert t.view.editor() is None
        assert t.view.state() != t.view.State.EditingState
        assert not t.model.setData(index, "7")
    event = QInputMethodEvent("", [])
    event.setCommitString("７")  # typed through a Chinese input method
    QApplication.sendEvent(t.view, event)
    assert t.view.editor() is None
    # Typing, double-clicking (twice each) and the input method all say why nothing happens.
    assert t.messages == [COMPUTED_REFUSED] * 5
    assert doc.report.values == {} and doc.undo_stack.count() == 0
    labels = t.model.index(0, 0)
    assert not t.model.flags(labels) & Qt.ItemFlag.ItemIsEditable


def test_tab_and_enter_skip_labels_and_totals(qtbot, doc):
    t = Table(qtbot, doc, "t3")
    t.view.select_key(OTHER_ORG)
    qtbot.keyClick(t.view, Qt.Key.Key_Tab)  # past 总计 to the next row's first cell
    assert t.model.key_at(t.view.currentIndex()) == CARRIED
    t.view.select_key(("t3", "other_misc", "natural"))
    qtbot.keyClick(t.view, Qt.Key.Key_Return)  # past （七）总计
    assert t.model.key_at(t.view.currentIndex()) == ("t3", "carry_next", "natural")
    qtbot.keyClick(t.view, Qt.Key.Key_Return)  # bottom of the column: on to the next column
    assert t.model.key_at(t.view.currentIndex()) == NEW_BUSINESS
    qtbot.keyClick(t.view, Qt.Key.Key_Up)
    assert t.model.key_at(t.view.currentIndex()) == NEW_BUSINESS  # nothing above: stays
    qtbot.keyClick(t.view, Qt.Key.Key_Left)
    assert t.model.key_at(t.view.currentIndex()) == NEW


@pytest.mark.qt_log_ignore("propagateSizeHints")  # offscreen platform notice on dialogs
def test_enter_never_reaches_dialog_default_button(qtbot, doc):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    button = QPushButton("下一步", dialog)
    button.setDefault(True)
    clicks = []
    button.clicked.connect(lambda: clicks.append(1))
    view = ReportTableView(doc, "t3", dialog)
    layout = QVBoxLayout(dialog)
    layout.addWidget(view)
    layout.addWidget(button)
    dialog.show()
    view.setFocus()
    view.select_key(NEW)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # not editing: moves down
    assert view.model().key_at(view.currentIndex()) == CARRIED
    qtbot.keyClicks(view, "3")
    qtbot.keyClick(view.editor(), Qt.Key.Key_Enter)  # editing, keypad Enter
    assert doc.grid[CARRIED] == 3
    assert clicks == [] and dialog.isVisible() and dialog.result() == 0


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_enter_in_table_does_not_turn_wizard_page(qtbot, doc):
    wizard = QWizard()
    qtbot.addWidget(wizard)
    first, second = QWizardPage(), QWizardPage()
    view = ReportTableView(doc, "t4", first)
    QVBoxLayout(first).addWidget(view)
    wizard.addPage(first)
    wizard.addPage(second)
    wizard.show()
    view.setFocus()
    qtbot.keyClicks(view, "2")
    qtbot.keyClick(view.editor(), Qt.Key.Key_Return)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert doc.grid[("t4", "cases", "review_upheld")] == 2
    assert wizard.currentPage() is first and wizard.isVisible()


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_table_keys_win_over_window_shortcuts(qtbot, doc):
    window = QMainWindow()
    qtbot.addWidget(window)
    triggered = []
    for shortcut in ("Ctrl+Z", "Ctrl+V", "Del"):
        action = QAction(shortcut, window)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False, s=shortcut: triggered.append(s))
        window.addAction(action)
    view = ReportTableView(doc, "t3")
    window.setCentralWidget(view)
    with qtbot.waitActive(window):  # window shortcuts only fire in the active window
        window.show()
        window.activateWindow()
    view.setFocus()
    doc.set_cells({NEW: 5})
    view.select_key(NEW)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert doc.grid[NEW] == 0
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.grid[NEW] == 5
    QGuiApplication.clipboard().setText("8")
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert doc.grid[NEW] == 8
    assert triggered == []


def test_select_key_jumps_to_cell(qtbot, doc):
    t = Table(qtbot, doc, "t3")
    t.view.resize(600, 200)
    target = ("t3", "carry_next", "other_org")
    assert t.view.select_key(target)
    assert t.model.key_at(t.view.currentIndex()) == target
    assert t.view.viewport().rect().intersects(t.view.visualRect(t.view.currentIndex()))
    assert not t.view.select_key(("t4", "cases", "review_upheld"))


def test_spans_follow_the_official_layout(qtbot, doc):
    t = Table(qtbot, doc, "t3")
    corner = t.model.index(0, 0)
    grid = t.model.grid_layout
    assert t.view.rowSpan(0, 0) == grid.header_rows and t.view.columnSpan(0, 0) == grid.label_cols
    assert t.view.verticalHeader().isHidden()
    assert "勾稽关系" in corner.data()
    # The header rows are drawn, merged the same way, by the frozen header above the body.
    frozen = t.view.frozen_rows()
    assert frozen.rowSpan(0, 0) == grid.header_rows and frozen.columnSpan(0, 0) == grid.label_cols
    assert all(t.view.isRowHidden(r) for r in range(grid.header_rows))
    assert not any(frozen.isRowHidden(r) for r in range(grid.header_rows))
    # A long 表三 label is readable: its row is tall enough for the wrapped text.
    long_label = next(c for c in grid.cells if c.role == "row_label" and len(c.text) > 30)
    assert t.view.rowHeight(long_label.row) > 2 * t.view.fontMetrics().height()


@pytest.mark.parametrize("template_id", ["2021", "2019"])
@pytest.mark.parametrize("table_id", ["t2", "t3", "t4"])
def test_model_passes_qt_model_tester(qtmodeltester, qapp, template_id, table_id):
    template = available_templates()[template_id]
    doc = Document(Report.blank(template, "某某镇人民政府", 2023))
    model = ReportTableModel(doc, table_id)
    qtmodeltester.check(model, force_py=True)
    first_input = next(k for k in template.input_keys() if k[0] == table_id)
    assert model.setData(model.index_of(first_input), "3")
    qtmodeltester.check(model, force_py=True)


def test_moving_through_merged_cells_of_table_two(qtbot, doc):
    t = Table(qtbot, doc, "t2")
    t.view.select_key(("t2", "normative", "repealed"))
    qtbot.keyClick(t.view, Qt.Key.Key_Down)  # over the caption and header to the merged cell
    assert t.model.key_at(t.view.currentIndex()) == ("t2", "licensing", "decisions")
    qtbot.keyClick(t.view, Qt.Key.Key_Right)  # nothing right of a merged cell spanning the row
    assert t.model.key_at(t.view.currentIndex()) == ("t2", "licensing", "decisions")
    qtbot.keyClick(t.view, Qt.Key.Key_Tab)
    assert t.model.key_at(t.view.currentIndex()) == ("t2", "penalty", "decisions")
    qtbot.keyClick(t.view, Qt.Key.Key_Backtab)
    qtbot.keyClick(t.view, Qt.Key.Key_Backtab)
    assert t.model.key_at(t.view.currentIndex()) == ("t2", "normative", "in_force")
    t.view.select_key(("t2", "fees", "fee_amount"))
    assert t.view.columnSpan(t.view.currentIndex().row(), 1) == 3


class KeyCounter(QObject):
    """Counts the key presses of one key that reach a widget (after the table left them)."""

    def __init__(self, key):
        super().__init__()
        self.key, self.count = key, 0

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.KeyPress and event.key() == self.key:
            self.count += 1
        return False


def shown_window(qtbot, doc):
    """A main window around 表三 whose Ctrl+S, Ctrl+Q and Ctrl+PgDn note the value of NEW."""
    window = QMainWindow()
    qtbot.addWidget(window)
    fired = []
    for text in ("Ctrl+S", "Ctrl+Q"):
        action = QAction(text, window)
        action.setShortcut(QKeySequence(text))
        action.triggered.connect(lambda _=False, s=text: fired.append((s, doc.grid[NEW])))
        window.addAction(action)
    QShortcut(QKeySequence("Ctrl+PgDown"), window,
              lambda: fired.append(("Ctrl+PgDown", doc.grid[NEW])))
    messages = []
    view = ReportTableView(doc, "t3", on_message=messages.append)
    window.setCentralWidget(view)
    window.resize(1000, 500)
    with qtbot.waitActive(window):  # window shortcuts only fire in the active window
        window.show()
        window.activateWindow()
    view.setFocus()
    return window, view, fired, messages


def start_typing(qtbot, view, key, text):
    assert view.select_key(key)
    qtbot.keyClicks(view, text)
    editor = view.editor()
    assert editor is not None and editor.text() == text
    return editor


@pytest.mark.qt_log_ignore("propagateSizeHints")
@pytest.mark.parametrize(("key", "mods", "shortcut"), [
    (Qt.Key.Key_S, CTRL, "Ctrl+S"), (Qt.Key.Key_Q, CTRL, "Ctrl+Q"),
    (Qt.Key.Key_PageDown, CTRL, "Ctrl+PgDown"), (Qt.Key.Key_PageDown, NO_MOD, None)])
def test_keys_that_leave_an_edited_cell_commit_it_first(qtbot, doc, key, mods, shortcut):
    # QA: typing 7 then Ctrl+S / PageDown crashed the program (endless key ping-pong).
    window, view, fired, messages = shown_window(qtbot, doc)
    editor = start_typing(qtbot, view, NEW, "7")
    qtbot.keyClick(editor, key, mods)  # as the keyboard delivers it, shortcuts included
    assert doc.grid[NEW] == 7 and view.editor() is None
    assert fired == ([(shortcut, 7)] if shortcut else [])
    if key == Qt.Key.Key_PageDown and not mods:  # and PageDown still turns the page
        assert view.currentIndex().row() > view.model().index_of(NEW).row()

    # The key event alone, without the shortcut step: to the editor, then to the view.
    for target, text in (("editor", "8"), ("view", "9")):
        editor = start_typing(qtbot, view, NEW, text)
        QApplication.sendEvent(editor if target == "editor" else view,
                               QKeyEvent(QEvent.Type.KeyPress, key, mods))
        assert doc.grid[NEW] == int(text), target
        assert view.editor() is None
    assert messages == [] and window.isVisible()


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_keys_the_editor_ignores_travel_on_once(qtbot, doc):
    window, view, fired, _ = shown_window(qtbot, doc)
    counter = KeyCounter(Qt.Key.Key_F5)
    window.installEventFilter(counter)
    editor = start_typing(qtbot, view, NEW, "3")
    QApplication.sendEvent(editor, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_F5, NO_MOD))
    assert counter.count == 1  # reached the window, once
    QApplication.sendEvent(view, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_F5, NO_MOD))
    assert counter.count == 2
    assert view.editor() is editor and editor.text() == "3"  # still typing in the cell
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert doc.grid[NEW] == 3


def test_commit_editor_commits_or_refuses_and_closes(qtbot, doc):
    t = Table(qtbot, doc, "t3")
    t.view.commit_editor()  # nothing open: nothing happens
    assert doc.undo_stack.count() == 0 and t.messages == []
    start_typing(qtbot, t.view, NEW, "12")
    t.view.commit_editor()
    assert doc.grid[NEW] == 12 and t.shown(NEW_TOTAL) == "12"
    assert t.view.editor() is None
    assert t.model.key_at(t.view.currentIndex()) == NEW  # committing is not moving
    assert doc.undo_stack.count() == 1

    start_typing(qtbot, t.view, NEW, "1x")
    t.view.commit_editor()
    assert doc.grid[NEW] == 12 and doc.undo_stack.count() == 1
    assert t.view.editor() is None
    assert len(t.messages) == 1 and t.messages[0].startswith("表三「本年新收·自然人」")
    assert "不是有效的数字" in t.messages[0]


def frozen_bottom(view):
    """The y (in view coordinates) where the frozen header rows end."""
    frozen = view.frozen_rows()
    return frozen.mapTo(view, QPoint(0, frozen.height())).y()


def below_header(view, index):
    """Whether a body cell is fully shown inside the viewport, under the frozen header."""
    rect = view.visualRect(index)
    top = view.viewport().mapTo(view, rect.topLeft()).y()
    return view.viewport().rect().contains(rect) and top >= frozen_bottom(view)


def test_header_rows_stay_in_view_when_scrolled(qtbot, doc):
    t = Table(qtbot, doc, "t3")
    t.view.resize(900, 400)
    bar = t.view.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.wait(10)
    assert bar.value() > 0
    header_rows = t.model.grid_layout.header_rows
    assert t.view.rowAt(0) > header_rows + 10  # the body shows the bottom rows
    frozen = t.view.frozen_rows()
    assert frozen.isVisible()
    assert frozen.geometry().height() > 0 and frozen_bottom(t.view) <= t.view.viewport().y()
    image = t.view.grab().toImage()
    for row, col, text in ((0, 3, "申请人情况"), (1, 3, "自然人")):
        index = frozen.model().index(row, col)
        assert index.data() == text
        rect = frozen.visualRect(index)
        assert frozen.viewport().rect().contains(rect)
        # What the clerk sees there is the header's colour, drawn on top of the scrolled body.
        corner = frozen.viewport().mapTo(t.view, rect.topLeft() + QPoint(3, 3))
        assert image.pixelColor(corner) == HEADER_COLOUR
    # Jumping to a cell at the top scrolls it into view below the header, not under it.
    assert t.view.select_key(NEW)
    assert below_header(t.view, t.view.currentIndex())
    assert t.view.select_key(("t3", "carry_next", "other_org"))
    assert below_header(t.view, t.view.currentIndex())


def test_headerless_table_has_no_frozen_rows(qtbot, doc):
    t = Table(qtbot, doc, "t2")
    assert t.view.frozen_rows() is None and t.view.horizontalHeader().isHidden()
    assert not t.view.isRowHidden(0)


def test_moves_scroll_to_the_new_cell(qtbot, doc):
    t = Table(qtbot, doc, "t3")
    t.view.resize(900, 300)
    t.view.select_key(CARRY_NEXT)
    assert t.view.verticalScrollBar().value() > 0
    t.type_into(CARRY_NEXT, "4")  # Enter on the last row: on to row 一 of the next column
    assert t.model.key_at(t.view.currentIndex()) == NEW_BUSINESS
    assert below_header(t.view, t.view.currentIndex())
    t.view.select_key(("t3", "carry_next", "business"))
    qtbot.keyClick(t.view, Qt.Key.Key_Return)
    assert t.model.key_at(t.view.currentIndex()) == ("t3", "new", "research")
    assert below_header(t.view, t.view.currentIndex())
    qtbot.keyClick(t.view, Qt.Key.Key_Backtab)  # back along the rows, then up by Shift+Enter
    qtbot.keyClick(t.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert t.model.key_at(t.view.currentIndex()) == ("t3", "carry_next", "natural")
    assert below_header(t.view, t.view.currentIndex())


def test_header_rows_scroll_with_the_body_when_the_view_is_very_short(qtbot, doc):
    # A small screen at 150%: a frozen header would leave no room for a single row to type in.
    t = Table(qtbot, doc, "t3")
    header_rows = t.model.grid_layout.header_rows
    frozen = t.view.frozen_rows()
    header_height = sum(frozen.rowHeight(r) for r in range(header_rows))
    assert header_height > 50
    t.view.resize(900, header_height + 40)
    qtbot.waitUntil(lambda: not frozen.isVisible())
    assert not any(t.view.isRowHidden(r) for r in range(header_rows))
    assert t.view.rowAt(0) == 0  # the header rows are back at the top of the body
    t.view.resize(900, 500)
    qtbot.waitUntil(frozen.isVisible)
    assert all(t.view.isRowHidden(r) for r in range(header_rows))
    assert t.view.select_key(CARRY_NEXT) and below_header(t.view, t.view.currentIndex())


def test_frozen_header_follows_horizontal_scrolling(qtbot, doc):
    t = Table(qtbot, doc, "t4")  # 表四 is wider than a small window
    t.view.resize(500, 300)
    bar = t.view.horizontalScrollBar()
    bar.setValue(bar.maximum())
    assert bar.value() > 0
    frozen = t.view.frozen_rows()
    assert frozen.isVisible() and frozen.horizontalScrollBar().value() == bar.value()
    last = t.model.columnCount() - 1  # the header's columns line up with the body's
    assert frozen.columnViewportPosition(last) == t.view.columnViewportPosition(last)
    assert frozen.columnWidth(last) == t.view.columnWidth(last)
