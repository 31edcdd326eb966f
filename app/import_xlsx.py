"""Reads a report back from a workbook: ours (by its markers) or one in the official layout (by labels).

Nothing is guessed: a cell that cannot be read as a number is listed with its sheet and address, and
every interpretation (a blank read as 0, “251000元” read as 25.1 万元, a lenient label) is a note.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from app.checks import cell_ref, check_grid
from app.export_xlsx import MARKER_FORMAT, MARKER_SHEET, text_hash
from app.numbers import CellKind, InputError, Number, check_number, format_number, normalize_text
from app.report import Report
from app.template_loader import TemplateError, available_templates, get_template
from app.template_model import CellKey, Template
from app.xlsx_match import Located, Pos, SheetCells, address, locate_by_labels, match, parse_title

_NIL = {"/", "-", "--", "---", "\\", "无", "空", "—", "——", "－"}
_COUNT_UNITS = ("人次", "件", "个", "项", "次", "起", "宗", "条")
_AMOUNT_UNITS = {"万元": Decimal(10000), "元": Decimal(1)}
_NUMBER = re.compile(r"^[¥￥]?([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(万元|元|人次|[件个项次起宗条])?$")
_UNIT_IN_LABEL = re.compile(r"单位[:：]\s*(万元|元)")
_SIGNATURE_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


class XlsxImportError(Exception):
    """The file is not a workbook we can read, or holds no recognisable report (Chinese message)."""


@dataclass(frozen=True)
class ImportProblem:
    """A cell or total that could not be taken over; `where` is like “三（表三）!D7”."""

    where: str
    message: str
    key: CellKey | None = None
    rule: str | None = None

    def __str__(self) -> str:
        return f"{self.where}：{self.message}" if self.where else self.message


@dataclass
class ImportResult:
    """The report read, what was interpreted (notes) and what could not be read (problems)."""

    report: Report
    notes: list[str] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


# --- opening ------------------------------------------------------------------------------

def _open(path: Path) -> tuple[Workbook, bytes]:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise XlsxImportError(f"找不到文件“{path}”") from None
    except OSError as exc:
        raise XlsxImportError(f"无法读取文件“{Path(path).name}”：{exc.strerror or exc}") from None
    name = Path(path).name
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container: encrypted .xlsx or old .xls
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise XlsxImportError(f"“{name}”设置了打开密码，请在 Excel 或 WPS 中取消密码并保存后再导入")
        raise XlsxImportError(f"“{name}”是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 后再导入")
    if not data.startswith(b"PK"):
        raise XlsxImportError(f"“{name}”不是 Excel 工作簿（.xlsx）文件")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise XlsxImportError(f"“{name}”已损坏，无法作为 Excel 工作簿打开") from None
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise XlsxImportError(f"“{name}”是 OpenDocument 表格（.ods），请另存为 .xlsx 后再导入")
        raise XlsxImportError(f"“{name}”不是 Excel 工作簿（.xlsx）文件")
    try:
        return load_workbook(io.BytesIO(data)), data
    except Exception as exc:  # openpyxl raises many kinds on broken parts
        raise XlsxImportError(f"“{name}”已损坏，无法作为 Excel 工作簿打开（{type(exc).__name__}）") from None


# --- markers ------------------------------------------------------------------------------

@dataclass
class _Markers:
    template: str
    meta: dict[str, Any]
    entries: list[tuple[str, str, str, str, str, str]]


def _read_markers(wb: Workbook) -> _Markers | None:
    if MARKER_SHEET not in wb.sheetnames:
        return None
    rows = [tuple("" if v is None else str(v) for v in (list(row) + [None] * 6)[:6])
            for row in wb[MARKER_SHEET].iter_rows(values_only=True)]
    kinds = {r[0]: r for r in rows}
    if kinds.get("format", ("",) * 2)[1] != MARKER_FORMAT or "template" not in kinds:
        return None
    meta: dict[str, Any] = {}
    convert: dict[str, Callable[[str], Any]] = {"int": int, "decimal": Decimal, "bool": bool,
                                                "null": lambda _: None}
    for kind, key, _, _, text, typ in rows:
        if kind == "meta":
            try:
                meta[key] = convert.get(typ, str)(text)
            except (ValueError, InvalidOperation):
                meta[key] = text
    entries = [r for r in rows if r[0] in {"title", "heading", "text", "value"}]
    return _Markers(kinds["template"][1], meta, entries)  # type: ignore[arg-type]


def _resolve(wb: Workbook, sheets: list[SheetCells], name: str) -> Pos | None:
    defined = wb.defined_names.get(name)
    if defined is None or "#REF" in (defined.attr_text or ""):
        return None
    by_name = {s.name: s.index for s in sheets}
    for sheet_name, coord in defined.destinations:
        if sheet_name in by_name:
            col, row = coordinate_from_string(coord.replace("$", ""))
            return (by_name[sheet_name], row, column_index_from_string(col))
    return None


def _locate_by_names(wb: Workbook, sheets: list[SheetCells], template: Template,
                     markers: _Markers) -> tuple[Located, dict[Pos, str]] | None:
    """Positions from the defined names, or None if they no longer fit the content (stale)."""
    found = Located()
    flags: dict[Pos, str] = {}
    pieces: dict[str, list[Pos]] = {}
    for kind, ident, name, exported, value, _ in markers.entries:
        pos = _resolve(wb, sheets, name)
        if pos is None:
            if kind == "heading":
                return None  # a section boundary is gone: read the texts by their labels instead
            if kind == "value":
                found.problems.append((exported.replace("'", "").replace("$", ""), "该单元格已被删除"))
            continue
        if kind == "title":
            found.title = pos
        elif kind == "heading":
            text = sheets[pos[0]].text(pos[1], pos[2])
            if not match(template.section(ident).heading, text):
                return None
            found.headings[ident] = pos
        elif kind == "text":
            flags[pos] = value
            pieces.setdefault(ident, []).append(pos)
        elif kind == "value":
            key = tuple(ident.split(":"))
            if len(key) != 3 or not template.has_cell(key):
                continue
            table = template.tables[key[0]]
            if table.row_labels:
                sheet = sheets[pos[0]]
                label = table.row(key[1]).label
                if not any(match(label, t) for _, t in sheet.own_texts(pos[1], pos[2] - 1)):
                    return None
            found.values[key] = pos
    for section in template.sections:  # also take rows the clerk added inside a text section
        if section.kind != "text" or section.id not in found.headings:
            continue
        s, row, _ = found.headings[section.id]
        later = [p[1] for p in found.headings.values() if p[0] == s and p[1] > row]
        end = min(later, default=sheets[s].max_row + 1)
        named = {p[1]: p for p in pieces.get(section.id, []) if p[0] == s}
        cells: list[Pos] = []
        for r in range(row + 1, end):
            own = sheets[s].own_texts(r)
            cells.append(named.get(r) or (s, r, own[0][0] if own else 0))
        while cells and cells[-1][2] == 0:
            cells.pop()
        found.texts[section.id] = cells
    return found, flags


# --- values -------------------------------------------------------------------------------

def read_number(raw: object, kind: CellKind, places: int, unit: str | None) -> tuple[Number, str | None]:
    """A workbook cell's value as a number of the cell's kind, with a note when it was interpreted.

    Raises InputError (Chinese message) when the value cannot be read without guessing.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return check_number(0, kind, places), "空白按 0 计"
    if isinstance(raw, bool) or isinstance(raw, (datetime, date, time)):
        raise InputError(f"“{raw}”不是数字")
    if isinstance(raw, (int, Decimal)):
        return check_number(raw, kind, places), None
    if isinstance(raw, float):
        return check_number(Decimal(format(raw, ".15g")), kind, places), None  # Excel keeps 15 digits
    shown = str(raw).strip()
    text = normalize_text(shown)
    if text in _NIL:
        return check_number(0, kind, places), f"“{shown}”按 0 计"
    found = _NUMBER.match(text)
    if not found:
        raise InputError(f"“{shown}”不是有效的数字")
    number = Decimal(found.group(1).replace(",", ""))
    written = found.group(2)
    note = f"“{shown}”按 {{}} 读取" if shown != found.group(1) else None
    if written in _AMOUNT_UNITS:
        if not kind.is_amount:
            raise InputError(f"“{shown}”是金额，此栏应填件数")
        if unit in _AMOUNT_UNITS and written != unit:
            number = number * _AMOUNT_UNITS[written] / _AMOUNT_UNITS[unit]
            note = f"“{shown}”换算为 {{}} {unit}"
        elif unit is None:
            note = f"“{shown}”去掉单位按 {{}} 读取（此栏未注明单位，请核对）"
    elif written is not None and kind.is_amount:
        raise InputError(f"“{shown}”不是金额")
    value = check_number(number, kind, places, shown=shown)
    return value, note.format(format_number(value)) if note else None


