"""The one service through which the program asks and tells the user anything modal (tests replace it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

if TYPE_CHECKING:
    from app.report import Report
    from ui.new_report_dialog import NewReportChoice, NewReportRequest

DRAFT_FILTER = "年报草稿 (*.nianbao)"
BACKUP_FILTER = "备份文件 (*.nianbao.bak)"
OPEN_DRAFT_FILTERS = f"{DRAFT_FILTER};;{BACKUP_FILTER}"  # the damaged-file message points to .bak
SAVE = "save"
DISCARD = "discard"
CANCEL = "cancel"
# The icon of a question box: a real question, news that offers a follow-up, or a caution.
QUESTION = "question"
INFORMATION = "information"
CAUTION = "caution"
_ICONS = {QUESTION: QMessageBox.Icon.Question, INFORMATION: QMessageBox.Icon.Information,
          CAUTION: QMessageBox.Icon.Warning}


class Dialogs:
    """Modal questions, messages and file pickers. Every window gets one; tests pass a scripted fake."""

    # -- messages ------------------------------------------------------------------------------

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        self._box(parent, QMessageBox.Icon.Information, title, text, ["确定"])

    def warning(self, parent: QWidget | None, title: str, text: str) -> None:
        self._box(parent, QMessageBox.Icon.Warning, title, text, ["确定"])

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        self._box(parent, QMessageBox.Icon.Critical, title, text, ["确定"])

    # -- questions -----------------------------------------------------------------------------

    def choose(self, parent: QWidget | None, title: str, text: str, choices: Sequence[str],
               default: int = 0, icon: str = QUESTION) -> int | None:
        """Ask with one button per choice; the index chosen, or None if the box was closed."""
        return self._box(parent, _ICONS[icon], title, text, choices, default)

    def confirm(self, parent: QWidget | None, title: str, text: str, yes: str = "确定",
                no: str = "取消", icon: str = QUESTION) -> bool:
        return self.choose(parent, title, text, [yes, no], icon=icon) == 0

    def ask_save_changes(self, parent: QWidget | None, name: str) -> str:
        """保存 / 不保存 / 取消 for a document with unsaved changes; returns SAVE, DISCARD or CANCEL."""
        # Alt+S / Alt+N as in other Windows programs; Escape is 取消.
        answer = self._box(parent, QMessageBox.Icon.Warning, "保存修改",
                           f"“{name}”有尚未保存的修改。\n\n是否在关闭前保存？",
                           ["保存(&S)", "不保存(&N)", "取消"], 0)
        return {0: SAVE, 1: DISCARD}.get(answer if answer is not None else -1, CANCEL)

    # -- files ---------------------------------------------------------------------------------

    def open_file(self, parent: QWidget | None, title: str, folder: Path,
                  filters: str = DRAFT_FILTER) -> Path | None:
        dialog = _file_dialog(parent, title, str(folder), filters, "打开")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        return _run_file_dialog(dialog)

    def save_file(self, parent: QWidget | None, title: str, suggested: Path,
                  filters: str = DRAFT_FILTER) -> Path | None:
        dialog = _file_dialog(parent, title, str(suggested), filters, "保存")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(suggested.suffix.lstrip("."))
        return _run_file_dialog(dialog)

    def open_folder(self, folder: Path) -> None:
        """Show a folder in the system's file manager."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    # -- program dialogs -----------------------------------------------------------------------

    def new_report(self, parent: QWidget | None, request: NewReportRequest) -> NewReportChoice | None:
        """The 新建年报 dialog (also used to confirm a report carried over from last year)."""
        from ui.new_report_dialog import NewReportDialog

        dialog = NewReportDialog(request, self, parent)
        try:
            return dialog.choice() if dialog.exec() else None
        finally:
            dialog.deleteLater()

    def print_preview(self, parent: QWidget | None, report: Report) -> None:
        from ui.printing import PrintServices, print_preview  # loaded on demand: QtPdf is only for printing

        print_preview(parent, report, PrintServices(self))

    def print_report(self, parent: QWidget | None, report: Report) -> None:
        from ui.printing import PrintServices, print_report

        print_report(parent, report, PrintServices(self))

    # -- internals -----------------------------------------------------------------------------

    def _box(self, parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
             choices: Sequence[str], default: int = 0) -> int | None:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
        buttons = [box.addButton(label, _role(i, len(choices))) for i, label in enumerate(choices)]
        box.setDefaultButton(buttons[default])
        if len(buttons) == 1:
            box.setEscapeButton(buttons[0])
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        return buttons.index(clicked) if clicked in buttons else None


