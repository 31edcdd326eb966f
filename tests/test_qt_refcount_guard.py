import subprocess
import sys
from pathlib import Path

SCRIPT = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
{guard}
from PySide6.QtCore import QObject, QTimer
obj, timer = QObject(), QTimer()
for _ in range(30000):   # PySide6 6.12 on 3.11 loses a reference to None on each of these calls
    obj.setObjectName("x")
    timer.stop()
print("done")
"""


def run(guard: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SCRIPT.format(guard=guard)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent, timeout=120)


def test_many_qt_calls_then_a_clean_exit():
    result = run("import ui")
    assert result.returncode == 0, result.stderr[-500:]
    assert "done" in result.stdout
