"""Builds the bundled fallback fonts in resources/fonts/ from Debian's font packages (run by hand).

Not part of the build: the produced .ttf files are committed. Re-run to reproduce them:

    apt-get install fonts-noto-cjk fonts-wqy-microhei
    pip install fonttools
    python tools/make_font.py            # writes resources/fonts/*.ttf

What it does, per font:
- picks the Simplified Chinese face out of the Debian collection (.ttc);
- subsets it to ASCII + Latin-1 + GB2312 + common CJK/full-width punctuation and symbols, dropping
  layout tables (GSUB/GPOS/...) and vertical metrics that a PDF export does not use;
- for Noto Serif CJK (CFF/PostScript outlines, which reportlab cannot embed) converts the cubic
  outlines to TrueType quadratic outlines with cu2qu and builds glyf/loca;
- renames the family (the OFL reserves names for modified versions; "Noto" is a trademark) and
  records in the name table what was done.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "resources" / "fonts"

NOTO_SERIF = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
WQY_MICROHEI = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

# Extra blocks beyond GB2312 that official text and tables use (punctuation, ①, Ⅰ, ℃, full-width forms).
EXTRA_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 (× ÷ ° · §)
    (0x2000, 0x206F),  # general punctuation (— … ‘ ’ “ ” ‰)
    (0x2100, 0x218F),  # letterlike symbols, number forms (℃ № Ⅰ Ⅱ)
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed alphanumerics (① ⑴ ⒈)
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes (□ ○ ● ◆)
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3200, 0x32FF),  # enclosed CJK (㈠)
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
)


def charset() -> set[int]:
    """Code points to keep: every GB2312 character plus the extra blocks."""
    points: set[int] = set()
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        try:
            chr(cp).encode("gb2312")
        except UnicodeEncodeError:
            continue
        points.add(cp)
    for lo, hi in EXTRA_RANGES:
        points.update(range(lo, hi + 1))
    return points


def pick_face(path: Path, family: str) -> TTFont:
    """The face of a collection whose family name is `family`."""
    for font in TTCollection(str(path)).fonts:
        if font["name"].getDebugName(1) == family:
            return font
    raise SystemExit(f"{family!r} not found in {path}")


def subset_font(font: TTFont, points: set[int]) -> None:
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "FFTM", "JSTF"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 13, 14, 16, 17]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=points)
    subsetter.subset(font)


def cff_to_glyf(font: TTFont, max_err: float = 1.0) -> None:
    """Replace CFF outlines by quadratic TrueType outlines (reportlab embeds only glyf fonts)."""
    order = font.getGlyphOrder()
    glyphset = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyphset[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    font.sfntVersion = "\x00\x01\x00\x00"
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and reportlab does not need them
    post.extraNames = []
    post.mapping = {}
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0


def rename(font: TTFont, family: str, postscript: str, note: str) -> None:
    name = font["name"]
    # Windows (Unicode) records only: Mac Roman records cannot hold Chinese and no reader needs them.
    name.names = [r for r in name.names if r.platformID == 3 and r.nameID not in (1, 3, 4, 6, 16, 17)]
    for name_id, text in ((1, family), (2, "Regular"), (3, f"{postscript};nianbao"),
                          (4, family), (6, postscript), (10, note)):
        name.setName(text, name_id, 3, 1, 0x409)


def build(source: Path, face: str, out: Path, family: str, postscript: str, note: str) -> None:
    font = pick_face(source, face)
    points = charset()
    subset_font(font, points)
    if "CFF " in font:
        cff_to_glyf(font)
    rename(font, family, postscript, note)
    font.recalcTimestamp = False  # keep the source's date: the same input gives the same bytes
    font.save(str(out))
    print(f"{out.name}: {out.stat().st_size / 1e6:.2f} MB, "
          f"{len(font.getBestCmap())} characters, {len(font.getGlyphOrder())} glyphs")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    build(NOTO_SERIF, "Noto Serif CJK SC", args.out / "NianbaoSerifSC-Regular.ttf",
          "Nianbao Serif SC", "NianbaoSerifSC-Regular",
          "Subset of Noto Serif CJK SC (GB2312 + punctuation), outlines converted to TrueType; "
          "made for the 年报助手 PDF export. Licensed under the SIL Open Font License 1.1.")
    build(WQY_MICROHEI, "WenQuanYi Micro Hei", args.out / "NianbaoHeiSC-Regular.ttf",
          "Nianbao Hei SC", "NianbaoHeiSC-Regular",
          "Subset of WenQuanYi Micro Hei 0.2.0-beta (GB2312 + punctuation), hinting and layout "
          "tables removed; made for the 年报助手 PDF export. Licensed under the Apache License 2.0.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
