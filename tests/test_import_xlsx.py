"""Excel import: our own exports (also edited by hand), workbooks in the official layout, bad files."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.utils import quote_sheetname
from samples import SEED_REPORT_TEXT, fill_numbers

from app.export_xlsx import MARKER_SHEET, export_xlsx
from app.import_xlsx import XlsxImportError, import_xlsx, read_number
from app.layout import VALUE, table_grid
from app.numbers import CellKind, InputError
from app.report import Report
from app.template_loader import get_template
from app.xlsx_match import parse_title

SEED = SEED_REPORT_TEXT


def full_report(template, seed: int = 1, year: int = 2021) -> Report:
    report = Report.blank(template, "哈图布呼镇人民政府", year)
    fill_numbers(report, seed, low=0)
    report.texts.update({
        "overview": "　　（一）主动公开。本年度主动公开政府信息128条。\n\n（二）依申请公开。  ",
        "problems": "一是公开内容不够丰富。\n二是更新不够及时。" + "继续改进，" * 300,
        "other": "",
    })
    report.meta.update(publish_date="2022-01-20", contact_phone="0999-1234567", info_fee=Decimal("12.50"),
                       website=None)
    return report


def same(a: Report, b: Report) -> None:
    assert a.template.id == b.template.id
    assert a.meta == b.meta
    assert a.texts == b.texts
    assert a.values == b.values


def find(wb, text: str):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == text:
                    return ws, cell.row
    raise AssertionError(text)


def value_cell(wb, template, key):
    """The worksheet cell of a value, found from its table's heading and the official grid."""
    ws, row = find(wb, template.section_of_table(key[0]).heading)
    pos = table_grid(template.tables[key[0]]).position(key)
    return ws.cell(row + 1 + pos.row, 1 + pos.col)


def addr(cell) -> str:
    return f"{cell.parent.title}!{cell.coordinate}"


@pytest.mark.parametrize("template_id", ["2021", "2019"])
def test_export_then_import_gives_the_same_report(template_id, tmp_path):
    template = get_template(template_id)
    report = full_report(template)
    amount = next(k for k in template.input_keys() if template.column(k).kind is CellKind.AMOUNT)
    report.set_value(amount, Decimal("987654321098.7654"))  # more digits than a float holds
    path = tmp_path / "r.xlsx"
    export_xlsx(report, path)
    result = import_xlsx(path)
    same(result.report, report)
    assert result.notes == [] and result.problems == []


def test_hostile_text_round_trips_literally(t2021, tmp_path):
    report = full_report(t2021)
    report.texts["overview"] = "=1+1\n@SUM(A1)\n+1\n-2\n<b>&amp;\n\tTAB\n\n" + "长" * 5000
    report.texts["other"] = ("本年度未收取信息处理费。" * 3400)[:40_000]
    path = tmp_path / "r.xlsx"
    assert export_xlsx(report, path) == []
    same(import_xlsx(path).report, report)


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=300)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), text=_TEXT, lines=st.lists(_TEXT, max_size=4))
def test_round_trip_with_random_values_and_texts(t2019, tmp_path, seed, text, lines):
    report = full_report(t2019, seed=seed, year=2020)
    report.texts["overview"] = text
    report.texts["problems"] = "\n".join(lines)
    path = tmp_path / f"r{seed}.xlsx"
    export_xlsx(report, path)
    same(import_xlsx(path).report, report)


