"""打印 and 打印预览 print exactly the exported PDF's pages (rendered into a PDF-file printer here)."""

from decimal import Decimal

import pytest
import shiboken6
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from app.export_pdf import PdfExportError, export_pdf
from app.report import Report
from app.template_loader import available_templates
from ui import printing

pytestmark = pytest.mark.gui

LOW_DPI = 72  # keeps the page images small; pages and breaks do not depend on it


def sample_report() -> Report:
    template = available_templates()["2021"]
    report = Report.blank(template, "哈图布呼镇人民政府", 2021)
    for n, key in enumerate(template.input_keys()):
        amount = template.column(key).kind.is_amount
        report.set_value(key, Decimal("12.5") if amount else n + 1)
    report.texts["overview"] = "\n".join(["本年度主动公开政府信息，及时准确。" * 6] * 8)
    report.texts["problems"] = "存在的主要问题是公开内容不够丰富。"
    report.texts["other"] = "本年度未收取信息处理费。"
    return report


def to_file(printer: QPrinter, path) -> None:
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(LOW_DPI)


class FakeServices:
    """Answers the print dialogs without opening them and records what it was asked."""

    def __init__(self, out, accept=True, page_range=None):
        self.out = out
        self.accept = accept
        self.page_range = page_range
        self.errors: list[str] = []
        self.notes_shown: list[str] = []
        self.asked_pages = None
        self.previewed = 0

    def choose_printer(self, parent, printer, pages):
        self.asked_pages = pages
        to_file(printer, self.out)
        if self.page_range:
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(*self.page_range)
        return self.accept

    def preview(self, parent, printer, paint):
        to_file(printer, self.out)
        paint(printer)  # what QPrintPreviewDialog does on paintRequested
        self.previewed += 1

    def error(self, parent, text):
        self.errors.append(text)

    def notes(self, parent, notes):
        self.notes_shown = notes


def page_count(path) -> int:
    return len(PdfReader(path).pages)


@pytest.fixture
def report():
    return sample_report()


@pytest.fixture
def exported_pdf(tmp_path, report):
    path = tmp_path / "report.pdf"
    export_pdf(report, path)
    return path


def test_render_into_prints_every_page_of_the_pdf(qapp, tmp_path, exported_pdf):
    document = QPdfDocument()
    assert document.load(str(exported_pdf)) == QPdfDocument.Error.None_
    printer = QPrinter()
    to_file(printer, tmp_path / "printed.pdf")
    drawn = printing.render_into(document, printer)
    document.close()
    assert drawn == page_count(exported_pdf) >= 3
    assert page_count(tmp_path / "printed.pdf") == page_count(exported_pdf)


def test_print_report_asks_for_a_printer_and_prints_the_same_pages(qapp, tmp_path, report,
                                                                   exported_pdf):
    services = FakeServices(tmp_path / "printed.pdf")
    assert printing.print_report(None, report, services) is True
    assert services.asked_pages == page_count(exported_pdf)
    assert page_count(tmp_path / "printed.pdf") == page_count(exported_pdf)
    assert services.errors == []


def test_printed_page_has_the_pdf_page_size(qapp, tmp_path, report, exported_pdf):
    printing.print_report(None, report, FakeServices(tmp_path / "printed.pdf"))
    printed = PdfReader(tmp_path / "printed.pdf").pages[0].mediabox
    original = PdfReader(exported_pdf).pages[0].mediabox
    assert abs(float(printed.width) - float(original.width)) < 2
    assert abs(float(printed.height) - float(original.height)) < 2


def test_page_range_chosen_in_the_dialog_is_honoured(qapp, tmp_path, report):
    services = FakeServices(tmp_path / "printed.pdf", page_range=(2, 3))
    assert printing.print_report(None, report, services)
    assert page_count(tmp_path / "printed.pdf") == 2


def test_cancelled_print_prints_nothing(qapp, tmp_path, report):
    services = FakeServices(tmp_path / "printed.pdf", accept=False)
    assert printing.print_report(None, report, services) is False
    assert not (tmp_path / "printed.pdf").exists()


def test_preview_paints_the_same_pages(qapp, tmp_path, report, exported_pdf):
    services = FakeServices(tmp_path / "preview.pdf")
    printing.print_preview(None, report, services)
    assert services.previewed == 1
    assert page_count(tmp_path / "preview.pdf") == page_count(exported_pdf)


def test_qt_preview_widget_shows_the_same_pages(qapp, tmp_path, report, exported_pdf):
    from PySide6.QtPrintSupport import QPrintPreviewWidget

    class WidgetPreview(FakeServices):
        def preview(self, parent, printer, paint):
            widget = QPrintPreviewWidget(printer)  # what QPrintPreviewDialog shows, without exec()
            widget.paintRequested.connect(paint)
            widget.updatePreview()
            self.previewed = widget.pageCount()
            widget.deleteLater()

    services = WidgetPreview(tmp_path / "unused.pdf")
    printing.print_preview(None, report, services)
    assert services.previewed == page_count(exported_pdf)
    assert services.errors == []


