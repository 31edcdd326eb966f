"""Creates the QApplication: Fusion style, Qt's own texts in Chinese, and a font that draws Chinese."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication

from app.resources import fonts_dir, resources_dir

APP_NAME = "年报助手"
# System faces in order of preference: Windows, then the usual Linux (UOS/Kylin) CJK faces.
PREFERRED_FAMILIES = (
    "Microsoft YaHei UI", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "PingFang SC", "Noto Sans SC", "SimHei",
    "SimSun", "AR PL UMing CN", "Droid Sans Fallback",
)
MIN_POINT_SIZE = 10  # Windows' 9 pt default is small for long Chinese labels

# Translators must outlive the function that installed them.
_translators: list[QTranslator] = []
_chosen_family: list[str] = []


def _translation_dirs() -> list[Path]:
    dirs = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    try:
        import PySide6

        dirs.append(Path(PySide6.__file__).parent / "Qt" / "translations")
    except ImportError:  # pragma: no cover - PySide6 is what runs this
        pass
    dirs.append(resources_dir() / "translations")  # a frozen build may keep only zh_CN here
    return dirs


def install_translator(app: QApplication) -> bool:
    """Load Qt's Simplified Chinese texts (buttons of file dialogs, context menus …); True if found."""
    if _translators:
        return True
    for folder in _translation_dirs():
        translator = QTranslator(app)
        if translator.load("qtbase_zh_CN", str(folder)):
            app.installTranslator(translator)
            _translators.append(translator)
            return True
    return False


def _has_chinese(family: str) -> bool:
    return QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)


def choose_font_family() -> str | None:
    """A family that draws Chinese: a known system face, else a bundled one, else any CJK face."""
    if _chosen_family:
        return _chosen_family[0]
    families = set(QFontDatabase.families())
    chosen = next((f for f in PREFERRED_FAMILIES if f in families), None)
    if chosen is None:
        for path in sorted(fonts_dir().glob("*")) if fonts_dir().is_dir() else []:
            if path.suffix.lower() not in {".ttf", ".ttc", ".otf"}:
                continue
            font_id = QFontDatabase.addApplicationFont(str(path))
            loaded = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            chosen = next((f for f in loaded if _has_chinese(f)), None)
            if chosen:
                break
    if chosen is None:
        chosen = next((f for f in sorted(families) if _has_chinese(f)), None)
    if chosen:
        _chosen_family.append(chosen)
    return chosen


def configure_application(app: QApplication) -> None:
    """Style, translation and font; safe to call on an existing application (tests do)."""
    app.setApplicationName("nianbao")
    app.setStyle("Fusion")
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    install_translator(app)
    family = choose_font_family()
    font = QFont(app.font())
    if family:
        font.setFamilies([family])
    if font.pointSizeF() < MIN_POINT_SIZE:
        font.setPointSizeF(MIN_POINT_SIZE)
    app.setFont(font)


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The application object, configured before any widget exists."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        configure_application(existing)
        return existing
    # Fractional scaling (125 %, 150 %) as the system asks instead of rounding to 100 % / 200 %.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    configure_application(app)
    return app
