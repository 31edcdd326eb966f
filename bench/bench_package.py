"""Package sizes and start-up time of the packaged program against a bare PySide6 window packaged alike.

Run after `installer/build.sh` (and `installer/build.sh bare`, which this script runs if needed):

    python bench/bench_package.py [--runs 5] [--skip-windows] [--record FILE]

Sizes: the Setup.exe, the folder Setup.exe installs (measured by installing it silently into a
fresh Wine prefix), the Windows and Linux one-folder programs and the Linux tarball.
Start-up: process start → first visible top-level window on an Xvfb server, watched from outside
(`xdotool search --onlyvisible`), so the packaged program needs no hook and both programs are
timed the same way in the same run: natively for the Linux builds, under Wine (real `windows`
platform) for the Windows builds. The first run of each is a warm-up and not counted; Wine's
server is kept running between runs, as Windows needs no such server.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
INSTALLER = ROOT / "installer"
CACHE = Path(os.environ.get("NIANBAO_BUILD_CACHE", Path.home() / ".cache" / "nianbao-build"))
PRODUCT = "年报助手"
BARE_TITLE = "bare-window"
TIMEOUT = 120.0
MB = 1024 * 1024
TARGET_INSTALLER_MB = 40
TARGET_FOLDER_MB = 110


def version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


# ----------------------------------------------------------------------------------- X server


class Xvfb:
    """A private X server for the whole run."""

    def __init__(self) -> None:
        read_fd, write_fd = os.pipe()  # Xvfb picks a free display and writes its number here
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ, DISPLAY=self.display)
        env.update(extra or {})
        return env

    def window_visible(self, title: str) -> bool:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", title],
                               env=self.env(), capture_output=True)
        return found.returncode == 0 and bool(found.stdout.strip())

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def time_to_window(x: Xvfb, command: list[str], title: str, env: dict[str, str]) -> float:
    """Seconds from starting `command` until a visible window titled `title` exists."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=x.env(env), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        while not x.window_visible(title):
            if proc.poll() is not None:
                raise RuntimeError(f"{command[-1]} exited with {proc.returncode} before showing a window")
            if time.perf_counter() - start > TIMEOUT:
                raise RuntimeError(f"{command[-1]} showed no window within {TIMEOUT:.0f} s")
            time.sleep(0.01)
        return time.perf_counter() - start
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)
        while x.window_visible(title):  # the next run must not see this run's window
            time.sleep(0.02)


def sample_pair(x: Xvfb, cases: dict[str, tuple[list[str], str]], env: dict[str, str],
                runs: int) -> dict[str, list[float]]:
    """Alternate the cases run by run, so load from elsewhere hits both alike."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for run in range(runs + 1):
        for name, (command, title) in cases.items():
            try:
                seconds = time_to_window(x, command, title, env)
            except RuntimeError as exc:  # Wine now and then hangs a start: say so, try once more
                print(f"retrying {name}: {exc}", file=sys.stderr)
                seconds = time_to_window(x, command, title, env)
            if run:  # run 0 warms the file cache (and Wine's server)
                times[name].append(seconds)
    return times


# --------------------------------------------------------------------------------------- Wine


def wine_prefix_with_install(setup: Path, scratch: Path) -> tuple[dict[str, str], Path]:
    """A fresh Wine prefix with Setup.exe installed silently; returns its env and the install folder."""
    prefix = scratch / "wine"
    env = dict(os.environ, WINEPREFIX=str(prefix), WINEARCH="win64", WINEDEBUG="-all",
               WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d;mscms=n")
    subprocess.run(["wineboot", "--init"], env=env, capture_output=True)
    subprocess.run(["wineserver", "-w"], env=env, capture_output=True)
    system32 = prefix / "drive_c" / "windows" / "system32"
    for name in ("icuuc", "mscms"):  # Wine-only helpers (see installer/wine-stubs), never installed
        subprocess.run(["x86_64-w64-mingw32-gcc", "-O2", "-shared", "-s", "-o",
                        str(system32 / f"{name}.dll"), str(INSTALLER / "wine-stubs" / f"{name}_stub.c")],
                       check=True)
    subprocess.run(["wine", str(setup), "/S"], env=env, stdin=subprocess.DEVNULL, capture_output=True)
    subprocess.run(["wineserver", "-w"], env=env)
    users = [p for p in (prefix / "drive_c" / "users").iterdir() if p.name != "Public"]
    installed = users[0] / "AppData" / "Local" / "Programs" / PRODUCT
    if not (installed / "nianbao.exe").is_file():
        raise RuntimeError(f"Setup.exe /S installed nothing into {installed}")
    return env, installed


# --------------------------------------------------------------------------------------- main


def ensure_bare_builds() -> None:
    if not (DIST / "bench" / "linux" / "bare" / "bare").is_file() or not (
            DIST / "bench" / "windows" / "bare" / "bare.exe").is_file():
        subprocess.run(["bash", str(INSTALLER / "build.sh"), "bare"], check=True)


def columns(text: str) -> int:
    """Terminal columns a text takes: each Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - columns(text))


