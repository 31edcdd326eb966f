"""Chinese line breaking with 禁则: closing punctuation never starts a line, opening never ends one.

Pure functions over a text and the width of each of its characters, so the PDF export (and tests)
can lay out lines with any font. The rules follow common Chinese typesetting practice (the Word
“中文版式 / 首尾字符” lists and GB/T 15834): 点号 and closing quotes/brackets stay with the
character before them, opening quotes/brackets stay with the character after them, “——” and
“……” are never split, and a run of Latin letters or digits (a number, “12.5”, “A1”, a web address)
stays on one line unless it is longer than the line itself. A number stays with the measure word
or unit after it (“3件”, “12.5万元”, “2025年”, “100余人次”), and “第” with its number (“第3条”, “第二十条”).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# May not start a line (点号, closing quotes/brackets, units that follow a number).
CANNOT_START = frozenset(
    "，。、；：！？”’）》〉」』】〕〗〙〞］｝〃…‰℃°′″·・～％‧"
    "!%),.:;?]}"
)
# May not end a line (opening quotes/brackets, currency signs that precede a number).
CANNOT_END = frozenset("“‘（《〈「『【〔〖〘〝［｛￥＄￡(¥[{$£")
# Characters doubled into one mark (——, ……) that may not be split across lines.
PAIRED = frozenset("—…")

# Measure words and units that stay with the number before them (longer ones are tried first).
UNITS = frozenset(
    "件个次项条家人元年月日号天份名位户篇期部起批页册场岁所座台辆套本张处种类宗例届周时分秒"
    "米吨亩倍%％‰℃"
)
LONG_UNITS = ("平方米", "人次", "件次", "个月", "小时", "分钟", "年度", "公里", "公顷", "公斤",
              "千米", "千克")
_MAGNITUDES = frozenset("万亿千百")  # “12.5万元”, “3千米” (then a unit may follow)
_ABOUT = frozenset("余多")  # “100余件”, “30多万元”
_CJK_NUMERALS = frozenset("〇零一二三四五六七八九十百千万两")  # after “第”: “第二十条”

_EPSILON = 1e-6


@dataclass(frozen=True)
class Line:
    """One laid-out line: text[start:end], its natural width, and whether it ends its paragraph."""

    start: int
    end: int
    width: float
    last: bool


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF" or ch in PAIRED


def clusters(text: str) -> list[tuple[int, int]]:
    """Split text into the smallest pieces a line may break between, as (start, end) ranges."""
    raw: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        j = i + 1
        if ch.isspace():
            pass  # each space is its own break opportunity
        elif ch in PAIRED:
            while j < n and text[j] == ch:
                j += 1
        elif ch == "第" and (number := _number_end(text, j, ordinal=True)) > j:
            j = _unit_end(text, number)
        elif _is_full_width_digit(ch):
            j = _unit_end(text, _number_end(text, i))
        elif not _is_wide(ch) and ch not in CANNOT_START and ch not in CANNOT_END:
            # a Latin word or number, including inner punctuation such as “12.5” or “A1:B2”
            while j < n and not text[j].isspace() and not _is_wide(text[j]):
                if text[j] in CANNOT_START and (j + 1 >= n or text[j + 1].isspace()
                                                or _is_wide(text[j + 1])):
                    break  # trailing “,” or “)” is closing punctuation, bound below
                j += 1
            if text[j - 1].isascii() and text[j - 1].isdigit():
                j = _unit_end(text, j)
        raw.append((i, j))
        i = j
    return _bind(text, raw)


def _is_full_width_digit(ch: str) -> bool:
    return "０" <= ch <= "９"


def _number_end(text: str, i: int, ordinal: bool = False) -> int:
    """End of the number starting at i (i itself if there is none); Chinese numerals if ordinal."""
    n = len(text)
    if i >= n:
        return i
    ch = text[i]
    if ch.isascii() and ch.isdigit():
        j = i + 1
        while j < n and (text[j].isascii() and text[j].isdigit()
                         or text[j] in ".," and j + 1 < n and text[j + 1].isascii()
                         and text[j + 1].isdigit()):
            j += 1
        return j
    if _is_full_width_digit(ch):
        j = i + 1
        while j < n and (_is_full_width_digit(text[j]) or text[j] == "．" and j + 1 < n
                         and _is_full_width_digit(text[j + 1])):
            j += 1
        return j
    if ordinal and ch in _CJK_NUMERALS:
        j = i + 1
        while j < n and text[j] in _CJK_NUMERALS:
            j += 1
        return j
    return i


def _unit_end(text: str, i: int) -> int:
    """End of the measure word or unit that follows a number ending at i (i if there is none)."""
    j = i
    for chars in (_ABOUT, _MAGNITUDES, _ABOUT):
        if j < len(text) and text[j] in chars:
            j += 1
    for unit in LONG_UNITS:
        if text.startswith(unit, j):
            return j + len(unit)
    if j < len(text) and text[j] in UNITS:
        return j + 1
    return j


def _all_in(text: str, piece: tuple[int, int], chars: frozenset[str]) -> bool:
    return all(text[k] in chars for k in range(*piece))


def _bind(text: str, raw: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Glue closing marks to the piece before them and opening marks to the piece after them."""
    bound: list[tuple[int, int]] = []
    pending_open: int | None = None  # start of opening marks waiting for the next piece
    for piece in raw:
        start, end = piece
        is_space = text[start].isspace()
        if not is_space and _all_in(text, piece, CANNOT_START) and pending_open is None:
            # glue to the last non-space piece, together with any spaces in between
            k = len(bound) - 1
            while k >= 0 and text[bound[k][0]].isspace():
                k -= 1
            if k >= 0:
                bound[k:] = [(bound[k][0], end)]
                continue
        if not is_space and _all_in(text, piece, CANNOT_END):
            if pending_open is None:
                pending_open = start
            continue
        if pending_open is not None:
            if is_space:  # “（ ” … keep the opening mark with what follows the space anyway
                bound.append((pending_open, start))
            else:
                start = pending_open
            pending_open = None
        bound.append((start, end))
    if pending_open is not None:  # the text ends with an opening mark: it stays on the last line
        if bound:
            bound[-1] = (bound[-1][0], len(text))
        else:
            bound.append((pending_open, len(text)))
    return bound


