"""Writes a report as an Excel workbook that prints like the official report and can be read back.

Sheets. The report is one document, but Excel repeats header rows (print titles) and scales to the
page width per sheet, and a column has one width per sheet. 表二 has 4 columns, 表三 10 and 表四 15;
on one shared sheet either the narrow tables would inherit absurd column widths or every value cell
would have to be merged over several columns, and 表三's header rows would repeat over the text pages
too. So the report is cut into the fewest sheets that print well (see `xlsx_layout.plan_sheets`):
  1. the title, 一 and 二 with 表二;   2. 三 with 表三;   3. 四 with 表四, then 五 and 六.
Every sheet is at most one A4 text block (156 mm) wide, so pages print at 100 %, and each sheet
starts on a new page, in the official order. 表三's three header rows are its sheet's print titles;
when 表三 is at most a quarter longer than a page, its sheet is scaled onto one page instead (a
table of 10.5 pt type printed at ≥ 80 %) rather than leaving a row or two alone on a second page.
Headings and 表二's captions are kept with the rows after them by manual page breaks. Page numbers
run through the whole workbook when it is printed as a whole (Excel “打印整个工作簿”, WPS “整个
工作簿”; LibreOffice by default).

Text. A paragraph becomes one or more rows of one cell merged across the sheet. Rows never break
across pages and Excel rows are at most 409 pt high, so long paragraphs are cut, preferably at a
sentence end, into pieces of at most eight printed lines; nothing is cut off when printed and no cell
comes near the 32,767-character limit. User text is always stored as text (never as a formula) with
the quote prefix set, after removing control characters; every removal is returned as a note.

落款. After 六 the organ name and the publish date (2027年1月20日) follow the text right-aligned,
as in the PDF, kept on the page of the last text row.

Reading back. A very hidden sheet `_nianbao` holds the template id, the metadata and a list of every
title, heading, text piece and value cell with its address; a workbook-level defined name points at
each of those cells, so Excel, WPS and LibreOffice keep the references right when rows are inserted.
"""

from __future__ import annotations

import hashlib
import io
from copy import copy
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from app import __version__
from app.atomic_write import atomic_write_bytes, describe_os_error
from app.layout import VALUE, table_grid
from app.meta_fields import written_date
from app.numbers import CellKind, Number, format_number
from app.report import Report
from app.template_model import CellKey, Section
from app.text_safety import clean_and_note
from app.xlsx_layout import (
    BODY_FONT,
    FOOTER_FONT,
    HEADING_FONT,
    MARGINS_MM,
    TABLE_FONT,
    TITLE_FONT,
    FontSpec,
    SheetPlan,
    line_count,
    page_breaks,
    paragraph_rows,
    plan_sheets,
    row_height,
    table_heights,
)

MARKER_SHEET = "_nianbao"
MARKER_FORMAT = "nianbao-xlsx"
MARKER_VERSION = "1"
MARKER_HEADER = ("kind", "id", "name", "address", "value", "extra")
FOOTER_TEXT = "第 &P 页，共 &N 页"

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_ALIGN = {
    "title": Alignment(horizontal="center", vertical="center", wrap_text=True),
    "heading": Alignment(horizontal="left", vertical="center", wrap_text=True),
    "body": Alignment(horizontal="left", vertical="top", wrap_text=True),
    "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
    "label": Alignment(horizontal="left", vertical="center", wrap_text=True),
    "signature": Alignment(horizontal="right", vertical="center", wrap_text=True),
}


class XlsxExportError(Exception):
    """The workbook could not be written; the message is for the clerk."""


class _Styles:
    """Gives cells a combination of font, alignment, border, number format and quote prefix.

    Each distinct combination is set up once and then copied: openpyxl otherwise hashes every style
    object on every assignment, which was most of the export time.
    """

    def __init__(self) -> None:
        self._done: dict[tuple[object, ...], object] = {}

    def apply(self, cell, font: FontSpec, align: str, border: bool = False,
              number_format: str = "General", quote: bool = False) -> None:
        key = (font, align, border, number_format, quote)
        done = self._done.get(key)
        if done is not None:
            cell._style = copy(done)
            return
        cell.font = Font(name=font.name, size=font.size, bold=font.bold)
        cell.alignment = _ALIGN[align]
        if border:
            cell.border = _BORDER
        cell.number_format = number_format
        cell.quotePrefix = quote  # user text stays text when the clerk edits the cell
        self._done[key] = copy(cell._style)


def display_text(value: Number) -> str:
    """A number as the workbook shows it (the number format keeps the places that were typed)."""
    return format_number(value) if isinstance(value, int) else format(value, "f")


def number_format(value: Number, kind: CellKind) -> str:
    if not kind.is_amount or not isinstance(value, Decimal):
        return "0"
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "0." + "0" * places if places else "0"


