"""Exports a report as the PDF a township prints, signs and publishes (GB/T 9704 layout, fonts embedded)."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from reportlab.platypus import BaseDocTemplate, CondPageBreak, Frame, PageTemplate
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus.flowables import Flowable, Spacer

from app.atomic_write import atomic_write_bytes, describe_os_error
from app.cjk_linebreak import break_lines
from app.layout import table_grid
from app.meta_fields import written_date
from app.pdf_fonts import KAI, FontSet, font_set
from app.pdf_styles import (
    BODY_STYLE,
    HEADING_STYLE,
    LINE,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    PAGE_NUMBER_GAP,
    PAGE_NUMBER_INSET,
    PAGE_NUMBER_STYLE,
    PAGE_SIZE,
    SIGNATURE_STYLE,
    TEXT_HEIGHT,
    TEXT_WIDTH,
    TITLE_STYLE,
)
from app.pdf_table import GridTable
from app.pdf_text import SetText, Span, TextBlock, TextStyle
from app.report import Report

# Word and the web put these into pasted text: line and paragraph separators become paragraphs.
_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# （一）… at the start of a paragraph is a second-level heading; so is (一) typed half-width.
_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]")
_SUBHEADING_MAX = 40  # characters up to the first 。 that still count as the heading


CANNOT_DRAW = "无法用所选字体显示"  # ends the warning about characters no font can draw


class PdfExportError(Exception):
    """The PDF could not be written; str() is a Chinese sentence for the clerk."""


def clean_text(text: str) -> tuple[list[str], bool]:
    """Split user text into paragraphs; drop invisible control characters (reported by the caller)."""
    text = _BREAKS.sub("\n", text).replace("\t", " ")
    kept = []
    removed = False
    for ch in text:
        if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf"):
            removed = True
            continue
        kept.append(ch)
    # the PDF indents every paragraph itself; indents typed with spaces would double it
    paragraphs = [p.strip(" \u3000\u00a0") for p in "".join(kept).split("\n")]
    return [p for p in paragraphs if p], removed


def paragraph_spans(paragraph: str) -> list[Span]:
    """A paragraph as spans: a leading “（一）…。” heading in 楷体, the rest in the body face."""
    match = _SUBHEADING.match(paragraph)
    if not match:
        return [Span(paragraph)]
    stop = paragraph.find("。")
    if 0 <= stop < _SUBHEADING_MAX:
        head, rest = paragraph[: stop + 1], paragraph[stop + 1 :]
    elif len(paragraph) <= _SUBHEADING_MAX:
        head, rest = paragraph, ""
    else:
        head, rest = match.group(0), paragraph[match.end() :]
    return [Span(head, KAI)] + ([Span(rest)] if rest else [])


def _lone_subheading(spans: list[Span]) -> bool:
    """A paragraph that is only a “（一）…” heading (it must not end a page either)."""
    return len(spans) == 1 and spans[0].role == KAI


def title_lines(report: Report, fonts: FontSet) -> list[str]:
    """The title in one line, or broken after the organ name, or into balanced lines."""
    title = report.title
    prepared = SetText([Span(title)], TITLE_STYLE, fonts)
    total = sum(prepared.widths)
    if total <= TEXT_WIDTH:
        return [title]
    organ = report.organ
    cut = len(organ)
    if organ and title.startswith(organ) and 0 < cut < len(title):
        if sum(prepared.widths[:cut]) <= TEXT_WIDTH and sum(prepared.widths[cut:]) <= TEXT_WIDTH:
            return [title[:cut], title[cut:]]
    count = len(break_lines(title, prepared.widths, TEXT_WIDTH))
    width = total / count
    while True:  # the narrowest measure that still needs no more lines: lines of equal length
        lines = break_lines(title, prepared.widths, width)
        if len(lines) <= count or width >= TEXT_WIDTH:
            return [title[ln.start : ln.end] for ln in lines]
        width = min(TEXT_WIDTH, width + TITLE_STYLE.size / 2)


class _Story:
    """Collects the flowables and the warnings for the user while walking the report."""

    def __init__(self, report: Report, fonts: FontSet) -> None:
        self.report = report
        self.fonts = fonts
        self.flow: list[Flowable] = []
        self.warnings: list[str] = []
        self._last_text: tuple[list[TextBlock], list[TextBlock]] | None = None

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def text(self, spans: list[Span] | str, style: TextStyle, where: str) -> TextBlock:
        block = TextBlock(spans, style, self.fonts)
        if block.missing:
            marks = "".join(f"“{ch}”" for ch in block.missing)
            self.warn(f"{where}有字符{marks}{CANNOT_DRAW}")
        return block

    def build(self) -> list[Flowable]:
        report = self.report
        lines = title_lines(report, self.fonts)
        for i, line in enumerate(lines):
            last = i == len(lines) - 1
            style = TITLE_STYLE if last else replace(TITLE_STYLE, space_after=0.0)
            self.flow.append(self.text(line, style, "标题"))
        held: list[TextBlock] = []  # headings of empty sections: they go with what follows
        for section in report.template.sections:
            where = f"第{section.number.rstrip('、')}节"
            heads = [*held, self.text(section.heading, HEADING_STYLE, where)]
            held = []
            if section.kind == "table" and section.table is not None:
                self._last_text = None
                above = sum(h.wrap(TEXT_WIDTH, TEXT_HEIGHT)[1] for h in heads)
                grid = table_grid(report.template.table(section.table))
                table = GridTable(grid, report.grid(), self.fonts, keep_within=TEXT_HEIGHT - above)
                self.flow += [_Room([*heads, table]), *heads, table]
                continue
            paragraphs, removed = clean_text(report.texts.get(section.id, ""))
            if removed:
                self.warn(f"{where}含有不可见的控制字符（多见于从其他文档粘贴的文字），导出时已删除")
            if not paragraphs:
                self.warn(f"“{section.heading}”尚未填写内容")
                held = heads
                self._last_text = (heads, [])
                continue
            spans = [paragraph_spans(p) for p in paragraphs]
            blocks = [self.text(s, BODY_STYLE, f"{where}第{n}段") for n, s in enumerate(spans, 1)]
            self._add_text(heads, blocks, [_lone_subheading(s) for s in spans])
            self._last_text = (heads, blocks)
        self.flow += held  # empty last sections: kept with the signature
        self._signature()
        stand_ins = self.fonts.stand_ins()
        if stand_ins:
            self.warn(f"本机未安装{'、'.join(stand_ins)}字体，PDF 使用了程序自带的字体代替；"
                      "如需严格的公文字体，请安装相应字体后重新导出")
        return self.flow

    def _signature(self) -> None:
        """发文机关署名 centred over the 成文日期, which sits four characters in from the right."""
        organ = self.report.organ.strip()
        date = written_date(self.report.meta.get("publish_date"))
        if not organ and not date:
            return
        inset = 4 * SIGNATURE_STYLE.em
        parts: list[Flowable] = [Spacer(1, LINE)]
        date_width = sum(SetText([Span(date)], SIGNATURE_STYLE, self.fonts).widths) if date else 0
        organ_width = sum(SetText([Span(organ)], SIGNATURE_STYLE, self.fonts).widths)
        centre = inset + date_width / 2
        if organ:
            right = max(0.0, centre - organ_width / 2) if date else inset
            style = replace(SIGNATURE_STYLE, align="right", right_indent=right)
            parts.append(self.text(organ, style, "落款"))
        if date:
            style = replace(SIGNATURE_STYLE, align="right", right_indent=inset)
            parts.append(self.text(date, style, "落款日期"))
        self._keep_text_with_signature()
        for part in parts[:-1]:  # one chain (not a nested KeepTogether, which would never move)
            part.keepWithNext = True
        self.flow += parts

    def _add_text(self, heads: list[TextBlock], blocks: list[TextBlock], lone: list[bool]) -> None:
        """Headings and paragraphs; a heading or a lone “（一）” line never ends a page."""
        lead = next((k for k, alone in enumerate(lone) if not alone), len(blocks) - 1)
        self.flow += [_Room([*heads, *blocks[: lead + 1]]), *heads]
        for k, block in enumerate(blocks):
            if k > lead and lone[k] and k + 1 < len(blocks):
                self.flow.append(_Room([block, blocks[k + 1]]))
            self.flow.append(block)

    def _keep_text_with_signature(self) -> None:
        """The signature never stands alone on a page: the last two lines of text go with it."""
        if self._last_text is None:
            return
        heads, blocks = self._last_text
        if not blocks:
            for heading in heads:
                heading.keepWithNext = True
            return
        last = blocks[-1]
        head, tail = last.split_last(TEXT_WIDTH, 2)
        if head is None:
            tail.keepWithNext = True
            if len(blocks) == 1:  # a one-paragraph section: its heading goes along too
                for heading in heads:
                    heading.keepWithNext = True
            return
        at = next(i for i, f in enumerate(self.flow) if f is last)
        self.flow[at : at + 1] = [head, tail]
        tail.keepWithNext = True
        for room in self.flow:  # what must fit below a heading is now the first part
            if isinstance(room, _Room):
                room.replace(last, head)


class _Room(CondPageBreak):
    """Starts a new page unless `parts` can start on this one (so a heading never ends a page).

    All parts but the last must fit whole, and of the last what may stand at a page foot: two
    lines of a long paragraph, a table's header and first rows, or a table kept whole.
    """

    def __init__(self, parts: list[Flowable]) -> None:
        super().__init__(0)
        self._parts = parts

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        *whole, last = self._parts
        need = sum(p.wrap(availWidth, availHeight)[1] + p.getSpaceAfter() for p in whole)
        need += last.start_height(availWidth)
        self.height = need - 0.01  # rounding slack: an exact fit stays on this page
        return super().wrap(availWidth, availHeight)

    def replace(self, old: Flowable, new: Flowable) -> None:
        self._parts = [new if p is old else p for p in self._parts]


def _page_number(fonts: FontSet):
    """Page callback drawing “— N —” in 4号 宋体, odd pages at the right, even pages at the left."""
    style_odd = replace(PAGE_NUMBER_STYLE, align="right", right_indent=PAGE_NUMBER_INSET)
    style_even = replace(PAGE_NUMBER_STYLE, align="left",
                         indent=PAGE_NUMBER_INSET / PAGE_NUMBER_STYLE.em)

    def draw(canv, doc) -> None:
        number = canv.getPageNumber()
        block = TextBlock(f"— {number} —", style_odd if number % 2 else style_even, fonts)
        _, height = block.wrap(TEXT_WIDTH, LINE)
        size = PAGE_NUMBER_STYLE.size
        # the dash rule sits 7 mm below the text block; it is drawn about 0.3 em above the baseline
        baseline = MARGIN_BOTTOM - PAGE_NUMBER_GAP - 0.3 * size
        y = baseline - (height - (PAGE_NUMBER_STYLE.leading - size) / 2 - 0.88 * size)
        block.drawOn(canv, MARGIN_LEFT, y)

    return draw


def build_pdf(report: Report, fonts: FontSet | None = None) -> tuple[bytes, list[str]]:
    """The PDF as bytes and the warnings for the user."""
    fonts = fonts or font_set()
    story = _Story(report, fonts)
    flow = story.build()
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out, pagesize=PAGE_SIZE, leftMargin=MARGIN_LEFT, bottomMargin=MARGIN_BOTTOM,
        rightMargin=PAGE_SIZE[0] - MARGIN_LEFT - TEXT_WIDTH,
        topMargin=PAGE_SIZE[1] - MARGIN_BOTTOM - TEXT_HEIGHT,
        title=report.title, author=report.organ, subject="政府信息公开工作年度报告",
        creator="年报助手", producer="年报助手 (reportlab)", initialFontName=fonts.face(BODY_STYLE.role).name,
    )
    frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, TEXT_WIDTH, TEXT_HEIGHT, id="text",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=_page_number(fonts))])
    try:
        doc.build(flow)
    except LayoutError as exc:  # pragma: no cover - every flowable splits; kept as a clear message
        raise PdfExportError(f"排版失败：有内容无法放入页面（{exc}）") from exc
    return out.getvalue(), story.warnings


def export_pdf(report: Report, path: Path, fonts: FontSet | None = None) -> list[str]:
    """Write the report as a PDF (atomically) and return the warnings to show the user."""
    path = Path(path)
    data, warnings = build_pdf(report, fonts)
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise PdfExportError(describe_os_error(exc, path)) from exc
    return warnings
