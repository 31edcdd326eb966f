#!/usr/bin/env bash
# Sets up (first run) and runs the whole test suite headless; arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
.venv/bin/python -m ruff check app ui tests bench
.venv/bin/python -m mypy   # type-checks app/ (settings in pyproject.toml)
exec .venv/bin/python -m pytest "$@"
