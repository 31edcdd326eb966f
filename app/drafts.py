"""Draft files (.nianbao): UTF-8 JSON a person can read, saved atomically, refused with a clear message."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from app import __version__
from app.atomic_write import atomic_write_bytes, describe_os_error
from app.compute import plan_for
from app.draft_migrations import CURRENT_SCHEMA_VERSION, MigrationError, migrate
from app.numbers import CellKind, InputError, check_number, format_number
from app.report import Report
from app.template_loader import TemplateError, get_template
from app.template_model import Template

DRAFT_SUFFIX = ".nianbao"
MAX_DRAFT_BYTES = 20 * 1024 * 1024
YEAR_RANGE = (1990, 2100)


class DraftError(Exception):
    """A draft that cannot be read or written; str() is a Chinese sentence for the clerk."""


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


# ---------------------------------------------------------------------------------------- writing


def report_to_dict(report: Report) -> dict[str, Any]:
    """The draft as plain JSON data. Computed cells are not stored; amounts are strings."""
    template = report.template
    meta: dict[str, Any] = {}
    for field in template.meta:
        if field.id not in report.meta:
            continue
        value = report.meta[field.id]
        meta[field.id] = format_number(value) if isinstance(value, Decimal) else value
    values: dict[str, dict[str, dict[str, Any]]] = {}
    computed = plan_for(template).computed
    for key in template.keys():  # template order keeps the file stable and readable
        if key in computed or key not in report.values:
            continue
        value = report.values[key]
        table, row, column = key
        values.setdefault(table, {}).setdefault(row, {})[column] = (
            format_number(value) if isinstance(value, Decimal) else value
        )
    texts = {s.id: report.texts.get(s.id, "") for s in template.sections if s.kind == "text"}
    return {
        "schema_version": CURRENT_SCHEMA_VERSION,
        "template": template.id,
        "saved_by": f"年报助手 {__version__}",
        "saved_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "meta": meta,
        "texts": texts,
        "values": values,
    }


def dumps_draft(report: Report) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


def save_draft(report: Report, path: Path, keep_backup: bool = True) -> None:
    """Save atomically; the previous version of the file is kept as `<name>.bak`."""
    data = dumps_draft(report).encode("utf-8")
    try:
        atomic_write_bytes(path, data, backup_path(path) if keep_backup else None)
    except OSError as exc:
        raise DraftError(describe_os_error(exc, path)) from exc


# ---------------------------------------------------------------------------------------- reading


class _Place:
    """Builds “where in the file” for messages."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, where: str, what: str) -> DraftError:
        place = f"（{where}）" if where else ""
        return DraftError(f"草稿“{self.name}”无法打开{place}：{what}")


def _meta_value(place: _Place, template: Template, field_id: str, value: Any) -> Any:
    try:
        field = template.meta_field(field_id)
    except KeyError:
        raise place.fail("meta", f"未知的基本信息字段“{field_id}”") from None
    where = f"基本信息「{field.label}」"
    if field.kind == "year":
        if not isinstance(value, int) or isinstance(value, bool) or not (
            YEAR_RANGE[0] <= value <= YEAR_RANGE[1]
        ):
            raise place.fail(where, f"年度应为 {YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间的整数，而不是 {value!r}")
        return value
    if field.kind == "amount":
        return _amount(place, where, value, CellKind.AMOUNT, field.places)
    if not isinstance(value, str):
        raise place.fail(where, f"应为文字，而不是 {value!r}")
    return value


def _amount(place: _Place, where: str, value: Any, kind: CellKind, places: int) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise place.fail(where, f"金额应写成带引号的数字（如 \"12.50\"），而不是 {value!r}")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise place.fail(where, f"“{value}”不是有效的金额") from None
    if isinstance(value, str) and value.strip() != value:
        raise place.fail(where, f"“{value}”不是有效的金额")
    try:
        checked = check_number(number, kind, places, shown=str(value))
    except InputError as exc:
        raise place.fail(where, str(exc)) from None
    assert isinstance(checked, Decimal)
    return checked


def _cell_value(place: _Place, where: str, value: Any, kind: CellKind, places: int) -> int | Decimal:
    if kind.is_amount:
        return _amount(place, where, value, kind, places)
    if isinstance(value, bool) or not isinstance(value, int):
        shown = json.dumps(value, ensure_ascii=False)
        if isinstance(value, float):
            raise place.fail(where, f"件数必须是整数，而不是 {shown}")
        raise place.fail(where, f"应为数字，而不是 {shown}")
    try:
        checked = check_number(value, kind, places)
    except InputError as exc:
        raise place.fail(where, str(exc)) from None
    return checked


