"""The 检查与导出 page: every problem of the report (click to fix it), then export and print."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidgetItem, QPushButton, QVBoxLayout

from app.atomic_write import describe_os_error
from app.problems import Problem
from app.report import Report
from ui.dialogs import CAUTION, INFORMATION
from ui.pages.base import (
    ERROR_COLOR,
    WARNING_COLOR,
    Page,
    PageContext,
    ProblemList,
    heading_label,
    muted_label,
    problem_count_text,
)
from ui.user_dirs import documents_dir, safe_file_name
from ui.workers import run_in_background

CHECK_PAGE_ID = "check"
# kind → (button text, suffix, file filter)
EXPORTS = {
    "xlsx": ("导出 Excel…", ".xlsx", "Excel 工作簿 (*.xlsx)"),
    "pdf": ("导出 PDF…", ".pdf", "PDF 文件 (*.pdf)"),
}
SHOWN_ERRORS = 3  # errors quoted in the question before export or print
_CJK = re.compile(r"[\u4e00-\u9fff]")


def snapshot(report: Report) -> Report:
    """A copy the worker thread can read while the clerk keeps editing (values are immutable)."""
    return Report(report.template, dict(report.meta), dict(report.texts), dict(report.values))


def failure_text(exc: BaseException, path: Path, action: str = "导出") -> str:
    """A Chinese sentence for a failed export or import, whatever raised it."""
    if isinstance(exc, OSError):
        return describe_os_error(exc, path)
    if isinstance(exc, ImportError):
        return f"此版本尚未包含该{action}功能。"
    text = str(exc)
    if _CJK.search(text):
        return text
    return f"{action}时发生意外错误（{type(exc).__name__}：{text}）。请把此信息告知技术支持人员。"


class CheckPage(Page):
    """All problems, errors first; activating one shows its page and cell.

    Attributes:
        summary_label: “错误 N 项，提示 M 项” or “未发现问题”.
        problem_list: every problem, grouped by severity.
        buttons: the export and print buttons by kind ("xlsx", "pdf", "preview", "print").

    """

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx, CHECK_PAGE_ID, "检查与导出")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("checkSummary")
        font = self.summary_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.summary_label.setFont(font)
        self.problem_list = ProblemList()
        self.problem_list.itemActivated.connect(self._activate)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for kind, (text, _suffix, _filter) in EXPORTS.items():
            self.buttons[kind] = self._button(row, text, lambda _checked=False, k=kind: self.export(k))
        self.buttons["preview"] = self._button(row, "打印预览…", lambda _checked=False: self.print(preview=True))
        self.buttons["print"] = self._button(row, "打印…", lambda _checked=False: self.print(preview=False))
        row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading_label("检查与导出"))
        layout.addWidget(muted_label("下面列出全部检查结果。错误必须更正（如表格数字之间的勾稽关系不符、"
                                     "基本信息填写有误）；提示请逐项核实。点击任一条，可转到对应的页面和位置。"))
        layout.addWidget(self.summary_label)
        layout.addWidget(self.problem_list, 1)
        layout.addWidget(muted_label("导出的 Excel 和 PDF 按官方格式排版，可直接打印、盖章和发布。"))
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.document.problemsChanged.connect(self.refresh)
        self.refresh()

    def _button(self, row: QHBoxLayout, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    # -- problems ------------------------------------------------------------------------------

    def refresh(self) -> None:
        problems = self.document.problems
        self.problem_list.set_problems(problems, grouped=True)
        self.summary_label.setText(problem_count_text(problems))
        errors = sum(1 for p in problems if p.is_error)
        color = ERROR_COLOR if errors else (WARNING_COLOR if problems else "#2e7d32")
        self.summary_label.setStyleSheet(f"color: {color};")
        self.stateChanged.emit()

    def severity(self) -> str | None:
        problems = self.document.problems
        if any(p.is_error for p in problems):
            return "error"
        return "warning" if problems else None

    def summary(self) -> str:
        return problem_count_text(self.document.problems)

    def _activate(self, item: QListWidgetItem) -> None:
        problem = self.problem_list.problem_at(item)
        if problem is not None:
            self.show_problem(problem)

    def show_problem(self, problem: Problem) -> None:
        """Go to where a problem can be fixed: its cell or field, else its section's page."""
        self.ctx.show_problem(problem)

    # -- export and print ----------------------------------------------------------------------

    def _errors_accepted(self, action: str) -> bool:
        """Take in pending input, then ask before publishing a report that still has errors."""
        self.ctx.commit_all()
        errors = [p for p in self.document.problems if p.is_error]
        if not errors:
            return True
        shown = "\n".join(f"· {p.message}" for p in errors[:SHOWN_ERRORS])
        more = f"\n…（共 {len(errors)} 项，见“检查与导出”页）" if len(errors) > SHOWN_ERRORS else ""
        return self.ctx.dialogs.confirm(
            self, action, f"报告中还有 {len(errors)} 项错误：\n{shown}{more}\n\n"
            f"建议先更正再{action}。仍要继续吗？", yes=f"仍要{action}", no="返回更正", icon=CAUTION)

    def run(self, kind: str) -> None:
        """Do what a button does, by kind ("xlsx", "pdf", "preview", "print"); also the 文件 menu."""
        if not self.buttons[kind].isEnabled():
            return  # an export is still running
        if kind in EXPORTS:
            self.export(kind)
        else:
            self.print(preview=kind == "preview")

    def _suggested_path(self, suffix: str) -> Path:
        path = self.document.path
        folder = path.parent if path is not None else documents_dir()
        return folder / (safe_file_name(self.document.report.title) + suffix)

    def export(self, kind: str) -> None:
        text, suffix, filters = EXPORTS[kind]
        action = text.rstrip("…")
        if not self._errors_accepted(action):
            return
        chosen = self.ctx.dialogs.save_file(self, text.rstrip("…"), self._suggested_path(suffix),
                                            filters)
        if chosen is None:
            return
        path = chosen if chosen.suffix.lower() == suffix else chosen.with_name(chosen.name + suffix)
        report = snapshot(self.document.report)
        try:
            if kind == "xlsx":
                from app.export_xlsx import export_xlsx

                def work() -> list[str]:
                    return list(export_xlsx(report, path) or [])
            else:
                from app.export_pdf import export_pdf

                def work() -> list[str]:
                    return list(export_pdf(report, path) or [])
        except ImportError as exc:
            self._failed(exc, path)
            return
        self._set_busy(True, f"正在{action}到“{path.name}”…")
        run_in_background(work, lambda warnings: self._exported(path, warnings),
                          lambda exc: self._failed(exc, path))

    def _set_busy(self, busy: bool, message: str = "") -> None:
        for button in self.buttons.values():
            button.setEnabled(not busy)
        self.status.setText(message)

    def _exported(self, path: Path, warnings: Any) -> None:
        self._set_busy(False, f"已导出：{path}")
        text = f"已导出到：\n{path}"
        if warnings:
            text += "\n\n请注意：\n" + "\n".join(f"· {w}" for w in warnings)
        answer = self.ctx.dialogs.choose(self, "导出完成", text, ["打开所在文件夹", "关闭"], default=1,
                                         icon=INFORMATION)
        if answer == 0:
            self.ctx.dialogs.open_folder(path.parent)

    def _failed(self, exc: BaseException, path: Path) -> None:
        message = failure_text(exc, path)
        self._set_busy(False, f"导出失败：{message}")
        self.ctx.dialogs.error(self, "导出失败", message)

    def print(self, preview: bool) -> None:
        action = "打印"
        if not self._errors_accepted(action):
            return
        report = snapshot(self.document.report)
        try:
            if preview:
                self.ctx.dialogs.print_preview(self, report)
            else:
                self.ctx.dialogs.print_report(self, report)
        except ImportError:
            self.ctx.dialogs.error(self, action, "此版本尚未包含打印功能。")
        except Exception as exc:  # noqa: BLE001 - a printer problem must not end the program
            self.ctx.dialogs.error(self, action, failure_text(exc, Path(".")))

    def shown(self) -> None:
        self.refresh()
