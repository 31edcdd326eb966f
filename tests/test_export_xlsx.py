"""Excel export: read the workbook back and check labels, values, merges, print setup and hostile text."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from samples import SEED_REPORT_TEXT, fill_numbers

from app.export_xlsx import MARKER_SHEET, export_xlsx
from app.layout import VALUE, table_grid
from app.report import Report
from app.xlsx_layout import BODY_FONT, MAX_ROW_PT, PARAGRAPH_MAX_LINES, row_height

SEED = SEED_REPORT_TEXT
CJK_FONTS = {"宋体", "仿宋", "黑体"}


def full_report(template, seed: int = 1, year: int = 2021) -> Report:
    report = Report.blank(template, "哈图布呼镇人民政府", year)
    fill_numbers(report, seed, low=1)
    report.texts.update({
        "overview": "（一）主动公开。本年度主动公开政府信息128条。\n（二）依申请公开。",
        "problems": "一是公开内容不够丰富。\n二是更新不够及时。",
        "other": "本年度未收取信息处理费。",
    })
    report.meta.update(publish_date="2022-01-20", contact_phone="0999-1234567")
    return report


def export(report: Report, tmp_path: Path, name: str = "report.xlsx"):
    path = tmp_path / name
    notes = export_xlsx(report, path)
    return path, load_workbook(path), notes


def find(wb, text: str):
    """(worksheet, row) of the visible cell holding exactly `text`."""
    for ws in wb.worksheets:
        if ws.title == MARKER_SHEET:
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == text:
                    return ws, cell.row
    raise AssertionError(f"{text!r} not found")


def merged_ranges(ws) -> set[tuple[int, int, int, int]]:
    return {(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges}


def cell_styles(path: Path, wb, index: int) -> dict[str, object]:
    """coordinate → StyleArray as written (openpyxl's reader resets styles inside merged ranges)."""
    xml = zipfile.ZipFile(path).read(f"xl/worksheets/sheet{index + 1}.xml").decode()
    return {ref: wb._cell_styles[int(s)] for ref, s in re.findall(r'<c r="([A-Z]+\d+)" s="(\d+)"', xml)}


@pytest.mark.parametrize("template_id", ["2021", "2019"])
def test_every_label_and_value_is_at_its_place(template_id, tmp_path):
    from app.template_loader import get_template

    template = get_template(template_id)
    report = full_report(template)
    _, wb, notes = export(report, tmp_path)
    assert notes == []
    grid_values = report.grid()
    first = wb.worksheets[0]
    assert first["A1"].value == "哈图布呼镇人民政府2021年政府信息公开工作年度报告"
    for section in template.sections:
        ws, row = find(wb, section.heading)
        if section.kind != "table":
            assert ws.cell(row + 1, 1).value == report.texts[section.id].split("\n")[0]
            continue
        grid = table_grid(template.tables[section.table])
        top = row + 1
        merges = merged_ranges(ws)
        for cell in grid.cells:
            target = ws.cell(top + cell.row, 1 + cell.col)
            if cell.role == VALUE:
                expected = grid_values[cell.key]
                if isinstance(expected, int):
                    assert type(target.value) is int and target.value == expected
                else:
                    assert Decimal(repr(target.value)) == expected, (cell.key, target.coordinate)
                assert target.data_type == "n"
            else:
                assert target.value == cell.text
            if cell.rowspan > 1 or cell.colspan > 1:
                assert (top + cell.row, 1 + cell.col, top + cell.row + cell.rowspan - 1,
                        1 + cell.col + cell.colspan - 1) in merges


def test_totals_are_values_not_formulas(t2021, tmp_path):
    report = full_report(t2021)
    path, wb, _ = export(report, tmp_path)
    ws, row = find(wb, "三、收到和处理政府信息公开申请情况")
    grid = table_grid(t2021.tables["t3"])
    total = grid.position(("t3", "results_total", "total"))
    cell = ws.cell(row + 1 + total.row, 1 + total.col)
    assert cell.value == report.grid()[("t3", "results_total", "total")] > 0
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any("<f>" in archive.read(n).decode() for n in sheets)


def test_official_merges_of_table_3_and_4(t2021, tmp_path):
    _, wb, _ = export(full_report(t2021), tmp_path)
    ws, row = find(wb, "三、收到和处理政府信息公开申请情况")
    top = row + 1
    merges = merged_ranges(ws)
    assert (top, 1, top + 2, 3) in merges  # corner 3 rows x 3 columns
    assert ws.cell(top, 1).value.startswith("（本列数据的勾稽关系为")
    assert (top, 4, top, 10) in merges and ws.cell(top, 4).value == "申请人情况"  # spans 7
    assert (top + 1, 4, top + 2, 4) in merges and ws.cell(top + 1, 4).value == "自然人"  # rowspan 2
    assert (top + 1, 5, top + 1, 9) in merges and ws.cell(top + 1, 5).value == "法人或其他组织"
    assert (top + 1, 10, top + 2, 10) in merges and ws.cell(top + 1, 10).value == "总计"
    results = ws.cell(top + 5, 1)
    assert results.value == "三、本年度办理结果"
    assert (top + 5, 1, top + 5 + 22 - 1, 1) in merges  # every result row, （一） to （七）总计
    assert ws.cell(top + 5 + 22, 1).value == "四、结转下年度继续办理"
    ws4, row4 = find(wb, "四、政府信息公开行政复议、行政诉讼情况")
    merges4 = merged_ranges(ws4)
    assert (row4 + 1, 1, row4 + 1, 5) in merges4 and ws4.cell(row4 + 1, 1).value == "行政复议"
    assert (row4 + 1, 6, row4 + 1, 15) in merges4 and ws4.cell(row4 + 1, 6).value == "行政诉讼"
    assert (row4 + 2, 6, row4 + 2, 10) in merges4 and ws4.cell(row4 + 2, 6).value == "未经复议直接起诉"


def test_borders_on_every_cell_of_merged_ranges_and_fonts_everywhere(t2021, tmp_path):
    path, wb, _ = export(full_report(t2021), tmp_path)
    sheet_index = {ws.title: i for i, ws in enumerate(wb.worksheets)}
    for table in t2021.tables.values():
        ws, row = find(wb, t2021.section_of_table(table.id).heading)
        styles = cell_styles(path, wb, sheet_index[ws.title])
        grid = table_grid(table)
        covered = 0
        for cell in grid.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    coord = f"{get_column_letter(1 + c)}{row + 1 + r}"
                    border = wb._borders[styles[coord].borderId]
                    sides = {border.left.style, border.right.style, border.top.style,
                             border.bottom.style}
                    assert sides == {"thin"}, (ws.title, coord)
                    covered += 1
        assert covered == grid.rows * grid.cols  # the whole rectangle, merged parts included
    for ws in wb.worksheets:
        if ws.title != MARKER_SHEET:
            for coord, style in cell_styles(path, wb, sheet_index[ws.title]).items():
                assert wb._fonts[style.fontId].name in CJK_FONTS, (ws.title, coord)


def test_print_setup(t2021, tmp_path):
    _, wb, _ = export(full_report(t2021), tmp_path)
    visible = [ws for ws in wb.worksheets if ws.title != MARKER_SHEET]
    assert wb[MARKER_SHEET].sheet_state == "veryHidden"
    assert len(visible) == 3
    for ws in visible:
        setup = ws.page_setup
        assert int(setup.paperSize) == 9  # A4
        assert setup.orientation == "portrait"
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert int(setup.fitToWidth) == 1
        assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
        assert ws.page_margins.left == pytest.approx(28 / 25.4)
        assert ws.page_margins.top == pytest.approx(37 / 25.4)
        assert ws.print_area
        widths = sum(ws.column_dimensions[c].width for c in "ABCDEFGHIJKLMNO"[:ws.max_column])
        assert widths * 5.6 <= 442  # one A4 text block wide, even with wide column units
    first, table3, table4 = visible
    assert int(first.page_setup.fitToHeight) == 0  # text runs over as many pages as it needs
    assert int(table4.page_setup.fitToHeight) == 0
    _, row = find(wb, "三、收到和处理政府信息公开申请情况")
    assert table3.print_title_rows == f"${row + 1}:${row + 3}"  # the three header rows repeat


def test_sheets_follow_the_official_order(t2019, tmp_path):
    _, wb, _ = export(full_report(t2019, year=2020), tmp_path)
    headings = [s.heading for s in t2019.sections]
    seen = [c.value for ws in wb.worksheets if ws.title != MARKER_SHEET for row in ws.iter_rows()
            for c in row if c.value in headings]
    assert seen == headings
    assert [ws.title for ws in wb.worksheets] == ["一、二（表二）", "三（表三）", "四、五、六（表四）",
                                                 MARKER_SHEET]


def test_amounts_are_numbers_with_the_typed_places(t2021, tmp_path):
    report = full_report(t2021)
    report.set_value(("t2", "fees", "fee_amount"), Decimal("25.10"))
    _, wb, _ = export(report, tmp_path)
    ws, row = find(wb, "行政事业性收费")
    cell = ws.cell(row, 2)
    assert cell.value == pytest.approx(25.1) and cell.number_format == "0.00"
    count = ws.cell(find(wb, "行政许可")[1], 2)
    assert isinstance(count.value, int) and count.number_format == "0"


HOSTILE = ["=1+1", "@SUM(A1)", "+1", "-2", "<b>&amp;", "\tTAB开头", "＝全角等号"]


def section_cells(wb, template, section_id) -> list[str]:
    """The text cells between a section's heading and the next heading (or the 落款)."""
    headings = {s.heading for s in template.sections}
    ws, row = find(wb, template.section(section_id).heading)
    out = []
    for r in range(row + 1, ws.max_row + 1):
        value = ws.cell(r, 1).value
        if value in headings or ws.cell(r, 1).alignment.horizontal == "right":
            if out and out[-1].value is None:
                out.pop()  # the blank line above the 落款
            break
        out.append(ws.cell(r, 1))
    return out


def test_hostile_text_stays_literal_and_control_characters_are_reported(t2021, tmp_path):
    report = full_report(t2021)
    long_paragraph = ("依申请公开工作有序开展，" * 500)[:4999] + "。"
    huge = ("本年度未收取信息处理费" * 4000)[:40_000]
    report.texts["overview"] = "\n".join(HOSTILE) + "\n含\x0b手动换行\x07和响铃"
    report.texts["problems"] = long_paragraph
    report.texts["other"] = huge
    path, wb, notes = export(report, tmp_path)
    assert any("垂直制表符" in n and "总体情况" in n for n in notes)
    assert any("U+0007" in n and "已删除" in n for n in notes)
    cells = section_cells(wb, t2021, "overview")
    assert [c.value for c in cells] == [*HOSTILE, "含", "手动换行和响铃"]
    for cell in cells:
        assert cell.data_type == "s" and cell.quotePrefix
    for section_id, text in (("problems", long_paragraph), ("other", huge)):
        pieces = section_cells(wb, t2021, section_id)
        assert len(pieces) > 10
        assert "".join(c.value for c in pieces) == text  # nothing lost, nothing added
        ws = pieces[0].parent
        for cell in pieces:
            assert len(cell.value) < 32_767
            height = ws.row_dimensions[cell.row].height
            assert height <= min(MAX_ROW_PT, row_height(PARAGRAPH_MAX_LINES, BODY_FONT))
    with zipfile.ZipFile(path) as archive:
        assert not any("<f>" in archive.read(n).decode() for n in archive.namelist()
                       if n.startswith("xl/worksheets/"))


def test_meta_text_is_cleaned_and_reported(t2021, tmp_path):
    report = full_report(t2021)
    report.meta["organ"] = "哈图布呼镇\x0c人民政府"
    _, wb, notes = export(report, tmp_path)
    assert any("机关名称" in n and "换页符" in n for n in notes)
    assert wb.worksheets[0]["A1"].value == "哈图布呼镇\n人民政府2021年政府信息公开工作年度报告"


def _seed_table_labels() -> set[str]:
    text = SEED.read_text(encoding="utf-8")
    part = text[text.index("2、 主动公开政府信息情况"):text.index("五、存在的主要问题及改进情况")]
    labels = set()
    for line in part.splitlines():
        line = line.strip()
        if line and not re.fullmatch(r"\d+", line) and not re.match(r"\d、 ", line):
            labels.add(line)
    return labels


def test_seed_numbers_in_2019_format_reproduce_the_seed_tables(t2019, tmp_path):
    report = Report.blank(t2019, "哈图布呼镇人民政府", 2021)  # the seed: a 2021 report, 2019 layout
    _, wb, _ = export(report, tmp_path)
    exported = {c.value for ws in wb.worksheets if ws.title != MARKER_SHEET for row in ws.iter_rows()
                for c in row if isinstance(c.value, str) and c.has_style and c.border.left.style}
    seed = _seed_table_labels()
    assert len(seed) > 60
    assert seed <= exported, seed - exported
    values = [c.value for ws in wb.worksheets if ws.title != MARKER_SHEET for row in ws.iter_rows()
              for c in row if c.data_type == "n" and c.value is not None]
    assert len(values) == len(list(t2019.keys())) and set(values) == {0}
    for heading in ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"):
        find(wb, heading)  # the official numbering, not the seed's “2、”


def test_unwritable_target_gives_a_chinese_error(t2021, tmp_path):
    from app.export_xlsx import XlsxExportError

    with pytest.raises(XlsxExportError, match="文件夹"):
        export_xlsx(full_report(t2021), tmp_path / "missing" / "r.xlsx")


def test_clean_text_keeps_paragraphs_and_names_every_change():
    from app.text_safety import clean_text, looks_like_formula, neutralize_formula

    text, changes = clean_text("甲\r\n乙\r丙\u2028丁\x0c戊\x00己\ud800庚\ufffe")
    assert text == "甲\n乙\n丙\n丁\n戊己庚"
    described = "；".join(c.describe() for c in changes)
    for part in ("1 个回车换行符已换成换行", "1 个回车符已换成换行", "1 个行分隔符已换成换行",
                 "换页符", "空字符（U+0000）已删除", "无效字符（U+D800）已删除", "非字符（U+FFFE）已删除"):
        assert part in described
    assert clean_text("普通文字\t制表符") == ("普通文字\t制表符", [])
    assert looks_like_formula("=1+1") and looks_like_formula("＠x") and not looks_like_formula("1=1")
    assert neutralize_formula("-2") == "'-2" and neutralize_formula("2") == "2"


def test_signature_follows_the_last_text_right_aligned(t2021, tmp_path):
    report = full_report(t2021)
    path, wb, _ = export(report, tmp_path)
    visible = [ws for ws in wb.worksheets if ws.title != MARKER_SHEET]
    ws, organ_row = find(wb, "哈图布呼镇人民政府")
    assert ws is visible[-1]
    assert find(wb, "2022年1月20日") == (ws, organ_row + 1)  # publish_date 2022-01-20
    last_text = section_cells(wb, t2021, "other")[-1]
    assert last_text.value == "本年度未收取信息处理费。"
    assert ws.cell(organ_row - 1, 1).value is None and last_text.row == organ_row - 2
    styles = cell_styles(path, wb, len(visible) - 1)
    for row in (organ_row, organ_row + 1):
        cell = ws.cell(row, 1)
        assert cell.alignment.horizontal == "right" and cell.data_type == "s"
        assert wb._fonts[styles[f"A{row}"].fontId].name == "仿宋"
        assert (row, 1, row, ws.max_column) in merged_ranges(ws)
    assert ws.print_area.endswith(f"${organ_row + 1}")  # the date is the last printed line
    report.meta["publish_date"] = ""
    _, wb, _ = export(report, tmp_path, "no-date.xlsx")
    ws, organ_row = find(wb, "哈图布呼镇人民政府")
    assert organ_row == ws.max_row and ws.cell(organ_row, 1).alignment.horizontal == "right"


def test_signature_is_never_alone_at_the_top_of_a_page(t2021, tmp_path):
    from app.xlsx_layout import PRINT_HEIGHT_PT

    report = full_report(t2021)
    carried = 0
    for n in range(0, 30, 3):  # one-line paragraphs push the 落款 down a page
        report.texts["other"] = "\n".join(f"第{k}段其他需要报告的事项。" for k in range(n + 1))
        _, wb, _ = export(report, tmp_path, f"s{n}.xlsx")
        ws, organ_row = find(wb, "哈图布呼镇人民政府")
        last_text = organ_row - 2
        breaks = {b.id for b in ws.row_breaks.brk}
        page, used, page_of = 0, 0.0, {}
        for row in range(1, ws.max_row + 1):  # paginate as a spreadsheet prints at 100 %
            height = ws.row_dimensions[row].height
            if used + height > PRINT_HEIGHT_PT:
                page, used = page + 1, 0.0
            used += height
            page_of[row] = page
            if row in breaks:
                page, used = page + 1, 0.0
        assert page_of[last_text] == page_of[organ_row] == page_of[organ_row + 1], n
        carried += (last_text - 1) in breaks  # a manual break took the last text row along
    assert carried  # the case came up in the sweep