def test_export_failure_is_told_not_raised(qapp, tmp_path, report, monkeypatch):
    def fail(report, path, fonts=None):
        raise PdfExportError("磁盘空间不足，无法保存“x.pdf”。")

    monkeypatch.setattr(printing, "export_pdf", fail)
    services = FakeServices(tmp_path / "printed.pdf")
    assert printing.print_report(None, report, services) is False
    printing.print_preview(None, report, services)
    assert services.errors == ["磁盘空间不足，无法保存“x.pdf”。"] * 2
    assert services.previewed == 0


def test_characters_that_will_not_print_are_pointed_out(qapp, tmp_path, report):
    report.texts["other"] = "表情😀无法打印"
    services = FakeServices(tmp_path / "printed.pdf")
    printing.print_report(None, report, services)
    assert any("😀" in note for note in services.notes_shown)


def test_pages_to_print_honours_order_and_copies(qapp):
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    assert printing.pages_to_print(printer, 3) == [0, 1, 2]
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    assert printing.pages_to_print(printer, 3) == [2, 1, 0]


def test_real_dialogs_are_built_in_chinese(qapp, monkeypatch, report):
    from PySide6.QtPrintSupport import QPrintDialog, QPrintPreviewDialog

    titles = []

    def fake_exec(dialog):  # the real dialogs, shown without blocking the test run
        titles.append(dialog.windowTitle())
        return 0

    monkeypatch.setattr(QPrintPreviewDialog, "exec", fake_exec)
    monkeypatch.setattr(QPrintDialog, "exec", fake_exec)
    services = printing.PrintServices()
    printer = printing.new_printer(report)
    services.preview(None, printer, lambda target: None)
    assert services.choose_printer(None, printer, 4) is False
    assert titles == ["打印预览", "打印"]


def test_messages_go_through_the_programs_dialog_service(qapp):
    class Recorder:
        def __init__(self):
            self.calls = []

        def error(self, parent, title, text):
            self.calls.append(("error", title, text))

        def warning(self, parent, title, text):
            self.calls.append(("warning", title, text))

    recorder = Recorder()
    services = printing.PrintServices(recorder)
    services.error(None, "打印机不可用")
    services.notes(None, ["第一节第1段有字符“😀”无法用所选字体显示"])
    assert recorder.calls == [("error", "无法打印", "打印机不可用"),
                              ("warning", "打印提示", "• 第一节第1段有字符“😀”无法用所选字体显示")]


@pytest.mark.qt_log_ignore("propagateSizeHints")  # offscreen platform notice
def test_preview_pages_are_drawn_at_their_on_screen_resolution(qapp, qtbot, report):
    from PySide6.QtPrintSupport import QPrintPreviewWidget

    painted = []

    class WidgetPreview(FakeServices):
        def preview(self, parent, printer, paint):
            widget = QPrintPreviewWidget(printer)
            sharp = printing.SharpPreview(widget)
            widget.paintRequested.connect(lambda target: sharp.paint(record(paint), target))
            widget.resize(700, 700)
            widget.show()
            try:
                for zoom in (0.8, 1.5):
                    widget.setZoomFactor(zoom)
                    expected = zoom * widget.logicalDpiY() * widget.devicePixelRatioF()
                    # a shrunk 200 dpi image drops strokes: the pages are drawn again for the zoom
                    qtbot.waitUntil(lambda e=expected: painted and abs(painted[-1] - e) < 1)
            finally:
                # like the real modal dialog: gone before print_preview frees the printer
                shiboken6.delete(widget)

    def record(paint):
        def recorded(printer, dpi=None):
            painted.append(dpi)
            paint(printer, dpi)
        return recorded

    printing.print_preview(None, report, WidgetPreview(None))
    assert len(painted) >= 2


@pytest.mark.qt_log_ignore("propagateSizeHints")  # offscreen platform notice
def test_preview_dialog_fits_the_screen(qapp, monkeypatch, report):
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    shown = []

    def fake_exec(dialog):
        shown.append((dialog.size(), dialog.windowState(), dialog.screen().availableGeometry()))
        return 0

    monkeypatch.setattr(QPrintPreviewDialog, "exec", fake_exec)
    printing.PrintServices().preview(None, printing.new_printer(report), lambda target, dpi=None: None)
    size, state, available = shown[0]
    assert size.height() <= available.height() and size.width() <= available.width()
    assert state & Qt.WindowState.WindowMaximized  # the 800×800 test screen counts as small