def test_hand_edited_cells_are_read_with_notes_or_reported(t2021, tmp_path):
    report = full_report(t2021)
    path = tmp_path / "r.xlsx"
    export_xlsx(report, path)
    wb = load_workbook(path)
    cells = {
        "blank": value_cell(wb, t2021, ("t3", "new", "natural")),
        "slash": value_cell(wb, t2021, ("t3", "new", "business")),
        "dash": value_cell(wb, t2021, ("t3", "new", "research")),
        "fullwidth": value_cell(wb, t2021, ("t3", "new", "charity")),
        "yuan": value_cell(wb, t2021, ("t2", "fees", "fee_amount")),
        "bad_unit": value_cell(wb, t2021, ("t3", "carried", "natural")),
        "words": value_cell(wb, t2021, ("t4", "cases", "review_upheld")),
        "count_unit": value_cell(wb, t2021, ("t2", "licensing", "decisions")),
        "negative": value_cell(wb, t2021, ("t3", "carried", "business")),
    }
    cells["blank"].value = None
    cells["slash"].value = "/"
    cells["dash"].value = "-"
    cells["fullwidth"].value = "１２"
    cells["yuan"].value = "251000元"
    cells["bad_unit"].value = "12元"
    cells["words"].value = "见附件"
    cells["count_unit"].value = "7件"
    cells["negative"].value = -3
    wb.save(path)
    result = import_xlsx(path)
    values = result.report.values
    assert ("t3", "new", "natural") not in values  # blank is 0
    assert ("t3", "new", "business") not in values and ("t3", "new", "research") not in values
    assert values[("t3", "new", "charity")] == 12
    assert values[("t2", "fees", "fee_amount")] == Decimal("25.1")
    assert values[("t2", "licensing", "decisions")] == 7
    notes = "\n".join(result.notes)
    assert f"表三：空白按 0 计——表三「本年新收·自然人」（{addr(cells['blank'])}）" in notes
    assert f"（{addr(cells['slash'])}）：“/”按 0 计" in notes
    assert f"（{addr(cells['dash'])}）：“-”按 0 计" in notes
    assert f"（{addr(cells['yuan'])}）：“251000元”换算为 25.1 万元" in notes
    assert f"（{addr(cells['count_unit'])}）：“7件”按 7 读取" in notes
    problems = {p.where: p for p in result.problems}
    for name in ("bad_unit", "words", "negative"):
        where = addr(cells[name])
        assert where in problems, (name, [str(p) for p in result.problems])
        assert problems[where].key is not None
    assert "是金额" in problems[addr(cells["bad_unit"])].message
    assert "不是有效的数字" in problems[addr(cells["words"])].message
    assert "不能为负数" in problems[addr(cells["negative"])].message
    assert ("t3", "carried", "natural") not in values  # nothing guessed for the unreadable cells


def test_a_total_edited_by_hand_that_disagrees_is_reported(t2021, tmp_path):
    report = full_report(t2021)
    path = tmp_path / "r.xlsx"
    export_xlsx(report, path)
    wb = load_workbook(path)
    row_total = value_cell(wb, t2021, ("t3", "new", "total"))
    row_total.value = row_total.value + 5
    review_total = value_cell(wb, t2021, ("t4", "cases", "review_total"))
    review_total.value = 0
    wb.save(path)
    result = import_xlsx(path)
    same(result.report, report)  # the report keeps the parts; its totals are computed
    by_rule = {p.rule: p for p in result.problems}
    assert addr(row_total) in by_rule["R3"].where and "相差5" in by_rule["R3"].message
    assert addr(review_total) in by_rule["R4"].where


def test_formula_cells_use_their_result_or_are_reported(t2021, tmp_path):
    report = full_report(t2021)
    path = tmp_path / "r.xlsx"
    export_xlsx(report, path)
    wb = load_workbook(path)
    cell = value_cell(wb, t2021, ("t3", "new", "natural"))
    cell.value = "=2+3"
    wb.save(path)  # openpyxl stores no result for the formula
    result = import_xlsx(path)
    assert any(p.where == addr(cell) and "公式" in p.message for p in result.problems)


