"""Runs slow work (exports) off the GUI thread and calls back on the GUI thread; call sites are one line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

# Relays of tasks still running; held here so Python does not collect them before they report back.
_pending: set[_Relay] = set()


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits `finished`, Qt queues it, `_deliver` runs here."""

    finished = Signal(object, object)  # result, exception (one of them is None)

    def __init__(self, on_success: Callable[[Any], None],
                 on_failure: Callable[[BaseException], None]) -> None:
        super().__init__()
        self._on_success = on_success
        self._on_failure = on_failure
        self.finished.connect(self._deliver)

    @Slot(object, object)
    def _deliver(self, result: Any, error: BaseException | None) -> None:
        _pending.discard(self)
        if error is None:
            self._on_success(result)
        else:
            self._on_failure(error)


class _Task(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # noqa: BLE001 - every failure must reach the user as a message
            self._relay.finished.emit(None, exc)
        else:
            self._relay.finished.emit(result, None)


def run_in_background(work: Callable[[], Any], on_success: Callable[[Any], None],
                      on_failure: Callable[[BaseException], None]) -> None:
    """Run `work()` on a worker thread; then `on_success(result)` or `on_failure(exc)` on the GUI thread."""
    relay = _Relay(on_success, on_failure)
    _pending.add(relay)
    QThreadPool.globalInstance().start(_Task(work, relay))


def busy() -> bool:
    """Whether background work is still running (used before quitting)."""
    return bool(_pending)


def wait_for_all(timeout_ms: int = 30_000) -> bool:
    """Block until running work has finished (at exit, so an export is never cut off half-written)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
