"""Where the PDF breaks pages and lines, read back: tables kept whole, headings never last, units kept."""

import math
import re
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.export_pdf import export_pdf
from app.layout import CAPTION, ROW_LABEL, VALUE, table_grid
from app.numbers import format_number
from app.pdf_fonts import font_set
from app.pdf_table import GridTable
from app.report import Report
from app.template_loader import available_templates

PAGE_NUMBER = re.compile(r"^\s*—\s*\d+\s*—\s*$")
UNITS_AFTER_NUMBERS = "件个次项条家人元年月日号%"


@pytest.fixture(scope="module")
def fonts():
    return font_set(search_system=False)


def report_for(template_id: str, big: bool = False) -> Report:
    """Every input cell filled; `big` numbers make 表三 longer than a page."""
    template = available_templates()[template_id]
    report = Report.blank(template, "哈图布呼镇人民政府", 2021)
    report.meta["publish_date"] = "2022-01-20"
    for n, key in enumerate(template.input_keys()):
        column = template.column(key)
        if column.kind.is_amount:
            report.set_value(key, Decimal("12.5"))
        else:
            report.set_value(key, (123_456_000 if big else 1000) + n)
    report.texts = {"overview": "我镇坚持以公开为常态。", "problems": "公开内容不够丰富。",
                    "other": "本年度未收取信息处理费。"}
    return report


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_lines(path: Path) -> list[list[str]]:
    """The text lines of every page, without the page number."""
    pages = []
    for page in PdfReader(path).pages:
        lines = [ln.strip() for ln in page.extract_text().splitlines() if ln.strip()]
        pages.append([ln for ln in lines if not PAGE_NUMBER.match(ln)])
    return pages


def row_labels(report: Report, table_id: str) -> dict[int, str]:
    """The innermost label of every body row (the one a reader finds the row by)."""
    grid = table_grid(report.template.table(table_id))
    labels = {}
    for cell in sorted(grid.cells, key=lambda c: c.col):
        if cell.row >= grid.header_rows and cell.role in (ROW_LABEL, CAPTION) and cell.rowspan == 1:
            labels[cell.row] = cell.text
    return labels


def rows_per_page(report: Report, table_id: str, pages: list[list[str]]) -> list[int]:
    """How many of the table's body rows each page shows (0 where the table is not)."""
    labels = row_labels(report, table_id)
    return [sum(squeeze(text) in squeeze("".join(page)) for text in labels.values()) for page in pages]


def one_line_paragraphs(n: int) -> str:
    return "\n".join(f"这是第{k}段占位文字。" for k in range(1, n + 1))


@pytest.mark.parametrize("template_id", ["2021", "2019"])
def test_tables_that_fit_a_page_are_never_split(template_id, tmp_path, fonts):
    report = report_for(template_id)
    moved = 0
    for n in range(0, 22, 3):  # push the tables down the pages a line at a time
        report.texts["overview"] = one_line_paragraphs(n + 1)
        path = tmp_path / f"r{n}.pdf"
        export_pdf(report, path, fonts)
        pages = page_lines(path)
        for table_id in report.template.tables:
            if len(row_labels(report, table_id)) < 2:
                continue  # 表四: one row of numbers
            counts = [c for c in rows_per_page(report, table_id, pages) if c]
            assert len(counts) == 1, (n, table_id, counts)  # all of its rows on one page
            heading = report.template.section_of_table(table_id).heading
            page = next(p for p in pages if heading in p)
            assert sum(rows_per_page(report, table_id, [page])) == len(row_labels(report, table_id))
        moved += pages[0][-1].startswith("这是第")  # 表二 went to page 2, leaving text last on page 1
    assert moved  # the case of the QA report (表二 split over pages 1 and 2) did come up


