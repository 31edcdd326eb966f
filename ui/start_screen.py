"""The start screen: 新建年报, 打开草稿, 继承上年报告 and the recently opened drafts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from ui.pages.base import MUTED_COLOR

ACTIONS = (
    ("new", "新建年报", "填写机关名称和年度，按官方格式开始一份新的年度报告"),
    ("open", "打开草稿", "继续填写已保存的年报草稿（.nianbao 文件）"),
    ("carry", "继承上年报告", "选择上一年度的草稿，带入基本信息和结转数据，开始本年度报告"),
)


class StartScreen(QWidget):
    """Big buttons for the three ways to begin, and the recent drafts (missing ones marked).

    Attributes:
        buttons: the action buttons by id ("new", "open", "carry").
        recent_list: recently opened drafts; activating one emits `recentChosen`.

    """

    actionChosen = Signal(str)  # noqa: N815 - "new", "open" or "carry"
    recentChosen = Signal(Path)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startScreen")
        title = QLabel("年报助手")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        title.setFont(font)
        subtitle = QLabel("政府信息公开工作年度报告　填写 · 检查 · 保存 · 打印 · 发布")
        subtitle.setStyleSheet(f"color: {MUTED_COLOR};")

        self.buttons: dict[str, QPushButton] = {}
        actions = QVBoxLayout()
        actions.setSpacing(10)
        for action_id, text, description in ACTIONS:
            button = QPushButton(f"{text}\n{description}")
            button.setObjectName(f"start_{action_id}")
            button.setAccessibleName(text)
            button.setStyleSheet("QPushButton { text-align: left; padding: 10px 14px; }")
            button.setMinimumHeight(button.fontMetrics().height() * 3 + 16)
            button.setIcon(self.style().standardIcon(_ICONS[action_id]))
            button.setIconSize(QSize(28, 28))
            button.clicked.connect(lambda _c=False, a=action_id: self.actionChosen.emit(a))
            self.buttons[action_id] = button
            actions.addWidget(button)
        actions.addStretch(1)

        recent_title = QLabel("最近打开的草稿")
        bold = QFont(recent_title.font())
        bold.setBold(True)
        recent_title.setFont(bold)
        self.recent_list = QListWidget()
        self.recent_list.setObjectName("recentList")
        self.recent_list.setAccessibleName("最近打开的草稿")
        # One click opens (as on a web page), Enter too; `itemActivated` covers both, once.
        self.recent_list.setStyleSheet("QListWidget { activate-on-singleclick: 1; }")
        self.recent_list.itemActivated.connect(self._chosen)
        self.recent_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.recent_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recent_list.setSpacing(3)
        self.empty_label = QLabel("还没有打开过草稿。")
        self.empty_label.setStyleSheet(f"color: {MUTED_COLOR};")
        # In place of the list: right under the heading, taking the list's height.
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.empty_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        recent = QVBoxLayout()
        recent.addWidget(recent_title)
        recent.addWidget(self.recent_list, 1)
        recent.addWidget(self.empty_label, 1)

        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addLayout(actions, 2)
        columns.addLayout(recent, 3)
        panel = QFrame()
        panel.setObjectName("startPanel")
        panel.setMaximumWidth(1000)
        panel_layout = QVBoxLayout(panel)
        panel_layout.setSpacing(12)
        panel_layout.addWidget(title)
        panel_layout.addWidget(subtitle)
        panel_layout.addSpacing(12)
        panel_layout.addLayout(columns, 1)
        version = QLabel(f"版本 {__version__}　所有数据只保存在本机，不需要联网。")
        version.setStyleSheet(f"color: {MUTED_COLOR};")
        panel_layout.addWidget(version)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(32, 32, 32, 32)
        outer.addStretch(1)
        outer.addWidget(panel, 10)
        outer.addStretch(1)

    def set_recent(self, paths: list[Path]) -> None:
        self.recent_list.clear()
        for path in paths:
            exists = path.is_file()
            # The state starts the second line, so a narrow window never cuts it off.
            text = f"{path.stem}\n{'' if exists else '（文件已不存在）'}{path.parent}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path) if exists else f"找不到此文件：{path}")
            if not exists:
                item.setForeground(self.palette().color(self.palette().ColorRole.PlaceholderText))
            self.recent_list.addItem(item)
        self.recent_list.setVisible(bool(paths))
        self.empty_label.setVisible(not paths)

    def _chosen(self, item: QListWidgetItem) -> None:
        self.recentChosen.emit(Path(item.data(Qt.ItemDataRole.UserRole)))


_ICONS = {
    "new": QStyle.StandardPixmap.SP_FileIcon,
    "open": QStyle.StandardPixmap.SP_DialogOpenButton,
    "carry": QStyle.StandardPixmap.SP_FileDialogContentsView,
}
