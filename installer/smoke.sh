#!/usr/bin/env bash
# Smoke test of what installer/build.sh produced. Any failure → non-zero exit.
#
#   1. Linux: the one-folder program's --self-test; its first window under Xvfb (dist/smoke-linux.png)
#   2. Windows, in a FRESH Wine prefix: `Setup.exe /S`; shortcuts, file type and uninstall entry
#      present; the installed program's --self-test; its first window under Xvfb with the real
#      `windows` platform (dist/smoke-windows.png); `uninstall.exe /S` removes the program and
#      its registry entries but leaves a draft in Documents\年报助手 alone.
#
#   installer/smoke.sh [linux] [windows]      (default: both)
#
# Only the throw-away prefix gets the Wine helper DLLs (see installer/wine-stubs); the installed
# program is used as Setup.exe put it. Logs and screenshots are left in dist/smoke/.
set -Eeuo pipefail
trap 'echo "smoke.sh: stopped by a failing command at line $LINENO" >&2' ERR

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
INSTALLER="$ROOT/installer"
DIST="$ROOT/dist"
OUT="$DIST/smoke"
PYTHON=${NIANBAO_PYTHON:-python3}
WINDOW_WAIT=${NIANBAO_SMOKE_WINDOW_WAIT:-90}   # seconds to wait for a first window (Wine is slow)
SCREEN="-screen 0 1280x800x24"

