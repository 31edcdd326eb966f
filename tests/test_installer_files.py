"""The packaging files: version resource, Qt pruning, NSIS script, Linux menu entry and icon."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
sys.path.insert(0, str(INSTALLER))

import spec_common  # noqa: E402
import version_info  # noqa: E402

PROJECT_VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


# ------------------------------------------------------------------------ Windows version resource


class _Node:
    """Records the arguments of each VSVersionInfo constructor the text calls."""

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs


def _evaluate(text: str) -> _Node:
    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
             "VarFileInfo", "VarStruct")
    namespace = {n: type(n, (_Node,), {}) for n in names}
    return eval(text, {"__builtins__": {}}, namespace)  # noqa: S307 - our own generated text


def test_version_resource_names_the_product_and_the_package_version():
    info = _evaluate(version_info.version_info_text(version_info.project_version()))
    fixed = info.kwargs["ffi"].kwargs
    assert fixed["filevers"] == fixed["prodvers"] == version_info.version_tuple(PROJECT_VERSION)
    string_table = info.kwargs["kids"][0].args[0][0]
    lang, structs = string_table.args
    strings = {s.args[0]: s.args[1] for s in structs}
    assert lang == "080404b0"  # Simplified Chinese, Unicode
    assert strings["ProductName"] == "年报助手"
    assert strings["FileDescription"] == "年报助手"
    assert strings["ProductVersion"] == strings["FileVersion"] == PROJECT_VERSION
    assert strings["OriginalFilename"] == "nianbao.exe"
    assert info.kwargs["kids"][1].args[0][0].args == ("Translation", [0x0804, 1200])


@pytest.mark.parametrize(
    ("version", "numbers"),
    [("0.1.0", (0, 1, 0, 0)), ("1.2.3rc1", (1, 2, 3, 0)), ("2024.10", (2024, 10, 0, 0)),
     ("1.2.3.4.5", (1, 2, 3, 4))],
)
def test_version_numbers_for_windows(version, numbers):
    assert version_info.version_tuple(version) == numbers


@pytest.mark.parametrize("bad", ["", "latest", "1.70000.0"])
def test_version_that_windows_cannot_hold_is_refused(bad):
    with pytest.raises(ValueError):
        version_info.version_tuple(bad)


def test_version_file_is_written_as_utf8(tmp_path):
    path = version_info.write_version_info(tmp_path / "v.txt", "3.4.5")
    assert "StringStruct('ProductName', '年报助手')" in path.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------ Qt pruning


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        # Windows wheel layout
        ("PySide6/translations/qtbase_zh_CN.qm", True),
        ("PySide6/translations/qt_zh_CN.qm", True),
        ("PySide6/translations/qtbase_de.qm", False),
        ("PySide6/translations/qtdeclarative_zh_CN.qm", False),
        ("PySide6\\plugins\\platforms\\qwindows.dll", True),
        ("PySide6/plugins/platforms/qdirect2d.dll", False),
        ("PySide6/plugins/imageformats/qico.dll", True),
        ("PySide6/plugins/imageformats/qjpeg.dll", False),
        ("PySide6/plugins/imageformats/qpdf.dll", False),
        ("PySide6/plugins/tls/qschannelbackend.dll", False),
        ("PySide6/plugins/styles/qmodernwindowsstyle.dll", True),
        ("PySide6/opengl32sw.dll", False),
        ("PySide6/Qt6Quick.dll", False),
        ("PySide6/Qt6Core.dll", True),
        ("PySide6/Qt6Pdf.dll", True),
        # Linux wheel layout
        ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
        ("PySide6/Qt/translations/qtbase_fr.qm", False),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
        ("PySide6/Qt/lib/libQt6WaylandClient.so.6", False),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
        ("libcups.so.2", False),  # the desktop's own printing system
        ("libgnutls.so.30", False),
        ("libxcb-icccm.so.4", True),
        ("libpython3.11.so.1.0", True),
        # the program's own files
        ("resources/templates/2021.json", True),
        ("resources/fonts/NianbaoSerifSC-Regular.ttf", True),
        ("reportlab/fonts/hb-test.pfb", True),
    ],
)
def test_only_needed_qt_files_are_kept(dest, kept):
    assert spec_common.keep(dest) is kept


def test_prune_keeps_toc_order_and_entries():
    toc = [("PySide6/translations/qtbase_de.qm", "/x/de", "DATA"),
           ("resources/templates/2021.json", "/x/t", "DATA"),
           ("PySide6/translations/qtbase_zh_CN.qm", "/x/zh", "DATA")]
    assert spec_common.prune(toc) == [toc[1], toc[2]]


def test_unused_qt_modules_are_excluded_but_used_ones_are_not():
    excluded = set(spec_common.EXCLUDED_MODULES)
    assert {"PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick", "tkinter"} <= excluded
    used = {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtPrintSupport",
            "PySide6.QtPdf", "PySide6.QtPdfWidgets", "openpyxl", "reportlab", "PIL"}
    assert not used & excluded


def test_spec_bundles_the_resources_the_program_reads():
    spec = (INSTALLER / "nianbao.spec").read_text(encoding="utf-8")
    for sub in ("templates", "fonts", "icons"):
        assert (ROOT / "resources" / sub).is_dir()
        assert f'"{sub}"' in spec
    assert "console=False" in spec and "upx=False" in spec
    assert "exclude_binaries=True" in spec  # one-folder, not one-file


# ------------------------------------------------------------------------------------ NSIS script


NSI = (INSTALLER / "nianbao.nsi").read_text(encoding="utf-8")


def test_installer_is_per_user_chinese_and_64_bit():
    assert "RequestExecutionLevel user" in NSI
    assert "Target amd64-unicode" in NSI
    assert '!insertmacro MUI_LANGUAGE "SimpChinese"' in NSI
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${PRODUCT}"' in NSI
    assert "HKLM" not in NSI  # nothing that needs administrator rights


def test_uninstaller_removes_only_what_it_installed():
    uninstall = NSI[NSI.index('Section "Uninstall"'):]
    assert 'RMDir /r "$INSTDIR\\_internal"' in uninstall
    assert 'RMDir /r "$INSTDIR"' not in uninstall  # a folder the user chose may hold their files
    assert "Documents" not in uninstall and "$DOCUMENTS" not in uninstall


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis (Debian package nsis) not installed")
@pytest.mark.parametrize(("extra", "machine"), [([], 0x8664), (["-DX86_STUB"], 0x14C)])
def test_nsis_script_compiles_to_an_installer(tmp_path, extra, machine):
    program = tmp_path / "nianbao"
    (program / "_internal").mkdir(parents=True)
    (program / "nianbao.exe").write_bytes(b"MZ stand-in")
    (program / "_internal" / "base_library.zip").write_bytes(b"PK")
    out = tmp_path / "setup.exe"
    subprocess.run(
        ["makensis", "-INPUTCHARSET", "UTF8", "-V2", f"-DVERSION={PROJECT_VERSION}",
         f"-DVIVERSION={'.'.join(map(str, version_info.version_tuple(PROJECT_VERSION)))}",
         f"-DSRCDIR={program}", f"-DOUTFILE={out}",
         f"-DICON={ROOT / 'resources' / 'icons' / 'nianbao.ico'}", *extra, str(INSTALLER / "nianbao.nsi")],
        check=True, capture_output=True, timeout=120,
    )
    data = out.read_bytes()
    pe = int.from_bytes(data[0x3C:0x40], "little")
    assert data[pe:pe + 4] == b"PE\0\0"
    assert int.from_bytes(data[pe + 4:pe + 6], "little") == machine  # x86-64 unless asked for x86
    assert "年报助手".encode("utf-16-le") in data  # the Chinese version resource


# ------------------------------------------------------------------------------- Linux menu entry


def test_desktop_entry_and_mime_type_agree():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(INSTALLER / "linux" / "nianbao.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Name"] == "年报助手"
    assert desktop["Exec"].startswith("@EXEC@")
    assert desktop["Icon"] == "nianbao"
    mime = (INSTALLER / "linux" / "nianbao-mime.xml").read_text(encoding="utf-8")
    assert f'type="{desktop["MimeType"].rstrip(";")}"' in mime
    assert '<glob pattern="*.nianbao"/>' in mime


@pytest.mark.skipif(sys.platform == "win32", reason="installs onto a Linux desktop")
def test_linux_install_script_installs_and_uninstalls_per_user(tmp_path):
    program = tmp_path / "unpacked" / "nianbao"
    program.mkdir(parents=True)
    for name in ("nianbao.desktop", "nianbao-mime.xml", "install.sh"):
        shutil.copy(INSTALLER / "linux" / name, program / name)
    shutil.copy(ROOT / "resources" / "icons" / "nianbao.png", program / "nianbao.png")
    (program / "nianbao").write_text("#!/bin/sh\necho started\n")
    (program / "nianbao").chmod(0o755)
    home = tmp_path / "home"
    draft = home / "Documents" / "年报助手" / "乡镇2024.nianbao"
    draft.parent.mkdir(parents=True)
    draft.write_text("{}", encoding="utf-8")
    env = {"HOME": str(home), "PATH": os.environ["PATH"]}

    subprocess.run(["sh", str(program / "install.sh")], check=True, env=env, capture_output=True)
    target = home / ".local" / "opt" / "nianbao" / "nianbao"
    assert subprocess.run([str(target)], capture_output=True, text=True).stdout == "started\n"
    entry = (home / ".local/share/applications/nianbao.desktop").read_text(encoding="utf-8")
    assert f'Exec="{target}" %f' in entry
    assert (home / ".local/share/icons/hicolor/256x256/apps/nianbao.png").is_file()
    assert (home / ".local/share/mime/packages/nianbao.xml").is_file()

    subprocess.run(["sh", str(target.parent / "install.sh"), "--uninstall"], check=True, env=env,
                   capture_output=True)
    assert not target.parent.exists()
    assert not (home / ".local/share/applications/nianbao.desktop").exists()
    assert draft.read_text(encoding="utf-8") == "{}"  # drafts stay


# ---------------------------------------------------------------------------------------- icon


def test_icon_has_every_windows_size_and_a_png(tmp_path):
    ico = Image.open(ROOT / "resources" / "icons" / "nianbao.ico")
    assert {(n, n) for n in (16, 24, 32, 48, 256)} <= set(ico.info["sizes"])
    png = Image.open(ROOT / "resources" / "icons" / "nianbao.png")
    assert png.size == (256, 256) and png.mode == "RGBA"
    # corners are transparent, the middle is drawn
    assert png.getpixel((0, 0))[3] == 0 and png.getpixel((128, 128))[3] == 255


def test_icon_script_draws_the_same_icon(tmp_path):
    import make_icon

    assert make_icon.main(["--out", str(tmp_path)]) == 0
    drawn = Image.open(tmp_path / "nianbao.png").convert("RGBA")
    shipped = Image.open(ROOT / "resources" / "icons" / "nianbao.png").convert("RGBA")
    assert drawn.tobytes() == shipped.tobytes()


# ------------------------------------------------------------------------------------- scripts


@pytest.mark.skipif(shutil.which("bash") is None or sys.platform == "win32", reason="Linux build scripts")
@pytest.mark.parametrize("script", ["build.sh", "smoke.sh", "setup-build-deps.sh"])
def test_shell_scripts_parse(script):
    subprocess.run(["bash", "-n", str(INSTALLER / script)], check=True)

