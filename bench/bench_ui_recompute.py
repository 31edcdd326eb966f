"""Time from a cell commit to the totals' dataChanged and the repainted table, against a bare model.

Run: QT_QPA_PLATFORM=offscreen python bench/bench_ui_recompute.py [edits]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

if sys.version_info < (3, 12):
    # PySide6 6.12 on Python 3.11 drops a reference to None (and True/False) on many calls;
    # a long benchmark would free them and abort. Python >= 3.12 makes them immortal itself.
    import ctypes

    for _obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(_obj)).value = 1 << 60

from PySide6.QtCore import QModelIndex  # noqa: E402
from PySide6.QtGui import QStandardItem, QStandardItemModel  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from app.report import Report  # noqa: E402
from app.template_loader import get_template  # noqa: E402
from ui.document import Document  # noqa: E402
from ui.table_view import ReportTableView  # noqa: E402

SIZE = (1100, 900)


def covers(top: QModelIndex, bottom: QModelIndex, index: QModelIndex) -> bool:
    return top.row() <= index.row() <= bottom.row() and top.column() <= index.column() <= bottom.column()


def measure(view: QTableView, edits: list[tuple[QModelIndex, str]], watched: QModelIndex,
            app: QApplication) -> tuple[list[float], list[float], list[float]]:
    """Per edit: µs to setData's return, to the watched cell's dataChanged, to a processed repaint."""
    model = view.model()
    seen: list[int] = []

    def on_changed(top: QModelIndex, bottom: QModelIndex, roles: list[int]) -> None:
        if not seen and covers(top, bottom, watched):
            seen.append(time.perf_counter_ns())

    model.dataChanged.connect(on_changed)
    commit, signal, painted = [], [], []
    for index, text in edits:
        seen.clear()
        start = time.perf_counter_ns()
        model.setData(index, text)
        returned = time.perf_counter_ns()
        view.viewport().update()
        app.processEvents()  # delivers the update request: the visible table is repainted
        done = time.perf_counter_ns()
        commit.append((returned - start) / 1000)
        signal.append(((seen[0] if seen else returned) - start) / 1000)
        painted.append((done - start) / 1000)
    model.dataChanged.disconnect(on_changed)
    return commit, signal, painted


def row(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{name:<44}{statistics.median(ordered):>10.0f}{p95:>10.0f}"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    app = QApplication.instance() or QApplication([])

    template = get_template("2021")
    document = Document(Report.blank(template, "某某镇人民政府", 2023))
    view = ReportTableView(document, "t3")
    view.resize(*SIZE)
    view.show()
    app.processEvents()
    model = view.model()
    inputs = [k for k in template.input_keys() if k[0] == "t3"]
    edits = [(model.index_of(inputs[i % len(inputs)]), str(i % 97 + 1)) for i in range(count)]
    total = model.index_of(("t3", "results_total", "total"))
    report_rows = measure(view, edits, total, app)

    grid = model.grid_layout
    bare = QStandardItemModel(grid.rows, grid.cols)
    for r in range(grid.rows):
        for c in range(grid.cols):
            bare.setItem(r, c, QStandardItem("0"))
    bare_view = QTableView()
    bare_view.setModel(bare)
    bare_view.resize(*SIZE)
    bare_view.show()
    app.processEvents()
    bare_edits = [(bare.index(e.row(), e.column()), t) for e, t in edits]
    bare_rows = [measure(bare_view, [e], e[0], app) for e in bare_edits]
    bare_commit, bare_signal, bare_painted = ([x for b in bare_rows for x in b[i]] for i in range(3))

    print(f"{count} edits of 表三 input cells, view {SIZE[0]}x{SIZE[1]}, offscreen; microseconds")
    print(f"{'':<44}{'median':>10}{'p95':>10}")
    print(row("report table: setData returned", report_rows[0]))
    print(row("report table: totals' dataChanged delivered", report_rows[1]))
    print(row("report table: repainted (processEvents)", report_rows[2]))
    print(row("bare QStandardItemModel: setData returned", bare_commit))
    print(row("bare QStandardItemModel: dataChanged", bare_signal))
    print(row("bare QStandardItemModel: repainted", bare_painted))


if __name__ == "__main__":
    main()