VERSION=$("$PYTHON" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$ROOT/pyproject.toml")
SETUP="$DIST/nianbao-$VERSION-setup.exe"
PRODUCT="年报助手"

failures=0
log() { printf '\n==> %s\n' "$*" >&2; }
ok() { printf 'OK   %s\n' "$*"; }
fail() { printf 'FAIL %s\n' "$*"; failures=$((failures + 1)); }
need() { command -v "$1" >/dev/null 2>&1 || { echo "smoke.sh: missing '$1': run installer/setup-build-deps.sh" >&2; exit 2; }; }

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/nianbao-smoke.XXXXXX")
cleanup() {
  if [ -n "${WINEPREFIX:-}" ] && [ -d "$WINEPREFIX" ]; then wineserver -k >/dev/null 2>&1 || true; fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT
mkdir -p "$OUT"

# picture_has_content PNG: a screenshot of a real window is not one flat colour.
picture_has_content() {
  local colours
  colours=$(convert "$1" -format '%k' info: 2>/dev/null || echo 0)
  [ "${colours:-0}" -gt 50 ]
}

# wait_for_window NAME-REGEX SECONDS: wait until a visible X window whose title matches exists.
wait_for_window() {
  local pattern=$1 limit=$2 waited=0
  while [ "$waited" -lt $((limit * 10)) ]; do
    if xdotool search --onlyvisible --name "$pattern" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
    waited=$((waited + 1))
  done
  return 1
}

# ------------------------------------------------------------------------------------------ Linux

smoke_linux() {
  local program="$DIST/linux/nianbao/nianbao" tarball="$DIST/nianbao-$VERSION-linux-x86_64.tar.gz"
  log "Linux program"
  [ -x "$program" ] || { fail "Linux 程序不存在：$program（先运行 installer/build.sh linux）"; return; }
  local listing=""
  [ -f "$tarball" ] && listing=$(tar -tzf "$tarball")
  if grep -qx 'nianbao/nianbao.desktop' <<<"$listing" && grep -qx 'nianbao/nianbao' <<<"$listing"; then
    ok "Linux 压缩包含 nianbao.desktop：${tarball#"$ROOT"/}"
  else
    fail "Linux 压缩包缺失或不含 nianbao.desktop"
  fi
  local dir="$SCRATCH/linux-selftest"
  if NIANBAO_SELFTEST_DIR="$dir" "$program" --self-test </dev/null >"$OUT/linux-selftest.out" 2>&1; then
    ok "Linux 自检通过"
  else
    fail "Linux 自检失败（$OUT/linux-selftest.out）"
    sed 's/^/     /' "$OUT/linux-selftest.out"
  fi
  [ -f "$dir/selftest.log" ] && cp "$dir/selftest.log" "$OUT/linux-selftest.log"

  need xvfb-run; need xdotool; need import
  local shot="$DIST/smoke-linux.png"
  rm -f "$shot"
  HOME="$SCRATCH/linux-home" QT_QPA_PLATFORM=xcb xvfb-run -a -s "$SCREEN" bash -c '
    mkdir -p "$HOME"
    "$1" >"$3/linux-window.out" 2>&1 &
    pid=$!
    for _ in $(seq 1 $(( $4 * 10 ))); do
      xdotool search --onlyvisible --name "$5" >/dev/null 2>&1 && break
      kill -0 $pid 2>/dev/null || exit 3
      sleep 0.1
    done
    xdotool search --onlyvisible --name "$5" >/dev/null 2>&1 || { kill $pid; exit 4; }
    sleep 2  # let it paint
    import -window root "$2"
    kill -0 $pid 2>/dev/null || exit 5
    kill $pid; wait $pid 2>/dev/null || true
  ' _ "$program" "$shot" "$OUT" "$WINDOW_WAIT" "$PRODUCT" && rc=0 || rc=$?
  if [ "$rc" -eq 0 ] && [ -f "$shot" ] && picture_has_content "$shot"; then
    ok "Linux 程序窗口已显示：${shot#"$ROOT"/}"
  else
    fail "Linux 程序窗口没有显示（代码 $rc，$OUT/linux-window.out）"
  fi
}

# ---------------------------------------------------------------------------------------- Windows

reg_value() {  # reg_value KEY VALUE → data of a registry value in the current prefix, or nothing
  { wine reg query "$1" /v "$2" 2>/dev/null || true; } | tr -d '\r' \
    | awk -v v="$2" '$1 == v {sub(/^ *[^ ]+ +[^ ]+ +/, ""); print; exit}'
}

smoke_windows() {
  log "Windows installer in a fresh Wine prefix"
  [ -f "$SETUP" ] || { fail "安装程序不存在：$SETUP（先运行 installer/build.sh）"; return; }
  need wine; need xvfb-run; need xdotool; need import; need x86_64-w64-mingw32-gcc

  export WINEPREFIX="$SCRATCH/wine" WINEARCH=win64 WINEDEBUG=${WINEDEBUG:--all}
  # No Mono/Gecko prompts, no menu entries on the host, and the stub mscms.dll (native) for Qt.
  export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d;mscms=n"
  mkdir -p "$WINEPREFIX"
  wineboot --init >/dev/null 2>&1 || true
  wineserver -w
  # Test environment only: Wine 8 lacks the ICU (icuuc.dll) and colour-management exports Qt uses.
  local stubs="$SCRATCH/stubs"
  mkdir -p "$stubs"
  x86_64-w64-mingw32-gcc -O2 -shared -s -o "$stubs/icuuc.dll" "$INSTALLER/wine-stubs/icuuc_stub.c"
  x86_64-w64-mingw32-gcc -O2 -shared -s -o "$stubs/mscms.dll" "$INSTALLER/wine-stubs/mscms_stub.c"
  cp "$stubs/icuuc.dll" "$stubs/mscms.dll" "$WINEPREFIX/drive_c/windows/system32/"

  if wine "$SETUP" /S </dev/null 2>&1 | cat; then wineserver -w; fi
  local appdata user_dir installed exe
  user_dir=$(find "$WINEPREFIX/drive_c/users" -mindepth 1 -maxdepth 1 -type d ! -name Public | head -1)
  installed="$user_dir/AppData/Local/Programs/$PRODUCT"
  exe="$installed/nianbao.exe"
  if [ -f "$exe" ] && [ -d "$installed/_internal" ] && [ -f "$installed/uninstall.exe" ]; then
    ok "静默安装到 %LOCALAPPDATA%\\Programs\\$PRODUCT（$(du -sh "$installed" | cut -f1)）"
  else
    fail "Setup.exe /S 没有把程序装到 $installed"
    return
  fi
  appdata="$user_dir/AppData/Roaming"
  if [ -f "$appdata/Microsoft/Windows/Start Menu/Programs/$PRODUCT.lnk" ]; then
    ok "开始菜单快捷方式 $PRODUCT.lnk"
  else
    fail "开始菜单中没有 $PRODUCT.lnk"
  fi
  if [ -f "$user_dir/Desktop/$PRODUCT.lnk" ]; then
    ok "桌面快捷方式 $PRODUCT.lnk"
  else
    fail "桌面上没有 $PRODUCT.lnk"
  fi
  local progid command uninstall
  progid=$({ wine reg query 'HKCU\Software\Classes\.nianbao' /ve 2>/dev/null || true; } | tr -d '\r' \
    | awk '$2 ~ /^REG_SZ$/ {print $3; exit}')
  command=$({ wine reg query "HKCU\\Software\\Classes\\$progid\\shell\\open\\command" /ve 2>/dev/null || true; } \
    | tr -d '\r' | grep -i 'nianbao.exe' || true)
  if [ "$progid" = "Nianbao.Draft" ] && [ -n "$command" ]; then
    ok ".nianbao 文件类型（HKCU）由 nianbao.exe 打开"
  else
    fail ".nianbao 文件类型未注册（progid='$progid'）"
  fi
  uninstall=$(reg_value 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Nianbao' 'UninstallString')
  if [ -n "$uninstall" ]; then ok "“应用和功能”中的卸载项：$uninstall"; else fail "没有登记卸载项（HKCU Uninstall）"; fi

  # The installed program's own self-test (Qt-free; the log file is the record, stdout may be lost).
  local dir="$SCRATCH/windows-selftest"
  mkdir -p "$dir"
  local rc=0
  # Wine hands a program whose output is redirected to a file an invalid handle: pipe it instead.
  NIANBAO_SELFTEST_DIR=$(winepath -w "$dir") wine "$exe" --self-test </dev/null 2>&1 \
    | cat >"$OUT/windows-selftest.out" || rc=$?
  wineserver -w
  [ -f "$dir/selftest.log" ] && cp "$dir/selftest.log" "$OUT/windows-selftest.log"
  if [ "$rc" -eq 0 ] && grep -q '自检全部通过' "$dir/selftest.log" 2>/dev/null; then
    ok "Windows 安装版自检通过"
  else
    fail "Windows 安装版自检失败（代码 $rc，$OUT/windows-selftest.log）"
    sed 's/^/     /' "$dir/selftest.log" 2>/dev/null || true
    # A log that stops mid-way means the process died: Wine says why on its own output.
    grep -v '^\s*$' "$OUT/windows-selftest.out" | tail -n 5 | sed 's/^/     /' || true
  fi

  # First window with the real `windows` platform, on an X server.
  local shot="$DIST/smoke-windows.png"
  rm -f "$shot"
  rc=0
  xvfb-run -a -s "$SCREEN" bash -c '
    wine "$1" </dev/null 2>&1 | cat >"$3/windows-window.out" &
    pid=$!
    for _ in $(seq 1 $(( $4 * 10 ))); do
      xdotool search --onlyvisible --name "$5" >/dev/null 2>&1 && break
      kill -0 $pid 2>/dev/null || exit 3
      sleep 0.1
    done
    xdotool search --onlyvisible --name "$5" >/dev/null 2>&1 || { wineserver -k; exit 4; }
    sleep 3  # let it paint
    import -window root "$2"
    kill -0 $pid 2>/dev/null || exit 5
    wineserver -k; wait $pid 2>/dev/null || true
  ' _ "$exe" "$shot" "$OUT" "$WINDOW_WAIT" "$PRODUCT" || rc=$?
  if [ "$rc" -eq 0 ] && [ -f "$shot" ] && picture_has_content "$shot"; then
    ok "Windows 程序窗口已显示：${shot#"$ROOT"/}"
  else
    fail "Windows 程序窗口没有显示（代码 $rc，$OUT/windows-window.out）"
  fi
  wineserver -w || true

  # Uninstall: the program goes, the user's drafts stay.
  local documents="$user_dir/Documents/$PRODUCT" draft
  mkdir -p "$documents"
  draft="$documents/用户草稿.nianbao"
  echo '{"draft": "must survive the uninstaller"}' >"$draft"
  wine "$installed/uninstall.exe" /S </dev/null 2>&1 | cat || true
  wineserver -w
  for _ in $(seq 1 50); do [ -e "$exe" ] || break; sleep 0.2; done  # the uninstaller re-runs from %TEMP%
  if [ ! -e "$exe" ] && [ ! -e "$installed/_internal" ] \
     && [ ! -e "$appdata/Microsoft/Windows/Start Menu/Programs/$PRODUCT.lnk" ] \
     && [ -z "$(reg_value 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Nianbao' 'UninstallString')" ]; then
    ok "uninstall.exe /S 删除了程序、快捷方式和卸载项"
  else
    fail "卸载后仍有程序文件、快捷方式或卸载项"
  fi
  if [ -f "$draft" ]; then ok "卸载后用户草稿仍在（文档\\$PRODUCT）"; else fail "卸载删除了用户草稿"; fi
  if wine reg query 'HKCU\Software\Classes\Nianbao.Draft' >/dev/null 2>&1; then
    fail "卸载后 .nianbao 文件类型仍指向程序"
  else
    ok "卸载后 .nianbao 文件类型已注销"
  fi
}

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(linux windows)
for stage in "${stages[@]}"; do
  start=$(date +%s)
  case "$stage" in
    linux) smoke_linux ;;
    windows) smoke_windows ;;
    *) echo "smoke.sh: unknown stage '$stage' (linux, windows)" >&2; exit 2 ;;
  esac
  log "$stage smoke test done in $(( $(date +%s) - start )) s"
done

if [ "$failures" -gt 0 ]; then
  echo "smoke.sh: $failures check(s) failed" >&2
  exit 1
fi
echo "smoke.sh: all checks passed"
