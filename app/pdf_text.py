"""A reportlab flowable that sets Chinese text: 禁则 line breaks, justified lines, per-character fonts.

reportlab's own Paragraph parses markup (user text is not markup), cannot justify CJK lines and
knows only part of the Chinese line-breaking rules. This flowable takes plain text spans, picks a
face for every character (falling back for rare characters), breaks lines with `app.cjk_linebreak`
and draws each line with character spacing so that full lines end flush with the text block.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.platypus.flowables import Flowable

from app.cjk_linebreak import Line, break_lines
from app.pdf_fonts import Face, FontSet

# Chinese faces put the em box from 0.12 em below the baseline to 0.88 em above it.
_DESCENT = 0.12
_BOLD_STROKE = 0.016  # outline width (in em) that stands in for a heavier face
# Justify only while the added space stays small: a line cut short by a long word is left ragged
# rather than spread out (wide gaps read, and copy out of the PDF, as spaces).
_MAX_STRETCH = 0.15

_widths: dict[tuple[str, str], float] = {}


def char_width(ch: str, face_name: str, size: float) -> float:
    key = (face_name, ch)
    w = _widths.get(key)
    if w is None:
        w = pdfmetrics.stringWidth(ch, face_name, 1000)
        _widths[key] = w
    return w * size / 1000


@dataclass(frozen=True)
class TextStyle:
    """How a block of text is set.

    Attributes:
        role: the font role (see app.pdf_fonts) for spans without their own.
        size / leading: font size and line pitch in points.
        indent: first-line indent in em (2 = the customary two characters).
        align: justify, left, center or right.
        space_before / space_after: extra space around the block in points.
        right_indent: space kept free at the right in points.
        balance: make broken lines about equally long (“商业/企业”, not “商业企/业”).
        tracking: points added to every character's advance (negative sets them tighter).

    """

    role: str
    size: float
    leading: float
    indent: float = 0.0
    align: str = "justify"
    space_before: float = 0.0
    space_after: float = 0.0
    right_indent: float = 0.0
    balance: bool = False
    tracking: float = 0.0

    @property
    def em(self) -> float:
        """The advance of one full-width character, tracking included."""
        return self.size + self.tracking


@dataclass(frozen=True)
class Span:
    """A piece of text in one role (None means the style's role)."""

    text: str
    role: str | None = None


class SetText:
    """The characters of a block with the face and width of each (prepared once)."""

    def __init__(self, spans: Sequence[Span], style: TextStyle, fonts: FontSet) -> None:
        chars: list[str] = []
        faces: list[Face] = []
        missing: list[str] = []
        for span in spans:
            role = span.role or style.role
            own = fonts.face(role)
            for ch in span.text:
                face = fonts.face_for(ch, role)
                if face is None:
                    face = own  # drawn as the font's empty box, and reported by the caller
                    if ch not in missing:
                        missing.append(ch)
                chars.append(ch)
                faces.append(face)
        self.text = "".join(chars)
        self.faces = faces
        self.widths = [char_width(c, f.name, style.size) + style.tracking
                       for c, f in zip(chars, faces, strict=True)]
        self.missing = missing
        self.laid: dict[tuple[float, float], list[Line]] = {}  # (measure, first line) → lines


class TextBlock(Flowable):
    """A paragraph, heading, title line or table-cell text set by our own line breaker."""

    def __init__(self, spans: Sequence[Span] | str, style: TextStyle, fonts: FontSet,
                 _set: SetText | None = None, _lines: list[Line] | None = None,
                 _first: bool = True) -> None:
        super().__init__()
        if isinstance(spans, str):
            spans = [Span(spans)]
        self.style = style
        self.fonts = fonts
        self.set = _set or SetText(spans, style, fonts)
        self._fixed = _lines  # lines of a split-off part: never re-broken
        self._first = _first
        self._lines: list[Line] = _lines or []
        self._laid_width: float | None = None
        self.spaceBefore = style.space_before if _first else 0.0
        self.spaceAfter = style.space_after

    @property
    def missing(self) -> list[str]:
        return self.set.missing

    def _lay(self, width: float) -> list[Line]:
        if self._fixed is not None:
            return self._fixed
        if self._laid_width != width:
            usable = width - self.style.right_indent
            first = usable - self.style.indent * self.style.em if self._first else usable
            key = (usable, first)
            lines = self.set.laid.get(key)
            if lines is None:  # table cells are re-wrapped for every part of a split table
                lines = break_lines(self.set.text, self.set.widths, usable, first)
                if self.style.balance and len(lines) > 1:
                    lines = self._balanced(lines, usable)
                self.set.laid[key] = lines
            self._lines = lines
            self._laid_width = width
        return self._lines

    def _balanced(self, lines: list[Line], usable: float) -> list[Line]:
        """The narrowest measure that needs no more lines than `usable` does."""
        text, widths = self.set.text, self.set.widths
        measure = sum(widths) / len(lines)
        step = self.style.size / 4
        while measure < usable:
            trial = break_lines(text, widths, measure)
            if len(trial) <= len(lines):
                return trial
            measure += step
        return lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self._avail = availWidth
        lines = self._lay(availWidth)
        self.width, self.height = availWidth, len(lines) * self.style.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        lines = self._lay(availWidth)
        fit = int((availHeight + 1e-6) // self.style.leading)
        if fit >= len(lines):
            return [self]
        # no single first line at a page foot and no single last line at a page head
        if len(lines) < 4:
            return []
        fit = min(fit, len(lines) - 2)
        if fit < 2:
            return []
        head = TextBlock([], self.style, self.fonts, self.set, lines[:fit], self._first)
        tail = TextBlock([], self.style, self.fonts, self.set, lines[fit:], False)
        head.spaceAfter = 0.0
        return [head, tail]

    def start_height(self, width: float) -> float:
        """Height of the lines that must fit at the foot of a page for the block to start there."""
        lines = self._lay(width)
        # mirrors split(): only blocks of four lines or more leave two lines at a page foot
        return (2 if len(lines) >= 4 else len(lines)) * self.style.leading

    def split_last(self, width: float, keep: int) -> tuple[TextBlock | None, TextBlock]:
        """Cut off the last `keep` lines (to keep them with what follows); None if too short."""
        lines = self._lay(width)
        if len(lines) < keep + 2:
            return None, self
        head = TextBlock([], self.style, self.fonts, self.set, lines[:-keep], self._first)
        tail = TextBlock([], self.style, self.fonts, self.set, lines[-keep:], False)
        head.spaceAfter = 0.0
        return head, tail

    def draw(self) -> None:
        style = self.style
        size, leading = style.size, style.leading
        width = getattr(self, "_avail", self.width) - style.right_indent
        top = self.height
        first_in_text = self._first
        for i, line in enumerate(self._lay(self.width)):
            indent = style.indent * style.em if (i == 0 and first_in_text) else 0.0
            room = width - indent
            n = line.end - line.start
            space = style.tracking
            x = indent
            if style.align == "justify" and not line.last and n > 1:
                extra = (room - line.width) / (n - 1)
                if 0 <= extra <= _MAX_STRETCH * size:
                    space += extra
            elif style.align == "center":
                x += (room - line.width) / 2
            elif style.align == "right":
                x += room - line.width
            baseline = top - i * leading - (leading - size) / 2 - (1 - _DESCENT) * size
            self._draw_line(line, x, baseline, space)

    def _draw_line(self, line: Line, x: float, y: float, space: float) -> None:
        canv = self.canv
        size = self.style.size
        text, faces = self.set.text, self.set.faces
        k = line.start
        tx = canv.beginText(x, y)
        tx.setCharSpace(space)
        bold_used = False
        while k < line.end:
            face = faces[k]
            j = k + 1
            while j < line.end and faces[j] is face:
                j += 1
            tx.setFont(face.name, size)
            tx.setTextRenderMode(2 if face.fake_bold else 0)
            bold_used = bold_used or face.fake_bold
            tx.textOut(text[k:j])
            k = j
        if bold_used:
            canv.saveState()
            canv.setLineWidth(size * _BOLD_STROKE)
            canv.drawText(tx)
            canv.restoreState()
        else:
            canv.drawText(tx)
