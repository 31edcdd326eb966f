import copy
import json
import re
from pathlib import Path

import pytest

from app.layout import table_grid
from app.resources import templates_dir
from app.template_loader import TemplateError, available_templates, load_template_file, parse_template

DATA = Path(__file__).parent / "data"


def all_labels(template):
    labels = set()
    for section in template.sections:
        labels.add(section.label)
    for table in template.tables.values():
        grid = table_grid(table)
        labels.update(c.text for c in grid.cells if c.text)
    return labels


def test_every_template_file_loads_and_ids_are_lowercase_ascii():
    files = sorted(templates_dir().glob("*.json"))
    assert len(files) >= 2
    for path in files:
        template = load_template_file(path)
        raw = path.read_text(encoding="utf-8")
        for ident in re.findall(r'"id": "([^"]+)"', raw):
            assert re.fullmatch(r"[a-z][a-z0-9_]*|R[0-9]+[A-Z]?|20[0-9]{2}", ident), ident
        assert template.sections[0].heading == "一、总体情况"


def test_seed_table_labels_appear_verbatim_in_2019_template(t2019):
    seed = (DATA / "seed-report-2021.txt").read_text(encoding="utf-8")
    start = seed.index("2、 主动公开政府信息情况")
    end = seed.index("五、存在的主要问题及改进情况")
    labels = all_labels(t2019)
    seen = 0
    for line in seed[start:end].splitlines():
        text = line.strip()
        if not text or re.fullmatch(r"-?\d+", text) or re.match(r"[234]、", text):
            continue
        assert text in labels, text
        seen += 1
    assert seen > 60


def test_section_headings_are_official(t2021, t2019):
    expected = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    for template in (t2021, t2019):
        assert [s.heading for s in template.sections] == expected


def test_2021_table_two_matches_reference_in_order(t2021):
    table = t2021.tables["t2"]
    shape = [(g.caption, [c.label for c in g.columns], [r.label for r in g.rows]) for g in table.groups]
    assert shape == [
        ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "行政规范性文件"]),
        ("第二十条第（五）项", ["本年处理决定数量"], ["行政许可"]),
        ("第二十条第（六）项", ["本年处理决定数量"], ["行政处罚", "行政强制"]),
        ("第二十条第（八）项", ["本年收费金额（单位：万元）"], ["行政事业性收费"]),
    ]
    assert table.label_header == "信息内容"
    assert table.groups[1].columns[0].span == 3
    kinds = {c.id: c.kind.value for g in table.groups for c in g.columns}
    assert kinds["fee_amount"] == "amount" and kinds["made"] == "count"


T3_ROWS_2021 = [
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
    "（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
    "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
    "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
    "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他",
    "（七）总计", "四、结转下年度继续办理",
]


