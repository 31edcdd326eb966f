"""The Qt-free command line: create, check, show, export and import drafts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app.carry_over import start_from_previous
from app.checks import check
from app.drafts import DraftError, load_draft, save_draft
from app.problems import SEVERITY_LABELS, Problem
from app.report import Report
from app.template_loader import TemplateError, default_template_for, get_template
from app.text_report import render_tables

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_UNREADABLE = 2


class CliError(Exception):
    """A failure to report in one Chinese sentence, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_UNREADABLE) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNREADABLE, f"参数错误：{message}\n")


def _load(path: str) -> Report:
    try:
        return load_draft(Path(path))
    except DraftError as exc:
        raise CliError(str(exc)) from None


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise CliError(f"文件“{path}”已存在；如确需覆盖，请加上 --force")


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(f"[{SEVERITY_LABELS[problem.severity]}] {problem.rule} {problem.message}")
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    if problems:
        print(f"共 {errors} 个错误，{warnings} 个提示。")
    else:
        print("检查通过：未发现问题。")


def cmd_new(args: argparse.Namespace) -> int:
    out = Path(args.output)
    _refuse_overwrite(out, args.force)
    notes: list[str] = []
    if args.previous:
        previous = _load(args.previous)
        template = get_template(args.template) if args.template else None
        report, notes = start_from_previous(previous, template)
        if args.organ:
            report.meta["organ"] = args.organ
        if args.year:
            report.meta["year"] = args.year
    else:
        if not args.organ or not args.year:
            raise CliError("新建草稿需要 --organ（机关名称）和 --year（年度），或用 --previous 继承上年报告")
        template = get_template(args.template) if args.template else default_template_for(args.year)
        report = Report.blank(template, args.organ, args.year)
    if not report.template.applies_to(report.year):
        notes.append(f"注意：{report.template.name}通常不用于 {report.year} 年度的报告")
    save_draft(report, out, keep_backup=False)
    print(f"已创建草稿：{out}（{report.title}，{report.template.name}）")
    for note in notes:
        print(note)
    return EXIT_OK


def _parts(paths: Sequence[str]) -> list[Report]:
    return [_load(p) for p in paths]


def cmd_check(args: argparse.Namespace) -> int:
    report = _load(args.file)
    previous = _load(args.previous) if args.previous else None
    parts = _parts(args.part or [])
    for part in parts:
        if part.template.id != report.template.id:
            raise CliError(f"汇总用的报告“{part.organ}”格式（{part.template.id}）与本报告不同")
    problems = check(report, previous, parts)
    print(report.title)
    _print_problems(problems)
    return EXIT_PROBLEMS if any(p.is_error for p in problems) else EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    print(render_tables(_load(args.file)))
    return EXIT_OK


def _export(kind: str, target: str, export: Callable[[Report, Path], list[str]],
            failure: type[Exception], report: Report) -> None:
    try:
        notes = export(report, Path(target))
    except failure as exc:
        raise CliError(str(exc), EXIT_PROBLEMS) from None
    for note in notes:
        print(f"提示：{note}")
    print(f"已导出 {kind}：{target}")


def cmd_export(args: argparse.Namespace) -> int:
    if not args.xlsx and not args.pdf:
        raise CliError("请用 --xlsx 和/或 --pdf 指定导出文件")
    report = _load(args.file)
    # Exporters are imported only when asked for: reportlab and openpyxl take time to load.
    if args.xlsx:
        from app.export_xlsx import XlsxExportError, export_xlsx

        _export("Excel", args.xlsx, export_xlsx, XlsxExportError, report)
    if args.pdf:
        from app.export_pdf import PdfExportError, export_pdf

        _export("PDF", args.pdf, export_pdf, PdfExportError, report)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from app.import_xlsx import XlsxImportError, import_xlsx

    out = Path(args.output)
    _refuse_overwrite(out, args.force)
    try:
        result = import_xlsx(Path(args.file))
    except XlsxImportError as exc:
        raise CliError(str(exc)) from None
    for note in result.notes:
        print(f"说明：{note}")
    for problem in result.problems:
        print(f"无法读取：{problem}")
    save_draft(result.report, out, keep_backup=False)
    print(f"已导入为草稿：{out}")
    return EXIT_PROBLEMS if result.problems else EXIT_OK


def cmd_templates(_args: argparse.Namespace) -> int:
    from app.template_loader import available_templates

    for template in available_templates().values():
        years = f"{template.year_from}–{template.year_to or ''}"
        print(f"{template.id}\t{template.name}\t适用年度 {years}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m app", description="年报助手命令行：新建、检查、查看、导出和导入年报草稿")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    new = sub.add_parser("new", help="新建草稿")
    new.add_argument("--template", help="报告格式：2021（默认，适用于2021年度起）或 2019")
    new.add_argument("--organ", help="机关名称，如 哈图布呼镇人民政府")
    new.add_argument("--year", type=int, help="报告年度，如 2026")
    new.add_argument("--previous", help="上年的草稿：带入基本信息和结转数字")
    new.add_argument("-o", "--output", required=True, help="新草稿的文件名（.nianbao）")
    new.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    new.set_defaults(func=cmd_new)

    chk = sub.add_parser("check", help="检查勾稽关系；有错误时退出码为 1，文件无法读取时为 2")
    chk.add_argument("file")
    chk.add_argument("--previous", help="上年的草稿，用于跨年度核对")
    chk.add_argument("--part", action="append", help="汇总报告的组成报告（可多次使用）")
    chk.set_defaults(func=cmd_check)

    show = sub.add_parser("show", help="以文字表格显示各表及合计")
    show.add_argument("file")
    show.set_defaults(func=cmd_show)

    export = sub.add_parser("export", help="导出 Excel 和/或 PDF")
    export.add_argument("file")
    export.add_argument("--xlsx")
    export.add_argument("--pdf")
    export.set_defaults(func=cmd_export)

    imp = sub.add_parser("import", help="从 Excel 工作簿导入为草稿")
    imp.add_argument("file")
    imp.add_argument("-o", "--output", required=True)
    imp.add_argument("--force", action="store_true")
    imp.set_defaults(func=cmd_import)

    tpl = sub.add_parser("templates", help="列出可用的报告格式")
    tpl.set_defaults(func=cmd_templates)
    return parser


def _utf8_console() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_console()
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except CliError as exc:
        print(exc, file=sys.stderr)
        return exc.code
    except (DraftError, TemplateError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_UNREADABLE