def text_hash(text: str) -> str:
    """A short fingerprint of a text piece, to recognise it again after rows were moved."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


class _Book:
    """Collects the marker rows and defined names while the sheets are written."""

    def __init__(self, report: Report, notes: list[str]) -> None:
        self.report = report
        self.notes = notes
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.markers: list[tuple[str, ...]] = []
        self.counters: dict[str, int] = {}
        self.styles = _Styles()

    def mark(self, ws: Worksheet, row: int, col: int, kind: str, prefix: str, ident: str,
             value: str = "", extra: str = "") -> None:
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        name = f"nb_{prefix}{self.counters[prefix]:04d}"
        ref = f"{quote_sheetname(ws.title)}!${get_column_letter(col)}${row}"
        self.wb.defined_names[name] = DefinedName(name, attr_text=ref)
        self.markers.append((kind, ident, name, ref, value, extra))


def _merge(ws: Worksheet, top: int, left: int, bottom: int, right: int) -> None:
    """Merge a range without `ws.merge_cells`' restyling of its edges (a fifth of the export time).

    Every cell of the range is styled by the caller anyway.
    """
    ws.merged_cells.add(MergedCellRange(ws, CellRange(min_row=top, min_col=left, max_row=bottom,
                                                      max_col=right).coord))


def _put_text(cell, text: str) -> None:
    cell.value = text
    cell.data_type = "s"  # never a formula, whatever the first character is


class _Sheet:
    """Writes one sheet top to bottom, remembering row heights for the page-break planning."""

    def __init__(self, book: _Book, plan: SheetPlan) -> None:
        self.book = book
        self.plan = plan
        self.ws = book.wb.create_sheet(plan.name)
        self.cols = len(plan.widths)
        self.row = 1
        self.heights: list[float] = []
        self.keep: dict[int, int] = {}
        self.title_rows: tuple[int, int] | None = None
        for i, width in enumerate(plan.widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width

    def _band(self, text: str, font: FontSpec, align: str, height: float, user: bool) -> int:
        """A row with one cell spanning the sheet; returns its row number."""
        row = self.row
        cell = self.ws.cell(row=row, column=1)
        _put_text(cell, text)
        self.book.styles.apply(cell, font, align, quote=user)
        if self.cols > 1:
            _merge(self.ws, row, 1, row, self.cols)
        self.ws.row_dimensions[row].height = height
        self.heights.append(height)
        self.row += 1
        return row

    def title(self, text: str) -> None:
        lines = line_count(text, self.plan.width_pt, TITLE_FONT.size)
        row = self._band(text, TITLE_FONT, "title", row_height(lines, TITLE_FONT, extra=14), True)
        self.book.mark(self.ws, row, 1, "title", "title", "")

    def heading(self, section: Section, follow: int) -> None:
        lines = line_count(section.heading, self.plan.width_pt, HEADING_FONT.size)
        row = self._band(section.heading, HEADING_FONT, "heading",
                         row_height(lines, HEADING_FONT, extra=8), False)
        self.keep[row - 1] = follow
        self.book.mark(self.ws, row, 1, "heading", "h", section.id)

    def text(self, section: Section, text: str) -> None:
        for paragraph in text.split("\n"):
            for i, (piece, height) in enumerate(paragraph_rows(paragraph, self.plan.width_pt, BODY_FONT)):
                row = self._band(piece, BODY_FONT, "body", height, True)
                self.book.mark(self.ws, row, 1, "text", "t", section.id,
                               "c" if i else "p", text_hash(piece))

    def signature(self, organ: str, date: str) -> None:
        """落款: the organ and the date right-aligned under the text, on the last text's page."""
        parts = [(kind, text) for kind, text in (("organ", organ), ("date", date)) if text]
        if not parts:
            return
        self.keep[len(self.heights) - 1] = len(parts) + 1
        self._band("", BODY_FONT, "body", row_height(1, BODY_FONT), False)  # one blank line
        for kind, text in parts:
            lines = line_count(text, self.plan.width_pt, BODY_FONT.size)
            row = self._band(text, BODY_FONT, "signature", row_height(lines, BODY_FONT), True)
            self.book.mark(self.ws, row, 1, "signature", "s", kind)

    def table(self, section: Section, grid_values: dict[CellKey, Number],
              shown: dict[CellKey, str]) -> None:
        table = self.book.report.template.tables[section.table or ""]
        grid = table_grid(table)
        heights = table_heights(grid, shown, self.plan.widths)
        top = self.row
        ws = self.ws
        styles = self.book.styles
        for cell in grid.cells:
            r, c = top + cell.row, 1 + cell.col
            target = ws.cell(row=r, column=c)
            fmt = "General"
            if cell.role == VALUE and cell.key:
                value = grid_values[cell.key]
                column = table.column(cell.key[1], cell.key[2])
                assert column is not None
                target.value = value
                fmt = number_format(value, column.kind)
                self.book.mark(ws, r, c, "value", "v", ":".join(cell.key), display_text(value),
                               "total" if cell.computed else "input")
            else:
                _put_text(target, cell.text)
            align = "label" if cell.role == "row_label" else "center"
            if cell.rowspan > 1 or cell.colspan > 1:
                _merge(ws, r, c, r + cell.rowspan - 1, c + cell.colspan - 1)
            for rr in range(r, r + cell.rowspan):  # borders on every cell of a merged range
                for cc in range(c, c + cell.colspan):
                    styles.apply(ws.cell(row=rr, column=cc), TABLE_FONT, align, True,
                                 fmt if (rr, cc) == (r, c) else "General")
        for i, height in enumerate(heights):
            ws.row_dimensions[top + i].height = height
        self.heights.extend(heights)
        self.row += grid.rows
        if self.plan.print_titles and grid.header_rows:
            self.title_rows = (top - 1, top + grid.header_rows - 2)
            ws.print_title_rows = f"{top}:{top + grid.header_rows - 1}"
        for cell in grid.cells:  # keep each 表二 caption with its header and first row
            if cell.role == "caption":
                self.keep[top - 1 + cell.row] = 2

    def finish(self) -> None:
        ws = self.ws
        setup = ws.page_setup
        setup.paperSize = ws.PAPERSIZE_A4
        setup.orientation = "portrait"
        setup.fitToWidth = 1
        setup.fitToHeight = 1 if self.plan.one_page else 0  # 0: as many pages as needed
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        inch = {k: v / 25.4 for k, v in MARGINS_MM.items()}
        ws.page_margins = PageMargins(left=inch["left"], right=inch["right"], top=inch["top"],
                                      bottom=inch["bottom"], header=inch["header"],
                                      footer=inch["footer"])
        ws.print_options.horizontalCentered = True
        ws.oddFooter.center.text = FOOTER_TEXT
        ws.oddFooter.center.font = f"{FOOTER_FONT.name},常规"
        ws.oddFooter.center.size = int(FOOTER_FONT.size)
        ws.print_area = f"A1:{get_column_letter(self.cols)}{self.row - 1}"
        ws.sheet_view.showGridLines = False
        for index in page_breaks(self.heights, self.keep, self.title_rows):
            ws.row_breaks.append(Break(id=index))  # a break after row `index` (1-based)