def test_2021_table_three_matches_reference_in_order(t2021):
    table = t2021.tables["t3"]
    assert [r.label for r in table.rows] == T3_ROWS_2021
    assert [c.label for c in table.leaf_columns] == [
        "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert table.corner[1] == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    groups = [(n.label, [c.label for c in n.children]) for n in table.row_tree if n.children]
    assert groups[0][0] == "三、本年度办理结果"
    assert groups[0][1] == ["（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                            "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理", "（七）总计"]


def test_2019_table_three_has_single_other_row(t2019):
    labels = [r.label for r in t2019.tables["t3"].rows]
    assert "（六）其他处理" in labels
    assert "3.其他" not in labels
    assert len(labels) == len(T3_ROWS_2021) - 2


def test_table_four_has_fifteen_numbers_under_official_headings(t2021, t2019):
    for template in (t2021, t2019):
        table = template.tables["t4"]
        assert len(table.leaf_columns) == 15
        grid = table_grid(table)
        headers = {(c.row, c.text, c.colspan, c.rowspan) for c in grid.cells if c.role == "header"}
        assert (0, "行政复议", 5, 1) in headers
        assert (0, "行政诉讼", 10, 1) in headers
        assert (1, "未经复议直接起诉", 5, 1) in headers
        assert (1, "复议后起诉", 5, 1) in headers
        assert (1, "结果维持", 1, 2) in headers  # 行政复议's own columns span two header rows


def test_table_three_merged_layout_is_official(t2021):
    grid = table_grid(t2021.tables["t3"])
    by_text = {c.text: c for c in grid.cells if c.text}
    corner = by_text["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"]
    assert (corner.row, corner.col, corner.rowspan, corner.colspan) == (0, 0, 3, 3)
    assert by_text["申请人情况"].colspan == 7
    assert by_text["自然人"].rowspan == 2
    assert by_text["法人或其他组织"].colspan == 5
    assert by_text["总计"].rowspan == 2
    assert by_text["三、本年度办理结果"].rowspan == 22
    assert by_text["（三）不予公开"].rowspan == 8
    assert by_text["（一）予以公开"].colspan == 2
    assert by_text["一、本年新收政府信息公开申请数量"].colspan == 3


def test_2019_table_two_columns(t2019):
    table = t2019.tables["t2"]
    assert [g.caption for g in table.groups][-1] == "第二十条第（九）项"
    change = table.column("licensing", "change")
    assert change.kind.value == "signed_count" and change.label == "本年增/减"
    assert table.column("procurement", "purchase_amount").kind.value == "amount"


def test_computed_cells_are_declared_not_coded(t2021):
    t3 = t2021.tables["t3"]
    assert t3.is_computed("new", "total")
    assert t3.is_computed("results_total", "natural")
    assert not t3.is_computed("new", "natural")
    t4 = t2021.tables["t4"]
    assert [c.id for c in t4.leaf_columns if c.computed] == ["review_total", "direct_total", "after_total"]


def _raw(name="2021"):
    return json.loads((templates_dir() / f"{name}.json").read_text(encoding="utf-8"))


def _broken(mutate):
    data = copy.deepcopy(_raw())
    mutate(data)
    with pytest.raises(TemplateError) as info:
        parse_template(data, "坏模板.json")
    return str(info.value)


def test_duplicate_id_names_file_and_place():
    def dup(data):
        data["tables"][1]["rows"][1]["id"] = "new"
    message = _broken(dup)
    assert "坏模板.json" in message and "tables[1].rows" in message and "new" in message


def test_unresolved_reference_is_refused():
    def bad(data):
        data["rules"][0]["equations"][0]["left"] = ["nonexistent"]
    message = _broken(bad)
    assert "rules[0]" in message and "nonexistent" in message


def test_cycle_among_computed_cells_is_refused():
    def cycle(data):
        columns = data["tables"][1]["columns"][0]["children"]
        columns[0]["sum"] = ["total"]  # 自然人 = 总计, while 总计 includes 自然人
    assert "循环" in _broken(cycle)


@pytest.mark.parametrize("field,value,expect", [
    ("kind", "money", "未知的单元格类型"),
])
def test_unknown_cell_kind(field, value, expect):
    def bad(data):
        data["tables"][0]["groups"][0]["columns"][0][field] = value
    assert expect in _broken(bad)


def test_unknown_severity_and_rule_type():
    def sev(data):
        data["rules"][0]["severity"] = "fatal"
    assert "严重程度" in _broken(sev)

    def typ(data):
        data["rules"][0]["type"] = "magic"
    assert "规则类型" in _broken(typ)


def test_bad_json_template_file_names_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format_version": 1,\n "id": ', encoding="utf-8")
    with pytest.raises(TemplateError, match="broken.json"):
        load_template_file(path)


def test_rules_r1_to_r10_are_declared_in_templates(t2021, t2019):
    ids2021 = {r.id for r in t2021.rules}
    ids2019 = {r.id for r in t2019.rules}
    assert {"R1", "R2", "R3", "R4", "R5", "R6", "R8", "R9", "R10"} <= ids2021
    assert {"R1", "R2", "R3", "R4", "R5", "R7", "R8", "R9", "R10"} <= ids2019
    severities = {r.id: r.severity for r in t2021.rules}
    assert all(severities[r] == "error" for r in ("R1", "R2", "R3", "R4"))
    assert all(severities[r] == "warning" for r in ("R5", "R6", "R8", "R10"))


def test_available_templates_default_by_year():
    from app.template_loader import default_template_for
    assert default_template_for(2026).id == "2021"
    assert default_template_for(2020).id == "2019"
    assert list(available_templates()) == ["2021", "2019"]
