"""PDF export time for a full report against a bare reportlab document of the same size, same run.

Run:  python bench/bench_pdf.py [--runs N] [--system-fonts]

The bare document uses the same embedded TrueType font, the same body text as reportlab
Paragraphs and plain-string Tables with the same number of cells as the report's three tables:
the difference is what our typesetting (禁则 line breaking, per-character fonts, merged headers,
table splitting) costs on top of reportlab itself.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def full_report():
    from app.drafts import load_draft
    from app.report import Report
    from app.template_loader import get_template

    template = get_template("2021")
    report = Report.blank(template, "哈图布呼镇人民政府", 2021)
    report.meta["publish_date"] = "2022-01-20"
    for n, key in enumerate(template.input_keys()):
        amount = template.column(key).kind.is_amount
        report.set_value(key, Decimal("12.5") if amount else n + 1)
    seed = load_draft(ROOT / "tests" / "data" / "seed-2021-hatubuhu.nianbao")
    report.texts.update(seed.texts)
    return report


def bare_document(report, font_name: str) -> bytes:
    """reportlab alone: same font, same paragraphs, tables with the same number of cells."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    from app.layout import table_grid

    body = ParagraphStyle("body", fontName=font_name, fontSize=16, leading=29,
                          firstLineIndent=32, wordWrap="CJK")
    story = [Paragraph(escape(report.title), body)]
    for section in report.template.sections:
        story.append(Paragraph(escape(section.heading), body))
        if section.kind == "table":
            grid = table_grid(report.template.table(section.table))
            n = len(grid.cells)
            cols = grid.cols
            data = [[str(i + j) for j in range(cols)] for i in range(0, n, cols)]
            story.append(Table(data, style=[("FONTNAME", (0, 0), (-1, -1), font_name),
                                            ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
        else:
            for paragraph in report.texts.get(section.id, "").splitlines():
                if paragraph.strip():
                    story.append(Paragraph(escape(paragraph), body))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm,
                      topMargin=37 * mm, bottomMargin=35 * mm,
                      initialFontName=font_name).build(story)
    return out.getvalue()


def timed(func, runs: int) -> tuple[float, float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--system-fonts", action="store_true",
                        help="search the machine's font folders too (default: bundled fonts only)")
    args = parser.parse_args()

    import app.export_pdf  # noqa: F401 - import cost is not part of what is measured
    from app.pdf_fonts import BODY, font_set

    start = time.perf_counter()
    fonts = font_set(search_system=args.system_fonts)
    registration_ms = (time.perf_counter() - start) * 1000

    from app.export_pdf import build_pdf, export_pdf
    from app.layout import table_grid

    report = full_report()
    cells = sum(len(table_grid(t).cells) for t in report.template.tables.values())
    font_name = fonts.face(BODY).name
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "report.pdf"
        export_pdf(report, target, fonts)  # warm-up: first use of glyph widths and subsets
        bare_document(report, font_name)
        rows = [
            ("export_pdf (full report, to file)", timed(lambda: export_pdf(report, target, fonts),
                                                        args.runs)),
            ("build_pdf (in memory)", timed(lambda: build_pdf(report, fonts), args.runs)),
            ("bare reportlab, same font and cells", timed(lambda: bare_document(report, font_name),
                                                          args.runs)),
        ]
        size_kb = target.stat().st_size / 1024
    faces = sorted({f.label for f in fonts.faces.values()})
    print(f"fonts: {', '.join(faces)}; table cells: {cells}; PDF size: {size_kb:.0f} KB")
    print(f"one-time font discovery + registration: {registration_ms:.0f} ms")
    print(f"{'what':40} {'median ms':>10} {'min':>8} {'max':>8}   (runs: {args.runs})")
    for name, (median, low, high) in rows:
        print(f"{name:40} {median:10.1f} {low:8.1f} {high:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
