#!/bin/sh
# Installs 年报助手 for the current user (no root needed): program, menu entry, icon, .nianbao type.
#   sh install.sh              install or update
#   sh install.sh --uninstall  remove the program; drafts in your documents folder stay
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
TARGET=$HOME/.local/opt/nianbao
DESKTOP_FILE=$DATA/applications/nianbao.desktop
ICON_FILE=$DATA/icons/hicolor/256x256/apps/nianbao.png
MIME_FILE=$DATA/mime/packages/nianbao.xml

refresh() {
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$DATA/applications" || true
  command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$DATA/mime" >/dev/null 2>&1 || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$TARGET"
  rm -f "$DESKTOP_FILE" "$ICON_FILE" "$MIME_FILE" "$HOME/Desktop/nianbao.desktop"
  refresh
  echo "年报助手已卸载（草稿文件未删除）"
  exit 0
fi

if [ ! -x "$HERE/nianbao" ]; then
  echo "找不到程序文件 $HERE/nianbao，请在解压后的 nianbao 文件夹中运行本脚本" >&2
  exit 1
fi

mkdir -p "$(dirname "$TARGET")" "$(dirname "$DESKTOP_FILE")" "$(dirname "$ICON_FILE")" "$(dirname "$MIME_FILE")"
if [ "$HERE" != "$TARGET" ]; then
  rm -rf "$TARGET.new"
  cp -a "$HERE" "$TARGET.new"
  rm -rf "$TARGET"
  mv "$TARGET.new" "$TARGET"
fi
cp "$HERE/nianbao.png" "$ICON_FILE"
cp "$HERE/nianbao-mime.xml" "$MIME_FILE"
sed "s|@EXEC@|\"$TARGET/nianbao\"|" "$HERE/nianbao.desktop" > "$DESKTOP_FILE"
chmod 644 "$DESKTOP_FILE"
if [ -d "$HOME/Desktop" ]; then
  cp "$DESKTOP_FILE" "$HOME/Desktop/nianbao.desktop"
  chmod 755 "$HOME/Desktop/nianbao.desktop"
fi
refresh
echo "年报助手已安装到 $TARGET，可从应用菜单启动"
