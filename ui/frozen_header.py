"""The header rows of a report table, kept in view above its scrolling body like a frozen pane."""

from __future__ import annotations

import weakref

from PySide6.QtCore import QAbstractItemModel, QSize, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QFrame, QHeaderView, QTableView


class _HeaderRows(QTableView):
    """A read-only view of the first rows of the shared model; it never scrolls vertically."""

    def __init__(self, header: FrozenHeader) -> None:
        super().__init__(header)
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAutoScroll(False)
        self.setTabKeyNavigation(False)
        self.setWordWrap(True)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def wheelEvent(self, event: QWheelEvent) -> None:
        # The wheel over the header scrolls the table, as it would over Qt's own header.
        header = self.parentWidget()
        body = header.body() if isinstance(header, FrozenHeader) else None
        if body is not None:
            QApplication.sendEvent(body.verticalScrollBar(), event)


class FrozenHeader(QHeaderView):
    """The horizontal header of a report table view, showing the table's own header rows.

    The form's headers are merged cells several rows deep, which Qt's one-row header cannot draw.
    So this header hosts a second table view on the same model that shows only those rows, with
    the body's column widths and horizontal scrolling. Being the view's real header, Qt keeps it
    above the viewport: scrolling and `scrollTo` never put a cell underneath it.

    Attributes:
        body: the table view whose header this is (a weak reference: the view owns its header).
        header_rows: how many of the model's first rows are header rows.
        rows: the view drawing the header rows.

    """

    def __init__(self, body: QTableView, header_rows: int) -> None:
        super().__init__(Qt.Orientation.Horizontal, body)
        # Weak, as a Python cycle between Qt parent and child would leave their deletion to the
        # garbage collector.
        self.body = weakref.ref(body)
        self.header_rows = header_rows
        self._height = 0
        self.setSectionsClickable(False)
        self.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setMinimumSectionSize(1)
        self.rows = _HeaderRows(self)
        body.horizontalScrollBar().valueChanged.connect(self._follow)
        body.horizontalScrollBar().rangeChanged.connect(self._follow)

    def attach(self, model: QAbstractItemModel, spans: list[tuple[int, int, int, int]]) -> None:
        """Show the header rows of the body's model, merged as in the body."""
        self.rows.setModel(model)
        for row, col, rowspan, colspan in spans:
            if row < self.header_rows:
                self.rows.setSpan(row, col, rowspan, colspan)
        for row in range(self.header_rows, model.rowCount()):
            self.rows.setRowHidden(row, True)

    def fit(self, widths: list[int], heights: list[int]) -> None:
        """Take the body's column widths and the header rows' heights."""
        body = self.body()
        if body is not None:
            self.rows.setFont(body.font())
        for col, width in enumerate(widths):
            self.rows.setColumnWidth(col, width)
        for row, height in enumerate(heights[:self.header_rows]):
            self.rows.setRowHeight(row, height)
        height = sum(heights[:self.header_rows])
        if height != self._height:
            self._height = height
            self.updateGeometry()
        self._follow()

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.rows.setGeometry(self.rect())
        self._follow()

    def _follow(self, *_changed: int) -> None:
        body = self.body()
        if body is not None:
            self.rows.horizontalScrollBar().setValue(body.horizontalScrollBar().value())
