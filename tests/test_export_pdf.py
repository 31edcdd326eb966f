"""The PDF export read back as a reader would: text, numbers, fonts, pages, hostile input."""

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import pdf_fonts
from app.cjk_linebreak import CANNOT_START
from app.drafts import load_draft
from app.export_pdf import PdfExportError, build_pdf, export_pdf, paragraph_spans, title_lines
from app.layout import VALUE, table_grid
from app.numbers import format_number
from app.pdf_fonts import BODY, HEADING, KAI, font_set
from app.pdf_table import GridTable
from app.report import Report
from app.template_loader import available_templates

SEED = Path(__file__).parent / "data" / "seed-2021-hatubuhu.nianbao"
PAGE_NUMBER = re.compile(r"—\s*\d+\s*—")


@pytest.fixture(scope="module")
def fonts():
    return font_set(search_system=False)  # the bundled fonts: the same result on every machine


def filled(template_id: str, organ: str = "哈图布呼镇人民政府") -> Report:
    """A report whose every input cell holds a distinct number (1000, 1001, …; amounts 12.5)."""
    template = available_templates()[template_id]
    report = Report.blank(template, organ, 2021)
    report.meta["publish_date"] = "2022-01-20"
    for n, key in enumerate(template.input_keys()):
        column = template.column(key)
        report.set_value(key, Decimal("12.5") if column.kind.is_amount else 1000 + n)
    report.texts = {
        "overview": "我镇深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态。\n"
                    "（一）主动公开。本年度主动公开政府信息，及时准确。\n"
                    "（二）依申请公开。依法办理政府信息公开申请。",
        "problems": "存在的主要问题是公开内容不够丰富。下一步将加强培训。",
        "other": "本年度未收取信息处理费。",
    }
    return report


