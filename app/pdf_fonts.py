"""Finds the official Chinese document faces (仿宋, 黑体, 楷体, 宋体, 小标宋) or the bundled ones, once.

Every face is an embedded TrueType font (never a CID font that depends on the reader). Faces are
looked up by file name in the Windows font folders (system and per-user), the usual Linux font
folders (UOS/Kylin ship the CESI faces) and finally `resources/fonts/`. A character missing from a
role's face is drawn with the first other face that has it; only a character no face has is
reported. Fonts are parsed and registered with reportlab lazily and at most once per process.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.resources import fonts_dir

TITLE = "title"  # 2号 方正小标宋
BODY = "body"  # 3号 仿宋_GB2312
HEADING = "heading"  # 黑体 (一、)
KAI = "kai"  # 楷体 (（一）)
SONG = "song"  # 宋体 (page numbers, tables)
ROLES = (TITLE, BODY, HEADING, KAI, SONG)

ROLE_NAMES = {TITLE: "小标宋", BODY: "仿宋", HEADING: "黑体", KAI: "楷体", SONG: "宋体"}

BUNDLED_SERIF = "NianbaoSerifSC-Regular.ttf"
BUNDLED_HEI = "NianbaoHeiSC-Regular.ttf"

# (file name, collection index). Names are compared case-insensitively. Wider character sets first.
_CANDIDATES: dict[str, tuple[tuple[str, int], ...]] = {
    TITLE: (("方正小标宋简体.ttf", 0), ("fzxbsjw.ttf", 0), ("fzxbsk.ttf", 0), ("方正小标宋_gbk.ttf", 0),
            ("cesi_xbs_gb18030.ttf", 0), ("cesi_xbs_gb13000.ttf", 0), ("cesi_xbs_gb2312.ttf", 0),
            ("stzhongs.ttf", 0)),
    BODY: (("cesi_fs_gb18030.ttf", 0), ("cesi_fs_gb13000.ttf", 0), ("仿宋_gb2312.ttf", 0),
           ("fangsong_gb2312.ttf", 0), ("fs_gb2312.ttf", 0), ("cesi_fs_gb2312.ttf", 0),
           ("simfang.ttf", 0), ("stfangso.ttf", 0)),
    HEADING: (("simhei.ttf", 0), ("cesi_ht_gb18030.ttf", 0), ("cesi_ht_gb13000.ttf", 0),
              ("cesi_ht_gb2312.ttf", 0), ("方正黑体_gbk.ttf", 0), ("fzhtk.ttf", 0)),
    KAI: (("cesi_kt_gb18030.ttf", 0), ("cesi_kt_gb13000.ttf", 0), ("楷体_gb2312.ttf", 0),
          ("kaiti_gb2312.ttf", 0), ("simkai.ttf", 0), ("cesi_kt_gb2312.ttf", 0), ("stkaiti.ttf", 0)),
    SONG: (("simsun.ttc", 0), ("simsun.ttf", 0), ("cesi_ss_gb18030.ttf", 0),
           ("cesi_ss_gb13000.ttf", 0), ("cesi_ss_gb2312.ttf", 0), ("stsong.ttf", 0)),
}
# Faces that only fill gaps (rare characters) after every role face has been tried.
_GAP_FILLERS = (("simsunb.ttf", 0), ("wqy-microhei.ttc", 0), ("wqy-zenhei.ttc", 0),
                ("uming.ttc", 0), ("ukai.ttc", 0))
# When the official face is missing: which bundled file stands in, and whether to embolden it.
_BUNDLED_FOR = {TITLE: (BUNDLED_SERIF, True), BODY: (BUNDLED_SERIF, False),
                HEADING: (BUNDLED_HEI, False), KAI: (BUNDLED_SERIF, True), SONG: (BUNDLED_SERIF, False)}


class FontUnavailableError(Exception):
    """A font file that exists but cannot be used (PostScript outlines, damaged, not embeddable)."""


@dataclass(eq=False)
class Face:
    """One font file (or collection member) usable by reportlab.

    Attributes:
        path / index: the file and, for a .ttc collection, the member.
        fake_bold: draw with a thin outline stroke to stand in for a heavier face.
        bundled: shipped with the program (not the machine's own official face).

    """

    path: Path
    index: int = 0
    fake_bold: bool = False
    bundled: bool = False
    _name: str | None = field(default=None, repr=False)
    _cmap: frozenset[int] | None = field(default=None, repr=False)
    _failed: bool = field(default=False, repr=False)

    @property
    def label(self) -> str:
        return f"{self.path.name}" + (f"#{self.index}" if self.index else "")

    def load(self) -> str:
        """Register the font with reportlab (once) and return its reportlab name."""
        if self._name is not None:
            return self._name
        if self._failed:
            raise FontUnavailableError(self.label)
        name = _register(self.path, self.index)
        if name is None:
            self._failed = True
            raise FontUnavailableError(self.label)
        font = pdfmetrics.getFont(name)
        self._cmap = frozenset(font.face.charToGlyph)
        self._name = name
        return name

    def usable(self) -> bool:
        try:
            self.load()
        except FontUnavailableError:
            return False
        return True

    def has(self, ch: str) -> bool:
        return self.usable() and ord(ch) in (self._cmap or ())

    @property
    def name(self) -> str:
        return self.load()


_lock = threading.RLock()
_registered: dict[tuple[str, int], str | None] = {}


def _register(path: Path, index: int) -> str | None:
    """Parse and register a TrueType font once per process; None if reportlab cannot embed it."""
    key = (str(path), index)
    with _lock:
        if key in _registered:
            return _registered[key]
        name = f"NB{len(_registered)}-{path.stem}-{index}"  # unique even for equal file names
        try:
            font = TTFont(name, str(path), subfontIndex=index)
            if not font.face.charToGlyph:
                raise ValueError("no Unicode cmap")
            pdfmetrics.registerFont(font)
        except Exception:  # noqa: BLE001 - any unusable file just means "try the next candidate"
            _registered[key] = None
            return None
        _registered[key] = name
        return name


def system_font_dirs() -> list[Path]:
    """Folders where an office PC keeps its fonts (Windows system and per-user, Linux, macOS)."""
    dirs: list[Path] = []
    if sys.platform == "win32":
        windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows"
        dirs.append(Path(windir) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:  # fonts installed “for this user only” (Windows 10 1809+)
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    else:
        home = Path.home()
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".fonts",
                 home / ".local" / "share" / "fonts", Path("/Library/Fonts"),
                 home / "Library" / "Fonts"]
    return [d for d in dirs if d.is_dir()]


def _index_files(dirs: list[Path]) -> dict[str, Path]:
    """Lower-case file name → first path found (the folders are searched in order)."""
    found: dict[str, Path] = {}
    for folder in dirs:
        for root, _subdirs, files in os.walk(folder):
            for file in files:
                if file.lower().endswith((".ttf", ".ttc")):
                    found.setdefault(file.lower(), Path(root) / file)
    return found


@dataclass
class FontSet:
    """The face for each role plus the gap fillers, in the order they are tried.

    Attributes:
        faces: role → Face actually used.
        official: role → whether that face is the machine's official face (not a stand-in).
        fillers: further faces tried for characters the role's face lacks.

    """

    faces: dict[str, Face]
    official: dict[str, bool]
    fillers: tuple[Face, ...]
    _pick: dict[tuple[str, str], Face | None] = field(default_factory=dict, repr=False)

    def face(self, role: str) -> Face:
        return self.faces[role]

    def face_for(self, ch: str, role: str) -> Face | None:
        """The face that draws `ch` in `role`: the role's own, else the first that has it, else None."""
        key = (ch, role)
        if key in self._pick:
            return self._pick[key]
        chosen: Face | None = None
        if ch.isspace() or self.faces[role].has(ch):
            chosen = self.faces[role]
        else:
            seen = {id(self.faces[role])}
            for face in (*self.faces.values(), *self.fillers):
                if id(face) not in seen and face.has(ch):
                    chosen = face
                    break
                seen.add(id(face))
        with _lock:
            self._pick[key] = chosen
        return chosen

    def missing(self, text: str, role: str) -> list[str]:
        """Characters of `text` that no available face can draw (in order, each once)."""
        out: list[str] = []
        for ch in text:
            if ch not in out and self.face_for(ch, role) is None:
                out.append(ch)
        return out

    def stand_ins(self) -> list[str]:
        """Roles drawn with a stand-in face, by their Chinese face names (for a note to the user)."""
        return [ROLE_NAMES[r] for r in ROLES if not self.official[r] and r != TITLE]


def discover(dirs: list[Path]) -> FontSet:
    """Pick a face per role from font files under `dirs`, with the bundled fonts as stand-ins."""
    files = _index_files(dirs)
    faces: dict[str, Face] = {}
    official: dict[str, bool] = {}
    by_path: dict[tuple[str, int], Face] = {}

    def face_at(path: Path, index: int, fake_bold: bool = False, bundled: bool = False) -> Face:
        key = (str(path), index, fake_bold)
        cached = by_path.get(key[:2]) if not fake_bold else None
        if cached is not None:
            return cached
        face = Face(path, index, fake_bold, bundled)
        if not fake_bold:
            by_path[key[:2]] = face
        return face

    for role in ROLES:
        for file, index in _CANDIDATES[role]:
            path = files.get(file.lower())
            if path is not None and face_at(path, index).usable():
                faces[role], official[role] = face_at(path, index), True
                break
    if TITLE not in faces and SONG in faces:  # no 小标宋: 宋体 made bold is the usual substitute
        song = faces[SONG]
        faces[TITLE], official[TITLE] = Face(song.path, song.index, fake_bold=True), False
    bundled_dir = fonts_dir()
    for role in ROLES:
        if role not in faces:
            file, bold = _BUNDLED_FOR[role]
            faces[role] = face_at(bundled_dir / file, 0, fake_bold=bold, bundled=True)
            official[role] = False
    fillers = [face_at(files[f.lower()], i) for f, i in _GAP_FILLERS if f.lower() in files]
    fillers += [face_at(bundled_dir / BUNDLED_SERIF, 0, bundled=True),
                face_at(bundled_dir / BUNDLED_HEI, 0, bundled=True)]
    for role, face in faces.items():
        if not face.usable():  # a broken bundle is a packaging error, not a user problem
            raise FontUnavailableError(f"{ROLE_NAMES[role]}: {face.label}")
    return FontSet(faces, official, tuple(fillers))


_sets: dict[bool, FontSet] = {}


def font_set(search_system: bool = True) -> FontSet:
    """The fonts for PDF export, discovered and registered once per process.

    `search_system=False` uses only the bundled fonts (tests, and a reproducible fallback).
    """
    with _lock:
        found = _sets.get(search_system)
        if found is None:
            found = discover(system_font_dirs() if search_system else [])
            _sets[search_system] = found
        return found
