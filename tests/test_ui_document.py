"""The Document: all-or-nothing edits, undo, totals, problems and the modified state."""

from decimal import Decimal
from pathlib import Path

import pytest

from app.numbers import InputError
from app.report import Report
from ui.document import Document

NEW = ("t3", "new", "natural")
NEW_BUSINESS = ("t3", "new", "business")
NEW_TOTAL = ("t3", "new", "total")
CARRIED = ("t3", "carried", "natural")
DISCLOSED = ("t3", "disclosed", "natural")
RESULTS_TOTAL = ("t3", "results_total", "natural")
FEE = ("t2", "fees", "fee_amount")


@pytest.fixture
def doc(qapp, t2021):
    return Document(Report.blank(t2021, "某某镇人民政府", 2023))


def test_set_cells_recomputes_totals_and_emits(doc, qtbot):
    seen = []
    doc.cellsChanged.connect(seen.append)
    with qtbot.waitSignals([doc.changed, doc.problemsChanged]):
        with qtbot.waitSignal(doc.modifiedChanged, check_params_cb=lambda m: m is True):
            doc.set_cells({NEW: 5, NEW_BUSINESS: 2})
    assert doc.grid[NEW_TOTAL] == 7
    assert doc.report.values[NEW] == 5
    assert {NEW, NEW_BUSINESS, NEW_TOTAL, ("t3", "results_total", "total")} <= seen[0]
    assert doc.is_modified


def test_set_cells_is_all_or_nothing(doc):
    with pytest.raises(InputError, match="件数必须是整数"):
        doc.set_cells({NEW: 5, NEW_BUSINESS: Decimal("1.5")})
    assert doc.report.values == {}
    assert doc.grid[NEW_TOTAL] == 0
    assert doc.undo_stack.count() == 0
    assert not doc.is_modified


def test_computed_and_unknown_cells_are_refused(doc):
    with pytest.raises(InputError, match="自动计算"):
        doc.set_cells({NEW_TOTAL: 3})
    with pytest.raises(InputError):
        doc.set_cells({("t3", "no_such_row", "natural"): 3})
    with pytest.raises(InputError, match="不能为负数"):
        doc.set_cells({NEW: -1})
    assert doc.undo_stack.count() == 0


def test_block_is_one_undo_step_and_redo_restores(doc):
    doc.set_cells({NEW: 1})
    doc.set_cells({NEW: 4, CARRIED: 2, DISCLOSED: 6}, "粘贴")
    assert doc.undo_stack.count() == 2
    assert doc.undo_stack.undoText() == "粘贴"
    doc.undo_stack.undo()
    assert (doc.grid[NEW], doc.grid[CARRIED], doc.grid[DISCLOSED]) == (1, 0, 0)
    assert doc.grid[NEW_TOTAL] == 1
    doc.undo_stack.redo()
    assert (doc.grid[NEW], doc.grid[CARRIED], doc.grid[DISCLOSED]) == (4, 2, 6)
    assert doc.grid[RESULTS_TOTAL] == 6


def test_unchanged_values_push_nothing(doc):
    doc.set_cells({NEW: 0})
    assert doc.undo_stack.count() == 0
    assert not doc.is_modified


def test_amount_keeps_decimal_places(doc):
    doc.set_cells({FEE: Decimal("12.50")})
    assert doc.grid[FEE] == Decimal("12.50")
    assert isinstance(doc.report.values[FEE], Decimal)
    with pytest.raises(InputError, match="小数"):
        doc.set_cells({FEE: Decimal("1.23456")})


def test_modified_follows_save_and_undo(doc, qtbot, tmp_path):
    states = []
    doc.modifiedChanged.connect(states.append)
    doc.set_cells({NEW: 3})
    path = tmp_path / "a.nianbao"
    with qtbot.waitSignal(doc.pathChanged):
        doc.mark_saved(path)
    assert doc.path == path and not doc.is_modified
    doc.undo_stack.undo()  # back before the save point: differs from the file again
    assert doc.is_modified
    doc.undo_stack.redo()
    assert not doc.is_modified
    assert states == [True, False, True, False]


