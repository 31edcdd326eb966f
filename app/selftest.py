"""Headless self-test of an installed program: templates, a draft, totals, checks, save and exports."""

from __future__ import annotations

import os
import re
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from app import __version__
from app.checks import check, check_grid
from app.compute import plan_for
from app.drafts import load_draft, report_to_dict, save_draft
from app.report import Report
from app.resources import fonts_dir, resources_dir, templates_dir
from app.template_loader import available_templates
from app.template_model import CellKey, Template

# Where the steps are written besides stdout: a windowed .exe has no console to print to.
DIR_ENV = "NIANBAO_SELFTEST_DIR"
LOG_NAME = "selftest.log"

ORGAN = "自检示例镇人民政府"
PROBE = 1234  # a number unlikely to appear in a blank report, looked up again in the exports
FONT_SUFFIXES = {".ttf", ".ttc", ".otf"}


class SelfTestError(Exception):
    """A step found something wrong; the message says what, in Chinese."""


@dataclass
class Outcome:
    """Lines written so far and how many steps failed."""

    out: list[TextIO]
    lines: list[str] = field(default_factory=list)
    failures: int = 0

    def emit(self, line: str) -> None:
        self.lines.append(line)
        for stream in self.out:
            try:
                print(line, file=stream, flush=True)
            except (OSError, ValueError, UnicodeError):
                pass  # a missing or narrow console must not hide the log file

    def step(self, name: str, action: Callable[..., Any], *args: Any) -> Any:
        """Run one step, print "OK …" or "FAIL …"; return its result, or None when it failed.

        A step returns its detail text, or a pair (value for later steps, detail text).
        """
        try:
            detail = action(*args)
        except SelfTestError as exc:
            self.failures += 1
            self.emit(f"FAIL {name}：{exc}")
            return None
        except Exception as exc:  # noqa: BLE001 - every crash is a failed step, never a traceback
            self.failures += 1
            self.emit(f"FAIL {name}：程序错误 {type(exc).__name__}: {exc}")
            for text in traceback.format_exception(exc)[-3:]:
                self.emit("     " + text.rstrip().replace("\n", "\n     "))
            return None
        value, detail = detail if isinstance(detail, tuple) else (True, detail)
        self.emit(f"OK   {name}" + (f"：{detail}" if detail else ""))
        return value


# ---------------------------------------------------------------------------------------- steps


def check_resources() -> str:
    missing = [str(p) for p in (resources_dir(), templates_dir(), fonts_dir()) if not p.is_dir()]
    if missing:
        raise SelfTestError("找不到资源文件夹 " + "、".join(missing))
    fonts = sorted(p.name for p in fonts_dir().iterdir() if p.suffix.lower() in FONT_SUFFIXES)
    if not fonts:
        raise SelfTestError(f"{fonts_dir()} 中没有字体文件，PDF 无法显示中文")
    return f"{resources_dir()}（字体：{'、'.join(fonts)}）"


def check_frozen_translation() -> str:
    """In the packaged program, Qt's own buttons need qtbase_zh_CN.qm to be bundled."""
    root = Path(getattr(sys, "_MEIPASS", ""))
    found = sorted(root.rglob("qtbase_zh_CN.qm"))
    if not found:
        raise SelfTestError(f"打包的程序中缺少 qtbase_zh_CN.qm（{root}）")
    return str(found[0].relative_to(root))


def load_templates() -> tuple[dict[str, Template], str]:  # (templates, detail)
    templates = available_templates()
    if not templates:
        raise SelfTestError(f"{templates_dir()} 中没有可用的报表格式")
    return templates, "、".join(f"{t.id}（{t.name}）" for t in templates.values())


def sample_year(template: Template) -> int:
    return template.year_to if template.year_to is not None else max(template.year_from, 2024)