def report_from_dict(data: Any, name: str = "草稿") -> Report:
    """Validate draft data (already parsed JSON) and build the Report, or raise DraftError."""
    place = _Place(name)
    if not isinstance(data, dict):
        raise place.fail("", "文件内容不是年报草稿")
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise place.fail("schema_version", "缺少有效的格式版本号，这可能不是年报助手的草稿")
    if version > CURRENT_SCHEMA_VERSION:
        raise place.fail("", f"此草稿由更新版本的年报助手保存（格式版本 {version}），请升级本程序后再打开")
    try:
        data = migrate(data)
    except MigrationError as exc:
        raise place.fail("schema_version", str(exc)) from None
    template_id = data.get("template")
    if not isinstance(template_id, str):
        raise place.fail("template", "缺少报告格式")
    try:
        template = get_template(template_id)
    except TemplateError as exc:
        raise place.fail("template", str(exc)) from None
    report = Report(template)
    known = {"schema_version", "template", "saved_by", "saved_at", "meta", "texts", "values"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise place.fail("", f"含有无法识别的内容“{unknown[0]}”")
    meta = data.get("meta")
    if not isinstance(meta, dict):
        raise place.fail("meta", "缺少基本信息")
    for field_id, value in meta.items():
        report.meta[field_id] = _meta_value(place, template, field_id, value)
    for required in (f for f in template.meta if f.required):
        if required.id not in report.meta:
            raise place.fail("meta", f"缺少「{required.label}」")
    _read_texts(place, template, data.get("texts", {}), report)
    _read_values(place, template, data.get("values", {}), report)
    return report


def _read_texts(place: _Place, template: Template, texts: Any, report: Report) -> None:
    if not isinstance(texts, dict):
        raise place.fail("texts", "正文部分格式不对")
    text_sections = {s.id: s for s in template.sections if s.kind == "text"}
    for section_id, text in texts.items():
        if section_id not in text_sections:
            raise place.fail("texts", f"没有编号为“{section_id}”的文字章节")
        if not isinstance(text, str):
            raise place.fail(text_sections[section_id].heading, "正文应为文字")
        report.texts[section_id] = text
    for section_id in text_sections:
        report.texts.setdefault(section_id, "")


def _read_values(place: _Place, template: Template, values: Any, report: Report) -> None:
    if not isinstance(values, dict):
        raise place.fail("values", "表格数据格式不对")
    computed = plan_for(template).computed
    for table_id, rows in values.items():
        table = template.tables.get(table_id)
        if table is None:
            raise place.fail("values", f"没有编号为“{table_id}”的表格")
        if not isinstance(rows, dict):
            raise place.fail(table.name, "表格数据格式不对")
        for row_id, cells in rows.items():
            if not table.has_row(row_id):
                raise place.fail(table.name, f"没有编号为“{row_id}”的行")
            row = table.row(row_id)
            if not isinstance(cells, dict):
                raise place.fail(f"{table.name}「{row.short}」", "行数据格式不对")
            for column_id, value in cells.items():
                column = table.column(row_id, column_id)
                if column is None:
                    raise place.fail(f"{table.name}「{row.short}」", f"没有编号为“{column_id}”的列")
                where = f"{table.name}「{row.short}·{column.short}」"
                key = (table_id, row_id, column_id)
                if key in computed:
                    raise place.fail(where, "这是程序自动计算的合计，草稿中不应填写")
                number = _cell_value(place, where, value, column.kind, column.places)
                if number != 0:
                    report.values[key] = number


def loads_draft(raw: bytes, name: str = "草稿") -> Report:
    """Parse the bytes of a draft file."""
    place = _Place(name)
    if not raw.strip():
        raise place.fail("", "文件是空的（可能在保存时被中断），可尝试打开同名的 .bak 备份")
    try:
        text = raw.decode("utf-8-sig")  # Notepad on Windows may add a BOM
    except UnicodeDecodeError:
        raise place.fail("", "文件不是 UTF-8 编码的年报草稿（可能是其他程序的文件）") from None
    try:
        data = json.loads(text, parse_float=float, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        body = text.strip()
        if body.startswith("{") and (not body.endswith("}") or exc.pos >= len(body) - 1):
            # every draft this program writes ends with "}": the end of the file is missing
            raise place.fail("", "文件不完整（可能在保存时被中断），可尝试打开同名的 .bak 备份") from None
        raise place.fail(f"第 {exc.lineno} 行第 {exc.colno} 列", "文件内容已损坏，不是有效的草稿") from None
    except (ValueError, RecursionError):
        raise place.fail("", "文件内容已损坏，不是有效的草稿") from None
    return report_from_dict(data, name)


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def load_draft(path: Path) -> Report:
    """Read a draft file without ever writing to it."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_DRAFT_BYTES:
            raise DraftError(f"草稿“{path.name}”无法打开：文件过大（{size // 1024 // 1024} MB），不是年报草稿")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DraftError(f"找不到草稿“{path}”") from None
    except IsADirectoryError:
        raise DraftError(f"“{path}”是文件夹，不是草稿文件") from None
    except PermissionError:
        raise DraftError(f"没有权限读取“{path}”") from None
    except OSError as exc:
        raise DraftError(f"无法读取“{path}”：{exc.strerror or exc}") from None
    return loads_draft(raw, path.name)