def break_lines(text: str, widths: Sequence[float], max_width: float,
                first_width: float | None = None) -> list[Line]:
    """Break one paragraph into lines no wider than `max_width` (`first_width` for the first line).

    `widths[i]` is the drawn width of `text[i]`. Spaces at a break are dropped from both lines.
    A piece wider than a whole line is cut character by character (the only case where a rule may
    give way, e.g. a 60-character web address in a narrow table cell).
    """
    if len(widths) != len(text):
        raise ValueError("one width per character is required")
    lines: list[Line] = []
    start: int | None = None
    end = 0
    used = 0.0

    def limit() -> float:
        return first_width if (first_width is not None and not lines) else max_width

    def close() -> None:
        nonlocal start, used
        if start is not None:
            stop = end
            while stop > start and text[stop - 1].isspace():
                stop -= 1
            lines.append(Line(start, stop, sum(widths[start:stop]), False))
        start, used = None, 0.0

    for piece_start, piece_end in clusters(text):
        is_space = text[piece_start].isspace()
        if is_space and start is None and lines:
            continue  # no leading space on a continuation line
        w = sum(widths[piece_start:piece_end])
        if used + w <= limit() + _EPSILON or is_space:
            if start is None:
                start = piece_start
            end, used = piece_end, used + w
            continue
        if start is not None:
            close()
        # the piece starts a new line; if it is wider than any line, cut it by character
        k = piece_start
        while k < piece_end:
            cw = widths[k]
            if start is not None and used + cw > limit() + _EPSILON:
                close()
            if start is None:
                start = k
            end, used = k + 1, used + cw
            k += 1
    if start is not None:
        close()
    if not lines:
        lines.append(Line(0, 0, 0.0, True))
    lines[-1] = Line(lines[-1].start, lines[-1].end, lines[-1].width, True)
    return lines


def violations(lines: Sequence[str]) -> list[str]:
    """Describe every line that breaks the rules (used by tests and as a self-check)."""
    found = []
    for number, line in enumerate(lines, 1):
        if number > 1 and line and line[0] in CANNOT_START:
            found.append(f"第{number}行以“{line[0]}”开头")
        if line and line[-1] in CANNOT_END and number < len(lines):
            found.append(f"第{number}行以“{line[-1]}”结尾")
    return found
