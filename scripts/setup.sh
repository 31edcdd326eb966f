#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu machine for 年报助手: system packages, a virtualenv, the program and its tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: a CJK font so Chinese never shows as boxes, the libraries Qt's xcb/offscreen
# platforms load, poppler (pdftotext/pdffonts, used by the tests) and Xvfb for screenshots.
PACKAGES=(
  python3-venv python3-pip fonts-wqy-microhei poppler-utils xvfb xauth
  libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
  libxcb-xinerama0 libxcb-randr0 libxcb-xkb1 libxcb-xfixes0 libxcb-sync1 libxrender1 libx11-xcb1
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "需要以 root 身份或通过 sudo 安装：${missing[*]}" >&2; exit 1; }
    SUDO=sudo
  fi
  echo "安装系统软件包：${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
