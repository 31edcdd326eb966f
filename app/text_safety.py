"""Makes user text safe to write into files: invisible control characters out, formula prefixes known.

Shared by the Excel and PDF exporters. Cleaning never drops a character silently: every change is
returned as a `TextChange` so the exporter can tell the clerk what was changed and where.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# Characters that end a line in some program but are not "\n": Word's manual line break (\x0b) and
# page break (\x0c), Windows/Mac line ends, the Unicode separators. They become "\n" so the paragraph
# structure the clerk sees is kept.
_LINE_BREAKS = {
    "\r\n": "回车换行符",
    "\r": "回车符",
    "\x0b": "垂直制表符（从 Word 粘贴的手动换行）",
    "\x0c": "换页符（从 Word 粘贴的分页符）",
    "\x85": "下一行符",
    "\u2028": "行分隔符",
    "\u2029": "段落分隔符",
}
_LINE_BREAK_RE = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")

# Characters that cannot be stored in an .xlsx/.xml file or are invisible garbage: C0 controls
# except tab and newline, DEL, C1 controls, lone surrogates and the two non-characters U+FFFE/U+FFFF.
_REMOVED_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")

_NAMED = {"\x00": "空字符", "\x07": "响铃符", "\x08": "退格符", "\x1b": "转义符", "\x7f": "删除符"}

# A cell whose text starts with one of these is taken for a formula by spreadsheet programs
# (CWE-1236). Full-width forms are included: an IME can produce them and some programs fold them.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


@dataclass(frozen=True)
class TextChange:
    """One kind of character changed in a text: what it was, how often, and what became of it."""

    what: str
    count: int
    replaced_by_newline: bool

    def describe(self) -> str:
        action = "已换成换行" if self.replaced_by_newline else "已删除"
        return f"{self.count} 个{self.what}{action}"


def _removed_name(ch: str) -> str:
    code = ord(ch)
    if ch in _NAMED:
        return f"{_NAMED[ch]}（U+{code:04X}）"
    if 0xD800 <= code <= 0xDFFF:
        return f"无效字符（U+{code:04X}）"
    if code in (0xFFFE, 0xFFFF):
        return f"非字符（U+{code:04X}）"
    return f"控制字符（U+{code:04X}）"


def clean_text(text: str) -> tuple[str, list[TextChange]]:
    """Return the text with line-break variants turned into newlines and unusable characters removed.

    The list says what was changed (empty when the text was already clean).
    """
    if not _LINE_BREAK_RE.search(text) and not _REMOVED_RE.search(text):
        return text, []
    breaks: Counter[str] = Counter(m.group(0) for m in _LINE_BREAK_RE.finditer(text))
    text = _LINE_BREAK_RE.sub("\n", text)
    removed: Counter[str] = Counter(m.group(0) for m in _REMOVED_RE.finditer(text))
    text = _REMOVED_RE.sub("", text)
    changes = [TextChange(_LINE_BREAKS[ch], n, True) for ch, n in breaks.items()]
    changes += [TextChange(_removed_name(ch), n, False) for ch, n in sorted(removed.items())]
    return text, changes


def describe_changes(where: str, changes: list[TextChange]) -> str:
    """One Chinese sentence for the clerk, e.g. “「一、总体情况」：2 个垂直制表符…已换成换行”."""
    return f"{where}：" + "；".join(c.describe() for c in changes)


def clean_and_note(text: str, where: str, notes: list[str]) -> str:
    """Clean a text and append a note about what changed (if anything) to `notes`."""
    cleaned, changes = clean_text(text)
    if changes:
        notes.append(describe_changes(where, changes))
    return cleaned


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet program would read this text as a formula if typed into a cell."""
    return text.startswith(FORMULA_PREFIXES)


def neutralize_formula(text: str) -> str:
    """For formats without a text type (CSV): prefix an apostrophe so the text is not run as a formula."""
    return "'" + text if looks_like_formula(text) else text
