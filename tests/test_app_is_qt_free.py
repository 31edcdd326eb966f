import re
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"


def test_no_module_in_app_imports_qt():
    offenders = []
    for path in APP.rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(r"\s*(from|import)\s+(PySide6|shiboken6|PyQt[56])\b", line):
                offenders.append(f"{path.name}: {line.strip()}")
    assert offenders == []


def test_importing_every_app_module_loads_no_qt():
    modules = sorted(f"app.{p.stem}" for p in APP.glob("*.py") if p.stem not in {"__main__"})
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=APP.parent)
    assert result.returncode == 0, result.stdout + result.stderr
