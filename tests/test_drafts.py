import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import atomic_write
from app.draft_migrations import CURRENT_SCHEMA_VERSION, migrate
from app.drafts import DraftError, backup_path, dumps_draft, load_draft, loads_draft, save_draft
from app.report import Report
from app.template_loader import available_templates

DRAFTS = Path(__file__).parent / "data" / "drafts"


def sample(template_id="2021"):
    template = available_templates()[template_id]
    report = Report.blank(template, "哈图布呼镇人民政府", 2026)
    report.set_value(("t3", "new", "natural"), 3)
    if template_id == "2021":
        report.set_value(("t2", "fees", "fee_amount"), Decimal("12.50"))
    report.texts["overview"] = "第一段。\n第二段“引号”。"
    report.meta["info_fee"] = Decimal("0.5")
    return report


def same(a: Report, b: Report):
    return a.template is b.template and a.meta == b.meta and a.texts == b.texts and a.values == b.values


def test_save_and_load_round_trip(tmp_path):
    path = tmp_path / "报告.nianbao"
    report = sample()
    save_draft(report, path)
    assert same(load_draft(path), report)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["values"]["t2"]["fees"]["fee_amount"] == "12.50"  # amounts are strings
    assert "total" not in data["values"]["t3"]["new"]  # computed cells are not stored
    assert data["meta"]["organ"] == "哈图布呼镇人民政府" and data["meta"]["year"] == 2026


def test_second_save_keeps_previous_version_as_backup(tmp_path):
    path = tmp_path / "a.nianbao"
    report = sample()
    save_draft(report, path)
    first = path.read_bytes()
    report.set_value(("t3", "new", "natural"), 5)
    save_draft(report, path)
    assert backup_path(path).read_bytes() == first
    assert load_draft(path).value(("t3", "new", "natural")) == 5
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_failed_replace_leaves_original_intact(tmp_path, monkeypatch):
    path = tmp_path / "a.nianbao"
    save_draft(sample(), path)
    before = path.read_bytes()

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_write.os, "replace", broken)
    with pytest.raises(DraftError, match="磁盘空间不足"):
        save_draft(sample("2019"), path)
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_windows_sharing_violation_is_retried(tmp_path, monkeypatch):
    path = tmp_path / "a.nianbao"
    real = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) < 3:
            err = PermissionError(13, "locked")
            err.winerror = 32
            raise err
        return real(src, dst)

    monkeypatch.setattr(atomic_write.os, "replace", flaky)
    monkeypatch.setattr(atomic_write.time, "sleep", lambda s: None)
    save_draft(sample(), path, keep_backup=False)
    assert len(calls) == 3 and same(load_draft(path), sample())


def test_fixture_of_every_schema_version_loads():
    found = sorted(DRAFTS.glob("schema-*.nianbao"))
    versions = {int(p.stem.split("-")[1]) for p in found}
    assert versions == set(range(1, CURRENT_SCHEMA_VERSION + 1))
    for path in found:
        report = load_draft(path)
        assert report.organ and report.year
        assert report.grid()[("t3", "new", "total")] == 3


def test_migration_steps_run_in_order():
    steps = {1: lambda d: {**d, "meta": {**d["meta"], "organ": d["meta"]["organ"] + "（迁移）"}}}
    data = json.loads((DRAFTS / "schema-1.nianbao").read_text(encoding="utf-8"))
    upgraded = migrate(data, current=2, steps=steps)
    assert upgraded["schema_version"] == 2 and upgraded["meta"]["organ"].endswith("（迁移）")
    assert data["schema_version"] == 1


VALID = json.loads((DRAFTS / "schema-1.nianbao").read_text(encoding="utf-8"))


