"""The 新建年报 dialog (机关名称, 年度, the format following the year, where to save) and its flows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.carry_over import start_from_previous
from app.drafts import DRAFT_SUFFIX, YEAR_RANGE
from app.report import Report
from app.template_loader import available_templates, default_template_for, get_template
from ui.file_actions import pick_last_year_draft
from ui.pages.check_page import failure_text
from ui.user_dirs import default_draft_path, documents_dir, with_suffix
from ui.workers import run_in_background

if TYPE_CHECKING:
    from app.import_xlsx import ImportResult
    from ui.dialogs import Dialogs

XLSX_FILTER = "Excel 工作簿 (*.xlsx)"


def default_year(today: date | None = None) -> int:
    """Reports are written at the turn of the year: from October on, this year; before, last year."""
    today = today or date.today()
    return today.year if today.month >= 10 else today.year - 1


@dataclass(frozen=True)
class NewReportRequest:
    """What the dialog starts with; `fixed_year` is set when a report is carried over from last year."""

    title: str = "新建年报"
    organ: str = ""
    year: int | None = None
    fixed_year: bool = False
    note: str = ""
    folder: Path | None = None


@dataclass(frozen=True)
class NewReportChoice:
    organ: str
    year: int
    template_id: str
    path: Path


class NewReportDialog(QDialog):
    """Asks for what a new report needs; the format follows the year unless the clerk picks another.

    Attributes:
        organ_edit / year_spin / format_combo / path_edit: the fields (tests type into them).
        error_label: the validation message in red.

    """

    def __init__(self, request: NewReportRequest, dialogs: Dialogs,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(request.title)
        self.setMinimumWidth(560)
        self._dialogs = dialogs
        self._folder = request.folder or documents_dir()
        self._path_edited = False  # once the clerk picks a place, the name stops following

        self.organ_edit = QLineEdit(request.organ)
        self.organ_edit.setPlaceholderText("例如：哈图布呼镇人民政府")
        self.year_spin = QSpinBox()
        self.year_spin.setRange(min(t.year_from for t in available_templates().values()),
                                YEAR_RANGE[1])
        self.year_spin.setValue(request.year or default_year())
        self.year_spin.setSuffix(" 年度")
        self.year_spin.setEnabled(not request.fixed_year)
        self.format_combo = QComboBox()
        for template in available_templates().values():
            self.format_combo.addItem(template.name, template.id)
        self.format_hint = QLabel()
        self.format_hint.setWordWrap(True)
        self.format_hint.setStyleSheet("color: palette(mid);")
        self.path_edit = QLineEdit()
        browse = QPushButton("浏览…")
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow("机关名称：", self.organ_edit)
        form.addRow("年度：", self.year_spin)
        form.addRow("报告格式：", self.format_combo)
        form.addRow("", self.format_hint)
        form.addRow("保存位置：", path_row)
        buttons = QDialogButtonBox()
        buttons.addButton("创建", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if request.note:
            note = QLabel(request.note)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(buttons)

        self.organ_edit.textChanged.connect(self._update_path)
        self.year_spin.valueChanged.connect(self._year_changed)
        self.format_combo.currentIndexChanged.connect(self._update_hint)
        self.path_edit.textEdited.connect(self._path_typed)
        self._year_changed(self.year_spin.value())

    # -- reactions -----------------------------------------------------------------------------

    def _year_changed(self, year: int) -> None:
        index = self.format_combo.findData(default_template_for(year).id)
        self.format_combo.setCurrentIndex(max(index, 0))
        self._update_hint()
        self._update_path()

    def _update_hint(self) -> None:
        template = available_templates()[self.format_combo.currentData()]
        year = self.year_spin.value()
        if template.applies_to(year):
            self.format_hint.setText(f"{year}年度的报告使用此格式。")
            self.format_hint.setStyleSheet("color: palette(mid);")
        else:
            usual = default_template_for(year).name
            self.format_hint.setText(f"注意：{year}年度的报告通常使用“{usual}”。")
            self.format_hint.setStyleSheet("color: #8a5a00;")

    def _update_path(self) -> None:
        if self._path_edited:
            return
        template = available_templates()[self.format_combo.currentData()]
        organ = self.organ_edit.text().strip() or "未命名单位"
        self.path_edit.setText(str(default_draft_path(template, organ, self.year_spin.value(),
                                                      self._folder)))

    def _path_typed(self, _text: str) -> None:
        self._path_edited = True

    def _browse(self) -> None:
        chosen = self._dialogs.save_file(self, "选择保存位置", Path(self.path_edit.text()))
        if chosen is not None:
            self._path_edited = True
            self.path_edit.setText(str(with_suffix(chosen, DRAFT_SUFFIX)))

    # -- result --------------------------------------------------------------------------------

    def validate(self) -> str | None:
        """The first problem with what was entered, as a Chinese sentence, or None."""
        organ = self.organ_edit.text().strip()
        if not organ:
            return "请填写机关名称，例如“哈图布呼镇人民政府”。"
        if len(organ) > 60:
            return "机关名称过长，请检查（最多 60 个字）。"
        text = self.path_edit.text().strip()
        if not text:
            return "请选择草稿的保存位置。"
        path = with_suffix(Path(text), DRAFT_SUFFIX)
        if not path.is_absolute():
            return "保存位置应为完整路径，请点击“浏览…”选择。"
        if path.exists():
            return f"“{path.name}”已经存在。为避免覆盖，请换一个文件名，或在开始页用“打开草稿”打开它。"
        if path.parent.exists() and not path.parent.is_dir():
            return f"“{path.parent}”不是文件夹。"
        return None

    def choice(self) -> NewReportChoice:
        return NewReportChoice(
            organ=self.organ_edit.text().strip(),
            year=self.year_spin.value(),
            template_id=self.format_combo.currentData(),
            path=with_suffix(Path(self.path_edit.text().strip()), DRAFT_SUFFIX),
        )

    def accept(self) -> None:
        problem = self.validate()
        if problem:
            self.error_label.setText(problem)
            (self.organ_edit if "机关名称" in problem else self.path_edit).setFocus(
                Qt.FocusReason.OtherFocusReason)
            return
        super().accept()


@dataclass
class NewReport:
    """A report to open: where to save it (None: not yet), last year's report, what to tell the clerk.

    Attributes:
        notes: points the clerk must read (shown in a box, after `message`).
        message: a summary (a status-bar line when there are no notes).

    """

    report: Report
    path: Path | None
    previous: Report | None = None
    previous_path: Path | None = None
    title: str = "新建年报"
    message: str = ""
    notes: list[str] = field(default_factory=list)


def ask_new_report(dialogs: Dialogs, parent: QWidget | None) -> NewReport | None:
    """新建年报: a blank report of the chosen format, or None if cancelled."""
    choice = dialogs.new_report(parent, NewReportRequest(folder=documents_dir()))
    if choice is None:
        return None
    report = Report.blank(get_template(choice.template_id), choice.organ, choice.year)
    return NewReport(report, choice.path)


def ask_carry_over(dialogs: Dialogs, parent: QWidget | None, folder: Path,
                   load: Callable[[Path, str], Report | None]) -> NewReport | None:
    """继承上年报告: pick last year's draft, confirm the new one; metadata and figures carried over."""
    chosen = pick_last_year_draft(dialogs, parent, folder, "选择上一年度的年报草稿", load)
    if chosen is None:
        return None
    previous, previous_path = chosen
    year = previous.year + 1
    request = NewReportRequest(
        title="继承上年报告", organ=previous.organ, year=year, fixed_year=True,
        note=f"将根据“{previous.title}”创建{year}年度的报告：带入基本信息和应结转到本年的数字，"
             "并用上年报告核对跨年度数据。", folder=documents_dir())
    choice = dialogs.new_report(parent, request)
    if choice is None:
        return None
    report, notes = start_from_previous(previous, get_template(choice.template_id))
    report.meta["organ"] = choice.organ
    return NewReport(report, choice.path, previous, previous_path, "继承上年报告",
                     "已带入上年报告的基本信息和结转数据。", notes)


def ask_workbook_import(dialogs: Dialogs, parent: QWidget | None, folder: Path,
                        done: Callable[[NewReport], None]) -> None:
    """从 Excel 导入: read a workbook (ours, maybe edited in Excel/WPS) off the GUI thread."""
    path = dialogs.open_file(parent, "从 Excel 导入年报", folder, XLSX_FILTER)
    if path is None:
        return

    def failed(exc: BaseException) -> None:
        dialogs.error(parent, "无法导入", failure_text(exc, path, "导入"))

    try:
        from app.import_xlsx import import_xlsx
    except ImportError as exc:
        failed(exc)
        return

    def imported(result: ImportResult) -> None:
        notes = [f"无法读取：{p}" for p in result.problems] + list(result.notes)
        done(NewReport(result.report, None, title="从 Excel 导入", notes=notes,
                       message=f"已从“{path.name}”导入，尚未保存为草稿。请逐页核对后保存。"))

    run_in_background(lambda: import_xlsx(path), imported, failed)
