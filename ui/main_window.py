"""The main window: start screen or wizard, the file menu, the title, closing safely, recovery."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QWidget

from app.drafts import DRAFT_SUFFIX, DraftError, load_draft
from app.report import Report
from app.template_model import CellKey
from ui.autosave import (
    DEFAULT_DELAY_MS,
    Autosaver,
    Recovery,
    find_recoveries,
    offer_recoveries,
)
from ui.dialogs import CANCEL, OPEN_DRAFT_FILTERS, SAVE, Dialogs
from ui.document import Document
from ui.file_actions import ask_previous_report, backed_up_draft, is_draft_name, write_draft
from ui.new_report_dialog import (
    NewReport,
    ask_carry_over,
    ask_new_report,
    ask_workbook_import,
)
from ui.pages import WizardView
from ui.pages.base import PageContext
from ui.pages.check_page import CHECK_PAGE_ID, CheckPage
from ui.recent_files import RecentFiles, load_quietly
from ui.start_screen import StartScreen
from ui.user_dirs import default_draft_path, documents_dir, recovery_dir, settings_path, with_suffix
from ui.window_geometry import Placement, WindowState, load_state, place, save_state
from ui.window_menus import build_menus, update_actions

APP_TITLE = "年报助手"
PREFERRED_SIZE = QSize(1200, 800)


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
        build_menus(self)
        self.setAcceptDrops(True)
        self._placement = self._place()
        self.show_start()

    # -- menus -----------------------------------------------------------------------------------

    def _update_actions(self) -> None:
        update_actions(self)

    def undo(self) -> None:
        if self.document is not None:
            self.document.undo_stack.undo()

    def redo(self) -> None:
        if self.document is not None:
            self.document.undo_stack.redo()

    def run_output(self, kind: str) -> None:
        """导出 Excel/PDF, 打印预览, 打印 from the 文件 menu: the same as the buttons of 检查与导出."""
        if self.wizard is None:
            return
        check = self.wizard.page(CHECK_PAGE_ID)
        assert isinstance(check, CheckPage)
        check.run(kind)

    def about(self) -> None:
        from app import __version__

        self.dialogs.info(self, "关于年报助手",
                          f"年报助手 {__version__}\n\n乡镇政府信息公开工作年度报告的填写、检查、保存、打印与发布。\n"
                          "所有数据只保存在本机。")

    # -- title -----------------------------------------------------------------------------------

    def display_name(self) -> str:
        document = self.document
        if document is None:
            return ""
        if document.path is not None:
            return document.path.name
        return f"{document.backup_of.name}（备份）" if document.backup_of else "未命名"

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
        document.changed.connect(self.statusBar().clearMessage)  # “已保存到…” is stale after an edit
        self.wizard.currentChanged.connect(self._update_actions)
        wizard = self.wizard
        # The autosave takes in pending text but leaves a cell being typed in open.
        self.autosaver = Autosaver(document, recovery_dir(), previous_path, self.autosave_delay_ms,
                                   self, flush=lambda: wizard.commit(keep_editing=True))
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
        """Open a draft (after the caller asked about unsaved changes); False if it failed.

        A `.nianbao.bak` backup opens like a new report derived from its draft: saving asks where
        (suggesting the draft's name), so the backup itself is never overwritten or listed as recent.
        """
        report = self._load(path, "无法打开草稿")
        if report is None:
            return False
        original = backed_up_draft(path)
        previous, previous_path = load_quietly(self.recent.previous_for(original or path))
        if original is not None:
            self.set_document(Document(report, None, previous, backup_of=original), previous_path)
            self.statusBar().showMessage(f"已打开备份“{path.name}”。保存时请选择保存位置。", 15_000)
            return True
        self.set_document(Document(report, path, previous), previous_path)
        self.recent.add(path)
        self.recent.set_last_folder(path.parent)
        if previous_path is not None:
            self.statusBar().showMessage(f"已同时载入上年报告“{previous_path.name}”用于核对", 10_000)
        return True

    def request_open(self) -> None:
        if not self.maybe_save():
            return
        path = self.dialogs.open_file(self, "打开年报草稿", self._folder(), OPEN_DRAFT_FILTERS)
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
        suggested = self.document.path or self.document.backup_of or default_draft_path(
            report.template, report.organ, report.year, self._folder())
        chosen = self.dialogs.save_file(self, "另存为", suggested)
        return chosen is not None and self._write(with_suffix(chosen, DRAFT_SUFFIX))

    def _write(self, path: Path) -> bool:
        """Save the draft (pending input included); on failure nothing is lost in the program."""
        assert self.document is not None
        if self.wizard is not None:
            self.wizard.commit()
        if not write_draft(self.document, path, self.dialogs, self):
            return False
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
        save_state(self._state_path(), WindowState(self.normalGeometry().size(), self.isMaximized()))
        event.accept()

    # -- size and position -------------------------------------------------------------------------

    def _state_path(self) -> Path:
        return self.recent.path.with_name("window.json")  # beside the settings file

    def _place(self) -> Placement | None:
        """Fit the first window to the screen (the size last used, else the preferred one)."""
        return place(self, PREFERRED_SIZE, remembered=load_state(self._state_path()))

    def showEvent(self, event: QShowEvent) -> None:
        # Maximise on the first show, unless the caller has chosen a size of its own meanwhile.
        placement, self._placement = self._placement, None
        if placement is not None and placement.maximized and self.size() == placement.rect.size():
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        super().showEvent(event)

    # -- last year's report ------------------------------------------------------------------------

    def choose_previous(self) -> None:
        if self.document is None:
            return
        chosen = ask_previous_report(self.dialogs, self, self._folder(), self.document.report.year,
                                     self._load)
        if chosen is None:
            return
        previous, path = chosen
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
        if urls and is_draft_name(urls[0].toLocalFile()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = Path(event.mimeData().urls()[0].toLocalFile())
        event.acceptProposedAction()
        if self.maybe_save():
            self.open_path(path)