def variant(change):
    data = json.loads(json.dumps(VALID))
    change(data)
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("raw,message", [
    (b"", "文件是空的"),
    (b"not json at all", "已损坏"),
    (json.dumps(VALID, ensure_ascii=False).encode("utf-8")[:200], "不完整"),
    ("{\"a\": \"中文\"}".encode("gbk"), "UTF-8"),
    (b"[1, 2]", "不是年报草稿"),
    (variant(lambda d: d.update(schema_version=99)), "更新版本"),
    (variant(lambda d: d.update(template="2035")), "未知的报告格式"),
    (variant(lambda d: d["values"]["t3"]["new"].update(natural=-1)), "不能为负数"),
    (variant(lambda d: d["values"]["t3"]["new"].update(natural=1.5)), "必须是整数"),
    (variant(lambda d: d["values"]["t3"]["new"].update(natural="3")), "应为数字"),
    (variant(lambda d: d["values"]["t3"]["new"].update(natural=10**12)), "过大"),
    (variant(lambda d: d["values"]["t3"].update(nonsense={"natural": 1})), "没有编号为“nonsense”的行"),
    (variant(lambda d: d["values"]["t3"]["new"].update(alien=1)), "没有编号为“alien”的列"),
    (variant(lambda d: d["values"].update(t9={})), "没有编号为“t9”的表格"),
    (variant(lambda d: d["values"]["t3"]["new"].update(total=3)), "自动计算的合计"),
    (variant(lambda d: d["values"]["t2"]["fees"].update(fee_amount=12.5)), "带引号"),
    (variant(lambda d: d["meta"].update(year="2025")), "年度应为"),
    (variant(lambda d: d["meta"].pop("organ")), "缺少「机关名称」"),
])
def test_bad_files_are_refused_with_a_message(tmp_path, raw, message):
    path = tmp_path / "坏.nianbao"
    path.write_bytes(raw)
    stamp = path.stat().st_mtime_ns
    with pytest.raises(DraftError, match=message) as info:
        load_draft(path)
    assert "坏.nianbao" in str(info.value) or "不完整" in str(info.value)
    assert path.read_bytes() == raw and path.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in tmp_path.iterdir()) == ["坏.nianbao"]


def test_missing_file_message(tmp_path):
    with pytest.raises(DraftError, match="找不到草稿"):
        load_draft(tmp_path / "nope.nianbao")


counts = st.integers(min_value=0, max_value=999_999_999)
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


@st.composite
def reports(draw):
    template = draw(st.sampled_from(list(available_templates().values())))
    report = Report.blank(template, draw(st.text(min_size=1, max_size=30).filter(str.strip)),
                          draw(st.integers(1990, 2100)))
    keys = list(template.input_keys())
    for key in draw(st.lists(st.sampled_from(keys), max_size=15, unique=True)):
        column = template.column(key)
        if column.kind.value == "amount":
            value = Decimal(draw(st.integers(0, 10**9))) / 100
        elif column.kind.value == "signed_count":
            value = draw(st.integers(-(10**6), 10**6))
        else:
            value = draw(counts)
        report.set_value(key, value)
    for section in report.texts:
        report.texts[section] = draw(texts)
    report.meta["contact_phone"] = draw(texts)
    return report


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reports())
def test_property_save_then_load_gives_same_report(tmp_path, report):
    path = tmp_path / "p.nianbao"
    save_draft(report, path, keep_backup=False)
    assert same(load_draft(path), report)


SAVED = dumps_draft(sample()).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.integers(0, len(SAVED)).map(lambda n: SAVED[:n]),
    st.tuples(st.integers(0, len(SAVED) - 1), st.integers(0, 255)).map(
        lambda t: SAVED[:t[0]] + bytes([t[1]]) + SAVED[t[0] + 1:]),
    st.tuples(st.integers(0, len(SAVED)), st.binary(min_size=1, max_size=8)).map(
        lambda t: SAVED[:t[0]] + t[1] + SAVED[t[0]:]),
))
def test_property_damaged_file_loads_validly_or_is_refused(raw):
    try:
        report = loads_draft(raw, "坏.nianbao")
    except DraftError as exc:
        assert str(exc)
        return
    report.grid()  # a loaded report is usable
    for key, value in report.values.items():
        assert report.template.has_cell(key)
        assert value != 0