def _column_unit(label: str) -> str | None:
    found = _UNIT_IN_LABEL.search(label)
    return found.group(1) if found else None


class _Reader:
    """Reads cell values, falling back to the values Excel cached for formulas."""

    def __init__(self, data: bytes, sheets: list[SheetCells]) -> None:
        self.data = data
        self.sheets = sheets
        self._cached: Workbook | None = None

    def raw(self, pos: Pos) -> tuple[object, str | None]:
        sheet = self.sheets[pos[0]]
        cell = sheet.ws.cell(row=pos[1], column=pos[2])
        value = cell.value
        if cell.data_type != "f" and not isinstance(value, ArrayFormula):
            return value, None
        if self._cached is None:
            self._cached = load_workbook(io.BytesIO(self.data), data_only=True)
        cached = self._cached[sheet.name].cell(row=pos[1], column=pos[2]).value
        if cached is None:
            raise InputError("是公式但没有保存计算结果，请在 Excel 或 WPS 中打开、保存后再导入")
        return cached, f"按公式的计算结果 {cached} 读取"

    def text(self, pos: Pos) -> str:
        value = self.sheets[pos[0]].ws.cell(row=pos[1], column=pos[2]).value
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)


# --- assembling -----------------------------------------------------------------------------

def _join_text(reader: _Reader, cells: list[Pos], flags: dict[Pos, str],
               hashes: dict[str, list[str]] | None) -> str:
    parts: list[str] = []
    for pos in cells:
        value = reader.text(pos) if pos[2] else ""
        flag = flags.get(pos)
        if flag is None and hashes is not None and value:
            flag = "c" if "c" in hashes.get(text_hash(value), []) else "p"
        if parts and flag == "c":
            parts[-1] += value
        else:
            parts.append(value)
    return "\n".join(parts)


