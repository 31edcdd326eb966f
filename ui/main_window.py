"""The main window: start screen or wizard, the file menu, the title, closing safely, recovery."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QStyle, QWidget

from app.drafts import DRAFT_SUFFIX, DraftError, load_draft, save_draft
from app.report import Report
from app.template_model import CellKey
from ui.autosave import (
    DEFAULT_DELAY_MS,
    Autosaver,
    Recovery,
    find_recoveries,
    offer_recoveries,
)
from ui.dialogs import CANCEL, SAVE, Dialogs
from ui.document import Document
from ui.new_report_dialog import (
    NewReport,
    ask_carry_over,
    ask_new_report,
    ask_workbook_import,
)
from ui.pages import WizardView
from ui.pages.base import PageContext
from ui.recent_files import RecentFiles, load_quietly
from ui.start_screen import StartScreen
from ui.user_dirs import default_draft_path, documents_dir, recovery_dir, settings_path, with_suffix

APP_TITLE = "年报助手"


class MainWindow(QMainWindow):
    """One window, one report at a time.

    Attributes:
        dialogs: the modal-dialog service (tests pass a scripted fake).
        recent: recently opened drafts and remembered last-year reports.
        document: the open report, or None while the start screen shows.
        previous_path: the file of last year's report attached for checking, if any.
        wizard: the wizard of the open report.
        autosaver: writes the recovery file of the open report.

    """

    def __init__(self, dialogs: Dialogs | None = None, recent: RecentFiles | None = None,
                 autosave_delay_ms: int = DEFAULT_DELAY_MS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dialogs = dialogs or Dialogs()
        self.recent = recent or RecentFiles(settings_path())
        self.autosave_delay_ms = autosave_delay_ms
        self.document: Document | None = None
        self.previous_path: Path | None = None
        self.wizard: WizardView | None = None
        self.autosaver: Autosaver | None = None
        self.start_screen = StartScreen()
        self.start_screen.actionChosen.connect(self._start_action)
        self.start_screen.recentChosen.connect(self.open_recent)
        self.central = QStackedWidget()
        self.central.addWidget(self.start_screen)
        self.setCentralWidget(self.central)
        self.autosave_label = QLabel()
        self.statusBar().addPermanentWidget(self.autosave_label)
        self._build_menus()
        self.setAcceptDrops(True)
        self.resize(1200, 800)
        self.show_start()

    # -- menus -----------------------------------------------------------------------------------

    def _action(self, text: str, slot: object, shortcut: QKeySequence | str | None = None,
                icon: QStyle.StandardPixmap | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return action

    def _build_menus(self) -> None:
        sp = QStyle.StandardPixmap
        self.new_action = self._action("新建年报…", self.request_new, "Ctrl+N", sp.SP_FileIcon)
        self.open_action = self._action("打开草稿…", self.request_open, "Ctrl+O",
                                        sp.SP_DialogOpenButton)
        self.carry_action = self._action("继承上年报告…", self.request_carry_over)
        self.import_action = self._action("从 Excel 导入…", self.request_import_xlsx)
        self.save_action = self._action("保存", self.save, "Ctrl+S", sp.SP_DialogSaveButton)
        self.save_as_action = self._action("另存为…", self.save_as, "Ctrl+Shift+S")
        self.previous_action = self._action("导入上年报告用于核对…", self.choose_previous, None,
                                            sp.SP_FileDialogContentsView)
        self.close_action = self._action("关闭报告", self.request_close_report, "Ctrl+W")
        self.quit_action = self._action("退出", self.close, "Ctrl+Q")
        self.undo_action = self._action("撤销表格修改", self._undo, "Ctrl+Z")
        self.redo_action = self._action("重做表格修改", self._redo)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        file_menu = self.menuBar().addMenu("文件(&F)")
        for action in (self.new_action, self.open_action, self.carry_action, self.import_action, None,
                       self.save_action, self.save_as_action, None, self.previous_action, None,
                       self.close_action, self.quit_action):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)
        edit_menu = self.menuBar().addMenu("编辑(&E)")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        help_menu.addAction(self._action("关于年报助手", self._about))
        toolbar = self.addToolBar("常用")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.new_action, self.open_action, self.save_action, self.previous_action):
            toolbar.addAction(action)

    def _update_actions(self) -> None:
        has_doc = self.document is not None
        for action in (self.save_action, self.save_as_action, self.previous_action,
                       self.close_action):
            action.setEnabled(has_doc)
        # The undo stack holds table edits; text and form fields keep their own Ctrl+Z.
        on_table = self.wizard is not None and hasattr(self.wizard.current_page(), "view")
        stack = self.document.undo_stack if self.document is not None and on_table else None
        self.undo_action.setEnabled(bool(stack and stack.canUndo()))
        self.redo_action.setEnabled(bool(stack and stack.canRedo()))

    def _undo(self) -> None:
        if self.document is not None:
            self.document.undo_stack.undo()

    def _redo(self) -> None:
        if self.document is not None:
            self.document.undo_stack.redo()

    def _about(self) -> None:
        from app import __version__

        self.dialogs.info(self, "关于年报助手",
                          f"年报助手 {__version__}\n\n乡镇政府信息公开工作年度报告的填写、检查、保存、打印与发布。\n"
                          "所有数据只保存在本机。")

    # -- title -----------------------------------------------------------------------------------

    def display_name(self) -> str:
        if self.document is None:
            return ""
        return self.document.path.name if self.document.path else "未命名"

    def _update_title(self) -> None:
        if self.document is None:
            self.setWindowTitle(APP_TITLE)
        else:
            mark = "*" if self.document.is_modified else ""
            self.setWindowTitle(f"{self.display_name()}{mark} — {APP_TITLE}")
        self._update_actions()

    # -- showing a document ------------------------------------------------------------------------

    def show_start(self) -> None:
        self.start_screen.set_recent(self.recent.paths())
        self.central.setCurrentWidget(self.start_screen)
        self._update_title()

    def set_document(self, document: Document | None, previous_path: Path | None = None) -> None:
        """Show a report in the wizard (or the start screen for None); the old one is dropped."""
        if self.autosaver is not None:
            self.autosaver.stop()
            self.autosaver.deleteLater()
            self.autosaver = None
        if self.wizard is not None:
            self.central.removeWidget(self.wizard)
            self.wizard.deleteLater()
            self.wizard = None
        old, self.document = self.document, document
        if old is not None:
            old.deleteLater()
        self.previous_path = previous_path
        self.autosave_label.clear()
        if document is None:
            self.show_start()
            return
        document.setParent(self)
        ctx = PageContext(document, self.dialogs, self.go_to, self.choose_previous,
                          self.clear_previous, self._previous_name)
        self.wizard = WizardView(ctx)
        self.central.addWidget(self.wizard)
        self.central.setCurrentWidget(self.wizard)
        document.modifiedChanged.connect(self._update_title)
        document.pathChanged.connect(self._update_title)
        document.undo_stack.indexChanged.connect(self._update_actions)
        self.wizard.currentChanged.connect(self._update_actions)
        self.autosaver = Autosaver(document, recovery_dir(), previous_path,
                                   self.autosave_delay_ms, self, flush=self.wizard.commit)
        self.autosaver.saved.connect(self._autosaved)
        self.autosaver.failed.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self._update_title()

    def go_to(self, page_id: str, key: CellKey | None = None) -> None:
        if self.wizard is not None:
            self.wizard.go_to_page(page_id, key)

    def _autosaved(self) -> None:
        self.autosave_label.setText(f"已自动保存恢复副本 {datetime.now():%H:%M}")

    def _previous_name(self) -> str | None:
        return self.previous_path.name if self.previous_path else None

    # -- opening -----------------------------------------------------------------------------------

    def _folder(self) -> Path:
        if self.document is not None and self.document.path is not None:
            return self.document.path.parent
        folder = self.recent.last_folder() or documents_dir()
        return folder if folder.is_dir() else folder.parent  # Documents/年报助手 may not exist yet

    def _load(self, path: Path, what: str) -> Report | None:
        try:
            return load_draft(path)
        except DraftError as exc:
            self.dialogs.error(self, what, str(exc))
            return None

    def open_path(self, path: Path) -> bool:
        """Open a draft (after the caller asked about unsaved changes); False if it failed."""
        report = self._load(path, "无法打开草稿")
        if report is None:
            return False
        previous, previous_path = load_quietly(self.recent.previous_for(path))
        self.set_document(Document(report, path, previous), previous_path)
        self.recent.add(path)
        self.recent.set_last_folder(path.parent)
        if previous_path is not None:
            self.statusBar().showMessage(f"已同时载入上年报告“{previous_path.name}”用于核对", 10_000)
        return True

    def request_open(self) -> None:
        if not self.maybe_save():
            return
        path = self.dialogs.open_file(self, "打开年报草稿", self._folder())
        if path is not None:
            self.open_path(path)

    def open_recent(self, path: Path) -> None:
        if not path.is_file():
            if self.dialogs.confirm(self, "文件不存在", f"找不到“{path}”。\n\n它可能已被移动或删除。"
                                    "要把它从“最近打开”中移除吗？", yes="移除", no="保留"):
                self.recent.remove(path)
                self.start_screen.set_recent(self.recent.paths())
            return
        if self.maybe_save():
            self.open_path(path)

    def _start_action(self, action: str) -> None:
        {"new": self.request_new, "open": self.request_open,
         "carry": self.request_carry_over}[action]()

    # -- new reports -------------------------------------------------------------------------------

    def request_new(self) -> None:
        if self.maybe_save():
            self._create(ask_new_report(self.dialogs, self))

    def request_carry_over(self) -> None:
        if self.maybe_save():
            self._create(ask_carry_over(self.dialogs, self, self._folder(), self._load))

    def _create(self, new: NewReport | None) -> None:
        """Open a new report; save it where the clerk chose, so it is a file from the start."""
        if new is None:
            return
        document = Document(new.report, None, new.previous)
        self.set_document(document, new.previous_path)
        if new.path is None:
            document.mark_modified()  # imported: nothing on disk yet
        elif not self._write(new.path):
            return
        if new.notes:
            self.dialogs.warning(self, new.title, new.message + "\n\n请注意：\n" +
                                 "\n".join(f"· {n}" for n in new.notes))
        elif new.message:
            self.statusBar().showMessage(new.message, 10_000)

    def request_import_xlsx(self) -> None:
        if self.maybe_save():
            ask_workbook_import(self.dialogs, self, self._folder(), self._create)

    # -- saving ------------------------------------------------------------------------------------

    def save(self) -> bool:
        if self.document is None:
            return False
        if self.document.path is None:
            return self.save_as()
        return self._write(self.document.path)

    def save_as(self) -> bool:
        if self.document is None:
            return False
        report = self.document.report
        suggested = self.document.path or default_draft_path(report.template, report.organ,
                                                             report.year, self._folder())
        chosen = self.dialogs.save_file(self, "另存为", suggested)
        return chosen is not None and self._write(with_suffix(chosen, DRAFT_SUFFIX))

    def _write(self, path: Path) -> bool:
        """Save the draft; on failure say why and keep everything as modified in the program."""
        document = self.document
        assert document is not None
        if self.wizard is not None:
            self.wizard.commit()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            save_draft(document.report, path)
        except (DraftError, OSError) as exc:
            reason = str(exc) if isinstance(exc, DraftError) else f"无法创建文件夹“{path.parent}”。"
            self.dialogs.error(self, "保存失败", f"{reason}\n\n您的修改仍保留在程序中，没有丢失。"
                                            "请关闭占用该文件的程序后重试，或用“另存为”换一个位置保存。")
            if document.path is None or document.is_modified:
                document.mark_modified()
            return False
        document.mark_saved(path)
        self.recent.add(path)
        self.recent.set_last_folder(path.parent)
        self.recent.set_previous_for(path, self.previous_path)
        self.statusBar().showMessage(f"已保存到 {path}", 8_000)
        self._update_title()
        return True

    def maybe_save(self) -> bool:
        """Ask 保存/不保存/取消 if the open report has unsaved changes; True when it is OK to go on."""
        if self.document is None:
            return True
        if self.wizard is not None:
            self.wizard.commit()
        if not self.document.is_modified:
            return True
        answer = self.dialogs.ask_save_changes(self, self.display_name())
        if answer == SAVE:
            return self.save()
        return answer != CANCEL

    def request_close_report(self) -> None:
        if self.maybe_save():
            self.set_document(None)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        if self.autosaver is not None:
            self.autosaver.stop()  # saved or deliberately discarded: no recovery needed
        event.accept()

    # -- last year's report ------------------------------------------------------------------------

    def choose_previous(self) -> None:
        document = self.document
        if document is None:
            return
        path = self.dialogs.open_file(self, "选择上一年度的年报草稿（用于核对）", self._folder())
        if path is None:
            return
        previous = self._load(path, "无法打开上年报告")
        if previous is None:
            return
        year = document.report.year
        if previous.year != year - 1 and not self.dialogs.confirm(
                self, "年度不符", f"所选报告是{previous.year}年度的，不是上一年度（{year - 1}年）的。\n\n"
                "仍要用它核对吗？", yes="仍要使用", no="取消"):
            return
        self._set_previous(previous, path)
        self.statusBar().showMessage(f"已载入上年报告“{path.name}”，跨年度核对已启用", 10_000)

    def clear_previous(self) -> None:
        self._set_previous(None, None)

    def _set_previous(self, previous: Report | None, path: Path | None) -> None:
        assert self.document is not None
        self.document.set_previous(previous)
        self.previous_path = path
        if self.autosaver is not None:
            self.autosaver.previous_path = path
        if self.document.path is not None:
            self.recent.set_previous_for(self.document.path, path)

    # -- recovery ----------------------------------------------------------------------------------

    def offer_recovery(self) -> bool:
        """Offer the recovery files of sessions that ended without saving; True if one was opened."""
        return offer_recoveries(find_recoveries(recovery_dir()), self.dialogs, self, self._recover)

    def _recover(self, recovery: Recovery) -> bool:
        report = self._load(recovery.draft, "无法恢复")
        if report is None or not self.maybe_save():
            recovery.release()
            return False
        previous, previous_path = load_quietly(recovery.previous)
        document = Document(report, recovery.original, previous)
        document.mark_modified()
        self.set_document(document, previous_path)
        assert self.autosaver is not None
        if self.autosaver.save_now():  # our own copy exists before the old one goes
            recovery.discard()
        else:
            recovery.release()
        self.statusBar().showMessage("已恢复未保存的修改，请检查后保存", 15_000)
        return True

    # -- drag and drop -----------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and urls[0].toLocalFile().lower().endswith(DRAFT_SUFFIX):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = Path(event.mimeData().urls()[0].toLocalFile())
        event.acceptProposedAction()
        if self.maybe_save():
            self.open_path(path)
