from decimal import Decimal

import pytest

from app.carry_over import start_from_previous
from app.checks import check, check_grid, text_overlap
from app.report import Report

FILLED_TEXTS = {"overview": "本镇认真落实政府信息公开条例。", "problems": "公开内容还不够丰富。",
                "other": "无其他需要报告的事项。"}


def blank(template, organ="哈图布呼镇人民政府", year=2026):
    """A report with every text section written (so only the rule under test speaks)."""
    report = Report.blank(template, organ, year)
    report.texts.update(FILLED_TEXTS)
    return report


def fill(report, values):
    for key, value in values.items():
        report.set_value(key, value)
    return report


def rules_of(problems):
    return [p.rule for p in problems]


def test_totals_follow_inputs(t2021):
    report = fill(blank(t2021), {
        ("t3", "new", "natural"): 3, ("t3", "new", "business"): 2,
        ("t3", "disclosed", "natural"): 2, ("t3", "withheld_secret", "natural"): 1,
        ("t3", "ignored_repeat", "business"): 2, ("t4", "cases", "review_upheld"): 1,
        ("t4", "cases", "review_pending"): 2,
    })
    grid = report.grid()
    assert grid[("t3", "new", "total")] == 5
    assert grid[("t3", "results_total", "natural")] == 3
    assert grid[("t3", "results_total", "business")] == 2
    assert grid[("t3", "results_total", "total")] == 5
    assert grid[("t4", "cases", "review_total")] == 3
    assert grid[("t4", "cases", "direct_total")] == 0


def test_balanced_report_has_no_problem(t2021):
    report = fill(blank(t2021), {
        ("t3", "new", "natural"): 3, ("t3", "carried", "natural"): 1,
        ("t3", "disclosed", "natural"): 3, ("t3", "carry_next", "natural"): 1,
    })
    assert check(report) == []


def test_r1_message_reads_like_the_issue(t2021):
    report = fill(blank(t2021), {
        ("t3", "new", "natural"): 3, ("t3", "carried", "natural"): 1,
        ("t3", "disclosed", "natural"): 2, ("t3", "carry_next", "natural"): 1,
    })
    problems = check(report)
    first = problems[0]
    assert first.rule == "R1" and first.severity == "error"
    assert first.message == "表三「自然人」列：本年新收(3)+上年结转(1)=4，但办理结果总计(2)+结转下年度(1)=3，相差1"
    assert (first.actual, first.expected) == (4, 3)
    assert first.cells[0].key == ("t3", "new", "natural")
    assert first.cells[0].column_label == "自然人"
    assert first.section == "requests"
    # the 总计 column breaks too, but that is the same mistake: reported once
    assert rules_of(problems) == ["R1"]


def test_r2_r3_r4_catch_totals_typed_by_hand(t2021):
    report = blank(t2021)
    grid = report.grid()
    grid[("t3", "results_total", "natural")] = 2  # typed 总计 without the results below it
    grid[("t3", "new", "total")] = 4
    grid[("t4", "cases", "after_total")] = 1
    found = check_grid(report, grid)
    assert {"R2", "R3", "R4"} <= set(rules_of(found))
    r4 = next(p for p in found if p.rule == "R4")
    assert "复议后起诉·总计(1)" in r4.message
    assert all(p.severity == "error" for p in found if p.rule in {"R2", "R3", "R4"})


def test_cross_year_carry_over_r5_and_prefill(t2021):
    last = fill(blank(t2021, year=2025), {
        ("t3", "new", "natural"): 2, ("t3", "disclosed", "natural"): 1, ("t3", "carry_next", "natural"): 1,
        ("t2", "normative", "made"): 3, ("t2", "normative", "in_force"): 10,
    })
    this, notes = start_from_previous(last)
    assert notes == []
    assert this.year == 2026 and this.organ == "哈图布呼镇人民政府"
    assert this.value(("t3", "carried", "natural")) == 1
    assert this.template.id == "2021"
    # this year's 上年结转 changed by hand: R5 warns, and R1 errors because nothing was handled
    this.set_value(("t3", "carried", "natural"), 2)
    found = check(this, previous=last)
    r5 = [p for p in found if p.rule == "R5"]
    assert len(r5) >= 1 and r5[0].severity == "warning"
    assert "上年报告结转下年度(1)" in r5[0].message


def test_r6_in_force_count(t2021):
    last = fill(blank(t2021, year=2025), {("t2", "normative", "in_force"): 10})
    this = fill(blank(t2021), {("t2", "normative", "made"): 3, ("t2", "normative", "repealed"): 1,
                               ("t2", "normative", "in_force"): 11})
    found = [p for p in check(this, previous=last) if p.rule == "R6"]
    assert len(found) == 1
    assert "现行有效(11)，但上年报告现行有效(10)+本年制发(3)−本年废止(1)=12，相差1" in found[0].message
    this.set_value(("t2", "normative", "in_force"), 12)
    assert not [p for p in check(this, previous=last) if p.rule == "R6"]


def test_r6_skipped_when_last_year_used_the_2019_format(t2021, t2019):
    last = fill(blank(t2019, year=2020), {("t2", "normative", "total_published"): 4})
    this = fill(blank(t2021, year=2021), {("t2", "normative", "in_force"): 9})
    assert not [p for p in check(this, previous=last) if p.rule == "R6"]


