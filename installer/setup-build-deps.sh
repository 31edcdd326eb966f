#!/usr/bin/env bash
# Installs the Debian packages the installer build and smoke test need (run as root; idempotent).
#
#   wine wine64          run the official Windows CPython + PyInstaller and the finished Setup.exe
#   nsis                 makensis, native on Linux, builds the 64-bit Setup.exe
#   gcc-mingw-w64-x86-64-win32   compiles the two stub DLLs that help *Wine* (never the bundle)
#   xvfb xauth           a real X server for the Windows program's first window
#   imagemagick xdotool  `import` takes the screenshot of a window; xdotool sees when it is up
#   fonts-wqy-microhei   a CJK font so Chinese renders under Xvfb/Wine
#   libxcb-*             Qt's xcb platform for the Linux program's first window
set -euo pipefail

PACKAGES=(
  wine wine64 nsis gcc-mingw-w64-x86-64-win32
  xvfb xauth imagemagick xdotool fonts-wqy-microhei
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-cursor0
  libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxkbcommon-x11-0 libegl1 libgl1
  unzip
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-build-deps: all packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "setup-build-deps: installing ${missing[*]}"
# A stale package list makes apt fetch versions that are gone; refresh once when installing.
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
