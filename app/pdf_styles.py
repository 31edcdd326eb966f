"""Page geometry and text styles of the printed report (GB/T 9704-2012 党政机关公文格式 conventions)."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from app.pdf_fonts import BODY, HEADING, SONG, TITLE
from app.pdf_text import TextStyle

PAGE_SIZE = A4
# 版心 156 mm × 225 mm, 37 mm from the top and 28 mm from the left edge.
MARGIN_TOP = 37 * mm
MARGIN_LEFT = 28 * mm
TEXT_WIDTH = 156 * mm
TEXT_HEIGHT = 225 * mm
MARGIN_BOTTOM = PAGE_SIZE[1] - MARGIN_TOP - TEXT_HEIGHT  # 35 mm
MARGIN_RIGHT = PAGE_SIZE[0] - MARGIN_LEFT - TEXT_WIDTH  # 26 mm

# 号 sizes in points.
SIZE_2 = 22.0  # 二号: title
SIZE_3 = 16.0  # 三号: body and headings
SIZE_4 = 14.0  # 四号: page numbers
SIZE_5 = 10.5  # 五号: tables
TABLE_SIZES = (10.5, 10.0, 9.5, 9.0, 8.5, 8.0)  # tried in turn until a table's columns fit
TABLE_FIT_SIZE = 9.0  # 小五: a table a little longer than a page is set down to this to fit it

LINES_PER_PAGE = 22
LINE = TEXT_HEIGHT / LINES_PER_PAGE  # line pitch of the 22-line grid (≈ 28.9 pt)
CHARS_PER_LINE = 28
# 28 三号 characters need 158 mm; like Word's document grid, set them a little tighter (≈ −0.2 pt)
BODY_TRACKING = (TEXT_WIDTH - 0.01) / CHARS_PER_LINE - SIZE_3

# Page number: “— N —” with its rule 7 mm below the text block, one character in from the edge,
# odd pages right and even pages left.
PAGE_NUMBER_GAP = 7 * mm
PAGE_NUMBER_INSET = SIZE_4

TITLE_STYLE = TextStyle(TITLE, SIZE_2, SIZE_2 * 1.5, align="center", space_after=LINE)
HEADING_STYLE = TextStyle(HEADING, SIZE_3, LINE, indent=2, align="left", tracking=BODY_TRACKING)
BODY_STYLE = TextStyle(BODY, SIZE_3, LINE, indent=2, align="justify", tracking=BODY_TRACKING)
SIGNATURE_STYLE = TextStyle(BODY, SIZE_3, LINE, align="left", tracking=BODY_TRACKING)
PAGE_NUMBER_STYLE = TextStyle(SONG, SIZE_4, SIZE_4 * 1.2, align="left")

TABLE_LINE_WIDTH = 0.5  # points; the outer frame is drawn 1 pt
TABLE_PADDING = 2.5  # points of space inside every cell
TABLE_CAPTION_SHADE = 0.92  # grey level of the 第二十条第（X）项 caption rows
TABLE_SPACE_AFTER = LINE / 2


def table_cell_style(size: float, align: str) -> TextStyle:
    """Text in a table cell: 宋体 at the table's size, a little looser than solid."""
    return TextStyle(SONG, size, round(size * 1.35, 2), align=align, balance=True)