def test_r7_project_counts_carry_and_prefill(t2019):
    last = fill(blank(t2019, year=2019), {("t2", "licensing", "prev_count"): 10,
                                          ("t2", "licensing", "change"): -8})
    this, _ = start_from_previous(last, t2019)
    assert this.value(("t2", "licensing", "prev_count")) == 2
    this.set_value(("t2", "licensing", "prev_count"), 5)
    found = [p for p in check(this, previous=last) if p.rule == "R7"]
    assert found and "上年报告本年增/减(-8)" in found[0].message


def test_prefill_refuses_negative_carry_with_a_note(t2019):
    last = fill(blank(t2019, year=2019), {("t2", "fees", "prev_count"): 1, ("t2", "fees", "change"): -3})
    this, notes = start_from_previous(last, t2019)
    assert this.value(("t2", "fees", "prev_count")) == 0
    assert notes and "未能从上年报告带入" in notes[0]


@pytest.mark.parametrize("text,expected", [
    ("2026年，我镇共收到政府信息公开申请5件。", ["R8"]),
    ("2026年，我镇共收到政府信息公开申请３件。", []),
    ("2026年，我镇未收到政府信息公开申请。", ["R8"]),
    ("2026年，上年结转申请2件。", ["R8"]),
    ("2025年度我镇依法推进公开工作。", ["R8Y"]),
    ("2026年度工作，计划于2028年完成。", ["R8Y"]),
])
def test_r8_text_against_tables(t2021, text, expected):
    report = fill(blank(t2021), {("t3", "new", "natural"): 3, ("t3", "disclosed", "natural"): 3})
    report.texts["overview"] = text
    assert rules_of(check(report)) == expected


def test_r8_information_fee_must_be_stated(t2021):
    report = blank(t2021)
    report.meta["info_fee"] = Decimal("30")
    report.texts["other"] = "无其他需要报告的事项。"
    assert rules_of(check(report)) == ["R8F"]
    report.texts["other"] = "本年度未收取信息处理费。"
    assert "写有“未收取信息处理费”" in check(report)[0].message
    report.texts["other"] = "本年度收取信息处理费30元。"
    assert check(report) == []


def test_r10_township_regulations(t2021):
    report = fill(blank(t2021), {("t2", "rules", "made"): 1})
    found = check(report)
    assert rules_of(found) == ["R10"] and "本年制发1" in found[0].message
    county = fill(blank(t2021, organ="某某县人民政府"), {("t2", "rules", "made"): 1})
    assert check(county) == []


def test_r11_text_copied_from_last_year(t2021):
    text = "我镇坚持以公开为常态、不公开为例外，推进行政决策、执行、管理、服务、结果五公开。"
    last = blank(t2021, year=2025)
    last.texts["overview"] = "上一年度的总体情况另有写法，与今年不同。"
    last.texts["problems"] = text
    this = blank(t2021)
    this.texts["problems"] = text
    assert rules_of(check(this, previous=last)) == ["R11"]
    assert text_overlap("完全不同的一段新文字内容", text) == 0


def test_r9_aggregation_of_township_reports(t2021):
    a = fill(blank(t2021, organ="甲镇人民政府"), {("t3", "new", "natural"): 1, ("t3", "disclosed", "natural"): 1})
    b = fill(blank(t2021, organ="乙乡人民政府"), {("t3", "new", "natural"): 2, ("t3", "disclosed", "natural"): 2})
    county = fill(blank(t2021, organ="某县人民政府"), {("t3", "new", "natural"): 3,
                                                      ("t3", "disclosed", "natural"): 2})
    found = check(county, parts=[a, b])
    r9 = [p for p in found if p.rule == "R9"]
    assert len(r9) == 1 and "各单位合计为3" in r9[0].message


def test_set_value_refuses_computed_and_bad_values(t2021):
    from app.numbers import InputError
    report = blank(t2021)
    with pytest.raises(InputError, match="自动计算"):
        report.set_value(("t3", "new", "total"), 1)
    with pytest.raises(InputError, match="负数"):
        report.set_value(("t3", "new", "natural"), -1)
    report.set_value(("t2", "fees", "fee_amount"), Decimal("1.25"))
    assert report.grid()[("t2", "fees", "fee_amount")] == Decimal("1.25")


def test_seed_draft_checks_clean():
    from pathlib import Path

    from app.drafts import load_draft
    report = load_draft(Path(__file__).parent / "data" / "seed-2021-hatubuhu.nianbao")
    assert report.template.id == "2019"
    assert check(report) == []


def test_r12_empty_text_sections_are_flagged(t2021):
    report = Report.blank(t2021, "哈图布呼镇人民政府", 2026)
    found = check(report)
    assert rules_of(found) == ["R12", "R12", "R12"]
    assert found[0].message == "“一、总体情况”尚未填写，发布的报告中这一节将是空白"
    assert {p.section for p in found} == {"overview", "problems", "other"}
    report.texts.update(FILLED_TEXTS)
    report.texts["problems"] = "   \n  "
    assert [p.section for p in check(report)] == ["problems"]
