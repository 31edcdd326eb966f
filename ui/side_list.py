"""The side list of wizard pages, each entry marked with its state (no problems, warnings, errors)."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from app.problems import ERROR, WARNING

STATE_COLORS = {ERROR: "#c62828", WARNING: "#e09100", None: "#2e7d32"}
STATE_NAMES = {ERROR: "有错误", WARNING: "有提示", None: "未发现问题"}
ICON_SIZE = 18


def _paint_icon(severity: str | None, size: int) -> QPixmap:
    # Drawn, not loaded: crisp at any scale and nothing to ship. Shape differs per state, so the
    # state is readable without colour vision too (✓ circle, ! triangle, × circle).
    pixmap = QPixmap(size * 3, size * 3)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(3, 3)
    color = QColor(STATE_COLORS[severity])
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    s = float(size)
    if severity == WARNING:
        path = QPainterPath()
        path.moveTo(s / 2, 1)
        path.lineTo(s - 1, s - 2)
        path.lineTo(1, s - 2)
        path.closeSubpath()
        painter.drawPath(path)
    else:
        painter.drawEllipse(QRectF(1, 1, s - 2, s - 2))
    pen = QPen(QColor("white"), s / 8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
               Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    if severity == ERROR:
        painter.drawLine(QPointF(s * 0.33, s * 0.33), QPointF(s * 0.67, s * 0.67))
        painter.drawLine(QPointF(s * 0.67, s * 0.33), QPointF(s * 0.33, s * 0.67))
    elif severity == WARNING:
        painter.drawLine(QPointF(s / 2, s * 0.36), QPointF(s / 2, s * 0.6))
        painter.drawPoint(QPointF(s / 2, s * 0.74))
    else:
        painter.drawPolyline([QPointF(s * 0.3, s * 0.52), QPointF(s * 0.45, s * 0.66),
                              QPointF(s * 0.72, s * 0.36)])
    painter.end()
    pixmap.setDevicePixelRatio(3.0)
    return pixmap


@cache
def severity_icon(severity: str | None) -> QIcon:
    return QIcon(_paint_icon(severity, ICON_SIZE))


@cache
def neutral_icon() -> QIcon:
    pixmap = QPixmap(ICON_SIZE, ICON_SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    return QIcon(pixmap)


class SideList(QListWidget):
    """Page names in order; the current page is selected, clicking an entry asks to go there."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.setSpacing(2)
        self.setAccessibleName("页面列表")
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def set_pages(self, titles: list[str]) -> None:
        self.clear()
        for title in titles:
            item = QListWidgetItem(neutral_icon(), title)
            item.setSizeHint(QSize(0, int(self.fontMetrics().height() * 2.1)))
            self.addItem(item)
        width = max((self.fontMetrics().horizontalAdvance(t) for t in titles), default=100)
        self.setMinimumWidth(width + ICON_SIZE + 48)

    def set_state(self, row: int, severity: str | None, tooltip: str, show_icon: bool = True) -> None:
        item = self.item(row)
        if item is None:
            return
        item.setIcon(severity_icon(severity) if show_icon else neutral_icon())
        item.setData(Qt.ItemDataRole.UserRole, severity)
        item.setToolTip(f"{item.text()}：{tooltip}")
        font = QFont(self.font())
        font.setBold(severity == ERROR)
        item.setFont(font)

    def state(self, row: int) -> str | None:
        item = self.item(row)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None
