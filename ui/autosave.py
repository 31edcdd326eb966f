"""Writes unsaved changes to a recovery file within seconds, and finds them again after a crash.

A recovery file is a normal draft in the program's data folder (never the user's own file) with a
sidecar JSON naming the user's file and the time. A `QLockFile` marks the session as alive, so a
second running instance never offers to “recover” the first one's work; the lock disappears with
the process, so after a crash or power cut the next start finds the files unlocked.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.atomic_write import atomic_write_bytes
from app.drafts import DRAFT_SUFFIX, DraftError, save_draft
from ui.dialogs import Dialogs
from ui.document import Document

DEFAULT_DELAY_MS = 2000


@dataclass
class Recovery:
    """Recovery files left by a session that ended without saving.

    Attributes:
        draft: the recovery draft.
        original: the user's file it belongs to, or None if it was never saved.
        previous: last year's report that was attached for checking, if any.
        saved_at: when the recovery file was written.
        title: the report title, to name it in the question.

    """

    draft: Path
    original: Path | None
    previous: Path | None
    saved_at: datetime | None
    title: str
    lock: QLockFile | None = field(default=None, repr=False)

    @property
    def session(self) -> str:
        return self.draft.stem

    def release(self) -> None:
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None

    def discard(self) -> None:
        """Delete the recovery files (after they were recovered or the clerk declined them)."""
        for path in _session_files(self.draft.parent, self.session):
            with contextlib.suppress(OSError):
                path.unlink()
        self.release()


def _session_files(folder: Path, session: str) -> list[Path]:
    return [folder / f"{session}{DRAFT_SUFFIX}", folder / f"{session}.json"]


def _lock_for(folder: Path, session: str) -> QLockFile:
    lock = QLockFile(str(folder / f"{session}.lock"))
    lock.setStaleLockTime(0)  # stale only when the owning process is gone, however old
    return lock


class Autosaver(QObject):
    """Saves a document's unsaved state to the recovery folder shortly after each change.

    Attributes:
        document: the document watched.
        draft_path / info_path: this session's recovery draft and sidecar.

    """

    saved = Signal()
    failed = Signal(str)  # a Chinese message for the status bar

    def __init__(self, document: Document, folder: Path, previous_path: Path | None = None,
                 delay_ms: int = DEFAULT_DELAY_MS, parent: QObject | None = None,
                 flush: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self._flush = flush  # pages hand over typing that is still waiting for its debounce
        self.previous_path = previous_path
        session = uuid.uuid4().hex
        self.draft_path = folder / f"{session}{DRAFT_SUFFIX}"
        self.info_path = folder / f"{session}.json"
        self._lock = _lock_for(folder, session)
        self._lock.tryLock(0)
        lock = self._lock
        # The lock goes with the window even if it is destroyed without being closed (as in a crash).
        self.destroyed.connect(lambda *_: lock.unlock())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.save_now)
        document.changed.connect(self._schedule)
        document.modifiedChanged.connect(self._on_modified)

    def _schedule(self) -> None:
        # Not restarted by later edits: the first unsaved change is on disk within `delay_ms`,
        # even while the clerk keeps typing.
        if not self._timer.isActive():
            self._timer.start()

    def _on_modified(self, modified: bool) -> None:
        if not modified:
            self._timer.stop()
            self.discard()

    def save_now(self) -> bool:
        """Write the recovery files now (or remove them if nothing is unsaved)."""
        self._timer.stop()
        if self._flush is not None:
            self._flush()
            self._timer.stop()  # the flush itself counts as a change; it is being saved now
        if not self.document.is_modified:
            self.discard()
            return True
        original = self.document.path
        info = {
            "original": str(original) if original else None,
            "previous": str(self.previous_path) if self.previous_path else None,
            "saved_at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "title": self.document.report.title,
            "pid": os.getpid(),
        }
        try:
            save_draft(self.document.report, self.draft_path, keep_backup=False)
            text = json.dumps(info, ensure_ascii=False, indent=2) + "\n"
            atomic_write_bytes(self.info_path, text.encode("utf-8"))
        except (DraftError, OSError) as exc:
            self.failed.emit(f"自动保存失败：{exc}")
            return False
        self.saved.emit()
        return True

    def discard(self) -> None:
        for path in (self.draft_path, self.info_path):
            with contextlib.suppress(OSError):
                path.unlink()

    def stop(self, keep_files: bool = False) -> None:
        """End the session: on a clean close the files go; the lock is released either way."""
        self._timer.stop()
        with contextlib.suppress(RuntimeError):  # the document may already be gone
            self.document.changed.disconnect(self._schedule)
            self.document.modifiedChanged.disconnect(self._on_modified)
        if not keep_files:
            self.discard()
        self._lock.unlock()


def _parse_time(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def find_recoveries(folder: Path) -> list[Recovery]:
    """Recovery files of sessions that are no longer running, newest first (each one locked for us)."""
    found: list[Recovery] = []
    for draft in sorted(folder.glob(f"*{DRAFT_SUFFIX}")):
        session = draft.stem
        lock = _lock_for(folder, session)
        if not lock.tryLock(0):
            continue  # another running instance owns it
        try:
            info = json.loads((folder / f"{session}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = {}  # the draft alone is still worth offering
        if not isinstance(info, dict):
            info = {}
        original, previous = info.get("original"), info.get("previous")
        saved_at = _parse_time(info.get("saved_at"))
        if saved_at is None:
            with contextlib.suppress(OSError):
                saved_at = datetime.fromtimestamp(draft.stat().st_mtime).astimezone()
        found.append(Recovery(
            draft=draft,
            original=Path(original) if isinstance(original, str) else None,
            previous=Path(previous) if isinstance(previous, str) else None,
            saved_at=saved_at,
            title=str(info.get("title") or ""),
            lock=lock,
        ))
    for stale in folder.glob("*.lock"):
        # A session that crashed before its first autosave leaves only its lock: tidy it away.
        if not (folder / f"{stale.stem}{DRAFT_SUFFIX}").exists():
            orphan = _lock_for(folder, stale.stem)
            if orphan.tryLock(0):
                orphan.unlock()
    found.sort(key=lambda r: r.saved_at.timestamp() if r.saved_at else 0.0, reverse=True)
    return found


def describe_time(when: datetime | None) -> str:
    """“2025年1月20日 09:41” for the recovery question."""
    if when is None:
        return "时间不详"
    return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}"


def offer_recoveries(recoveries: list[Recovery], dialogs: Dialogs, parent: QWidget | None,
                     recover: Callable[[Recovery], bool]) -> bool:
    """Ask about each recovery: 恢复 / 放弃这些修改 / 以后再说; True once one was recovered."""
    opened = False
    for recovery in recoveries:
        if opened:
            recovery.release()  # one report per window; the rest are offered next time
            continue
        original = str(recovery.original) if recovery.original else "（尚未保存过的新报告）"
        answer = dialogs.choose(
            parent, "恢复未保存的内容",
            f"上次使用时程序意外关闭，以下报告有未保存的修改：\n\n{recovery.title or '年度报告'}\n"
            f"文件：{original}\n自动保存于：{describe_time(recovery.saved_at)}\n\n"
            "恢复后请检查内容并保存。原文件在您保存之前不会被改动。",
            ["恢复", "放弃这些修改", "以后再说"])
        if answer == 0:
            opened = recover(recovery)
        elif answer == 1:
            recovery.discard()
        else:
            recovery.release()
    return opened