def _shift_like_excel(wb, ws, at: int, count: int = 1, names: bool = True) -> None:
    """Insert rows the way Excel does: cells, merged ranges, row heights and defined names move."""
    merges = [r.coord for r in ws.merged_cells.ranges]
    for coord in merges:
        ws.unmerge_cells(coord)
    heights = {r: d.height for r, d in ws.row_dimensions.items()}
    ws.insert_rows(at, count)
    for r, h in sorted(heights.items(), reverse=True):
        ws.row_dimensions[r + count if r >= at else r].height = h
    for coord in merges:
        start, end = coord.split(":")
        fix = [re.sub(r"\d+", lambda m: str(int(m.group()) + count if int(m.group()) >= at else
                                            int(m.group())), p) for p in (start, end)]
        ws.merge_cells(":".join(fix))
    prefix = quote_sheetname(ws.title) + "!$"
    for _name, defined in list(wb.defined_names.items()) if names else []:
        text = defined.attr_text
        if text.startswith(prefix):
            col, row = re.fullmatch(r".*!\$([A-Z]+)\$(\d+)", text).groups()
            if int(row) >= at:
                defined.attr_text = f"{prefix}{col}${int(row) + count}"


def test_rows_inserted_in_excel_keep_values_and_add_text(t2021, tmp_path):
    report = full_report(t2021)
    path = tmp_path / "r.xlsx"
    export_xlsx(report, path)
    wb = load_workbook(path)
    ws, row = find(wb, "二、主动公开政府信息情况")
    _shift_like_excel(wb, ws, row)  # a new row just before the heading: a new paragraph of 一
    ws.cell(row, 1).value = "（三）新增一段。"
    ws3, row3 = find(wb, "三、收到和处理政府信息公开申请情况")
    _shift_like_excel(wb, ws3, row3 + 10, 2)  # two blank rows inside 表三
    wb.save(path)
    result = import_xlsx(path)
    assert result.problems == []
    assert result.report.values == report.values
    assert result.report.texts["overview"] == report.texts["overview"] + "\n（三）新增一段。"


def test_rows_inserted_by_a_tool_that_does_not_move_names_fall_back_to_labels(t2021, tmp_path):
    report = full_report(t2021)
    path = tmp_path / "r.xlsx"
    export_xlsx(report, path)
    wb = load_workbook(path)
    ws3, row3 = find(wb, "三、收到和处理政府信息公开申请情况")
    _shift_like_excel(wb, ws3, row3 + 12, names=False)  # the names now point one row too high
    wb.save(path)
    result = import_xlsx(path)
    assert any("定位标记与内容不一致" in n for n in result.notes)
    assert result.report.values == report.values
    assert result.report.texts == report.texts