def feeding_cell(template: Template) -> tuple[CellKey, list[CellKey], bool]:
    """An input cell that some total adds up, the totals it moves, and whether it breaks no rule.

    Found from the template alone. A cell whose value alone breaks no rule is preferred, so that
    the filled draft must check clean.
    """
    computed = plan_for(template).computed
    blank = Report.blank(template, ORGAN, sample_year(template)).grid()
    fallback: tuple[CellKey, list[CellKey], bool] | None = None
    for key in template.input_keys():
        report = Report.blank(template, ORGAN, sample_year(template))
        report.set_value(key, PROBE)
        grid = report.grid()
        moved = [k for k in computed if grid.get(k, 0) - blank.get(k, 0) == PROBE]
        if not moved:
            continue
        if not any(p.is_error for p in check(report)):
            return key, moved, True
        fallback = fallback or (key, moved, False)
    if fallback is None:
        raise SelfTestError("合计计算有误：填入数字后，没有任何合计按这个数字变化")
    return fallback


def make_draft(template: Template) -> tuple[tuple[Report, CellKey, list[CellKey], bool], str]:
    report = Report.blank(template, ORGAN, sample_year(template))
    key, totals, clean = feeding_cell(template)
    report.set_value(key, PROBE)
    for text_id in report.texts:
        report.texts[text_id] = f"自检文字（{text_id}）：本机关依法公开政府信息。"
    if any(f.id == "info_fee" for f in template.meta):
        report.meta["info_fee"] = Decimal("0")
    return (report, key, totals, clean), report.title


def check_totals(report: Report, key: CellKey, totals: list[CellKey]) -> str:
    grid = report.grid()
    wrong = [t for t in totals if grid.get(t) != PROBE]
    if grid.get(key) != PROBE or wrong:
        raise SelfTestError(f"合计计算不对：{wrong or key}")
    return f"填入 {key} = {PROBE}，{len(totals)} 个合计随之更新"


def check_rules(report: Report, total: CellKey, clean: bool) -> str:
    blank = Report.blank(report.template, ORGAN, report.year)
    if any(p.is_error for p in check(blank)):
        raise SelfTestError("空白报告被误报有错误")
    problems = check(report)
    errors = [p for p in problems if p.is_error]
    if errors and clean:
        raise SelfTestError("数字前后一致的草稿被误报有错误：" + errors[0].message)
    # A total that does not add up (as when read back from a workbook) must be caught.
    grid = dict(report.grid())
    grid[total] = grid[total] + 1
    tampered = [p for p in check_grid(report, grid) if p.is_error]
    if not tampered:
        raise SelfTestError(f"合计 {total} 被改错后，检查没有发现问题")
    return f"草稿无错误（{len(problems)} 条提示）；改错的合计被发现：{tampered[0].message}"


def check_draft_round_trip(report: Report, folder: Path) -> str:
    path = folder / f"自检草稿-{report.template.id}.nianbao"
    save_draft(report, path)
    save_draft(report, path)  # the second save must keep a .bak of the first
    again = load_draft(path)
    before, after = report_to_dict(report), report_to_dict(again)
    for volatile in ("saved_at",):
        before.pop(volatile, None)
        after.pop(volatile, None)
    if before != after:
        raise SelfTestError("保存后再打开的草稿与原来不同")
    if not path.with_name(path.name + ".bak").is_file():
        raise SelfTestError("再次保存时没有留下 .bak 备份")
    return f"{path.name}（{path.stat().st_size} 字节）"


def _exporter(module: str, name: str) -> Callable[[Report, Path], Any]:
    try:
        mod = __import__(f"app.{module}", fromlist=[name])
    except ImportError as exc:
        if exc.name == f"app.{module}":
            raise SelfTestError(f"缺少导出模块 app.{module}") from None
        raise SelfTestError(f"导出模块 app.{module} 无法加载：缺少 {exc.name or exc}") from None
    return getattr(mod, name)


def _sheet_values(path: Path) -> Iterator[Any]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                yield from row
    finally:
        workbook.close()


def check_xlsx(report: Report, folder: Path) -> str:
    export = _exporter("export_xlsx", "export_xlsx")
    path = folder / f"自检-{report.template.id}.xlsx"
    export(report, path)
    if not path.is_file() or path.read_bytes()[:2] != b"PK":
        raise SelfTestError(f"没有生成有效的 Excel 文件 {path.name}")
    values = list(_sheet_values(path))
    if not any(v == PROBE for v in values if isinstance(v, int | float | Decimal)):
        raise SelfTestError(f"Excel 中找不到填入的数字 {PROBE}")
    if not any(isinstance(v, str) and ORGAN in v for v in values):
        raise SelfTestError(f"Excel 中找不到机关名称“{ORGAN}”")
    return f"{path.name}（{path.stat().st_size} 字节），找到 {PROBE} 和机关名称"


