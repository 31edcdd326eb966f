"""The main window's actions, menus and toolbar, and which of them are enabled when."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle

if TYPE_CHECKING:
    from ui.main_window import MainWindow

# 文件 menu entries that do what the buttons of 检查与导出 do: (attribute, text, check page kind)
OUTPUT_ACTIONS = (
    ("export_xlsx_action", "导出 Excel…", "xlsx"),
    ("export_pdf_action", "导出 PDF…", "pdf"),
    ("preview_action", "打印预览…", "preview"),
    ("print_action", "打印…", "print"),
)


def _action(window: MainWindow, text: str, slot: Callable[[], object],
            shortcut: QKeySequence | str | None = None,
            icon: QStyle.StandardPixmap | None = None) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if icon is not None:
        action.setIcon(window.style().standardIcon(icon))
    action.triggered.connect(lambda _checked=False: slot())
    return action


def build_menus(window: MainWindow) -> None:
    """Create the actions as attributes of the window (`save_action` …), the menus and the toolbar."""
    sp = QStyle.StandardPixmap
    w = window
    w.new_action = _action(w, "新建年报…", w.request_new, "Ctrl+N", sp.SP_FileIcon)
    w.open_action = _action(w, "打开草稿…", w.request_open, "Ctrl+O", sp.SP_DialogOpenButton)
    w.carry_action = _action(w, "继承上年报告…", w.request_carry_over)
    w.import_action = _action(w, "从 Excel 导入…", w.request_import_xlsx)
    w.save_action = _action(w, "保存", w.save, "Ctrl+S", sp.SP_DialogSaveButton)
    w.save_as_action = _action(w, "另存为…", w.save_as, "Ctrl+Shift+S")
    w.previous_action = _action(w, "导入上年报告用于核对…", w.choose_previous, None,
                                sp.SP_FileDialogContentsView)
    outputs = []
    for name, text, kind in OUTPUT_ACTIONS:
        action = _action(w, text, lambda k=kind: w.run_output(k))
        setattr(w, name, action)
        outputs.append(action)
    w.print_action.setShortcut(QKeySequence("Ctrl+P"))
    w.close_action = _action(w, "关闭报告", w.request_close_report, "Ctrl+W")
    w.quit_action = _action(w, "退出", w.close, "Ctrl+Q")
    w.undo_action = _action(w, "撤销表格修改", w.undo, "Ctrl+Z")
    w.redo_action = _action(w, "重做表格修改", w.redo)
    w.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])

    file_menu = w.menuBar().addMenu("文件(&F)")
    for action in (w.new_action, w.open_action, w.carry_action, w.import_action, None,
                   w.save_action, w.save_as_action, None, *outputs, None, w.previous_action, None,
                   w.close_action, w.quit_action):
        file_menu.addSeparator() if action is None else file_menu.addAction(action)
    edit_menu = w.menuBar().addMenu("编辑(&E)")
    edit_menu.addAction(w.undo_action)
    edit_menu.addAction(w.redo_action)
    help_menu = w.menuBar().addMenu("帮助(&H)")
    help_menu.addAction(_action(w, "关于年报助手", w.about))
    toolbar = w.addToolBar("常用")
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for action in (w.new_action, w.open_action, w.save_action, w.previous_action):
        toolbar.addAction(action)


def update_actions(window: MainWindow) -> None:
    """Enable what applies to the open report (none on the start screen) and to the current page."""
    w = window
    has_doc = w.document is not None
    for action in (w.save_action, w.save_as_action, w.previous_action, w.close_action,
                   *(getattr(w, name) for name, _text, _kind in OUTPUT_ACTIONS)):
        action.setEnabled(has_doc)
    # The undo stack holds table edits; text and form fields keep their own Ctrl+Z.
    on_table = w.wizard is not None and hasattr(w.wizard.current_page(), "view")
    stack = w.document.undo_stack if w.document is not None and on_table else None
    w.undo_action.setEnabled(bool(stack and stack.canUndo()))
    w.redo_action.setEnabled(bool(stack and stack.canRedo()))