def test_a_table_longer_than_a_page_starts_with_enough_rows(tmp_path, fonts):
    report = report_for("2021", big=True)
    grid = table_grid(report.template.table("t3"))
    body = grid.rows - grid.header_rows
    least = max(5, math.ceil(body / 3))
    headers = [c.text for c in grid.cells if c.row < grid.header_rows]
    values = report.grid()
    split_seen = 0
    for n in range(0, 22, 4):
        report.texts["overview"] = one_line_paragraphs(n + 1)
        path = tmp_path / f"big{n}.pdf"
        export_pdf(report, path, fonts)
        pages = page_lines(path)
        counts = [c for c in rows_per_page(report, "t3", pages) if c]
        assert len(counts) == 2, counts  # longer than a page: cut once
        assert counts[0] >= least, counts  # never a header with a couple of rows at a page foot
        split_seen += 1
        parts = [p for p, c in zip(pages, rows_per_page(report, "t3", pages), strict=True) if c]
        for page in parts:  # every part repeats the column headers
            flat = squeeze("".join(page))
            assert all(squeeze(h) in flat for h in headers)
        shown = re.findall(r"\d{9,}", " ".join(ln for p in parts for ln in p))
        expected = [format_number(values[c.key]) for c in sorted(
            (c for c in grid.cells if c.role == VALUE), key=lambda c: (c.row, c.col))]
        assert shown == expected  # nothing lost or doubled at the cut
    assert split_seen


def test_no_page_ends_with_a_heading_or_a_lone_subheading(tmp_path, fonts):
    report = report_for("2021")
    five_lines = "存在的主要问题是公开内容不够丰富，信息更新不够及时。" * 5  # one paragraph, 5 lines
    headings = {s.heading for s in report.template.sections} | {"（二）改进措施"}
    pushed = set()
    for n in range(0, 22):
        report.texts["problems"] = one_line_paragraphs(n) + "\n（二）改进措施\n" + five_lines
        report.texts["other"] = five_lines
        path = tmp_path / f"h{n}.pdf"
        export_pdf(report, path, fonts)
        pages = page_lines(path)
        for number, page in enumerate(pages[:-1], 1):
            assert page[-1] not in headings, (n, number, page[-3:])
        pushed |= {page[0] for page in pages[1:] if page[0] in headings}
        if {"六、其他需要报告的事项", "（二）改进措施"} <= pushed:
            break  # the sweep has put 六's heading and the lone （二） line at a page foot
    else:
        pytest.fail(f"the headings never came to a page foot: {pushed}")


def test_a_number_is_never_parted_from_its_unit(tmp_path, fonts):
    report = report_for("2021")
    sentence = "我镇共收到政府信息公开申请3件，上年结转2件，办结12件，收费12.5万元，比上年增长5%。"
    report.texts["overview"] = "\n".join("公" * k + sentence * 2 for k in range(28))
    path = tmp_path / "units.pdf"
    export_pdf(report, path, fonts)
    lines = [ln for page in page_lines(path) for ln in page]
    for above, below in zip(lines, lines[1:], strict=False):
        if re.search(r"\d$", above):
            assert below[0] not in UNITS_AFTER_NUMBERS and not below.startswith("万元"), (above, below)
    assert squeeze(sentence) in squeeze("".join(lines))


def test_split_refuses_a_header_with_few_rows_and_a_table_that_fits_a_page(fonts):
    report = report_for("2021")
    grid = table_grid(report.template.table("t3"))
    table = GridTable(grid, report.grid(), fonts)
    width = 440
    heights = table._row_heights(width)
    header_and = [sum(heights[: grid.header_rows + k]) for k in range(grid.rows - grid.header_rows)]
    least = max(5, math.ceil((grid.rows - grid.header_rows) / 3))
    assert least > 5  # a third of 表三 is more than five rows
    assert table.split(width, header_and[2] + 1) == []  # the QA case
    assert table.split(width, header_and[least - 1] + 1) == []
    head, tail = table.split(width, header_and[least] + 1)
    assert (head.first, head.stop - head.first, tail.stop) == (grid.header_rows, least, grid.rows)
    kept = GridTable(grid, report.grid(), fonts, keep_within=sum(heights) + 1)
    assert kept.split(width, header_and[20]) == []  # fits on the next page: never cut
    assert kept.start_height(width) == pytest.approx(sum(heights))
