"""Finds a report's title, headings, texts and table cells in a workbook by their labels.

Used for workbooks without 年报助手 markers (typed by hand in the official layout) and for ours when
the markers no longer fit. Labels are compared leniently, in the template's order: spaces, half-width
brackets, numbering slips (“2、” for “二、”) and shortened or lengthened labels (“规范性文件” for
“行政规范性文件”) are recognised, and every lenient match is reported as a note.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from openpyxl.worksheet.worksheet import Worksheet

from app.numbers import normalize_text
from app.template_model import CellKey, Table, Template

Pos = tuple[int, int, int]  # (sheet index, row, column), 1-based row and column

_NUMBERING = re.compile(r"^(?:\((?:[一二三四五六七八九十]+|\d+)\)|(?:[一二三四五六七八九十]+|\d+)[、.,])")
_DROP = re.compile(r"[\s“”\"'‘’「」]")


def norm(text: str) -> str:
    """Fold widths and brackets, drop spaces and quotes: the form labels are compared in."""
    folded = unicodedata.normalize("NFKC", text).replace("．", ".")
    return _DROP.sub("", folded)


def core(text: str) -> str:
    """A label without its leading number (“（三）”, “三、”, “2、”, “1.”)."""
    return _NUMBERING.sub("", norm(text), count=1)


def match(expected: str, found: str) -> int:
    """2 = the same label, 1 = recognisably the same (numbering or a few words differ), 0 = not."""
    a, b = norm(expected), norm(found)
    if not b:
        return 0
    if a == b:
        return 2
    ca, cb = core(expected), core(found)
    if ca == cb and ca:
        return 1
    short, long_ = sorted((ca, cb), key=len)
    if len(short) >= 4 and len(long_) - len(short) <= max(4, len(short) // 2) and (
            long_.endswith(short) or long_.startswith(short)):
        return 1
    return 0


@dataclass
class SheetCells:
    """The cells of one worksheet with merged ranges resolved to their top-left cell."""

    index: int
    name: str
    ws: Worksheet
    values: dict[tuple[int, int], object]
    owner: dict[tuple[int, int], tuple[int, int]]
    max_row: int
    max_col: int

    @classmethod
    def read(cls, index: int, ws: Worksheet) -> SheetCells:
        values: dict[tuple[int, int], object] = {}
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if value is not None and not (isinstance(value, str) and not value.strip()):
                    values[(cell.row, cell.column)] = value
        owner: dict[tuple[int, int], tuple[int, int]] = {}
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    # a cell with a value of its own is shown as such (a merge left stale by a tool)
                    if (r, c) != (rng.min_row, rng.min_col) and (r, c) not in values:
                        owner[(r, c)] = (rng.min_row, rng.min_col)
        return cls(index, ws.title, ws, values, owner, ws.max_row, ws.max_column)

    def top_left(self, r: int, c: int) -> tuple[int, int]:
        return self.owner.get((r, c), (r, c))

    def text(self, r: int, c: int) -> str:
        value = self.values.get(self.top_left(r, c))
        return "" if value is None else str(value).strip()

    def own_texts(self, r: int, upto: int | None = None) -> list[tuple[int, str]]:
        """(column, text) of the non-empty cells that start in row r (merged ranges once)."""
        out = []
        for c in range(1, (upto or self.max_col) + 1):
            if self.top_left(r, c) != (r, c):
                continue  # inside a merged range that starts above or to the left
            text = self.text(r, c)
            if text:
                out.append((c, text))
        return out


@dataclass
class Located:
    """Where the parts of a report are in a workbook."""

    title: Pos | None = None
    headings: dict[str, Pos] = field(default_factory=dict)
    texts: dict[str, list[Pos]] = field(default_factory=dict)
    values: dict[CellKey, Pos] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def score(self) -> int:
        return len(self.values) + 5 * len(self.headings)


def address(sheets: list[SheetCells], pos: Pos) -> str:
    from openpyxl.utils import get_column_letter

    return f"{sheets[pos[0]].name}!{get_column_letter(pos[2])}{pos[1]}"


def _is_number_text(text: str) -> bool:
    return bool(re.fullmatch(r"[\s\d０-９.,，+\-−/／元万件个]*", text))


def _find_headings(sheets: list[SheetCells], lines: list[tuple[int, int]], template: Template,
                   found: Located) -> list[tuple[int, str]]:
    """(line index, section id) of every section heading found, in order."""
    anchors = []
    start = 0
    for section in template.sections:
        for i in range(start, len(lines)):
            s, r = lines[i]
            own = sheets[s].own_texts(r)
            if len(own) != 1 or len(core(own[0][1])) > len(core(section.heading)) + 2:
                continue
            quality = match(section.heading, own[0][1])
            if quality:
                if quality == 1:
                    found.notes.append(f"章节标题“{own[0][1]}”按“{section.heading}”读取")
                found.headings[section.id] = (s, r, own[0][0])
                anchors.append((i, section.id))
                start = i + 1
                break
        else:
            found.problems.append(("", f"没有找到章节“{section.heading}”"))
    return anchors


def _leaf_labels(table: Table) -> list[str]:
    return [leaf.label for top in table.column_tree for leaf in top.leaves()]


def _all_header_labels(table: Table) -> list[str]:
    out = []
    stack = list(table.column_tree)
    while stack:
        node = stack.pop()
        out.append(node.label)
        stack.extend(node.children)
    return out


def _in_order(expected: list[str], found: list[tuple[int, str]], what: str,
              notes: list[str]) -> list[int | None]:
    """Assign each expected label, in order, to the next found (position, text) that matches it."""
    out: list[int | None] = []
    cursor = 0
    for label in expected:
        for j in range(cursor, len(found)):
            quality = match(label, found[j][1])
            if quality:
                if quality == 1 and norm(label) != norm(found[j][1]):
                    notes.append(f"{what}“{found[j][1]}”按“{label}”读取")
                out.append(found[j][0])
                cursor = j + 1
                break
        else:
            out.append(None)
    return out


def _locate_matrix(sheets: list[SheetCells], lines: list[tuple[int, int]], table: Table,
                   found: Located) -> set[int]:
    headers = _all_header_labels(table) + ([table.corner[1]] if table.corner else [])
    row_labels = [r.label for r in table.rows]

    def is_header(i: int) -> bool:
        s, r = lines[i]
        own = sheets[s].own_texts(r)
        has_header = any(match(h, t) for _, t in own for h in headers)
        has_row = table.row_labels and any(match(x, t) == 2 for _, t in own for x in row_labels)
        return has_header and not has_row

    first = next((i for i in range(len(lines)) if is_header(i)), None)
    if first is None:
        found.problems.append(("", f"没有找到{table.name}的表头"))
        return set()
    sheet_index = lines[first][0]
    sheet = sheets[sheet_index]
    block = [first]
    while block[-1] + 1 < len(lines) and lines[block[-1] + 1][0] == sheet_index and is_header(block[-1] + 1):
        block.append(block[-1] + 1)
    header_rows = [lines[i][1] for i in block]
    columns: list[tuple[int, str]] = []
    last_owner = None
    for c in range(1, sheet.max_col + 1):
        texts = [(sheet.top_left(r, c), sheet.text(r, c)) for r in header_rows]
        texts = [(o, t) for o, t in texts if t]
        if not texts or texts[-1][0] == last_owner:
            continue
        last_owner = texts[-1][0]
        columns.append((c, texts[-1][1]))
    assigned = _in_order(_leaf_labels(table), columns, f"{table.name}列标题", found.notes)
    ragged = None in assigned
    data = [i for i in range(block[-1] + 1, len(lines)) if lines[i][0] == sheet_index]
    used = set(block)
    label_limit = min(c for c in assigned if c is not None) - 1 if not ragged and table.row_labels else None
    rows_found: list[tuple[int, str]] = []
    row_line: dict[int, int] = {}
    for i in data:
        r = lines[i][1]
        own = [(c, t) for c, t in sheet.own_texts(r, label_limit) if not _is_number_text(t)]
        if own:
            rows_found.append((r, own[-1][1]))
            row_line[r] = i
    if table.row_labels:
        matched = _in_order(row_labels, rows_found, f"{table.name}行标签", found.notes)
    else:  # 表四: the row under the header, labelled or not
        matched = [lines[data[k]][1] if k < len(data) else None for k in range(len(table.rows))]
        row_line.update({lines[i][1]: i for i in data[:len(table.rows)]})
    if ragged:
        found.notes.append(f"{table.name}的列标题与标准格式不一致，按每行标签后的单元格依次读取，请核对")
    for row, matched_line in zip(table.rows, matched, strict=True):
        if matched_line is None:
            found.problems.append(("", f"{table.name}没有找到“{row.label}”这一行"))
            continue
        r = matched_line
        used.add(row_line[r])
        if ragged:
            label_cols = [c for c, t in sheet.own_texts(r) if not _is_number_text(t)]
            start = (sheet.top_left(r, label_cols[-1])[1] if label_cols else 0)
            span_end = start
            while sheet.top_left(r, span_end + 1) == sheet.top_left(r, start) and start:
                span_end += 1
            cols: list[int | None] = list(range(span_end + 1, span_end + 1 + len(assigned)))
        else:
            cols = list(assigned)
        for column, col_at in zip(row.columns, cols, strict=True):
            if col_at is not None:
                found.values[(table.id, row.id, column.id)] = (sheet_index, r, col_at)
    return used


def _locate_grouped(sheets: list[SheetCells], lines: list[tuple[int, int]], table: Table,
                    found: Located) -> set[int]:
    used: set[int] = set()
    captions = [g.caption for g in table.groups]
    cursor = 0

    def first_text(i: int) -> str:
        own = sheets[lines[i][0]].own_texts(lines[i][1])
        return own[0][1] if own else ""

    for gi, group in enumerate(table.groups):
        cap = next((i for i in range(cursor, len(lines)) if match(group.caption, first_text(i))), None)
        start = cap + 1 if cap is not None else cursor
        labels = [table.label_header] + [c.label for c in group.columns]
        header = None
        for i in range(start, len(lines)):
            own = sheets[lines[i][0]].own_texts(lines[i][1])
            if any(match(group.columns[0].label, t) for _, t in own):
                header = i
                break
            if any(match(c, first_text(i)) for c in captions[gi + 1:]):
                break
        if header is None:
            found.problems.append(("", f"{table.name}没有找到“{group.caption}”的表头"))
            continue
        s, hr = lines[header]
        sheet = sheets[s]
        own = sheet.own_texts(hr)
        assigned = _in_order(labels, own, f"{table.name}列标题", found.notes)[1:]
        used.update({header} | ({cap} if cap is not None else set()))
        limit = min((c for c in assigned if c is not None), default=sheet.max_col + 1) - 1
        rows_found: list[tuple[int, str]] = []
        for i in range(header + 1, len(lines)):
            if lines[i][0] != s or any(match(c, first_text(i)) for c in captions):
                break
            texts = [(c, t) for c, t in sheet.own_texts(lines[i][1], limit) if not _is_number_text(t)]
            if any(match(c.label, t) for c in group.columns for _, t in texts):
                break  # the header of a group whose caption is missing
            if texts:
                rows_found.append((i, texts[0][1]))
        matched = _in_order([r.label for r in group.rows], rows_found, f"{table.name}行标签", found.notes)
        for row, matched_line in zip(group.rows, matched, strict=True):
            if matched_line is None:
                found.problems.append(("", f"{table.name}“{group.caption}”没有找到“{row.label}”这一行"))
                continue
            i = matched_line
            used.add(i)
            cursor = i + 1
            for column, c in zip(group.columns, assigned, strict=True):
                if c is None:
                    found.problems.append(("", f"{table.name}“{group.caption}”没有找到“{column.label}”这一列"))
                else:
                    found.values[(table.id, row.id, column.id)] = (s, lines[i][1], c)
    return used


def parse_title(template: Template, text: str) -> tuple[str, int | None, bool]:
    """(organ, year, exact) from a report title; exact is False when the title was read loosely."""
    folded = "".join(normalize_text(text).split())
    pattern = re.escape(template.title).replace(r"\{organ\}", "(?P<organ>.+?)").replace(
        r"\{year\}", r"(?P<year>\d{4})")
    whole = re.fullmatch(pattern, folded)
    if whole:
        return whole.group("organ"), int(whole.group("year")), True
    year = re.search(r"(?<!\d)(?:19|20)\d{2}(?!\d)", folded)
    if not year:
        return "", None, False
    organ = folded[:year.start()]
    fixed = template.title.replace("{organ}", "\0").replace("{year}", "\0").replace("\0", "")
    for size in range(len(organ), 1, -1):  # drop the part of the standard title written before the year
        if organ[-size:] in fixed:
            organ = organ[:-size]
            break
    return organ, int(year.group(0)), False


def locate_by_labels(sheets: list[SheetCells], template: Template) -> Located:
    """Find title, headings, text cells and value cells by their labels."""
    found = Located()
    lines = [(s.index, r) for s in sheets for r in range(1, s.max_row + 1)]
    anchors = _find_headings(sheets, lines, template, found)
    bounds = [i for i, _ in anchors] + [len(lines)]
    first_heading = bounds[0]
    title = next(((lines[i][0], lines[i][1], own[0][0]) for i in range(first_heading)
                  for own in [sheets[lines[i][0]].own_texts(lines[i][1])] if own), None)
    found.title = title
    used: set[int] = set()
    regions = {sid: list(range(bounds[k] + 1, bounds[k + 1])) for k, (_, sid) in enumerate(anchors)}
    for section in template.sections:
        if section.kind != "table" or not section.table:
            continue
        table = template.tables[section.table]
        region = regions.get(section.id) or list(range(len(lines)))
        sub = [lines[i] for i in region]
        locate = _locate_matrix if table.type == "matrix" else _locate_grouped
        local_used = locate(sheets, sub, table, found)
        used.update(region[i] for i in local_used)
    for section in template.sections:
        if section.kind != "text" or section.id not in regions:
            continue
        cells = []
        for i in regions[section.id]:
            if i in used:
                continue
            own = sheets[lines[i][0]].own_texts(lines[i][1])
            cells.append((lines[i][0], lines[i][1], own[0][0] if own else 0))
        while cells and cells[-1][2] == 0:
            cells.pop()
        while cells and cells[0][2] == 0:
            cells.pop(0)
        found.texts[section.id] = cells  # column 0 marks a blank row between paragraphs
    return found
