"""禁则 line breaking: what a reader would notice on a printed page."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.cjk_linebreak import CANNOT_END, CANNOT_START, break_lines, clusters, violations


def widths(text):
    return [1.0 if unicodedata.east_asian_width(c) in "WF" or c in "—…" else 0.5 for c in text]


def layout(text, width, first=None):
    lines = break_lines(text, widths(text), width, first)
    return [text[line.start:line.end] for line in lines], lines


@pytest.mark.parametrize("mark", list("，。、；：！？”）》’」』】"))
def test_closing_mark_falling_at_a_line_start_moves_its_character_down(mark):
    text = "字" * 10 + mark + "后面还有一些文字"
    got, _ = layout(text, 10)
    assert got[0] == "字" * 9
    assert got[1].startswith("字" + mark)
    assert violations(got) == []


@pytest.mark.parametrize("mark", list("“（《‘「『【"))
def test_opening_mark_never_ends_a_line(mark):
    text = "字" * 9 + mark + "引用内容" + "后文"
    got, _ = layout(text, 10)
    assert not got[0].endswith(mark)
    assert got[1].startswith(mark)


def test_reportlab_case_comma_after_a_full_line():
    # a 3号 body line holds 27 characters; reportlab alone would start line 2 with “，”
    text = "我" * 27 + "，继续写下一句。"
    got, lines = layout(text, 27.6)
    assert [len(g) for g in got] == [26, 9]
    assert got[1] == "我，继续写下一句。"
    assert lines[0].last is False and lines[1].last is True


def test_several_closing_marks_stay_together():
    text = "字" * 9 + "”）。" + "下一句"
    got, _ = layout(text, 10)
    assert got[1].startswith("字”）。")


def test_dash_and_ellipsis_are_never_split():
    for mark in ("——", "……"):
        text = "字" * 9 + mark + "字字"
        got, _ = layout(text, 10)
        assert all(mark in line or mark[0] not in line for line in got), got


def test_numbers_and_latin_words_stay_whole():
    text = "本年收费金额为12.5万元，网址www.example.gov.cn可查"
    for width in range(10, 20):
        got, _ = layout(text, width)
        assert any("12.5" in line for line in got), (width, got)
        assert any("www.example.gov.cn" in line for line in got), (width, got)


@pytest.mark.parametrize("unit", ["件", "个", "次", "项", "条", "家", "人", "元", "万元", "%", "％",
                                  "年", "月", "日", "号", "人次", "余件", "多万元", "年度"])
def test_a_number_stays_with_its_unit(unit):
    # the QA case: “上年结转2 / 件” — the break may fall before or after the whole “2件”
    text = "我镇共收到申请3件，上年结转2" + unit + "，其中一件已办结。"
    seen = set()
    for width in range(4, 30):
        got, _ = layout(text, width)
        assert "".join(got) == text
        assert any("2" + unit in line for line in got), (width, got)
        seen.add(len(got))
    assert len(seen) > 3  # the widths really moved the break around


def test_numbers_with_units_in_a_real_sentence():
    text = "2025年，我镇收到申请12件，收费12.5万元，占比3%，共１２件。"
    pieces = [text[a:b] for a, b in clusters(text)]
    for whole in ("2025年，", "12件，", "12.5万元，", "3%，", "１２件。"):
        assert whole in pieces, pieces


def test_di_stays_with_its_number():
    for text, whole in (("依据条例第20条规定", "第20条"), ("依据条例第二十条第（一）项", "第二十条"),
                        ("第一项加第二项之和", "第二项"), ("详见第３页", "第３页")):
        pieces = [text[a:b] for a, b in clusters(text)]
        assert whole in pieces, pieces
        for width in range(4, 12):  # no narrower than “第二十条” itself
            got, _ = layout(text, width)
            assert any(whole in line for line in got), (width, got)


def test_only_numbers_bind_their_units():
    # a 件 after a character, “第” before a non-number and a numbered label stay breakable
    assert [("文件", ["文", "件"]), ("第（一）项", ["第", "（一）", "项"]), ("1.属于", ["1.", "属", "于"])] == [
        (t, [t[a:b] for a, b in clusters(t)]) for t in ("文件", "第（一）项", "1.属于")]


def test_word_longer_than_line_is_cut_not_lost():
    text = "x" * 50
    got, _ = layout(text, 10)
    assert "".join(got) == text
    assert all(len(g) <= 20 for g in got)


def test_first_line_width_is_used_for_the_indent():
    text = "字" * 20
    got, _ = layout(text, 10, first=8)
    assert [len(g) for g in got] == [8, 10, 2]


def test_spaces_at_breaks_are_dropped_and_nothing_else():
    text = "aaaa bbbb cccc dddd eeee"
    got, _ = layout(text, 3)
    assert got == ["aaaa", "bbbb", "cccc", "dddd", "eeee"]


def test_empty_text_has_one_empty_line():
    got, lines = layout("", 10)
    assert got == [""] and lines[0].last


def test_parenthesised_number_is_one_piece():
    text = "见上表(2021)"
    pieces = [text[a:b] for a, b in clusters(text)]
    assert "(2021)" in pieces


def test_widths_must_match_text():
    with pytest.raises(ValueError):
        break_lines("abc", [1.0], 10)


def test_violations_detects_bad_lines():
    assert violations(["第一行", "，第二行"]) == ["第2行以“，”开头"]
    assert violations(["第一行（", "第二行"]) == ["第1行以“（”结尾"]


ALPHABET = list("政府信息公开工作年度报告我镇") + list("，。、；：！？”）》“（《") + list("ab12. ") + ["——"]


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=120),
       width=st.integers(min_value=6, max_value=30))
def test_property_rules_hold_and_no_character_is_lost(parts, width):
    text = "".join(parts)
    w = widths(text)
    got, lines = layout(text, width)
    # nothing but spaces at breaks is dropped, and the order is kept
    assert "".join(got).replace(" ", "") == text.replace(" ", "")
    biggest = max((sum(w[a:b]) for a, b in clusters(text)), default=0)
    for line in lines:
        assert line.width <= width + 1e-6
    if biggest <= width:  # the rules can only give way to a piece wider than the line
        assert violations(got) == []
    # closing marks never start and opening marks never end a line
    for i, line in enumerate(got):
        if i and line and biggest <= width:
            assert line[0] not in CANNOT_START
        if i < len(got) - 1 and line and biggest <= width:
            assert line[-1] not in CANNOT_END
