"""Where drafts go by default (Documents/年报助手) and where the program keeps its own data."""

from __future__ import annotations

import os
import re
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from app.drafts import DRAFT_SUFFIX
from app.template_model import Template

# Folder name shown to the user inside Documents.
DOCUMENTS_FOLDER = "年报助手"
# Folder name for the program's own data (ASCII: some township PCs have odd code pages).
DATA_FOLDER = "nianbao"
# Tests, screenshots and benchmarks point these at temporary folders so they never touch real data.
DOCUMENTS_ENV = "NIANBAO_DOCUMENTS_DIR"
DATA_ENV = "NIANBAO_DATA_DIR"

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _standard(location: QStandardPaths.StandardLocation) -> Path | None:
    found = QStandardPaths.writableLocation(location)
    return Path(found) if found else None


def documents_dir() -> Path:
    """The default folder for drafts and exports (not created until something is saved there)."""
    override = os.environ.get(DOCUMENTS_ENV)
    if override:
        return Path(override)
    base = _standard(QStandardPaths.StandardLocation.DocumentsLocation) or Path.home()
    return base / DOCUMENTS_FOLDER


def data_dir() -> Path:
    """The program's private data folder (recovery files, settings); created on demand."""
    override = os.environ.get(DATA_ENV)
    if override:
        folder = Path(override)
    else:
        generic = _standard(QStandardPaths.StandardLocation.GenericDataLocation)
        folder = (generic or Path.home() / ".local" / "share") / DATA_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def recovery_dir() -> Path:
    folder = data_dir() / "recovery"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def settings_path() -> Path:
    return data_dir() / "settings.json"


def safe_file_name(name: str) -> str:
    """A file name Windows accepts: characters it forbids become “_”, no trailing dots or spaces."""
    cleaned = _UNSAFE.sub("_", name).strip().rstrip(". ")
    return cleaned or "未命名"


def default_draft_path(template: Template, organ: str, year: int, folder: Path | None = None) -> Path:
    """Documents/年报助手/<report title>.nianbao — the title comes from the format."""
    title = template.report_title(organ.strip(), year)
    return (folder or documents_dir()) / (safe_file_name(title) + DRAFT_SUFFIX)


def with_suffix(path: Path, suffix: str) -> Path:
    """Add the suffix unless the name already ends with it (case-insensitive)."""
    return path if path.name.lower().endswith(suffix.lower()) else path.with_name(path.name + suffix)