def _file_dialog(parent: QWidget | None, title: str, start: str, filters: str,
                 accept: str) -> QFileDialog:
    dialog = QFileDialog(parent, title, start, filters)
    # Native dialogs (Windows, UOS/Kylin desktops) speak Chinese already; Qt's own dialog, used
    # where there is none, has a few labels qtbase_zh_CN leaves in English.
    labels = {QFileDialog.DialogLabel.LookIn: "查找范围：", QFileDialog.DialogLabel.FileName: "文件名：",
              QFileDialog.DialogLabel.FileType: "文件类型：", QFileDialog.DialogLabel.Accept: accept,
              QFileDialog.DialogLabel.Reject: "取消"}
    for label, text in labels.items():
        dialog.setLabelText(label, text)
    return dialog


def _run_file_dialog(dialog: QFileDialog) -> Path | None:
    try:
        if dialog.exec() and dialog.selectedFiles():
            return Path(dialog.selectedFiles()[0])
        return None
    finally:
        dialog.deleteLater()


def _role(index: int, count: int) -> QMessageBox.ButtonRole:
    # The last of several buttons is the "cancel" one, so Escape and the close box mean it.
    if count > 1 and index == count - 1:
        return QMessageBox.ButtonRole.RejectRole
    return QMessageBox.ButtonRole.AcceptRole if index == 0 else QMessageBox.ButtonRole.ActionRole


class ScriptedDialogs(Dialogs):
    """A service that answers from a script and records everything it was asked (tests, screenshots).

    With `strict`, a question nobody scripted raises AssertionError (a test fails instead of
    hanging); otherwise it gets the cautious answer (cancel / no file).

    Attributes:
        answers: queued answers per method name ("choose", "ask_save_changes", "open_file", …).
        calls: (method name, text) of every call, in order.
        icons: the icon of every `choose` question, in order.
        filters: the file type filters of every `open_file`, in order.

    """

    def __init__(self, strict: bool = True) -> None:
        self.strict = strict
        self.answers: dict[str, list[Any]] = defaultdict(list)
        self.calls: list[tuple[str, str]] = []
        self.icons: list[str] = []
        self.filters: list[str] = []

    def answer(self, method: str, *values: Any) -> None:
        self.answers[method].extend(values)

    def texts(self, method: str) -> list[str]:
        return [text for name, text in self.calls if name == method]

    def _pop(self, method: str, text: str, cautious: Any) -> Any:
        self.calls.append((method, text))
        if self.answers[method]:
            return self.answers[method].pop(0)
        if self.strict:
            raise AssertionError(f"unexpected {method}: {text}")
        return cautious

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        self.calls.append(("info", text))

    def warning(self, parent: QWidget | None, title: str, text: str) -> None:
        self.calls.append(("warning", text))

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        self.calls.append(("error", text))

    def choose(self, parent: QWidget | None, title: str, text: str, choices: Sequence[str],
               default: int = 0, icon: str = QUESTION) -> int | None:
        self.icons.append(icon)
        return self._pop("choose", text, None)

    def ask_save_changes(self, parent: QWidget | None, name: str) -> str:
        return self._pop("ask_save_changes", name, CANCEL)

    def open_file(self, parent: QWidget | None, title: str, folder: Path,
                  filters: str = DRAFT_FILTER) -> Path | None:
        self.filters.append(filters)
        return self._pop("open_file", title, None)

    def save_file(self, parent: QWidget | None, title: str, suggested: Path,
                  filters: str = DRAFT_FILTER) -> Path | None:
        return self._pop("save_file", str(suggested), None)

    def new_report(self, parent: QWidget | None, request: NewReportRequest) -> NewReportChoice | None:
        return self._pop("new_report", request.title, None)

    def open_folder(self, folder: Path) -> None:
        self.calls.append(("open_folder", str(folder)))

    def print_preview(self, parent: QWidget | None, report: Report) -> None:
        self.calls.append(("print_preview", report.title))

    def print_report(self, parent: QWidget | None, report: Report) -> None:
        self.calls.append(("print_report", report.title))