def test_texts_and_meta_mark_modified_without_undo(doc, qtbot):
    with qtbot.waitSignal(doc.changed):
        doc.set_text("overview", "本年度新收政府信息公开申请5件。")
    assert doc.is_modified and doc.undo_stack.count() == 0
    assert doc.report.texts["overview"] == "本年度新收政府信息公开申请5件。"
    assert any(p.rule == "R8" for p in doc.problems_for_section("overview"))
    doc.mark_saved()
    assert not doc.is_modified
    with qtbot.waitSignal(doc.changed):
        doc.set_meta("contact_phone", "0571-88888888")
    assert doc.is_modified and doc.report.meta["contact_phone"] == "0571-88888888"
    doc.mark_saved(Path("x.nianbao"))
    with qtbot.assertNotEmitted(doc.changed):
        doc.set_meta("contact_phone", "0571-88888888")
    assert not doc.is_modified


def test_mark_modified_until_saved(doc, qtbot):
    with qtbot.waitSignal(doc.modifiedChanged, check_params_cb=lambda m: m is True):
        doc.mark_modified()
    assert doc.is_modified and doc.undo_stack.count() == 0
    doc.mark_saved()
    assert not doc.is_modified


def test_r1_problem_appears_on_cells_and_goes(doc):
    assert [p for p in doc.problems if p.is_error] == []
    doc.set_cells({NEW: 5})
    r1 = [p for p in doc.problems_for_cell(NEW) if p.rule == "R1"]
    assert r1 and "相差5" in r1[0].message
    assert doc.worst_severity("requests") == "error"
    assert doc.worst_severity("review") is None
    doc.set_cells({DISCLOSED: 5})
    assert doc.problems_for_cell(NEW) == []
    assert doc.worst_severity("requests") is None


def test_previous_report_adds_cross_year_warning(doc, t2021, qtbot):
    last = Report.blank(t2021, "某某镇人民政府", 2022)
    last.set_value(("t3", "carry_next", "natural"), 3)
    with qtbot.waitSignal(doc.problemsChanged):
        doc.set_previous(last)
    r5 = [p for p in doc.problems if p.rule == "R5"]
    assert r5 and r5[0].severity == "warning"
    assert CARRIED in {c.key for c in r5[0].cells}
    assert doc.worst_severity("requests") == "warning"
    assert not doc.is_modified  # attaching last year's report is not an edit
    doc.set_previous(None)
    assert not [p for p in doc.problems if p.rule == "R5"]


def test_rejected_meta_input_is_kept_as_an_error_and_a_change(doc, qtbot):
    doc.set_meta_text("publish_date", "2024-01-20")
    doc.mark_saved()
    with qtbot.waitSignal(doc.modifiedChanged, check_params_cb=lambda m: m is True):
        message = doc.set_meta_text("publish_date", "明年一月")
    assert message.startswith("日期请写成")
    assert doc.report.meta["publish_date"] == "2024-01-20"  # the report keeps the valid value
    problem = doc.problems[0]
    assert (problem.severity, problem.section) == ("error", "meta")
    assert "「发布日期」" in problem.message and doc.rejected_field(problem) == "publish_date"
    assert doc.worst_severity("meta") == "error"
    doc.mark_saved()
    assert doc.is_modified  # saved without the rejected input: still not what is on screen
    assert doc.rejected_notes() == ["「发布日期」填写有误，保存的是原来的值“2024-01-20”"]
    assert doc.set_meta_text("publish_date", "2024年2月1日") is None
    assert doc.report.meta["publish_date"] == "2024-02-01" and doc.rejected == {}
    assert doc.worst_severity("meta") is None and doc.is_modified


def test_retyping_the_stored_value_is_not_a_change(doc):
    doc.set_meta_text("postcode", "833300")
    doc.mark_saved()
    assert doc.set_meta_text("postcode", " 833300 ") is None
    assert not doc.is_modified
