"""Entry point of the desktop program: arguments, self-test, screenshots, then the main window."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

# Set by bench/bench_startup.py: print when the first window is on screen, then quit.
EXIT_AFTER_SHOWN_ENV = "NIANBAO_EXIT_AFTER_SHOWN"
SHOWN_MARK = "NIANBAO_SHOWN"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nianbao", description="年报助手：政府信息公开工作年度报告")
    parser.add_argument("file", nargs="?", type=Path, help="要打开的年报草稿（.nianbao）")
    parser.add_argument("--screenshots", metavar="DIR", type=Path,
                        help="把开始页和每一页的截图保存到此文件夹后退出")
    parser.add_argument("--self-test", action="store_true", help="运行自检后退出（不打开窗口）")
    return parser


def _self_test() -> int:
    try:
        selftest = importlib.import_module("app.selftest")
    except ImportError:
        print("此版本不包含自检功能。", file=sys.stderr)
        return 2
    return int(selftest.main())


def _report_when_shown(window: object) -> None:
    """For the startup benchmark: print the wall-clock time once the window has been exposed."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    class _Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Expose and not getattr(self, "done", False):
                self.done = True
                # The expose is handled (and the window painted) before this timer fires.
                QTimer.singleShot(0, lambda: (print(f"{SHOWN_MARK} {time.time():.6f}", flush=True),
                                              QApplication.quit()))
            return False

    watch = _Watch(QApplication.instance())
    handle = window.windowHandle()  # type: ignore[attr-defined]
    handle.installEventFilter(watch)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the program; returns the process exit code."""
    args = _parser().parse_args(list(argv) if argv is not None else sys.argv[1:])
    if args.self_test:
        return _self_test()  # no QApplication, no window: works on a machine without a display

    from PySide6.QtCore import QTimer

    from ui.app_setup import create_application

    app = create_application(sys.argv[:1])
    if args.screenshots is not None:
        from ui.screenshots import take_screenshots

        try:
            shots = take_screenshots(args.screenshots, args.file)
        except Exception as exc:  # noqa: BLE001 - report any failure as a message and exit code
            print(f"截图失败：{exc}", file=sys.stderr)
            return 1
        for shot in shots:
            print(shot)
        return 0

    from ui import workers
    from ui.main_window import MainWindow

    window = MainWindow()
    if os.environ.get(EXIT_AFTER_SHOWN_ENV):
        if args.file is not None:
            window.open_path(args.file)
        window.winId()  # create the native window now so the watch sees its very first expose
        _report_when_shown(window)
        window.show()
        return app.exec()
    window.show()

    def start() -> None:
        # After the window is on screen, so questions have a parent to centre on.
        if not window.offer_recovery() and args.file is not None:
            window.open_path(args.file)

    QTimer.singleShot(0, start)
    code = app.exec()
    workers.wait_for_all()  # an export still running finishes its file before the process ends
    return code
