"""The one service through which the program asks and tells the user anything modal (tests replace it)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

if TYPE_CHECKING:
    from app.report import Report
    from ui.new_report_dialog import NewReportChoice, NewReportRequest

DRAFT_FILTER = "年报草稿 (*.nianbao)"
SAVE = "save"
DISCARD = "discard"
CANCEL = "cancel"


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
               default: int = 0) -> int | None:
        """Ask with one button per choice; the index chosen, or None if the box was closed."""
        return self._box(parent, QMessageBox.Icon.Question, title, text, choices, default)

    def confirm(self, parent: QWidget | None, title: str, text: str, yes: str = "确定",
                no: str = "取消") -> bool:
        return self.choose(parent, title, text, [yes, no]) == 0

    def ask_save_changes(self, parent: QWidget | None, name: str) -> str:
        """保存 / 不保存 / 取消 for a document with unsaved changes; returns SAVE, DISCARD or CANCEL."""
        answer = self._box(parent, QMessageBox.Icon.Warning, "保存修改",
                           f"“{name}”有尚未保存的修改。\n\n是否在关闭前保存？",
                           ["保存", "不保存", "取消"], 0)
        return {0: SAVE, 1: DISCARD}.get(answer if answer is not None else -1, CANCEL)

    # -- files ---------------------------------------------------------------------------------

    def open_file(self, parent: QWidget | None, title: str, folder: Path,
                  filters: str = DRAFT_FILTER) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, title, str(folder), filters)
        return Path(name) if name else None

    def save_file(self, parent: QWidget | None, title: str, suggested: Path,
                  filters: str = DRAFT_FILTER) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
        return Path(name) if name else None

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
        from ui.printing import print_preview  # written alongside the exporters; loaded on demand

        print_preview(parent, report)

    def print_report(self, parent: QWidget | None, report: Report) -> None:
        from ui.printing import print_report

        print_report(parent, report)

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


def _role(index: int, count: int) -> QMessageBox.ButtonRole:
    # The last of several buttons is the "cancel" one, so Escape and the close box mean it.
    if count > 1 and index == count - 1:
        return QMessageBox.ButtonRole.RejectRole
    return QMessageBox.ButtonRole.AcceptRole if index == 0 else QMessageBox.ButtonRole.ActionRole
