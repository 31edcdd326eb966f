"""The window's file steps that need no window state: backups, writing a draft, last year's report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.drafts import DRAFT_SUFFIX, DraftError, save_draft
from app.report import Report
from ui.dialogs import Dialogs
from ui.document import Document

BACKUP_SUFFIX = DRAFT_SUFFIX + ".bak"  # app.drafts keeps the previous version as <name>.bak


def backed_up_draft(path: Path) -> Path | None:
    """For a `<name>.nianbao.bak` backup, the draft `<name>.nianbao` it backs up; else None."""
    if path.name.lower().endswith(BACKUP_SUFFIX):
        return path.with_name(path.name[: -len(".bak")])
    return None


def is_draft_name(path: str) -> bool:
    """A file the program opens: a draft or a backup of one."""
    return path.lower().endswith((DRAFT_SUFFIX, BACKUP_SUFFIX))


def write_draft(document: Document, path: Path, dialogs: Dialogs, parent: QWidget | None) -> bool:
    """Save the draft; on failure say why (nothing is lost) and return False.

    After saving, rejected 基本信息 input is named: the draft holds those fields' previous values.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        save_draft(document.report, path)
    except (DraftError, OSError) as exc:
        reason = str(exc) if isinstance(exc, DraftError) else f"无法创建文件夹“{path.parent}”。"
        dialogs.error(parent, "保存失败", f"{reason}\n\n您的修改仍保留在程序中，没有丢失。"
                                        "请关闭占用该文件的程序后重试，或用“另存为”换一个位置保存。")
        if document.path is None or document.is_modified:
            document.mark_modified()
        return False
    document.mark_saved(path)
    notes = document.rejected_notes()
    if notes:
        dialogs.warning(parent, "部分内容未保存", "\n".join(notes) +
                        "\n\n草稿的其余内容已保存。请在“基本信息”页更正这些项目后再保存。")
    return True


def pick_last_year_draft(dialogs: Dialogs, parent: QWidget | None, folder: Path, title: str,
                         load: Callable[[Path, str], Report | None]) -> tuple[Report, Path] | None:
    """Ask for last year's draft and open it; None if cancelled or it cannot be read (already told)."""
    path = dialogs.open_file(parent, title, folder)
    if path is None:
        return None
    previous = load(path, "无法打开上年报告")
    return None if previous is None else (previous, path)


def ask_previous_report(dialogs: Dialogs, parent: QWidget | None, folder: Path, year: int,
                        load: Callable[[Path, str], Report | None]) -> tuple[Report, Path] | None:
    """Let the clerk pick last year's draft for the cross-year checks; None if cancelled or unusable."""
    chosen = pick_last_year_draft(dialogs, parent, folder, "选择上一年度的年报草稿（用于核对）", load)
    if chosen is None:
        return None
    previous, path = chosen
    if previous.year != year - 1 and not dialogs.confirm(
            parent, "年度不符", f"所选报告是{previous.year}年度的，不是上一年度（{year - 1}年）的。\n\n"
            "仍要用它核对吗？", yes="仍要使用", no="取消"):
        return None
    return previous, path