def _without_signature(text: str, organ: str) -> str:
    """The last section's text without the 落款 (organ name, date) written under it."""
    paragraphs = text.split("\n")
    while paragraphs and (not paragraphs[-1].strip() or paragraphs[-1].strip() == organ.strip()
                          or _SIGNATURE_DATE.match(normalize_text(paragraphs[-1]))):
        paragraphs.pop()
    return "\n".join(paragraphs)


def _choose(sheets: list[SheetCells], markers: _Markers | None, notes: list[str]) -> tuple[Template, Located]:
    if markers is not None:
        try:
            template = get_template(markers.template)
            return template, locate_by_labels(sheets, template)
        except TemplateError:
            notes.append(f"工作簿标记的报告格式“{markers.template}”本程序不认识，改按行列标签识别")
    best = max(((t, locate_by_labels(sheets, t)) for t in available_templates().values()),
               key=lambda pair: pair[1].score)
    return best


def import_xlsx(path: Path) -> ImportResult:
    """Read a workbook into a report; raise XlsxImportError if it is not a readable report."""
    wb, data = _open(Path(path))
    sheets = [SheetCells.read(i, ws) for i, ws in enumerate(
        w for w in wb.worksheets if w.title != MARKER_SHEET and w.sheet_state != "veryHidden")]
    markers = _read_markers(wb)
    notes: list[str] = []
    flags: dict[Pos, str] = {}
    located: Located | None = None
    template: Template | None = None
    if markers is not None and markers.template in available_templates():
        template = get_template(markers.template)
        by_names = _locate_by_names(wb, sheets, template, markers)
        if by_names is not None:
            located, flags = by_names
        else:
            notes.append("工作簿的定位标记与内容不一致（可能用其他软件插入或删除过行），已按行列标签重新定位")
    if located is None or template is None:
        template, located = _choose(sheets, markers, notes)
        if markers is None:
            notes.append(f"工作簿没有年报助手的标记，按“{template.name}”的行列标签识别")
    if not located.values and len(located.headings) < 2:
        raise XlsxImportError("工作簿中没有找到可识别的政府信息公开年度报告（没有找到章节标题和表格）")
    return _assemble(template, located, flags, markers, _Reader(data, sheets), notes)


