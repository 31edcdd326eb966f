"""The 基本信息 page: a form generated from the format's metadata fields, plus last year's report."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.meta_fields import shown_meta_value
from app.problems import Problem
from app.template_loader import default_template_for
from app.template_model import MetaField
from ui.document import META_SECTION
from ui.pages.base import (
    ERROR_COLOR,
    MUTED_COLOR,
    WARNING_COLOR,
    Page,
    PageContext,
    heading_label,
    muted_label,
)

META_PAGE_ID = META_SECTION


class _FieldRow:
    """One field's editor and the line under it that shows why its input is not accepted."""

    def __init__(self, field: MetaField, text: str) -> None:
        self.field = field
        self.edit = QLineEdit(text)
        self.edit.setObjectName(f"meta_{field.id}")
        # The hint is the placeholder (an example while empty) and the tooltip, said only once.
        self.edit.setPlaceholderText(field.hint)
        self.edit.setToolTip(field.hint)
        self.edit.setAccessibleName(field.label)
        self.edit.setAccessibleDescription(field.hint)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {ERROR_COLOR};")
        self.show_error(None)

    def show_error(self, message: str | None) -> None:
        self.note.setText(message or "")
        self.note.setVisible(bool(message))


class MetaPage(Page):
    """One line per metadata field of the format; what is typed goes to the document at once.

    A value that cannot be accepted stays in its field with a red message; the document keeps it
    as rejected input (an error on 检查与导出, an unsaved change) while the report keeps the last
    valid value, so nothing is dropped or changed silently.
    """

    def __init__(self, ctx: PageContext) -> None:
        super().__init__(ctx, META_PAGE_ID, "基本信息", META_SECTION)
        template = self.document.template
        self.rows: dict[str, _FieldRow] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setVerticalSpacing(4)
        for field in template.meta:
            rejected = self.document.rejected.get(field.id)
            row = _FieldRow(field, rejected.text if rejected is not None
                            else shown_meta_value(self.document.report.meta.get(field.id)))
            if rejected is not None:
                row.show_error(rejected.message)
            self.rows[field.id] = row
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(row.edit)
            box.addWidget(row.note)
            label = QLabel(f"{field.label}{'（必填）' if field.required else ''}：")
            label.setBuddy(row.edit)
            form.addRow(label, box)
            row.edit.textChanged.connect(lambda _t, r=row: self._edited(r))
            row.edit.returnPressed.connect(lambda r=row: self._next_field(r))

        self.format_label = QLabel(template.name)
        self.format_label.setWordWrap(True)
        self.format_note = QLabel()
        self.format_note.setWordWrap(True)
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("报告格式：", self._stack(self.format_label, self.format_note))
        form.addRow("报告标题：", self.title_label)

        self.previous_label = QLabel()
        self.previous_label.setWordWrap(True)
        choose = QPushButton("选择上年报告…")
        choose.clicked.connect(self._choose_previous)
        self.clear_button = QPushButton("不用上年报告核对")
        self.clear_button.clicked.connect(self._clear_previous)
        buttons = QHBoxLayout()
        buttons.addWidget(choose)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        previous_hint = muted_label("选择上一年度的年报草稿后，程序会核对上年结转、现行有效件数等跨年度数据，"
                                    "并提示正文是否大段照搬上年。")
        form.addRow("上年报告（用于核对）：",
                    self._stack(self.previous_label, buttons, previous_hint))

        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(heading_label("基本信息"))
        inner_layout.addWidget(muted_label("这些信息用于报告标题、落款和联系方式。标有“必填”的项目不能为空。"))
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        inner_layout.addWidget(line)
        inner_layout.addLayout(form)
        inner_layout.addStretch(1)
        inner.setMaximumWidth(900)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._refresh_format()
        self._refresh_previous()

    @staticmethod
    def _stack(*items: QWidget | QHBoxLayout) -> QVBoxLayout:
        box = QVBoxLayout()
        box.setSpacing(4)
        for item in items:
            if isinstance(item, QWidget):
                box.addWidget(item)
            else:
                box.addLayout(item)
        return box

    # -- editing -------------------------------------------------------------------------------

    def _edited(self, row: _FieldRow) -> None:
        row.show_error(self.document.set_meta_text(row.field.id, row.edit.text()))
        self._refresh_format()
        self.stateChanged.emit()

    def _next_field(self, row: _FieldRow) -> None:
        """Enter moves on to the next field, as clerks expect from a paper-like form."""
        fields = list(self.rows)
        position = fields.index(row.field.id)
        if position + 1 < len(fields):
            following = self.rows[fields[position + 1]].edit
            following.setFocus(Qt.FocusReason.TabFocusReason)
            following.selectAll()

    def errors(self) -> dict[str, str]:
        """Field id → message for every field whose text is not accepted."""
        return {fid: rejected.message for fid, rejected in self.document.rejected.items()}

    def summary(self) -> str:
        errors = self.errors()
        return f"{len(errors)} 项需要更正" if errors else "已填写"

    def show_problem(self, problem: Problem) -> None:
        field_id = self.document.rejected_field(problem)
        if field_id in self.rows:
            edit = self.rows[field_id].edit
            edit.setFocus(Qt.FocusReason.OtherFocusReason)
            edit.selectAll()

    # -- format and previous report ------------------------------------------------------------

    def _refresh_format(self) -> None:
        report = self.document.report
        self.title_label.setText(report.title)
        year = report.year
        if year and not report.template.applies_to(year):
            usual = default_template_for(year).name
            self.format_note.setText(
                f"注意：{year}年度的报告通常使用“{usual}”，本报告使用的是上面的格式。"
                "如需换用其他格式，请新建一份报告。")
            self.format_note.setStyleSheet(f"color: {WARNING_COLOR};")
            self.format_note.show()
        else:
            self.format_note.setText("报告格式在新建时确定，所有表格和检查规则都依此格式生成。")
            self.format_note.setStyleSheet(f"color: {MUTED_COLOR};")

    def _refresh_previous(self) -> None:
        previous = self.document.previous
        if previous is None:
            self.previous_label.setText("未选择")
            self.clear_button.setEnabled(False)
            return
        name = self.ctx.previous_name()
        shown = previous.title + (f"（{name}）" if name else "")
        self.previous_label.setText(shown)
        self.clear_button.setEnabled(True)

    def _choose_previous(self) -> None:
        self.ctx.choose_previous()
        self._refresh_previous()

    def _clear_previous(self) -> None:
        self.ctx.clear_previous()
        self._refresh_previous()

    def shown(self) -> None:
        self._refresh_previous()
        self._refresh_format()