def _unmarked_workbook(template, values, drifts: dict[str, str], title: str) -> Workbook:
    """A workbook typed by hand in the official layout: no markers, no merges, labels as given."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append([title])
    for section in template.sections:
        ws.append([drifts.get(section.heading, section.heading)])
        if section.kind == "text":
            ws.append([f"{section.label}的内容。"])
            continue
        grid = table_grid(template.tables[section.table])
        top = ws.max_row + 1
        for cell in grid.cells:
            target = ws.cell(top + cell.row, 1 + cell.col)
            if cell.role == VALUE:
                target.value = values.get(cell.key, "")
            else:
                target.value = drifts.get(cell.text, cell.text)
    return wb


def test_unmarked_workbook_in_the_official_layout_with_known_drifts(t2021, tmp_path):
    report = full_report(t2021)
    grid = report.grid()
    values = {k: (int(v) if isinstance(v, int) else str(v)) for k, v in grid.items()}
    values[("t2", "fees", "fee_amount")] = "251000元"
    values[("t3", "new", "natural")] = ""
    drifts = {
        "二、主动公开政府信息情况": "2、 主动公开政府信息情况",
        "行政规范性文件": "规范性文件",
        "（一）予以公开": "(一)予以公开",
        "结果维持": "结果 维持",
        "第二十条第（五）项": "第二十条第(五)项",
    }
    wb = _unmarked_workbook(t2021, values, drifts, "哈图布呼镇人民政府2021年政府信息公开工作年度报告")
    path = tmp_path / "hand.xlsx"
    wb.save(path)
    result = import_xlsx(path)
    assert result.report.template.id == "2021"
    assert result.report.organ == "哈图布呼镇人民政府" and result.report.year == 2021
    expected = dict(report.values)
    expected[("t2", "fees", "fee_amount")] = Decimal("25.1")
    expected.pop(("t3", "new", "natural"))
    assert result.report.values == expected
    notes = "\n".join(result.notes)
    assert "“2、 主动公开政府信息情况”按“二、主动公开政府信息情况”读取" in notes
    assert "“规范性文件”按“行政规范性文件”读取" in notes
    assert "Sheet1!" in notes and "251000元" in notes and "没有年报助手的标记" in notes
    # the totals typed in the sheet agree with the parts, except the row whose 自然人 was left blank
    assert {p.rule for p in result.problems} <= {"R1", "R2", "R3"}
    assert all("Sheet1!" in p.where for p in result.problems)
    assert result.report.texts["overview"] == "总体情况的内容。"


def _seed_workbook() -> Workbook:
    """The seed report as a clerk might paste it into Excel: each table row on a row, as typed."""
    wb = Workbook()
    ws = wb.active
    block: list[str] = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if line.startswith("\t"):
            block.append(line[1:].strip())
            continue
        if block:
            ws.append([int(x) if x.isdigit() else x for x in block])
            block = []
        if line.strip():
            ws.append([line.strip()])
    return wb


def test_the_seed_typed_into_excel_imports_as_a_2019_format_report(tmp_path):
    path = tmp_path / "seed.xlsx"
    _seed_workbook().save(path)
    result = import_xlsx(path)
    report = result.report
    assert report.template.id == "2019" and report.year == 2021
    assert report.values == {}  # the seed's figures are all 0
    assert len(result.problems) == 0, [str(p) for p in result.problems]
    assert report.texts["overview"].startswith("我镇深入贯彻落实")
    assert report.texts["other"] == "无其他需要报告的事项。"
    assert "一是丰富信息公开的内容" in report.texts["problems"]
    notes = "\n".join(result.notes)
    assert "“2、 主动公开政府信息情况”按“二、主动公开政府信息情况”读取" in notes
    assert "标题" in notes and "请核对" in notes  # the seed's title is not in the standard form


@pytest.mark.parametrize("content, message", [
    (b"just some text", "不是 Excel 工作簿"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "密码"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "旧版 Excel"),
    (b"PK\x03\x04broken", "已损坏"),
])
def test_files_that_are_not_readable_workbooks(tmp_path, content, message):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(XlsxImportError, match=message):
        import_xlsx(path)


def test_other_zip_files_and_missing_files(tmp_path):
    ods = tmp_path / "a.ods"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    with pytest.raises(XlsxImportError, match="OpenDocument"):
        import_xlsx(ods)
    with pytest.raises(XlsxImportError, match="找不到文件"):
        import_xlsx(tmp_path / "nope.xlsx")


def test_a_workbook_without_a_report(tmp_path):
    wb = Workbook()
    wb.active.append(["姓名", "电话"])
    wb.active.append(["张三", "123"])
    path = tmp_path / "other.xlsx"
    wb.save(path)
    with pytest.raises(XlsxImportError, match="没有找到可识别的政府信息公开年度报告"):
        import_xlsx(path)


@pytest.mark.parametrize("raw, kind, places, unit, expected, noted", [
    (None, CellKind.COUNT, 0, None, 0, True),
    (12.0, CellKind.COUNT, 0, None, 12, False),
    ("1,234", CellKind.COUNT, 0, None, 1234, False),
    ("1.2万元", CellKind.AMOUNT, 4, "万元", Decimal("1.2"), True),
    ("251000元", CellKind.AMOUNT, 4, "万元", Decimal("25.1"), True),
    ("251000元", CellKind.AMOUNT, 4, None, Decimal("251000"), True),
    ("￥3.5", CellKind.AMOUNT, 2, None, Decimal("3.5"), True),
    (0.1 + 0.2, CellKind.AMOUNT, 4, None, Decimal("0.3"), False),
    ("-8", CellKind.SIGNED_COUNT, 0, None, -8, False),
])
def test_read_number(raw, kind, places, unit, expected, noted):
    value, note = read_number(raw, kind, places, unit)
    assert value == expected and type(value) is type(expected)
    assert (note is not None) == noted


@pytest.mark.parametrize("raw, kind", [
    (12.5, CellKind.COUNT), ("12元", CellKind.COUNT), (True, CellKind.COUNT), ("0.5元", CellKind.AMOUNT),
    ("约10", CellKind.COUNT), (-1, CellKind.COUNT),
])
def test_read_number_refuses_to_guess(raw, kind):
    with pytest.raises(InputError):
        read_number(raw, kind, 4 if kind.is_amount else 0, "万元" if kind.is_amount else None)


def test_parse_title(t2021):
    assert parse_title(t2021, "哈图布呼镇人民政府 2021 年政府信息公开工作年度报告") == (
        "哈图布呼镇人民政府", 2021, True)
    organ, year, exact = parse_title(t2021, "哈图布呼镇镇政府信息公开工作2021年度报 告")
    assert (year, exact) == (2021, False) and organ.startswith("哈图布呼镇")


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice not installed")
def test_a_workbook_saved_again_by_libreoffice_still_imports(t2021, tmp_path):
    report = full_report(t2021)
    path = tmp_path / "r.xlsx"
    export_xlsx(report, path)
    wb = load_workbook(path)
    cell = value_cell(wb, t2021, ("t3", "new", "natural"))
    cell.value = "=2+3"  # LibreOffice computes it and stores the result
    wb.save(path)
    out = tmp_path / "lo"
    subprocess.run(["libreoffice", "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=120)
    result = import_xlsx(out / "r.xlsx")
    report.set_value(("t3", "new", "natural"), 5)
    assert result.report.values == report.values
    assert result.report.texts == report.texts
    assert any(f"{addr(cell)}）：按公式的计算结果 5 读取" in n for n in result.notes)
    assert MARKER_SHEET in load_workbook(out / "r.xlsx").sheetnames


def test_our_workbook_without_its_markers_is_read_by_labels(t2019, tmp_path):
    report = full_report(t2019, year=2020)
    report.texts["problems"] = "一是公开内容不够丰富。\n二是更新不够及时。"
    path = tmp_path / "r.xlsx"
    export_xlsx(report, path)
    wb = load_workbook(path)
    del wb[MARKER_SHEET]  # e.g. the sheets were copied into another workbook
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    wb.save(path)
    result = import_xlsx(path)
    assert result.report.template.id == "2019"
    assert result.report.values == report.values
    assert result.report.texts == report.texts
    assert result.report.organ == report.organ and result.report.year == 2020
    assert result.problems == []


def test_the_signature_under_the_last_section_is_not_read_as_its_text(t2021, tmp_path):
    report = full_report(t2021)
    report.meta["publish_date"] = "2022-01-20"
    report.texts["other"] = "2021年12月31日前完成整改。\n哈图布呼镇人民政府将继续改进。"
    path = tmp_path / "r.xlsx"
    export_xlsx(report, path)
    wb = load_workbook(path)
    signed = [c.value for ws in wb.worksheets if ws.title != MARKER_SHEET for row in ws.iter_rows()
              for c in row if c.value in ("哈图布呼镇人民政府", "2022年1月20日")]
    assert signed == ["哈图布呼镇人民政府", "2022年1月20日"]  # the 落款 is in the workbook …
    result = import_xlsx(path)
    assert result.report.texts["other"] == report.texts["other"]  # … but not in 六's text
    assert result.report.meta["publish_date"] == "2022-01-20"
    del wb[MARKER_SHEET]  # read by labels: the same
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    wb.save(path)
    assert import_xlsx(path).report.texts["other"] == report.texts["other"]