def _assemble(template: Template, located: Located, flags: dict[Pos, str], markers: _Markers | None,
              reader: _Reader, notes: list[str]) -> ImportResult:
    sheets = reader.sheets
    notes.extend(located.notes)
    problems = [ImportProblem(where, message) for where, message in located.problems]
    meta = dict(markers.meta) if markers else {}
    if located.title is not None:
        title = reader.text(located.title).strip()
        organ, year, exact = parse_title(template, title)
        if not exact:
            notes.append(f"标题“{title}”与标准格式不同，机关名称按“{organ}”"
                         f"{f'、年度按 {year} 年' if year else ''}读取，请核对")
        if organ and organ != meta.get("organ"):
            if "organ" in meta:
                notes.append(f"机关名称按工作簿标题改为“{organ}”")
            meta["organ"] = organ
        if year and year != meta.get("year"):
            if "year" in meta:
                notes.append(f"年度按工作簿标题改为 {year} 年")
            meta["year"] = year
    if not isinstance(meta.get("year"), int):
        problems.append(ImportProblem("", "无法确定报告年度，请在程序中补填"))
    report = Report.blank(template, str(meta.get("organ", "")), meta.get("year") or 0)
    report.meta.update(meta)
    if not isinstance(meta.get("year"), int):
        report.meta.pop("year", None)
    hashes: dict[str, list[str]] | None = None
    if markers is not None and not flags:
        hashes = {}
        for kind, _, _, _, flag, digest in markers.entries:
            if kind == "text":
                hashes.setdefault(digest, []).append(flag)
    for section_id, cells in located.texts.items():
        report.texts[section_id] = _join_text(reader, cells, flags, hashes)
    last = template.sections[-1].id
    if last in report.texts:
        report.texts[last] = _without_signature(report.texts[last], str(report.meta.get("organ", "")))
    # The exact decimals we wrote: a float read back equal to one of them is that number (a float
    # cannot hold every 16-digit amount).
    written_texts = {ident: text for kind, ident, _, _, text, _ in (markers.entries if markers else ())
                     if kind == "value"}
    read_totals: dict[CellKey, Number] = {}
    blanks: dict[str, list[str]] = {}
    for key in template.keys():
        table = template.tables[key[0]]
        column = table.column(key[1], key[2])
        assert column is not None
        pos = located.values.get(key)
        if pos is None:
            continue
        where = address(sheets, pos)
        ref = cell_ref(template, key)
        label = f"{ref.table_name}「{ref.row_label + '·' if ref.row_label else ''}{ref.column_label}」"
        try:
            raw, formula_note = reader.raw(pos)
            written = written_texts.get(":".join(key))
            if isinstance(raw, float) and written and float(Decimal(written)) == raw:
                raw = Decimal(written)
            value, note = read_number(raw, column.kind, column.places, _column_unit(column.label))
        except InputError as exc:
            problems.append(ImportProblem(where, f"{label}{exc}，未导入", key))
            continue
        if note == "空白按 0 计":
            blanks.setdefault(ref.table_name, []).append(f"{label}（{where}）")
        elif note or formula_note:
            notes.append(f"{label}（{where}）：{formula_note or note}")
        if table.is_computed(key[1], key[2]):
            read_totals[key] = value
            continue
        try:
            report.set_value(key, value)
        except InputError as exc:
            problems.append(ImportProblem(where, f"{label}{exc}，未导入", key))
    for name, places in blanks.items():
        shown = "、".join(places[:6]) + (f" 等 {len(places)} 处" if len(places) > 6 else "")
        notes.append(f"{name}：空白按 0 计——{shown}")
    problems += _total_problems(report, read_totals, located, sheets)
    return ImportResult(report, notes, problems)


def _total_problems(report: Report, read_totals: dict[CellKey, Number], located: Located,
                    sheets: list[SheetCells]) -> list[ImportProblem]:
    """Totals typed in the workbook that disagree with their parts, named with the checks' messages."""
    grid = report.grid()
    wrong = {k for k, v in read_totals.items() if v != grid[k]}
    if not wrong:
        return []
    out: list[ImportProblem] = []
    told: set[CellKey] = set()
    for problem in check_grid(report, {**grid, **read_totals}):
        keys = [c.key for c in problem.cells if c.key in wrong]
        if not keys:
            continue
        told.update(keys)
        where = "、".join(address(sheets, located.values[k]) for k in keys)
        out.append(ImportProblem(where, f"{problem.message}（导入后合计按各项之和计算）", keys[0],
                                 problem.rule))
    for key in sorted(wrong - told):
        ref = cell_ref(report.template, key)
        out.append(ImportProblem(address(sheets, located.values[key]),
                                 f"{ref.table_name}「{ref.row_label}·{ref.column_label}」：工作簿中为"
                                 f"{format_number(read_totals[key])}，各项之和为{format_number(grid[key])}"
                                 "（导入后合计按各项之和计算）", key))
    return out


