"""Small timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def sample(fn: Callable[[], object], runs: int, inner: int = 1) -> list[float]:
    """Seconds per call of `fn`, measured `runs` times over `inner` calls each."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - start) / inner)
    return times


def row(name: str, times: list[float], unit: str = "µs") -> tuple[str, float, float, str]:
    scale = {"µs": 1e6, "ms": 1e3, "s": 1.0}[unit]
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return name, statistics.median(times) * scale, p95 * scale, unit


def print_table(title: str, rows: list[tuple[str, float, float, str]]) -> None:
    print(title)
    width = max(len(r[0]) for r in rows) + 2
    print(f"{'case':<{width}}{'median':>12}{'p95':>12}  unit")
    for name, median, p95, unit in rows:
        print(f"{name:<{width}}{median:>12.1f}{p95:>12.1f}  {unit}")
