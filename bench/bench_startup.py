"""Start-up time: process start → first window on screen, for 年报助手 and a bare PySide6 window.

Each case runs in a fresh subprocess that prints the wall-clock time once its window has been
exposed (ui.main honours NIANBAO_EXIT_AFTER_SHOWN) and exits. The bare window is started the same
way in the same run, so the difference is what the program itself costs.

    python bench/bench_startup.py [--runs 7] [--platform offscreen|xcb]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ui.main import EXIT_AFTER_SHOWN_ENV, SHOWN_MARK  # noqa: E402

BARE = f"""
import time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
window = QLabel("空白窗口")
window.resize(1200, 800)
window.winId()
class Watch(QObject):
    done = False
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Expose and not self.done:
            self.done = True
            QTimer.singleShot(0, lambda: (print("{SHOWN_MARK}", f"{{time.time():.6f}}", flush=True),
                                          app.quit()))
        return False
watch = Watch()
window.windowHandle().installEventFilter(watch)
window.show()
app.exec()
"""


def _example_draft(folder: Path) -> Path:
    from app.drafts import save_draft
    from ui.screenshots import example_report

    path = folder / "示例.nianbao"
    save_draft(example_report(), path)
    return path


def measure(command: list[str], env: dict[str, str]) -> float:
    """Seconds from just before the process is started until it reports its first exposed window."""
    start = time.time()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    for line in done.stdout.splitlines():
        if line.startswith(SHOWN_MARK):
            return float(line.split()[1]) - start
    raise RuntimeError(f"no start-up mark from {command}:\n{done.stdout}\n{done.stderr}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--platform", default=os.environ.get(
        "QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM=args.platform, NIANBAO_DATA_DIR=str(Path(tmp) / "data"),
                   NIANBAO_DOCUMENTS_DIR=str(Path(tmp) / "docs"), PYTHONDONTWRITEBYTECODE="1")
        app_env = dict(env, **{EXIT_AFTER_SHOWN_ENV: "1"})
        draft = _example_draft(Path(tmp))
        cases = [
            ("bare PySide6 window", [sys.executable, "-c", BARE], env),
            ("nianbao start screen", [sys.executable, "-m", "ui"], app_env),
            ("nianbao draft -> first page", [sys.executable, "-m", "ui", str(draft)], app_env),
        ]
        for _name, command, case_env in cases:  # warm the file cache; not counted
            measure(command, case_env)
        results: dict[str, list[float]] = {name: [] for name, _c, _e in cases}
        for _ in range(args.runs):
            for name, command, case_env in cases:  # interleaved so drift hits every case alike
                results[name].append(measure(command, case_env))
    bare = statistics.median(results[cases[0][0]])
    print(f"platform {args.platform}, {args.runs} runs each, Python {sys.version.split()[0]}")
    print(f"{'case':<30}{'median ms':>10}{'min ms':>9}{'max ms':>9}{'vs bare':>10}")
    for name, times in results.items():
        median = statistics.median(times)
        print(f"{name:<30}{median * 1000:>10.0f}{min(times) * 1000:>9.0f}{max(times) * 1000:>9.0f}"
              f"{(median - bare) * 1000:>+9.0f}ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