def pdf_info_strings(data: bytes) -> list[str]:
    """The /Title, /Subject and /Author strings of a PDF, decoded (no PDF library needed).

    A light check for the packaged program: page text sits in compressed streams with subset
    font codes, but reportlab writes the document title into the Info dictionary (UTF-16BE with
    a byte-order mark when it is not ASCII).
    """
    pattern = rb"/(?:Title|Subject|Author)\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)"
    return [_decode_pdf_string(m.group(1)) for m in re.finditer(pattern, data, re.S)]


def _decode_pdf_string(token: bytes) -> str:
    if token.startswith(b"<"):
        raw = bytes.fromhex(re.sub(rb"\s", b"", token[1:-1]).decode("ascii"))
    else:
        escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
        body = token[1:-1]

        def unescape(m: re.Match[bytes]) -> bytes:
            code = m.group(1)
            if code[:1].isdigit():
                return bytes([int(code, 8) & 0xFF])
            return escapes.get(code, code)

        raw = re.sub(rb"\\([0-7]{1,3}|.)", unescape, body, flags=re.S)
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", "replace")
    return raw.decode("latin-1")


def check_pdf(report: Report, folder: Path) -> str:
    export = _exporter("export_pdf", "export_pdf")
    path = folder / f"自检-{report.template.id}.pdf"
    export(report, path)
    data = path.read_bytes() if path.is_file() else b""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise SelfTestError(f"没有生成完整的 PDF 文件 {path.name}")
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    if pages < 1:
        raise SelfTestError("PDF 中没有页面")
    if report.title not in pdf_info_strings(data):
        raise SelfTestError(f"PDF 的标题信息中找不到“{report.title}”")
    return f"{path.name}（{len(data)} 字节，{pages} 页），标题正确"


# ---------------------------------------------------------------------------------------- driver


def work_folder() -> Path:
    chosen = os.environ.get(DIR_ENV)
    if chosen:
        folder = Path(chosen)
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return Path(tempfile.mkdtemp(prefix="nianbao-selftest-"))


def run(folder: Path, out: list[TextIO]) -> Outcome:
    """Run every step, writing into `folder`; the caller decides where lines go."""
    result = Outcome(out)
    frozen = bool(getattr(sys, "frozen", False))
    result.emit(f"年报助手 {__version__} 自检（{'安装版' if frozen else '源代码'}，Python "
                f"{sys.version.split()[0]}，{sys.platform}），输出文件夹：{folder}")
    result.step("资源文件", check_resources)
    if frozen:
        result.step("Qt 中文翻译", check_frozen_translation)
    templates = result.step("读取报表格式", load_templates) or {}
    for template in templates.values():
        tag = f"[{template.id}]"
        draft = result.step(f"{tag} 新建草稿并填数", make_draft, template)
        if draft is None:
            continue
        report, key, totals, clean = draft
        result.step(f"{tag} 计算合计", check_totals, report, key, totals)
        result.step(f"{tag} 检查勾稽关系", check_rules, report, totals[0], clean)
        result.step(f"{tag} 保存并重新打开草稿", check_draft_round_trip, report, folder)
        result.step(f"{tag} 导出 Excel", check_xlsx, report, folder)
        result.step(f"{tag} 导出 PDF", check_pdf, report, folder)
    if result.failures:
        result.emit(f"FAIL 自检未通过：{result.failures} 项失败")
    else:
        result.emit("OK   自检全部通过")
    return result


def main() -> int:
    """Run the self-test; 0 when every step passed. Lines go to stdout and to selftest.log."""
    folder = work_folder()
    log_path = folder / LOG_NAME
    streams: list[TextIO] = [sys.stdout] if sys.stdout is not None else []
    with open(log_path, "w", encoding="utf-8") as log:
        streams.append(log)
        result = run(folder, streams)
        result.emit(f"日志：{log_path}")
    return 1 if result.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
