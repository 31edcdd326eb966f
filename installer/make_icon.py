"""Draws the 年报助手 icon (a report sheet with a table and a check mark) as PNG and multi-size ICO."""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
CANVAS = 1024  # drawn large, then scaled down so small sizes stay smooth

RED = (183, 28, 28, 255)  # the red of official headers
RED_DARK = (140, 18, 18, 255)
PAPER = (255, 255, 255, 255)
FOLD = (224, 224, 224, 255)
LINE = (150, 160, 172, 255)
HEADER = (198, 40, 40, 255)
GREEN = (46, 125, 50, 255)


def draw_icon(size: int = CANVAS) -> Image.Image:
    """Return the icon as an RGBA image of the given square size."""
    s = CANVAS / 1024
    img = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        return (round(x0 * s), round(y0 * s), round(x1 * s), round(y1 * s))

    # Background tile with a darker lower edge for a little depth.
    d.rounded_rectangle(box(48, 64, 976, 992), radius=round(180 * s), fill=RED_DARK)
    d.rounded_rectangle(box(48, 32, 976, 960), radius=round(180 * s), fill=RED)

    # The report sheet with a folded corner.
    left, top, right, bottom, fold = 250, 150, 774, 860, 140
    d.polygon(
        [(left * s, top * s), ((right - fold) * s, top * s), (right * s, (top + fold) * s),
         (right * s, bottom * s), (left * s, bottom * s)],
        fill=PAPER,
    )
    d.polygon(
        [((right - fold) * s, top * s), ((right - fold) * s, (top + fold) * s),
         (right * s, (top + fold) * s)],
        fill=FOLD,
    )

    # Title bar and table rows: the statistics tables of the annual report.
    d.rounded_rectangle(box(310, 230, 590, 290), radius=round(20 * s), fill=HEADER)
    for i in range(5):
        y = 360 + i * 85
        d.rounded_rectangle(box(310, y, 714, y + 36), radius=round(14 * s), fill=LINE)

    # A check mark in a green disc: the report has been checked.
    d.ellipse(box(560, 600, 900, 940), fill=PAPER)
    d.ellipse(box(580, 620, 880, 920), fill=GREEN)
    d.line(
        [(640 * s, 775 * s), (712 * s, 845 * s), (830 * s, 700 * s)],
        fill=PAPER, width=round(52 * s), joint="curve",
    )
    return img if size == CANVAS else img.resize((size, size), Image.LANCZOS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "icons")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    big = draw_icon()
    big.resize((256, 256), Image.LANCZOS).save(args.out / "nianbao.png", optimize=True)
    # Each ICO size is resampled from the large drawing, not from the 256 px one.
    frames = [big.resize((n, n), Image.LANCZOS) for n in ICO_SIZES]
    frames[-1].save(args.out / "nianbao.ico", format="ICO", sizes=[(n, n) for n in ICO_SIZES],
                    append_images=frames[:-1])
    print(f"wrote {args.out / 'nianbao.png'} and {args.out / 'nianbao.ico'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
