"""The built-in self-test (`nianbao --self-test`): what it reports, and that it catches breakage."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from app import selftest


@pytest.fixture
def folder(tmp_path, monkeypatch):
    out = tmp_path / "自检 输出"
    monkeypatch.setenv(selftest.DIR_ENV, str(out))
    return out


def log_lines(folder: Path) -> list[str]:
    return (folder / selftest.LOG_NAME).read_text(encoding="utf-8").splitlines()


def test_passes_and_writes_every_step_to_the_log(folder, capsys):
    assert selftest.main() == 0
    lines = log_lines(folder)
    printed = capsys.readouterr().out.splitlines()
    assert printed == lines  # the console and the log say the same
    assert not [line for line in lines if line.startswith("FAIL")]
    assert any("自检全部通过" in line for line in lines)
    for template_id in ("2021", "2019"):
        steps = [line for line in lines if f"[{template_id}]" in line]
        assert len(steps) == 6, steps
        assert all(line.startswith("OK") for line in steps)
        assert (folder / f"自检-{template_id}.xlsx").read_bytes()[:2] == b"PK"
        assert (folder / f"自检-{template_id}.pdf").read_bytes()[:5] == b"%PDF-"
        assert (folder / f"自检草稿-{template_id}.nianbao.bak").is_file()
    assert lines[-1] == f"日志：{folder / selftest.LOG_NAME}"


def test_the_exports_hold_the_number_it_typed(folder):
    assert selftest.main() == 0
    from openpyxl import load_workbook

    wb = load_workbook(folder / "自检-2021.xlsx", read_only=True)
    values = [v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row]
    wb.close()
    assert selftest.PROBE in values
    pdf = (folder / "自检-2021.pdf").read_bytes()
    assert any("自检示例镇人民政府2024年" in s for s in selftest.pdf_info_strings(pdf))


def test_windowed_program_without_console_still_writes_the_log(folder, monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)  # what a windowed .exe has
    assert selftest.main() == 0
    assert any("自检全部通过" in line for line in log_lines(folder))


def test_missing_exporter_fails_with_a_clear_line(folder, monkeypatch):
    monkeypatch.setitem(sys.modules, "app.export_pdf", None)  # import raises ImportError
    assert selftest.main() != 0
    lines = log_lines(folder)
    assert "FAIL [2021] 导出 PDF：缺少导出模块 app.export_pdf" in lines
    assert "FAIL [2019] 导出 PDF：缺少导出模块 app.export_pdf" in lines
    assert any(line.startswith("OK   [2021] 导出 Excel") for line in lines)  # the rest still ran
    assert lines[-2] == "FAIL 自检未通过：2 项失败"


def test_a_crashing_step_is_reported_not_raised(folder, monkeypatch):
    def broken_save(report, path, keep_backup=True):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(selftest, "save_draft", broken_save)
    assert selftest.main() == 1
    lines = log_lines(folder)
    assert any(line.startswith("FAIL [2021] 保存并重新打开草稿：程序错误 OSError") for line in lines)
    assert any(line.startswith("OK   [2021] 导出 PDF") for line in lines)


def test_workbook_without_the_typed_number_fails(folder, monkeypatch):
    def blank_workbook(report, path):
        Workbook().save(path)
        return []

    monkeypatch.setattr("app.export_xlsx.export_xlsx", blank_workbook)
    assert selftest.main() == 1
    assert "FAIL [2021] 导出 Excel：Excel 中找不到填入的数字 1234" in log_lines(folder)


def test_pdf_without_the_title_fails(folder, monkeypatch):
    def bare_pdf(report, path):
        path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\ntrailer << >>\n%%EOF\n")
        return []

    monkeypatch.setattr("app.export_pdf.export_pdf", bare_pdf)
    assert selftest.main() == 1
    assert any(line.startswith("FAIL [2021] 导出 PDF：PDF 的标题信息中找不到") for line in log_lines(folder))


def test_wrong_totals_are_caught(folder, monkeypatch):
    from app.report import Report

    real_grid = Report.grid

    def off_by_one(self):
        grid = dict(real_grid(self))
        for key in list(grid):
            if self.template.tables[key[0]].is_computed(key[1], key[2]) and grid[key]:
                grid[key] += 1
        return grid

    monkeypatch.setattr(Report, "grid", off_by_one)
    assert selftest.main() == 1
    assert "FAIL [2021] 新建草稿并填数：合计计算有误：填入数字后，没有任何合计按这个数字变化" in log_lines(folder)


def test_missing_fonts_fail(folder, monkeypatch, tmp_path):
    empty = tmp_path / "fonts"
    empty.mkdir()
    monkeypatch.setattr(selftest, "fonts_dir", lambda: empty)
    assert selftest.main() == 1
    assert any(line.startswith("FAIL 资源文件：") and "没有字体文件" in line for line in log_lines(folder))


def test_frozen_program_without_qt_translation_fails(folder, monkeypatch, tmp_path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.setattr(selftest, "resources_dir", lambda: Path(selftest.__file__).parent.parent / "resources")
    assert selftest.main() == 1
    assert any(line.startswith("FAIL Qt 中文翻译：打包的程序中缺少 qtbase_zh_CN.qm") for line in log_lines(folder))
    (bundle / "PySide6" / "translations").mkdir(parents=True)
    (bundle / "PySide6" / "translations" / "qtbase_zh_CN.qm").write_bytes(b"qm")
    assert selftest.check_frozen_translation() == str(Path("PySide6/translations/qtbase_zh_CN.qm"))


@pytest.mark.parametrize(
    ("token", "text"),
    [
        (b"(Plain title)", "Plain title"),
        (b"(a \\(b\\) \\\\ c)", "a (b) \\ c"),
        (b"<FEFF5E7462A5>", "年报"),
        (b"(" + b"\xfe\xff" + "年报".encode("utf-16-be") + b")", "年报"),
        (b"(\\376\\377\\136\\164\\142\\245)", "年报"),
    ],
)
def test_pdf_strings_are_decoded(token, text):
    assert selftest.pdf_info_strings(b"<< /Title " + token + b" >>") == [text]


def test_console_that_cannot_print_chinese_does_not_stop_it(folder, monkeypatch):
    narrow = io.TextIOWrapper(io.BytesIO(), encoding="ascii")  # an old code page console
    monkeypatch.setattr(sys, "stdout", narrow)
    assert selftest.main() == 0
    assert any("自检全部通过" in line for line in log_lines(folder))


def test_default_folder_is_a_fresh_temp_folder(monkeypatch):
    monkeypatch.delenv(selftest.DIR_ENV, raising=False)
    first, second = selftest.work_folder(), selftest.work_folder()
    try:
        assert first != second
        assert first.name.startswith("nianbao-selftest-") and first.is_dir()
    finally:
        first.rmdir()
        second.rmdir()


def test_checks_that_miss_a_wrong_total_fail(folder, monkeypatch):
    monkeypatch.setattr(selftest, "check_grid", lambda report, grid: [])
    assert selftest.main() == 1
    assert any(line.startswith("FAIL [2021] 检查勾稽关系：合计") and "检查没有发现问题" in line
               for line in log_lines(folder))