def summary(times: list[float]) -> str:
    return f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-windows", action="store_true")
    parser.add_argument("--record", type=Path, help="also write the table (Markdown) to this file")
    args = parser.parse_args(argv)

    ver = version()
    setup = DIST / f"nianbao-{ver}-setup.exe"
    linux_dir = DIST / "linux" / "nianbao"
    windows_dir = DIST / "windows" / "nianbao"
    tarball = DIST / f"nianbao-{ver}-linux-x86_64.tar.gz"
    for needed in (linux_dir / "nianbao", tarball) + (() if args.skip_windows else (setup,)):
        if not needed.exists():
            print(f"missing {needed}: run installer/build.sh first", file=sys.stderr)
            return 2
    ensure_bare_builds()
    rows: list[tuple[str, str, str]] = []
    if not args.skip_windows:
        rows.append(("Setup.exe", f"{setup.stat().st_size / MB:.1f} MB",
                     f"≤ {TARGET_INSTALLER_MB} MB"))
        rows.append(("Windows one-folder (dist/windows/nianbao)",
                     f"{folder_size(windows_dir) / MB:.1f} MB", f"≤ {TARGET_FOLDER_MB} MB"))
    rows.append(("Linux one-folder (dist/linux/nianbao)", f"{folder_size(linux_dir) / MB:.1f} MB",
                 f"≤ {TARGET_FOLDER_MB} MB"))
    rows.append(("Linux tarball", f"{tarball.stat().st_size / MB:.1f} MB", ""))
    rows.append(("bare window, Linux one-folder",
                 f"{folder_size(DIST / 'bench' / 'linux' / 'bare') / MB:.1f} MB", ""))

    x = Xvfb()
    scratch = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    wine_env: dict[str, str] = {}
    try:
        home = scratch / "home"
        home.mkdir()
        linux_env = {"HOME": str(home), "QT_QPA_PLATFORM": "xcb"}
        linux = sample_pair(x, {
            "program": ([str(linux_dir / "nianbao")], PRODUCT),
            "bare": ([str(DIST / "bench" / "linux" / "bare" / "bare")], BARE_TITLE),
        }, linux_env, args.runs)
        rows.append(("start → first window, Linux: 年报助手", summary(linux["program"]), ""))
        rows.append(("start → first window, Linux: bare PySide6", summary(linux["bare"]), ""))
        if not args.skip_windows:
            env, installed = wine_prefix_with_install(setup, scratch)
            wine_env = env
            rows.insert(1, ("installed folder (Setup.exe /S, Wine)",
                            f"{folder_size(installed) / MB:.1f} MB", f"≤ {TARGET_FOLDER_MB} MB"))
            # Keep Wine's server up between runs (Windows has none to start); no output pipes held.
            subprocess.run(["wineserver", "-p"], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            wine = sample_pair(x, {
                "program": (["wine", str(installed / "nianbao.exe")], PRODUCT),
                "bare": (["wine", str(DIST / "bench" / "windows" / "bare" / "bare.exe")], BARE_TITLE),
            }, {k: env[k] for k in ("WINEPREFIX", "WINEARCH", "WINEDEBUG", "WINEDLLOVERRIDES")},
                args.runs)
            rows.append(("start → first window, Wine: 年报助手", summary(wine["program"]), ""))
            rows.append(("start → first window, Wine: bare PySide6", summary(wine["bare"]), ""))
    finally:
        if wine_env:
            subprocess.run(["wineserver", "-k"], env=wine_env, capture_output=True)
        x.close()
        shutil.rmtree(scratch, ignore_errors=True)

    width = max(columns(r[0]) for r in rows) + 2
    lines = [f"nianbao {ver} packaging bench ({args.runs} runs after a warm-up, same run)",
             pad("what", width) + pad("measured", 36) + "target"]
    lines += [pad(name, width) + pad(value, 36) + target for name, value, target in rows]
    print("\n".join(lines))
    if args.record:
        table = ["| what | measured | target |", "| --- | --- | --- |"]
        table += [f"| {name} | {value} | {target} |" for name, value, target in rows]
        args.record.write_text(lines[0] + "\n\n" + "\n".join(table) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
