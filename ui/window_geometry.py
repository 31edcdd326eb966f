"""Window sizes that fit the clerk's screen, and the main window's size remembered between runs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

from app.atomic_write import atomic_write_bytes

SCREEN_SHARE = 0.9  # a window never covers more than this share of the free screen area
# Below this free area (a 1366×768 laptop with its taskbar, or 1280×720) a window is more useful
# maximised than as a slightly smaller floating box.
SMALL_SCREEN = QSize(1280, 740)


@dataclass(frozen=True)
class Placement:
    """Where a window goes: its normal size and position, and whether it starts maximised."""

    rect: QRect
    maximized: bool


def screen_for(widget: QWidget | None) -> QScreen | None:
    """The screen a window is (or will be) shown on: its parent's, else the primary screen."""
    if widget is not None:
        window = widget.window()
        if window is not None and window.screen() is not None:
            return window.screen()
    return QGuiApplication.primaryScreen()


def fit_size(preferred: QSize, available: QSize, share: float = SCREEN_SHARE) -> QSize:
    """The preferred size, shrunk to `share` of the available size where it does not fit."""
    return QSize(min(preferred.width(), int(available.width() * share)),
                 min(preferred.height(), int(available.height() * share)))


def is_small(available: QSize) -> bool:
    return available.width() < SMALL_SCREEN.width() or available.height() < SMALL_SCREEN.height()


def placement(preferred: QSize, available: QRect, remembered: WindowState | None = None) -> Placement:
    """Centre a window of the preferred (or remembered) size within the screen's free area."""
    wanted = remembered.size if remembered is not None and remembered.size.isValid() else preferred
    size = fit_size(wanted, available.size())
    rect = QRect(0, 0, size.width(), size.height())
    rect.moveCenter(available.center())
    if remembered is not None:
        maximized = remembered.maximized
    else:
        maximized = is_small(available.size())
    return Placement(rect, maximized)


def place(widget: QWidget, preferred: QSize, parent: QWidget | None = None,
          remembered: WindowState | None = None) -> Placement | None:
    """Size and centre a top-level widget on its screen (before it is shown); None without a screen."""
    screen = screen_for(parent if parent is not None else widget)
    if screen is None:
        widget.resize(preferred)
        return None
    result = placement(preferred, screen.availableGeometry(), remembered)
    widget.resize(result.rect.size())
    widget.move(result.rect.topLeft())
    return result


# -- remembering the main window ----------------------------------------------------------------


@dataclass(frozen=True)
class WindowState:
    """The main window as it was last closed."""

    size: QSize
    maximized: bool


def load_state(path: Path) -> WindowState | None:
    """The remembered state, or None when nothing (usable) was saved."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        width, height = int(data["width"]), int(data["height"])
        maximized = bool(data.get("maximized", False))
    except (OSError, ValueError, TypeError, KeyError):
        return None  # missing or damaged: just use the default size
    if width < 200 or height < 200:
        return None
    return WindowState(QSize(width, height), maximized)


def save_state(path: Path, state: WindowState) -> None:
    data = {"width": state.size.width(), "height": state.size.height(),
            "maximized": state.maximized}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, (json.dumps(data) + "\n").encode("utf-8"))
    except OSError:
        pass  # a convenience only; never disturb the clerk over it
