"""打印预览 and 打印: the exported PDF's own pages rendered into the printer (same pages, same breaks).

The report is exported with `app.export_pdf` to a temporary file and its pages are rasterised by
QtPdf at the printer's resolution (capped to keep memory bounded), so what is previewed and
printed is exactly the PDF that is published. The preview is rasterised at the resolution the
page has on screen at the current zoom (re-rendered when the zoom changes): an image shrunk on
screen loses thin strokes and table lines. Every modal dialog goes through `PrintServices`,
which tests replace.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QPageLayout, QPageSize, QPaintEngine, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import (
    QAbstractPrintDialog,
    QPrintDialog,
    QPrinter,
    QPrintPreviewDialog,
    QPrintPreviewWidget,
)
from PySide6.QtWidgets import QDialog, QGraphicsView, QWidget

from app.export_pdf import CANNOT_DRAW, PdfExportError, export_pdf
from app.report import Report
from ui.window_geometry import place

if TYPE_CHECKING:
    from ui.dialogs import Dialogs

PRINT_DPI_MAX = 600  # a 600 dpi A4 page is ~140 MB as an image: enough for text, and bounded
PREVIEW_DPI_MAX = 300  # the preview is looked at on screen: up to ~300 % zoom stays sharp
PREVIEW_DPI_MIN = 36
PREVIEW_DPI_DEFAULT = 200  # when the zoom is not known
PREVIEW_SIZE = QSize(900, 1000)
RERENDER_CHANGE = 0.1  # re-render the preview when the zoom moved the resolution by 10 %

Paint = Callable[..., None]  # paint(printer, dpi=None): draw the pages, at `dpi` if given


class SharpPreview(QObject):
    """Keeps a print preview's page images at the resolution they have on screen.

    QPrintPreviewWidget records the pages once and scales the recording to the zoom; a page
    image scaled down that way drops strokes. So the pages are drawn at the on-screen resolution
    and drawn again when the zoom (or the fitted width) changes.
    """

    def __init__(self, widget: QPrintPreviewWidget) -> None:
        super().__init__(widget)
        self.widget = widget
        self.rendered_dpi: float | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)  # after the zoom change is complete, once
        self._timer.timeout.connect(widget.updatePreview)
        # Zooming (toolbar, combo box, Ctrl+wheel, fitting on resize) does not always emit
        # previewChanged, but it always repaints the page view: check the resolution there.
        view = widget.findChild(QGraphicsView)
        (view.viewport() if view is not None else widget).installEventFilter(self)
        widget.previewChanged.connect(self._changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._changed()
        return False

    def dpi(self) -> float:
        """The resolution of a page on screen at the current zoom, in device pixels per inch."""
        widget = self.widget
        dpi = widget.zoomFactor() * widget.logicalDpiY() * widget.devicePixelRatioF()
        return max(PREVIEW_DPI_MIN, min(PREVIEW_DPI_MAX, dpi))

    def paint(self, paint: Paint, printer: QPrinter) -> None:
        self.rendered_dpi = self.dpi()
        paint(printer, self.rendered_dpi)

    def _changed(self) -> None:
        rendered = self.rendered_dpi
        if rendered is not None and abs(self.dpi() - rendered) > rendered * RERENDER_CHANGE \
                and not self._timer.isActive():
            self._timer.start()


class PrintError(Exception):
    """Printing could not start; str() is a Chinese sentence for the clerk."""


class PrintServices:
    """The dialogs of printing (tests pass a fake that never opens a window).

    Messages go through the program's `ui.dialogs.Dialogs` (pass the window's own instance so a
    scripted one in tests is used too).
    """

    def __init__(self, dialogs: Dialogs | None = None) -> None:
        self._dialogs = dialogs

    def preview(self, parent: QWidget | None, printer: QPrinter, paint: Paint) -> None:
        dialog = QPrintPreviewDialog(printer, parent)
        dialog.setWindowTitle("打印预览")
        widget = dialog.findChild(QPrintPreviewWidget)
        if widget is not None:
            sharp = SharpPreview(widget)
            dialog.paintRequested.connect(lambda target: sharp.paint(paint, target))
        else:  # not expected with Qt's own dialog; still show the pages
            dialog.paintRequested.connect(paint)
        placed = place(dialog, PREVIEW_SIZE, parent)
        if placed is not None and placed.maximized:
            dialog.setWindowState(dialog.windowState() | Qt.WindowState.WindowMaximized)
        try:
            dialog.exec()
        finally:
            # Deleted now, not later: the dialog refers to `printer`, which the caller frees on return.
            shiboken6.delete(dialog)

    def choose_printer(self, parent: QWidget | None, printer: QPrinter, pages: int) -> bool:
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle("打印")
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setMinMax(1, pages)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            shiboken6.delete(dialog)  # before `printer` goes, as above

    def _messages(self) -> Dialogs:
        if self._dialogs is None:
            from ui.dialogs import Dialogs  # imported late: ui.dialogs loads this module on demand

            self._dialogs = Dialogs()
        return self._dialogs

    def error(self, parent: QWidget | None, text: str) -> None:
        self._messages().error(parent, "无法打印", text)

    def notes(self, parent: QWidget | None, notes: list[str]) -> None:
        self._messages().warning(parent, "打印提示", "\n".join(f"• {n}" for n in notes))


def new_printer(report: Report) -> QPrinter:
    """A printer set up for the report: A4 portrait, the whole sheet (the PDF has its own margins)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setDocName(report.title)
    return printer


