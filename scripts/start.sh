#!/usr/bin/env bash
# Sets up (first run) and starts 年报助手; arguments are passed on (e.g. a .nianbao draft to open).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m ui "$@"
