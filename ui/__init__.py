"""年报助手's Qt user interface (PySide6): it shows and edits; every rule and total lives in app/."""

import sys


def _keep_singletons_alive() -> None:
    """Work around PySide6 6.12 on Python 3.11 dropping a reference to None/True/False on many calls.

    Measured here: every void method call (QObject.setObjectName, QTimer.stop, …) lowers
    sys.getrefcount(None) by one, so a long session — or the test suite — ends in
    "Fatal Python error: none_dealloc". Python 3.12 made these objects immortal; on 3.11 we give them
    a reference count so large that the leak can never reach zero. Nothing else changes.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import ctypes

    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value = 1 << 60


_keep_singletons_alive()
