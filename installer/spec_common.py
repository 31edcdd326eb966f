"""What the PyInstaller specs share: paths, excluded modules and the pruning of unused Qt files."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import PurePosixPath

from version_info import ROOT, project_version, write_version_info

__all__ = [
    "ROOT", "EXCLUDED_MODULES", "IS_WINDOWS", "limit_qt_plugins", "project_version", "prune",
    "write_version_info",
]

IS_WINDOWS = sys.platform == "win32"

# Python modules the program never imports; some would otherwise be pulled in by optional imports.
EXCLUDED_MODULES = [
    # Qt modules: only QtCore/QtGui/QtWidgets/QtPrintSupport/QtPdf(+Widgets) are used.
    "PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2", "PySide6.QtQuickTest", "PySide6.QtQmlFeatures",
    "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtSql", "PySide6.QtTest",
    "PySide6.QtXml", "PySide6.QtConcurrent", "PySide6.QtDBus", "PySide6.QtDesigner",
    "PySide6.QtHelp", "PySide6.QtUiTools", "PySide6.QtSvg", "PySide6.QtSvgWidgets",
    "PySide6.QtLabsStyleKit", "PySide6.QtMultimedia", "PySide6.QtMultimediaWidgets",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.Qt3DCore",
    "PySide6.QtCharts", "PySide6.QtAsyncio",
    # Standard library and third-party parts nothing here uses.
    "tkinter", "_tkinter", "unittest", "pydoc_data", "test", "lib2to3", "sqlite3", "xmlrpc",
    # No network: ssl and OpenSSL's hashes (hashlib falls back to its built-in md5/sha) save ~5 MB.
    "ssl", "_ssl", "_hashlib",
    "pytest", "hypothesis", "pypdf", "numpy",
    # reportlab needs Pillow's core, not its AVIF/WebP codecs (8 MB), colour management or Tk.
    "PIL._avif", "PIL.AvifImagePlugin", "PIL._webp", "PIL.WebPImagePlugin", "PIL._imagingcms",
    "PIL.ImageCms", "PIL._imagingtk", "PIL.ImageTk",
]

# Qt plugin folders kept, and within some of them the only plugins kept (by name, no prefix/suffix).
_PLUGIN_ALLOW: dict[str, set[str] | None] = {
    "platforms": {"qwindows", "qxcb", "qoffscreen"},  # Wayland sessions run xcb through XWayland
    # Portal file dialogs; not qgtk3: it would load the system's GTK against the bundled GLib.
    "platformthemes": {"qxdgdesktopportal"},
    "platforminputcontexts": None,  # ibus / fcitx: typing Chinese on Linux
    "imageformats": {"qico"},  # PNG is built into QtGui; ICO for the window icon
    "iconengines": None,  # SVG theme icons on Linux
    "styles": None,  # the Windows 11 style plugin
    "xcbglintegrations": None,
    "printsupport": None,  # CUPS printing on Linux
}

# Qt libraries only the dropped plugins or modules need (matched against the file name).
_DROPPED_LIBRARIES = re.compile(
    r"^(lib)?Qt6(Quick|Qml|Wayland|EglFS|EglFs|Designer|Help|Sql|Test|Labs|Lottie|OpenGLWidgets"
    r"|Multimedia|WebEngine|VirtualKeyboard|ShaderTools)[\w]*\.(dll|so\.6)$"
    r"|^opengl32sw\.dll$",  # Mesa's software OpenGL: the widgets draw with GDI/raster
    re.IGNORECASE,
)

_QT_TRANSLATIONS_KEPT = {"qtbase_zh_CN.qm", "qt_zh_CN.qm"}

# Linux: CUPS and what it links (TLS, Kerberos, Avahi; ~10 MB) come from the desktop itself, which
# has a printing system with a matching configuration; without one, Qt simply lists no printers.
_LINUX_SYSTEM_LIBRARIES = re.compile(
    r"^lib(cups|gnutls|p11-kit|unistring|tasn1|hogweed|nettle|idn2|avahi-\w+|krb5|krb5support"
    r"|gssapi_krb5|k5crypto|com_err|keyutils)\.so(\.\d+)*$"
)


def _qt_relative(dest: str) -> tuple[str, ...] | None:
    """The path below PySide6's Qt folder (Windows wheels have no `Qt/` level), or None."""
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if not parts or parts[0] != "PySide6":
        return None
    rest = parts[1:]
    return rest[1:] if rest[:1] == ("Qt",) else rest


def keep(dest: str) -> bool:
    """Whether a file PyInstaller collected (by its path in the bundle) belongs in the program."""
    rel = _qt_relative(dest)
    name = PurePosixPath(dest.replace("\\", "/")).name
    if _DROPPED_LIBRARIES.match(name) or _LINUX_SYSTEM_LIBRARIES.match(name):
        return False
    if rel is None:
        return True
    if rel[:1] == ("translations",):
        return name in _QT_TRANSLATIONS_KEPT
    if rel[:1] == ("plugins",) and len(rel) >= 3:
        folder = rel[1]
        if folder not in _PLUGIN_ALLOW:
            return False
        allowed = _PLUGIN_ALLOW[folder]
        stem = re.sub(r"^lib|\.(dll|so)$", "", name)
        return allowed is None or stem in allowed
    return True


def prune(toc: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Drop unused Qt plugins, libraries and translations from an Analysis TOC."""
    return [entry for entry in toc if keep(entry[0])]


def limit_qt_plugins() -> None:
    """Make PyInstaller's Qt hooks skip unwanted plugins, so their libraries are not pulled in either.

    Pruning the TOC afterwards (see `prune`) would leave behind the Qt libraries only those plugins
    link to (e.g. QtPdf for the PDF image-format plugin). Patches PyInstaller's pinned version; if
    its internals change, the plugins are still pruned afterwards, only less tightly.
    """
    try:
        from PyInstaller.utils.hooks.qt import QtLibraryInfo
    except ImportError:  # pragma: no cover - not running inside PyInstaller
        return
    original = QtLibraryInfo.collect_plugins
    if getattr(original, "_nianbao_limited", False):
        return

    def collect_plugins(self: object, plugin_type: str) -> list[tuple[str, str]]:
        found = original(self, plugin_type)
        return [(src, dst) for src, dst in found
                if keep(f"{dst}/{PurePosixPath(src.replace(chr(92), '/')).name}")]

    collect_plugins._nianbao_limited = True  # type: ignore[attr-defined]
    QtLibraryInfo.collect_plugins = collect_plugins  # type: ignore[method-assign]
