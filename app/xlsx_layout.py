"""Print geometry of the exported workbook: which sections go on which sheet, widths, heights, breaks.

Everything here is arithmetic on the template and the text; nothing is written to a workbook. Sizes
are estimated conservatively (CJK and “ambiguous” characters count as one em, other characters as
0.6 em, lines as 1.5 em) so that a row is never too low for its text in Excel, WPS or LibreOffice.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from app.layout import VALUE, GridCell, TableGrid, table_grid
from app.template_model import CellKey, Section, Table, Template

# --- page: A4 portrait with the GB/T 9704 margins (top 37, bottom 35, left 28, right 26 mm) ---
MM = 72 / 25.4  # points per millimetre
MARGINS_MM = {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0, "header": 15.0, "footer": 18.0}
PRINT_WIDTH_PT = (210 - MARGINS_MM["left"] - MARGINS_MM["right"]) * MM  # 442 pt = 156 mm
PRINT_HEIGHT_PT = (297 - MARGINS_MM["top"] - MARGINS_MM["bottom"]) * MM  # 638 pt = 225 mm

# Excel measures column widths in digits of the workbook's Normal font (Calibri 11). On screen at
# 96 dpi that digit is 7 px = 5.25 pt; at other resolutions and in LibreOffice (which uses the true
# advance, 5.58 pt) a unit is up to 5.6 pt. Lines are counted with the narrow unit (more lines, never
# cut) and sheets are sized with the wide one, so every sheet fits the page width at 100 %.
PT_PER_UNIT = 5.25
PT_PER_UNIT_WIDE = 5.6
SHEET_UNITS = int(PRINT_WIDTH_PT / PT_PER_UNIT_WIDE)

CELL_PAD_PT = 6.0  # left + right inner padding of a cell, plus a little slack
ROW_PAD_PT = 2.5
LINE_FACTOR = 1.5  # line height / font size; CJK fonts run 1.3 (SimSun) to 1.45 (Noto CJK)
MAX_ROW_PT = 409.0  # Excel's limit for a row height
NEAR_FIT = 1.25  # a sheet up to 25 % taller than a page is shrunk onto one page
PARAGRAPH_MAX_LINES = 8  # a text row never holds more; rows cannot break across pages


@dataclass(frozen=True)
class FontSpec:
    """A font by name, size in points, and weight."""

    name: str
    size: float
    bold: bool = False

    @property
    def line_pt(self) -> float:
        return self.size * LINE_FACTOR


# GB/T 9704: title in a Song display face, headings 黑体, body 仿宋 3号 (16 pt); tables 宋体 五号.
TITLE_FONT = FontSpec("宋体", 22, bold=True)
HEADING_FONT = FontSpec("黑体", 16)
BODY_FONT = FontSpec("仿宋", 16)
TABLE_FONT = FontSpec("宋体", 10.5)
FOOTER_FONT = FontSpec("宋体", 10)

# Line breaking rules (禁则): these never start a line, those never end one.
_NO_LINE_START = frozenset("，。、；：？！”’）》」』】〕〉…,.;:?!)]}%")
_NO_LINE_END = frozenset("“‘（《「『【〔〈([{")
_SENTENCE_END = frozenset("。！？；!?;")
_CLAUSE_END = frozenset("，、：,:")


def char_em(ch: str) -> float:
    """Width of a character in ems, rounded up: wide and ambiguous East-Asian characters are 1."""
    if unicodedata.combining(ch):
        return 0.0
    if unicodedata.east_asian_width(ch) in ("W", "F", "A"):
        return 1.0
    return 0.55 if "0" <= ch <= "9" else 0.6  # digits are 0.5 em in SimSun, Calibri and Noto


def text_em(text: str) -> float:
    return sum(char_em(ch) for ch in text)


def _tokens(text: str) -> list[tuple[int, int, float, bool]]:
    """Split into breakable pieces: single wide characters, runs of narrow non-space, single spaces."""
    out: list[tuple[int, int, float, bool]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        width = char_em(ch)
        if ch.isspace():
            out.append((i, i + 1, width, True))
            i += 1
        elif width >= 1.0:
            out.append((i, i + 1, width, False))
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and char_em(text[j]) < 1.0:
                j += 1
            out.append((i, j, text_em(text[i:j]), False))
            i = j
    return out


def wrap(text: str, width_em: float) -> list[int]:
    """The start index of every line when `text` wraps in a box `width_em` wide (at least one line)."""
    width_em = max(width_em, 1.0) + 0.01  # tolerate rounding of column widths
    starts = [0]
    used = 0.0
    line_tokens: list[tuple[int, int, float, bool]] = []
    for tok in _tokens(text):
        start, end, width, space = tok
        if text[start] == "\n":
            starts.append(end)
            used, line_tokens = 0.0, []
            continue
        if used + width <= width_em or space:
            used += width
            line_tokens.append(tok)
            continue
        if width > width_em:  # a word longer than a whole line is broken anywhere
            for k in range(start, end):
                w = char_em(text[k])
                if used + w > width_em and used > 0:
                    starts.append(k)
                    used, line_tokens = 0.0, []
                used += w
            line_tokens.append((starts[-1] if starts[-1] > start else start, end, used, False))
            continue
        carry: list[tuple[int, int, float, bool]] = [tok]
        if text[start] in _NO_LINE_START and line_tokens:
            carry.insert(0, line_tokens.pop())  # pull the previous character down with it
        while line_tokens and text[line_tokens[-1][0]] in _NO_LINE_END:
            carry.insert(0, line_tokens.pop())
        if not line_tokens:  # cannot move everything: keep the line as it is
            line_tokens, carry = carry[:-1], [carry[-1]]
        starts.append(carry[0][0])
        line_tokens = carry
        used = sum(t[2] for t in carry)
    return starts


@lru_cache(maxsize=65536)
def line_count(text: str, width_pt: float, font_pt: float) -> int:
    return len(wrap(text, (width_pt - CELL_PAD_PT) / font_pt))


def row_height(lines: int, font: FontSpec, extra: float = 0.0) -> float:
    return min(MAX_ROW_PT, round(lines * font.line_pt + ROW_PAD_PT + extra, 2))


def split_paragraph(text: str, width_pt: float, font: FontSpec,
                    max_lines: int = PARAGRAPH_MAX_LINES) -> list[str]:
    """Cut a paragraph into pieces of at most `max_lines` printed lines, at sentence ends if possible.

    The pieces joined give back the paragraph exactly. An empty paragraph gives one empty piece.
    """
    width_em = (width_pt - CELL_PAD_PT) / font.size
    window = int((max_lines + 1) * (width_em / 0.6 + 2)) + 1  # enough characters for max_lines + 1
    pieces: list[str] = []
    start = 0
    while True:
        rest = text[start:start + window]
        starts = wrap(rest, width_em)
        if len(starts) <= max_lines and start + window >= len(text):
            pieces.append(text[start:])
            return pieces
        hard = starts[max_lines] if len(starts) > max_lines else len(rest)
        cut = _natural_cut(rest, hard)
        pieces.append(rest[:cut])
        start += cut


def _natural_cut(text: str, hard: int) -> int:
    """Where to cut before `hard`: after a sentence end, else after a clause end, else at `hard`."""
    for marks, earliest in ((_SENTENCE_END, 0.4), (_CLAUSE_END, 0.6)):
        for k in range(hard - 1, int(hard * earliest), -1):
            if text[k] in marks:
                cut = k + 1
                while cut < hard and text[cut] in _NO_LINE_START:  # keep closing quotes with it
                    cut += 1
                return cut
    return hard


def paragraph_rows(text: str, width_pt: float, font: FontSpec) -> list[tuple[str, float]]:
    """The pieces of a paragraph with the row height each needs."""
    rows = []
    for piece in split_paragraph(text, width_pt, font):
        lines = line_count(piece, width_pt, font.size) if piece else 1
        rows.append((piece, row_height(lines, font) if piece else round(font.line_pt * 0.6, 2)))
    return rows


def units_to_pt(units: float) -> float:
    return units * PT_PER_UNIT


# --- tables -------------------------------------------------------------------------------

# A leading number such as “（三）”, “三、” or “1.” should not be broken over two lines.
_NUMBERING = re.compile(r"^(?:[（(][一二三四五六七八九十0-9]{1,3}[）)]|[一二三四五六七八九十0-9]{1,3}[、.．])")


def _longest_word_em(text: str) -> float:
    """Width of the widest piece of a label that must not be broken."""
    numbering = _NUMBERING.match(text)
    return max([t[2] for t in _tokens(text) if not t[3]] + [text_em(numbering.group(0)) if numbering else 0.0])


def _cell_text(cell: GridCell, values: dict[CellKey, str]) -> str:
    return values.get(cell.key, "") if cell.role == VALUE and cell.key else cell.text


class _HeightModel:
    """Row heights of a table grid for given column widths, with line counts cached."""

    def __init__(self, grid: TableGrid, values: dict[CellKey, str], font: FontSpec) -> None:
        self.grid = grid
        self.font = font
        self.cells = [(c, _cell_text(c, values)) for c in grid.cells]

    def rows(self, widths: list[float]) -> list[float]:
        heights = [row_height(1, self.font)] * self.grid.rows
        spans = []
        for cell, text in self.cells:
            width_pt = units_to_pt(sum(widths[cell.col:cell.col + cell.colspan]))
            need = row_height(line_count(text, width_pt, self.font.size), self.font)
            if cell.rowspan == 1:
                heights[cell.row] = max(heights[cell.row], need)
            else:
                spans.append((cell, need))
        for cell, need in spans:  # a tall merged label spreads its extra height over its rows
            rows = range(cell.row, cell.row + cell.rowspan)
            have = sum(heights[r] for r in rows)
            if need > have:
                extra = (need - have) / cell.rowspan
                for r in rows:
                    heights[r] = min(MAX_ROW_PT, round(heights[r] + extra, 2))
        return heights


def _fewer_lines_at(text: str, width: float, font: FontSpec, limit: int) -> int | None:
    """The smallest whole number of units to add to `width` for `text` to need fewer lines."""
    def lines(units: float) -> int:
        return line_count(text, units_to_pt(units), font.size)

    now = lines(width)
    if now == 1 or limit < 1 or lines(width + limit) >= now:
        return None
    lo, hi = 1, limit
    while lo < hi:
        mid = (lo + hi) // 2
        if lines(width + mid) < now:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _water_fill(widths: list[float], spare: float) -> list[float]:
    """Hand out spare width to the narrowest columns first, so equal columns stay equal."""
    widths = widths.copy()
    while spare > 0.01:
        low = min(widths)
        lowest = [i for i, w in enumerate(widths) if w - low < 0.01]
        above = min((w for w in widths if w - low >= 0.01), default=low + spare)
        add = min(spare / len(lowest), above - low)
        for i in lowest:
            widths[i] += add
        spare -= add * len(lowest)
    return widths


@lru_cache(maxsize=64)
def _table_widths(grid: TableGrid, texts: tuple[tuple[CellKey, str], ...], total_units: float,
                  font: FontSpec) -> tuple[float, ...]:
    values = dict(texts)

    def units(em: float) -> float:
        return (em * font.size + CELL_PAD_PT) / PT_PER_UNIT

    widths = [units(2.0)] * grid.cols
    for cell in grid.cells:
        if cell.colspan == 1:
            text = _cell_text(cell, values)
            need = text_em(text) + 0.3 if cell.role == VALUE else _longest_word_em(text)
            widths[cell.col] = max(widths[cell.col], units(need))
    model = _HeightModel(grid, values, font)
    covering = [[(c, t) for c, t in model.cells if c.col <= col < c.col + c.colspan and t]
                for col in range(grid.cols)]
    spare = total_units - sum(widths)
    current = sum(model.rows(widths))
    while spare >= 1.0:
        best: tuple[float, int, int] | None = None  # (height saved per unit, column, units)
        for col in range(grid.cols):
            steps = set()
            for cell, text in covering[col]:
                width = sum(widths[cell.col:cell.col + cell.colspan])
                step = _fewer_lines_at(text, width, font, int(spare))
                if step is not None:
                    steps.add(step)
            for step in sorted(steps)[:4]:
                trial = widths.copy()
                trial[col] += step
                saving = (current - sum(model.rows(trial))) / step
                if saving > 0.01 and (best is None or saving > best[0]):
                    best = (saving, col, step)
        if best is None:
            break
        widths[best[1]] += best[2]
        spare -= best[2]
        current = sum(model.rows(widths))
    if spare > 0:  # nothing gets shorter any more
        widths = _water_fill(widths, spare)
    return tuple(round(w, 2) for w in widths)


def table_widths(grid: TableGrid, values: dict[CellKey, str], total_units: float,
                 font: FontSpec = TABLE_FONT) -> list[float]:
    """Column widths (Excel units) that fill `total_units` and make the table as short as possible.

    Every column first gets what its numbers and longest unbreakable word need (two CJK characters at
    least, so a header never becomes one character per line); then width goes, step by step, to the
    column where it saves the most height per unit; what is left goes to the narrowest columns.
    Only the widths of the numbers matter for the result, so it is cached on them.
    """
    keys = [c.key for c in grid.cells if c.role == VALUE and c.key]
    texts = tuple((k, values.get(k, "")) for k in keys)
    return list(_table_widths(grid, texts, float(total_units), font))


def table_heights(grid: TableGrid, values: dict[CellKey, str], widths: list[float],
                  font: FontSpec = TABLE_FONT) -> list[float]:
    return _HeightModel(grid, values, font).rows(widths)


# --- sheets -------------------------------------------------------------------------------

@dataclass
class SheetPlan:
    """One worksheet: its sections in order, the table that sets its columns, print settings."""

    name: str
    sections: list[Section] = field(default_factory=list)
    table: Table | None = None
    widths: list[float] = field(default_factory=lambda: [float(SHEET_UNITS)])
    print_titles: bool = False
    closed: bool = False
    one_page: bool = False

    @property
    def width_pt(self) -> float:
        return units_to_pt(sum(self.widths))


_SHEET_NAME_BAD = re.compile(r"[\\/?*\[\]:]")


def _sheet_name(plan: SheetPlan, taken: set[str]) -> str:
    numbers = "、".join(re.sub(r"[、.．\s]+$", "", s.number) for s in plan.sections)
    name = numbers + (f"（{plan.table.name}）" if plan.table else "")
    name = _SHEET_NAME_BAD.sub("_", name).strip("'")[:31] or "报告"
    base, i = name, 2
    while name in taken or name.lower() == "_nianbao":
        name = f"{base[:28]}_{i}"
        i += 1
    taken.add(name)
    return name


def plan_sheets(template: Template, values: dict[CellKey, str]) -> list[SheetPlan]:
    """Distribute the sections over sheets.

    A sheet holds at most one table and takes its columns from it. A table with header rows (表三,
    表四) starts a sheet of its own, so it begins at the top of a page and its header rows can repeat
    on every page it runs over. Text after such a table stays on its sheet only if the table fits on
    one page (then nothing needs repeating); otherwise it moves to a new sheet.
    """
    sheets: list[SheetPlan] = [SheetPlan("")]
    for section in template.sections:
        current = sheets[-1]
        table = template.tables[section.table] if section.kind == "table" and section.table else None
        starts_sheet = current.closed or (table is not None and (
            current.table is not None or table_grid(table).header_rows > 0))
        if starts_sheet and current.sections:
            current = SheetPlan("")
            sheets.append(current)
        current.sections.append(section)
        if table is None:
            continue
        grid = table_grid(table)
        current.table = table
        current.widths = table_widths(grid, values, SHEET_UNITS)
        if grid.header_rows:
            height = sum(table_heights(grid, values, current.widths)) + row_height(1, HEADING_FONT)
            current.closed = height > PRINT_HEIGHT_PT
            # A table a little too long for one page prints shrunk onto it rather than leaving a
            # row or two alone on a second page; a much longer one runs on with its header repeated.
            current.one_page = current.closed and height <= NEAR_FIT * PRINT_HEIGHT_PT
    taken: set[str] = set()
    for plan in sheets:
        last = plan.sections[-1]
        plan.print_titles = plan.table is not None and table_grid(plan.table).header_rows > 0 and (
            plan.closed or last.table == plan.table.id)
        plan.name = _sheet_name(plan, taken)
    return sheets


def page_breaks(heights: list[float], keep: dict[int, int], title_rows: tuple[int, int] | None) -> list[int]:
    """Rows (0-based) before which a manual page break keeps a heading with what follows it.

    `keep[i] = n` asks that row i stays on the same page as the n rows after it. `title_rows`
    (first, last) are repeated on every following page and take room there.
    """
    repeat = sum(heights[title_rows[0]:title_rows[1] + 1]) if title_rows else 0.0
    breaks: list[int] = []
    used = 0.0
    for i, h in enumerate(heights):
        block = sum(heights[i:i + keep.get(i, 0) + 1])
        top = repeat if title_rows and i > title_rows[1] else 0.0
        if keep.get(i) and used > top and used + block > PRINT_HEIGHT_PT and block + top <= PRINT_HEIGHT_PT:
            breaks.append(i)
            used = top
        elif used + h > PRINT_HEIGHT_PT:
            used = top
        used += h
    return breaks