def pages_to_print(printer: QPrinter, count: int) -> list[int]:
    """0-based page indexes in printing order, honouring the page range, order and copies chosen."""
    first, last = 1, count
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = max(1, printer.fromPage()), min(count, printer.toPage() or count)
    pages = list(range(first - 1, last))
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        pages.reverse()
    # the driver makes the copies when it can; otherwise we repeat the pages ourselves
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    if printer.collateCopies():
        return pages * copies
    return [p for p in pages for _ in range(copies)]


def _is_preview(printer: QPrinter) -> bool:
    # while QPrintPreviewDialog asks for pages, the printer paints into a recording (Picture) engine
    engine = printer.paintEngine()
    return engine is not None and engine.type() == QPaintEngine.Type.Picture


def render_into(document: QPdfDocument, printer: QPrinter, max_dpi: float | None = None) -> int:
    """Draw the document's pages onto the printer, one image per page; returns pages drawn.

    Each page image has `min(printer resolution, max_dpi)` pixels per inch; the default cap is
    `PRINT_DPI_MAX`, or `PREVIEW_DPI_DEFAULT` while a preview records the pages.
    """
    if max_dpi is None:
        max_dpi = PREVIEW_DPI_DEFAULT if _is_preview(printer) else PRINT_DPI_MAX
    pages = pages_to_print(printer, document.pageCount())
    if not pages:
        return 0
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("无法开始打印：打印机不可用或输出文件无法写入。")
    # An image with fewer pixels than the device (capped, or a preview) is scaled when drawn:
    # filtered, so thin strokes and table lines stay visible instead of being skipped.
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    try:
        device_dpi = printer.resolution()
        dpi = min(device_dpi, max_dpi)
        paper = printer.paperRect(QPrinter.Unit.DevicePixel)
        for n, index in enumerate(pages):
            if n:
                printer.newPage()
            points = document.pagePointSize(index)
            image = document.render(index, QSize(round(points.width() / 72 * dpi),
                                                 round(points.height() / 72 * dpi)))
            # the page at its true size on the sheet, scaled down only if the paper is smaller
            width, height = points.width() / 72 * device_dpi, points.height() / 72 * device_dpi
            scale = min(1.0, paper.width() / width, paper.height() / height)
            painter.drawImage(QRectF(0, 0, width * scale, height * scale), image)
    finally:
        painter.end()
    return len(pages)


@contextmanager
def exported(parent: QWidget | None, report: Report,
             services: PrintServices) -> Iterator[QPdfDocument | None]:
    """Export the report to a temporary PDF and open it; None (after telling the user) on failure."""
    # a PDF reader library may hold the file a moment longer on Windows: never fail on clean-up
    with tempfile.TemporaryDirectory(prefix="nianbao-print-", ignore_cleanup_errors=True) as folder:
        path = Path(folder) / "report.pdf"
        try:
            notes = export_pdf(report, path)
        except PdfExportError as exc:
            services.error(parent, str(exc))
            yield None
            return
        document = QPdfDocument()
        try:
            if document.load(str(path)) != QPdfDocument.Error.None_:
                services.error(parent, "生成的 PDF 无法读取，无法打印。")
                yield None
                return
            shown = [n for n in notes if CANNOT_DRAW in n]  # characters that will not print
            if shown:
                services.notes(parent, shown)
            yield document
        finally:
            document.close()  # release the file before the folder is removed (Windows)
            document.deleteLater()


def print_preview(parent: QWidget | None, report: Report,
                  services: PrintServices | None = None) -> None:
    """打印预览: show the PDF's pages in Qt's preview dialog (which can print them too)."""
    services = services or PrintServices()
    with exported(parent, report, services) as document:
        if document is None:
            return
        printer = new_printer(report)

        def paint(target: QPrinter, dpi: float | None = None) -> None:
            # for the preview (at its on-screen resolution), and for 打印 pressed inside it
            try:
                render_into(document, target, dpi if _is_preview(target) else None)
            except PrintError as exc:
                services.error(parent, str(exc))

        services.preview(parent, printer, paint)


def print_report(parent: QWidget | None, report: Report,
                 services: PrintServices | None = None) -> bool:
    """打印: choose a printer and print the PDF's pages; False if cancelled or failed."""
    services = services or PrintServices()
    with exported(parent, report, services) as document:
        if document is None:
            return False
        printer = new_printer(report)
        if not services.choose_printer(parent, printer, document.pageCount()):
            return False
        try:
            return render_into(document, printer) > 0
        except PrintError as exc:
            services.error(parent, str(exc))
            return False