def _meta_rows(meta: dict[str, object]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for key, value in meta.items():
        if value is None:
            kind, text = "null", ""
        elif isinstance(value, bool):
            kind, text = "bool", "1" if value else ""
        elif isinstance(value, int):
            kind, text = "int", str(value)
        elif isinstance(value, Decimal):
            kind, text = "decimal", format(value, "f")
        else:
            kind, text = "str", str(value)
        rows.append(("meta", str(key), "", "", text, kind))
    return rows


def _write_markers(book: _Book, meta: dict[str, object]) -> None:
    ws = book.wb.create_sheet(MARKER_SHEET)
    ws.sheet_state = "veryHidden"
    report = book.report
    rows: list[tuple[str, ...]] = [
        MARKER_HEADER,
        ("format", MARKER_FORMAT, "", "", MARKER_VERSION, __version__),
        ("template", report.template.id, "", "", "", report.template.name),
        *_meta_rows(meta),
        *book.markers,
    ]
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            if value:
                _put_text(ws.cell(row=r, column=c), value)


def build_workbook(report: Report, notes: list[str]) -> Workbook:
    """The workbook for a report; notes about cleaned text are appended to `notes`."""
    template = report.template
    book = _Book(report, notes)
    values = report.grid()
    shown = {key: display_text(value) for key, value in values.items()}
    meta = {}
    for key, value in report.meta.items():
        label = next((m.label for m in template.meta if m.id == key), key)
        meta[key] = clean_and_note(value, f"「{label}」", notes) if isinstance(value, str) else value
    title = template.report_title(str(meta.get("organ", "")), report.year or "")
    texts = {s.id: clean_and_note(report.texts.get(s.id, ""), f"「{s.heading}」", notes)
             for s in template.sections if s.kind == "text"}
    plans = plan_sheets(template, shown)
    for index, plan in enumerate(plans):
        sheet = _Sheet(book, plan)
        if index == 0:
            sheet.title(title)
        for section in plan.sections:
            sheet.heading(section, follow=3 if section.kind == "table" else 1)
            if section.kind == "table":
                sheet.table(section, values, shown)
            else:
                sheet.text(section, texts[section.id])
        if index == len(plans) - 1:
            sheet.signature(str(meta.get("organ", "")).strip(), written_date(meta.get("publish_date")))
        sheet.finish()
    _write_markers(book, meta)
    book.wb.active = 0
    book.wb.properties.title = title
    book.wb.properties.creator = "年报助手"
    return book.wb


def save_workbook(wb: Workbook, path: Path) -> None:
    """Write the workbook atomically (temp file, fsync, replace; retried while Windows locks it)."""
    buffer = io.BytesIO()
    wb.save(buffer)
    try:
        atomic_write_bytes(Path(path), buffer.getvalue())
    except OSError as exc:
        raise XlsxExportError(describe_os_error(exc, Path(path))) from exc


def export_xlsx(report: Report, path: Path) -> list[str]:
    """Write the report as a printable, re-importable workbook; return notes about cleaned text."""
    notes: list[str] = []
    save_workbook(build_workbook(report, notes), Path(path))
    return notes
