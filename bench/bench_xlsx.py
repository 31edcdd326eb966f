"""Excel export and import time for a full report, against a bare openpyxl workbook of the same cells.

Run: .venv/bin/python bench/bench_xlsx.py [runs]   (prints medians in ms; same process)
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook, load_workbook  # noqa: E402

from app.export_xlsx import export_xlsx  # noqa: E402
from app.import_xlsx import import_xlsx  # noqa: E402
from app.numbers import CellKind  # noqa: E402
from app.report import Report  # noqa: E402
from app.template_loader import get_template  # noqa: E402

SEED = Path(__file__).resolve().parent.parent / "tests" / "data" / "seed-report-2021.txt"


def full_report() -> Report:
    template = get_template("2021")
    report = Report.blank(template, "哈图布呼镇人民政府", 2026)
    rnd = random.Random(7)
    for key in template.input_keys():
        kind = template.column(key).kind  # type: ignore[union-attr]
        report.set_value(key, Decimal(rnd.randint(0, 99_999)) / 100 if kind is CellKind.AMOUNT
                         else rnd.randint(0, 60))
    seed = SEED.read_text(encoding="utf-8") if SEED.exists() else "我镇深入贯彻落实条例。" * 80
    body = seed[seed.index("一、总体情况") + 7:seed.index("2、 主动公开")] if "2、 主动公开" in seed else seed
    report.texts.update(overview=body.strip(), problems=body.strip()[:600], other="本年度未收取信息处理费。")
    return report


def cells_of(path: Path) -> list[object]:
    wb = load_workbook(path)
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def bare(values: list[object], path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    for i, value in enumerate(values):
        ws.cell(row=i // 10 + 1, column=i % 10 + 1, value=value)
    wb.save(path)


def median_ms(func, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    report = full_report()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "report.xlsx"
        start = time.perf_counter()
        export_xlsx(report, out)
        first = (time.perf_counter() - start) * 1000
        values = cells_of(out)
        rows = [
            ("export_xlsx, first call (plans column widths)", first, 1),
            ("export_xlsx (widths cached)", median_ms(lambda: export_xlsx(report, out), runs), runs),
            (f"bare openpyxl, same {len(values)} cells, no styles",
             median_ms(lambda: bare(values, Path(folder) / "bare.xlsx"), runs), runs),
            ("import_xlsx of the export", median_ms(lambda: import_xlsx(out), runs), runs),
        ]
    width = max(len(r[0]) for r in rows)
    print(f"{'case'.ljust(width)}  {'ms':>8}  runs")
    for name, ms, n in rows:
        print(f"{name.ljust(width)}  {ms:8.1f}  {n}")


if __name__ == "__main__":
    main()
