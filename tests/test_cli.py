import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.drafts import load_draft, save_draft

DATA = Path(__file__).parent / "data"
SEED = DATA / "seed-2021-hatubuhu.nianbao"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_new_creates_blank_2021_draft(tmp_path, capsys):
    target = tmp_path / "新.nianbao"
    code, out, _ = run(capsys, "new", "--template", "2021", "--organ", "哈图布呼镇人民政府", "--year", "2026",
                       "-o", str(target))
    assert code == 0 and "已创建草稿" in out
    report = load_draft(target)
    assert report.template.id == "2021" and report.organ == "哈图布呼镇人民政府" and report.year == 2026
    assert report.values == {}


def test_new_refuses_to_overwrite_without_force(tmp_path, capsys):
    target = tmp_path / "a.nianbao"
    target.write_text("keep me", encoding="utf-8")
    code, _, err = run(capsys, "new", "--organ", "甲镇人民政府", "--year", "2026", "-o", str(target))
    assert code == 2 and "--force" in err
    assert target.read_text(encoding="utf-8") == "keep me"
    code, _, _ = run(capsys, "new", "--organ", "甲镇人民政府", "--year", "2026", "-o", str(target), "--force")
    assert code == 0 and load_draft(target).organ == "甲镇人民政府"


def test_new_from_previous_prefills_carry_over(tmp_path, capsys):
    last = load_draft(DATA / "drafts" / "schema-1.nianbao")
    last_path = tmp_path / "2025.nianbao"
    save_draft(last, last_path)
    target = tmp_path / "2026.nianbao"
    code, _, _ = run(capsys, "new", "--previous", str(last_path), "-o", str(target))
    assert code == 0
    report = load_draft(target)
    assert report.year == 2026 and report.organ == last.organ
    assert report.value(("t3", "carried", "natural")) == last.value(("t3", "carry_next", "natural")) == 2
    assert report.meta["contact_phone"] == last.meta["contact_phone"]


def test_check_exit_codes(tmp_path, capsys):
    code, out, _ = run(capsys, "check", str(SEED))
    assert code == 0 and "检查通过" in out

    report = load_draft(SEED)
    report.set_value(("t3", "new", "natural"), 3)
    bad = tmp_path / "bad.nianbao"
    save_draft(report, bad)
    code, out, _ = run(capsys, "check", str(bad))
    assert code == 1
    assert "[错误] R1 表三「自然人」列：本年新收(3)+上年结转(0)=3，但办理结果总计(0)+结转下年度(0)=0，相差3" in out

    broken = tmp_path / "broken.nianbao"
    broken.write_text("{", encoding="utf-8")
    code, _, err = run(capsys, "check", str(broken))
    assert code == 2 and "broken.nianbao" in err and "Traceback" not in err


def test_check_warnings_only_exit_zero(tmp_path, capsys):
    report = load_draft(SEED)
    report.texts["overview"] = "2020年度我镇依法推进公开工作。"
    path = tmp_path / "w.nianbao"
    save_draft(report, path)
    code, out, _ = run(capsys, "check", str(path))
    assert code == 0 and "[提示] R8Y" in out


def test_check_against_previous_year(tmp_path, capsys):
    last = load_draft(DATA / "drafts" / "schema-1.nianbao")
    last_path = tmp_path / "last.nianbao"
    save_draft(last, last_path)
    this_path = tmp_path / "this.nianbao"
    run(capsys, "new", "--organ", last.organ, "--year", "2026", "-o", str(this_path))
    code, out, _ = run(capsys, "check", str(this_path), "--previous", str(last_path))
    assert code == 0 and "R5" in out and "上年报告结转下年度(2)" in out


def test_show_prints_tables_with_totals(tmp_path, capsys):
    code, out, _ = run(capsys, "show", str(DATA / "drafts" / "schema-1.nianbao"))
    assert code == 0
    assert "三、收到和处理政府信息公开申请情况（表三）" in out
    line = next(x for x in out.splitlines() if x.startswith("一、本年新收政府信息公开申请数量"))
    assert line.split()[1] == "3" and line.split()[-1] == "3*"
    assert "12.50" in out


def test_python_dash_m_app_runs_as_a_process(tmp_path):
    target = tmp_path / "x.nianbao"
    result = subprocess.run([sys.executable, "-m", "app", "new", "--organ", "乙乡人民政府", "--year", "2020",
                             "-o", str(target)], capture_output=True, text=True, encoding="utf-8",
                            cwd=Path(__file__).parent.parent)
    assert result.returncode == 0, result.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["template"] == "2019"


def test_bad_arguments_say_so_in_chinese(capsys):
    with pytest.raises(SystemExit) as info:
        main(["new", "-o"])
    assert info.value.code == 2
    assert "参数错误" in capsys.readouterr().err


def test_check_missing_file(tmp_path, capsys):
    code, _, err = run(capsys, "check", str(tmp_path / "none.nianbao"))
    assert code == 2 and "找不到草稿" in err


def test_seed_copy_loads_identically(tmp_path):
    copy = tmp_path / "seed.nianbao"
    shutil.copy(SEED, copy)
    assert load_draft(copy).texts == load_draft(SEED).texts


def test_export_then_import_through_the_command_line(tmp_path, capsys):
    source = DATA / "drafts" / "schema-1.nianbao"
    xlsx, pdf = tmp_path / "年报.xlsx", tmp_path / "年报.pdf"
    code, out, _ = run(capsys, "export", str(source), "--xlsx", str(xlsx), "--pdf", str(pdf))
    assert code == 0 and "已导出 Excel" in out and "已导出 PDF" in out
    assert pdf.read_bytes().startswith(b"%PDF")
    back = tmp_path / "back.nianbao"
    code, out, _ = run(capsys, "import", str(xlsx), "-o", str(back))
    assert code == 0, out
    original, imported = load_draft(source), load_draft(back)
    assert imported.values == original.values and imported.texts == original.texts


def test_export_to_unwritable_place_is_a_message_not_a_traceback(tmp_path, capsys):
    code, _, err = run(capsys, "export", str(SEED), "--pdf", str(tmp_path / "missing" / "x.pdf"))
    assert code == 1 and "不存在" in err


def test_import_of_a_non_workbook_is_refused(tmp_path, capsys):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    code, _, err = run(capsys, "import", str(fake), "-o", str(tmp_path / "x.nianbao"))
    assert code == 2 and err.strip()
    assert not (tmp_path / "x.nianbao").exists()
