"""Remembers recently opened drafts and which last-year report each draft is checked against."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.atomic_write import atomic_write_bytes
from app.drafts import DraftError, load_draft
from app.report import Report

MAX_RECENT = 10


def _same(a: Path, b: Path) -> bool:
    # Windows paths differ in case and separators; compare them the way the file system does.
    return str(a.resolve()).casefold() == str(b.resolve()).casefold()


def load_quietly(path: Path | None) -> tuple[Report | None, Path | None]:
    """Last year's report remembered for a draft, or (None, None) if it is gone or changed since.

    Quietly: the clerk did not ask for it just now and can simply choose it again.
    """
    if path is None or not path.is_file():
        return None, None
    try:
        return load_draft(path), path
    except DraftError:
        return None, None


class RecentFiles:
    """A small JSON settings file in the program's data folder.

    Attributes:
        path: the settings file (created on the first change).

    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: dict[str, Any] = self._load()

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # a missing or damaged settings file just means “nothing remembered”
        return data if isinstance(data, dict) else {}

    def _save(self) -> None:
        text = json.dumps(self._data, ensure_ascii=False, indent=2) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(self.path, text.encode("utf-8"))
        except OSError:
            pass  # remembering recent files is a convenience; never disturb the clerk over it

    def paths(self) -> list[Path]:
        """Most recent first; files that no longer exist are kept (the start screen marks them)."""
        raw = self._data.get("recent", [])
        return [Path(p) for p in raw if isinstance(p, str)][:MAX_RECENT]

    def add(self, path: Path) -> None:
        kept = [p for p in self.paths() if not _same(p, path)]
        self._data["recent"] = [str(path.resolve())] + [str(p) for p in kept][: MAX_RECENT - 1]
        self._save()

    def remove(self, path: Path) -> None:
        self._data["recent"] = [str(p) for p in self.paths() if not _same(p, path)]
        self._save()

    def previous_for(self, draft: Path) -> Path | None:
        """The last-year report the clerk chose for checking this draft, if remembered."""
        mapping = self._data.get("previous_for", {})
        if not isinstance(mapping, dict):
            return None
        for draft_name, previous in mapping.items():
            if isinstance(previous, str) and _same(Path(draft_name), draft):
                return Path(previous)
        return None

    def set_previous_for(self, draft: Path, previous: Path | None) -> None:
        mapping = self._data.get("previous_for", {})
        mapping = {k: v for k, v in mapping.items() if not _same(Path(k), draft)} \
            if isinstance(mapping, dict) else {}
        if previous is not None:
            mapping[str(draft.resolve())] = str(previous.resolve())
        self._data["previous_for"] = mapping
        self._save()

    def last_folder(self) -> Path | None:
        folder = self._data.get("last_folder")
        return Path(folder) if isinstance(folder, str) and Path(folder).is_dir() else None

    def set_last_folder(self, folder: Path) -> None:
        self._data["last_folder"] = str(folder)
        self._save()