def read(path: Path) -> tuple[list[str], str]:
    pages = [page.extract_text() for page in PdfReader(path).pages]
    return pages, "\n".join(pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def flowing(text: str) -> str:
    """The document's text without whitespace and page numbers (text that runs across pages)."""
    return squeeze(PAGE_NUMBER.sub("", text))


def expected_numbers(report: Report) -> list[str]:
    """Every table value in the order the tables draw them (row by row, left to right)."""
    grid_values = report.grid()
    numbers = []
    for section in report.template.sections:
        if section.kind != "table":
            continue
        grid = table_grid(report.template.table(section.table))
        cells = sorted((c for c in grid.cells if c.role == VALUE), key=lambda c: (c.row, c.col))
        numbers += [format_number(grid_values[c.key]) for c in cells]
    return numbers


def numeric_tokens(text: str) -> list[str]:
    text = PAGE_NUMBER.sub(" ", text)
    return [t for t in text.split() if re.fullmatch(r"\d+(\.\d+)?", t)]


@pytest.fixture(scope="module", params=["2021", "2019"])
def exported(request, tmp_path_factory, fonts):
    report = filled(request.param)
    path = tmp_path_factory.mktemp("pdf") / f"report-{request.param}.pdf"
    warnings = export_pdf(report, path, fonts)
    return report, path, warnings


def test_title_headings_and_page_numbers(exported):
    report, path, _ = exported
    pages, text = read(path)
    assert squeeze(report.title) in squeeze(pages[0])
    for section in report.template.sections:
        assert section.heading in text
    assert len(pages) >= 3
    for number, page in enumerate(pages, 1):
        assert f"—{number}—" in squeeze(page)


def test_every_table_label_is_printed(exported):
    report, path, _ = exported
    _, text = read(path)
    flat = squeeze(text)
    for table in report.template.tables.values():
        for cell in table_grid(table).cells:
            if cell.role != VALUE:
                assert squeeze(cell.text) in flat, (table.name, cell.text)


def test_every_number_is_printed_in_table_order(exported):
    report, path, _ = exported
    _, text = read(path)
    expected = expected_numbers(report)
    assert "12.5" in expected  # the amount cell, printed as typed
    assert numeric_tokens(text) == expected


def test_fonts_are_embedded_truetype(exported):
    _, path, _ = exported
    seen = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert font["/Subtype"] == "/TrueType"
            assert "/FontFile2" in descriptor, font["/BaseFont"]
            seen.add(font["/BaseFont"].split("+")[-1])
    assert {"NianbaoSerifSC-Regular", "NianbaoHeiSC-Regular"} <= seen


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed")
def test_pdffonts_and_pdftotext_agree(exported):
    report, path, _ = exported
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert lines and all(line.split()[-5] == "yes" for line in lines), lines
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert squeeze(report.title) in squeeze(text)
    assert numeric_tokens(text) == expected_numbers(report)


def test_signature_and_date_on_the_last_page(exported):
    report, path, _ = exported
    pages, _ = read(path)
    assert "哈图布呼镇人民政府" in pages[-1] and "2022年1月20日" in pages[-1]
    assert "本年度未收取信息处理费。" in squeeze(pages[-1])  # the signature never stands alone


def test_no_line_starts_with_closing_punctuation(tmp_path, fonts):
    report = filled("2021")
    # commas and full stops falling at every position of a 3号 line (27 characters)
    report.texts["overview"] = "\n".join("政" * k + "，府信息公开。" + "工" * (40 - k) + "。"
                                         for k in range(18, 32))
    path = tmp_path / "r.pdf"
    export_pdf(report, path, fonts)
    _, text = read(path)
    starts = [line[0] for line in text.splitlines() if line.strip()]
    bad = [s for s in starts if s in CANNOT_START]
    assert bad == []
    assert squeeze(report.texts["overview"]) in flowing(text)


def test_hostile_text_prints_literally_and_is_reported(tmp_path, fonts):
    report = filled("2021")
    long_paragraph = "长" * 4990 + "段落结束标记"
    report.texts["overview"] = (
        "=1+1\n<b>&amp;</b> <img src=x> <font size=40>大</font>\n@SUM(A1)\n"
        "Word换行\x0b软回车\x01控制字符\n" + long_paragraph + "\n生僻字𠀀和表情😀"
    )
    path = tmp_path / "hostile.pdf"
    warnings = export_pdf(report, path, fonts)
    pages, text = read(path)
    flat = flowing(text)
    for literal in ("=1+1", "<b>&amp;</b>", "<img src=x>", "<font size=40>大</font>", "@SUM(A1)"):
        assert squeeze(literal) in flat
    assert "Word换行" in text and "软回车控制字符" in flat  # \x0b is a line break, \x01 is dropped
    assert squeeze(long_paragraph) in flat  # all 5,000 characters, over several pages
    assert len(pages) >= 5
    assert any("控制字符" in w and "第一节" in w for w in warnings)
    for ch in ("𠀀", "😀"):
        if fonts.face_for(ch, BODY) is None:
            assert any(f"“{ch}”" in w and "第一节第7段" in w and "无法用所选字体显示" in w
                       for w in warnings), warnings


def test_table_split_keeps_blocks_and_repeats_headers(fonts):
    report = filled("2021")
    for table_id in ("t2", "t3"):
        grid = table_grid(report.template.table(table_id))
        table = GridTable(grid, report.grid(), fonts)
        width, height = table.wrap(440, 2000)
        parts = table.split(440, height * 0.6)
        assert len(parts) == 2
        head, tail = parts
        assert head.first == grid.header_rows and tail.stop == grid.rows
        assert head.stop == tail.first
        if table_id == "t2":  # a 第二十条 block is never cut: the tail starts with a caption row
            assert any(c.role == "caption" and c.row == tail.first for c in grid.cells)


def test_seed_draft_2019_exports_with_its_tables(tmp_path, fonts):
    report = load_draft(SEED)
    assert report.template.id == "2019"
    path = tmp_path / "seed.pdf"
    export_pdf(report, path, fonts)
    _, text = read(path)
    flat = squeeze(text)
    for table in report.template.tables.values():
        for cell in table_grid(table).cells:
            if cell.role != VALUE:
                assert squeeze(cell.text) in flat
    assert set(numeric_tokens(text)) == {"0"}
    assert len(numeric_tokens(text)) == len(expected_numbers(report))
    assert squeeze(report.texts["overview"].splitlines()[0]) in flat


def test_subheadings_are_detected():
    spans = paragraph_spans("（一）精心组织有效实施。为了推进工作。")
    assert [(s.text, s.role) for s in spans] == [("（一）精心组织有效实施。", KAI),
                                                   ("为了推进工作。", None)]
    assert paragraph_spans("(二)强化机制")[0].role == KAI
    assert paragraph_spans("一是丰富内容。")[0].role is None
    long = "（三）" + "很长的没有句号的段落" * 10
    assert [s.text for s in paragraph_spans(long)][0] == "（三）"


def test_title_breaks_after_the_organ_name(fonts):
    report = filled("2021", organ="哈图布呼镇人民政府")
    assert title_lines(report, fonts) == ["哈图布呼镇人民政府", "2021年政府信息公开工作年度报告"]
    short = filled("2021", organ="某镇")
    assert title_lines(short, fonts) == [short.title]
    huge = filled("2021", organ="某某自治区某某地区某某市某某县某某乡镇人民政府党政综合办公室")
    lines = title_lines(huge, fonts)
    assert "".join(lines) == huge.title and len(lines) >= 2


def test_empty_sections_are_reported(tmp_path, fonts):
    template = available_templates()["2021"]
    report = Report.blank(template, "某镇人民政府", 2021)
    warnings = export_pdf(report, tmp_path / "blank.pdf", fonts)
    assert "“五、存在的主要问题及改进情况”尚未填写内容" in warnings


def test_every_template_label_is_in_the_bundled_fonts(fonts):
    for template in available_templates().values():
        texts = [s.heading for s in template.sections]
        for table in template.tables.values():
            texts += [c.text for c in table_grid(table).cells]
        for text in texts:
            assert fonts.missing(text, "song") == [], text
            assert fonts.face(HEADING).has("一")


def test_export_replaces_atomically_and_reports_unwritable_paths(tmp_path, fonts):
    path = tmp_path / "out.pdf"
    path.write_bytes(b"old")
    export_pdf(filled("2021"), path, fonts)
    assert path.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]
    with pytest.raises(PdfExportError) as info:
        export_pdf(filled("2021"), tmp_path / "no-such-folder" / "x.pdf", fonts)
    assert "不存在" in str(info.value)


def test_official_faces_are_preferred_and_broken_files_skipped(tmp_path):
    bundled = pdf_fonts.fonts_dir() / pdf_fonts.BUNDLED_SERIF
    for name in ("simfang.ttf", "SIMKAI.TTF", "simsun.ttf"):
        shutil.copy(bundled, tmp_path / name)
    (tmp_path / "simhei.ttf").write_bytes(b"not a font at all")
    found = pdf_fonts.discover([tmp_path])
    assert found.face(BODY).path.name == "simfang.ttf" and found.official[BODY]
    assert found.face(KAI).path.name == "SIMKAI.TTF"
    assert found.face(HEADING).bundled  # the broken 黑体 file is skipped, not fatal
    assert found.face("title").fake_bold and found.face("title").path.name == "simsun.ttf"
    assert found.stand_ins() == ["黑体"]


def test_fonts_are_registered_once_per_process(fonts):
    assert font_set(search_system=False) is fonts
    before = dict(pdf_fonts._registered)
    build_pdf(filled("2021"), fonts)
    build_pdf(filled("2019"), fonts)
    assert pdf_fonts._registered == before
