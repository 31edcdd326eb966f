"""Writes a file so that a crash, power cut or a locked file never leaves a half-written draft."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
import time
from pathlib import Path

# Windows error codes seen while antivirus, the search indexer or OneDrive holds a file briefly:
# 5 access denied, 32 sharing violation, 33 lock violation.
_TRANSIENT_WINERRORS = {5, 32, 33}
_RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0)


def _is_transient(exc: OSError) -> bool:
    return getattr(exc, "winerror", None) in _TRANSIENT_WINERRORS


def replace_with_retry(src: Path, dst: Path) -> None:
    """os.replace, retrying the transient Windows sharing violations for about three seconds."""
    for delay in (*_RETRY_DELAYS, None):
        try:
            os.replace(src, dst)
            return
        except OSError as exc:
            if delay is None or not _is_transient(exc):
                raise
            time.sleep(delay)


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":
        return  # directories cannot be opened for fsync on Windows; NTFS journals the rename
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, backup: Path | None = None) -> None:
    """Write `data` to `path` atomically; copy the previous version to `backup` first if given."""
    folder = path.parent
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if backup is not None and path.exists():
            _copy_backup(path, backup)
        replace_with_retry(tmp, path)
        _fsync_dir(folder)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _copy_backup(path: Path, backup: Path) -> None:
    """Keep the previous version; a backup that cannot be written must not stop the save itself."""
    backup_tmp = backup.parent / f".{backup.name}.{os.getpid()}.tmp"
    try:
        # copyfile + copystat rather than copy2: on Python 3.12+ for Windows copy2 calls
        # kernel32.CopyFile2, which Wine (used on some domestic Linux desktops) lacks.
        shutil.copyfile(path, backup_tmp)
        shutil.copystat(path, backup_tmp)
        replace_with_retry(backup_tmp, backup)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            backup_tmp.unlink()


def describe_os_error(exc: OSError, path: Path) -> str:
    """A Chinese sentence for why a file could not be written."""
    if isinstance(exc, PermissionError) or getattr(exc, "winerror", None) in _TRANSIENT_WINERRORS:
        return f"没有权限写入“{path}”，文件可能正被其他程序打开，或该文件夹不允许写入。"
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，无法保存“{path}”。"
    if exc.errno == errno.ENOENT:
        return f"文件夹“{path.parent}”不存在。"
    if exc.errno == errno.EROFS:
        return f"“{path.parent}”是只读位置，无法保存。"
    return f"无法保存“{path}”：{exc.strerror or exc}"
