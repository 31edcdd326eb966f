"""The wizard driven like a clerk: pages from the template, navigation, states, checks, export, close."""

import sys
import types
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QTextBrowser

from app.report import Report
from app.template_loader import available_templates
from ui.dialogs import CANCEL, DISCARD, SAVE, ScriptedDialogs
from ui.new_report_dialog import NewReportChoice, NewReportDialog, NewReportRequest

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

NEW = ("t3", "new", "natural")
DISCLOSED = ("t3", "disclosed", "natural")


@pytest.fixture
def blank(t2021):
    return Report.blank(t2021, "某某镇人民政府", 2023)


def type_text(widget, text):
    """Key presses carrying any characters (QTest can only synthesise Latin-1 ones)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def type_cell(qtbot, page, key, text):
    assert page.view.select_key(key)
    qtbot.keyClicks(page.view, text[0])
    editor = page.view.editor()
    assert editor is not None
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def fill_texts(document):
    """Write every text section (empty ones are reported as warnings)."""
    for section in document.template.sections:
        if section.kind == "text":
            document.set_text(section.id, f"{section.heading}的内容。")


def click_item(qtbot, list_widget, item):
    list_widget.scrollToItem(item)
    rect = list_widget.visualItemRect(item)
    qtbot.mouseClick(list_widget.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


# -- pages come from the template -----------------------------------------------------------------


@pytest.mark.parametrize("template_id", ["2021", "2019"])
def test_pages_and_side_list_follow_the_template(make_window, template_id):
    template = available_templates()[template_id]
    window = make_window(Report.blank(template, "某某镇人民政府", 2020))
    expected = ["基本信息", *[s.heading for s in template.sections], "检查与导出"]
    wizard = window.wizard
    assert [p.title for p in wizard.pages] == expected
    assert [wizard.side.item(i).text() for i in range(wizard.side.count())] == expected
    assert expected[1] == "一、总体情况" and expected[-2] == "六、其他需要报告的事项"
    for section in template.sections:
        page = wizard.page(section.id)
        kind = "view" if section.kind == "table" else "editor"
        assert hasattr(page, kind), section.heading


def test_back_next_and_jumps_keep_what_was_typed(qtbot, make_window, blank):
    window = make_window(blank)
    wizard = window.wizard
    meta = wizard.current_page()
    meta.rows["contact_dept"].edit.clear()
    type_text(meta.rows["contact_dept"].edit, "党政办")
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    overview = wizard.current_page()
    assert overview.page_id == "overview"
    type_text(overview.editor, "全年主动公开信息20条。")
    wizard.go_to_page("requests")
    type_cell(qtbot, wizard.current_page(), NEW, "7")
    # Leaving the text page flushed the debounced typing into the report at once.
    assert window.document.report.texts["overview"] == "全年主动公开信息20条。"
    for _ in range(3):
        qtbot.mouseClick(wizard.back_button, Qt.MouseButton.LeftButton)
    assert wizard.current_page() is meta
    assert meta.rows["contact_dept"].edit.text() == "党政办"
    for _ in range(3):
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    requests = wizard.current_page()
    assert requests.view.model().index_of(NEW).data() == "7"
    wizard.go_to_page("overview")
    assert overview.editor.toPlainText() == "全年主动公开信息20条。"
    report = window.document.report
    assert report.meta["contact_dept"] == "党政办" and report.value(NEW) == 7


def test_side_list_states_follow_the_problems(qtbot, make_window, blank):
    window = make_window(blank)
    wizard = window.wizard
    row = wizard.index_of("requests")
    assert wizard.side.state(row) is None
    wizard.go_to_page("requests")
    type_cell(qtbot, wizard.current_page(), NEW, "3")  # 3 new requests, no results: R1 error
    assert wizard.side.state(row) == "error"
    assert wizard.side.state(wizard.index_of("check")) == "error"
    assert "错误 1 项" in wizard.side.item(row).toolTip()
    type_cell(qtbot, wizard.current_page(), DISCLOSED, "3")
    assert wizard.side.state(row) is None
    overview_row = wizard.index_of("overview")
    wizard.go_to_page("overview")
    type_text(wizard.current_page().editor, "全年收到政府信息公开申请9件。")
    qtbot.waitUntil(lambda: wizard.side.state(overview_row) == "warning")


def test_meta_page_validates_in_chinese_and_never_changes_silently(qtbot, make_window, blank):
    window = make_window(blank)
    meta = window.wizard.current_page()
    postcode = meta.rows["postcode"]
    qtbot.keyClicks(postcode.edit, "12345")
    assert postcode.note.text() == "邮政编码应为 6 位数字" and postcode.note.isVisible()
    assert "postcode" not in window.document.report.meta
    assert window.wizard.side.state(0) == "error"
    qtbot.keyClicks(postcode.edit, "6")
    assert window.document.report.meta["postcode"] == "123456"
    assert window.wizard.side.state(0) is None
    fee = meta.rows["info_fee"]
    type_text(fee.edit, "１２.5")  # full-width digits as a Chinese IME types them
    assert window.document.report.meta["info_fee"] == Decimal("12.5")
    organ = meta.rows["organ"]
    organ.edit.clear()
    assert organ.note.text() == "请填写机关名称"
    assert window.document.report.meta["organ"] == "某某镇人民政府"
    year = meta.rows["year"]
    year.edit.setText("2020")  # a 2021-format report for 2020: shown, not silently switched
    assert "通常使用“2019年版格式" in meta.format_note.text()
    assert window.document.report.template.id == "2021"


def test_text_page_counts_and_lists_warnings_while_typing(qtbot, make_window, blank):
    window = make_window(blank)
    window.wizard.go_to_page("overview")
    page = window.wizard.current_page()
    type_text(page.editor, "2023年 全年收到申请")
    assert page.count_label.text() == "已输入 11 字"
    type_text(page.editor, "5件。")
    qtbot.waitUntil(lambda: "5件" in page.problem_list.item(0).text())
    assert page.problem_list.count() == 1 and page.problem_list.isVisible()
    assert page.problems_title.text() == "本节发现的问题：提示 1 项"
    # The guidance of the official notice stands beside the editor.
    browser = page.findChild(QTextBrowser, "guidance_overview")
    assert "主动公开" in browser.toPlainText() and "监督保障" in browser.toPlainText()


def test_check_page_lists_errors_first_and_jumps_to_the_cell(qtbot, make_window, blank):
    window = make_window(blank)
    wizard = window.wizard
    fill_texts(window.document)
    window.document.set_cells({NEW: 4})
    window.document.set_text("overview", "2023年全年收到政府信息公开申请5件。")
    wizard.go_to_page("check")
    check = wizard.current_page()
    assert check.summary_label.text() == "错误 1 项，提示 1 项"
    problems = check.problem_list.problems()
    assert [p.severity for p in problems] == ["error", "warning"]
    first = next(check.problem_list.item(i) for i in range(check.problem_list.count())
                 if check.problem_list.problem_at(check.problem_list.item(i)) is problems[0])
    click_item(qtbot, check.problem_list, first)
    page = wizard.current_page()
    assert page.page_id == "requests"
    assert page.view.model().key_at(page.view.currentIndex()) == problems[0].cells[0].key
    assert wizard.side.currentRow() == wizard.index_of("requests")


def test_check_page_text_problem_opens_its_page(qtbot, make_window, blank):
    window = make_window(blank)
    window.document.set_text("overview", "2021年，我镇认真落实条例。")  # year of another report
    window.wizard.go_to_page("check")
    check = window.wizard.current_page()
    item = next(check.problem_list.item(i) for i in range(check.problem_list.count())
                if check.problem_list.problem_at(check.problem_list.item(i)))
    assert check.problem_list.problem_at(item).rule == "R8Y"
    click_item(qtbot, check.problem_list, item)
    assert window.wizard.current_page().page_id == "overview"


def test_check_page_without_problems_says_so(make_window, blank):
    window = make_window(blank)
    fill_texts(window.document)
    window.wizard.go_to_page("check")
    assert window.wizard.current_page().summary_label.text() == "未发现问题"


def test_enter_in_a_table_never_presses_next(qtbot, make_window, blank):
    window = make_window(blank)
    window.wizard.go_to_page("requests")
    page = window.wizard.current_page()
    page.view.select_key(NEW)
    for _ in range(3):
        qtbot.keyClick(page.view, Qt.Key.Key_Return)
    type_cell(qtbot, page, NEW, "2")
    assert window.wizard.current_page() is page


def test_escape_never_closes_the_window(qtbot, make_window, blank):
    window = make_window(blank)
    window.document.set_cells({NEW: 1})
    with qtbot.waitActive(window):
        window.activateWindow()  # so that any window-wide shortcut on Escape would fire
    for target in (window, window.wizard.side, window.wizard.current_page().rows["organ"].edit):
        qtbot.keyClick(target, Qt.Key.Key_Escape)
    window.wizard.go_to_page("requests")
    qtbot.keyClick(window.wizard.current_page().view, Qt.Key.Key_Escape)
    assert window.isVisible() and window.dialogs.calls == []


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_window(make_window, blank):
    window = make_window(blank)
    window.document.set_cells({NEW: 1})
    assert window.windowTitle() == "报告.nianbao* — 年报助手"
    window.dialogs.answer("ask_save_changes", CANCEL)
    assert not window.close()
    assert window.isVisible() and window.dialogs.texts("ask_save_changes") == ["报告.nianbao"]
    window.dialogs.answer("ask_save_changes", SAVE)
    assert window.close()
    assert not window.isVisible()


def test_closing_a_saved_report_asks_nothing(make_window, blank):
    window = make_window(blank)
    assert window.windowTitle() == "报告.nianbao — 年报助手"
    assert window.close() and window.dialogs.calls == []


# -- new report ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("year", "template_id"), [(2019, "2019"), (2020, "2019"), (2021, "2021"),
                                                   (2026, "2021")])
def test_new_report_dialog_picks_the_format_for_the_year(qtbot, user_dirs, year, template_id):
    dialog = NewReportDialog(NewReportRequest(), ScriptedDialogs())
    qtbot.addWidget(dialog)
    dialog.year_spin.setValue(2024)
    dialog.year_spin.setValue(year)
    assert dialog.format_combo.currentData() == template_id


def test_new_report_dialog_validates_and_suggests_documents_folder(qtbot, user_dirs):
    dialog = NewReportDialog(NewReportRequest(year=2024), ScriptedDialogs())
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.error_label.text().startswith("请填写机关名称")
    assert not dialog.result()
    type_text(dialog.organ_edit, "某某镇人民政府")
    assert Path(dialog.path_edit.text()) == user_dirs / "docs" / "某某镇人民政府2024年政府信息公开工作年度报告.nianbao"
    existing = Path(dialog.path_edit.text())
    existing.parent.mkdir(parents=True)
    existing.write_text("{}", encoding="utf-8")
    dialog.accept()
    assert "已经存在" in dialog.error_label.text()
    dialog.path_edit.setText(str(user_dirs / "其他.nianbao"))
    dialog.accept()
    assert dialog.result() and dialog.choice() == NewReportChoice(
        "某某镇人民政府", 2024, "2021", user_dirs / "其他.nianbao")


def test_new_report_creates_the_draft_and_opens_the_wizard(make_window, user_dirs):
    window = make_window()
    target = user_dirs / "docs" / "新报告.nianbao"
    window.dialogs.answer("new_report", NewReportChoice("某某镇人民政府", 2020, "2019", target))
    window.start_screen.buttons["new"].click()
    assert target.is_file()
    assert window.document.report.template.id == "2019" and window.document.report.year == 2020
    assert window.windowTitle() == "新报告.nianbao — 年报助手"
    assert window.wizard.current_page().page_id == "meta"


# -- export and print ---------------------------------------------------------------------------


@pytest.fixture
def fake_exporters(monkeypatch):
    written = []

    def export_xlsx(report, path):
        Path(path).write_bytes(b"xlsx")
        written.append((report.title, Path(path)))

    def export_pdf(report, path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setitem(sys.modules, "app.export_xlsx", types.SimpleNamespace(export_xlsx=export_xlsx))
    monkeypatch.setitem(sys.modules, "app.export_pdf", types.SimpleNamespace(export_pdf=export_pdf))
    return written


def test_export_asks_when_errors_exist_then_runs_in_background(qtbot, make_window, blank,
                                                              user_dirs, fake_exporters):
    window = make_window(blank)
    window.document.set_cells({NEW: 4})
    window.wizard.go_to_page("check")
    check = window.wizard.current_page()
    dialogs = window.dialogs
    dialogs.answer("choose", 1)  # “返回更正”
    check.buttons["xlsx"].click()
    assert "还有 1 项错误" in dialogs.texts("choose")[0] and fake_exporters == []
    target = user_dirs / "导出.xlsx"
    dialogs.answer("choose", 0, 0)  # “仍要导出”, then “打开所在文件夹”
    dialogs.answer("save_file", target)
    check.buttons["xlsx"].click()
    assert dialogs.texts("save_file")[0].endswith("某某镇人民政府2023年政府信息公开工作年度报告.xlsx")
    qtbot.waitUntil(lambda: dialogs.texts("open_folder") == [str(user_dirs)])
    assert fake_exporters == [("某某镇人民政府2023年政府信息公开工作年度报告", target)]
    assert check.buttons["xlsx"].isEnabled()


def test_export_failure_is_a_chinese_message(qtbot, make_window, blank, user_dirs, fake_exporters):
    window = make_window(blank)
    window.wizard.go_to_page("check")
    window.dialogs.answer("save_file", user_dirs / "报告")
    window.wizard.current_page().buttons["pdf"].click()
    qtbot.waitUntil(lambda: window.dialogs.texts("error") != [])
    assert window.dialogs.texts("error")[0].startswith("没有权限写入")
    assert "报告.pdf" in window.dialogs.texts("error")[0]


def test_print_preview_goes_through_the_dialog_service(make_window, blank):
    window = make_window(blank)
    window.wizard.go_to_page("check")
    window.wizard.current_page().buttons["preview"].click()
    assert window.dialogs.texts("print_preview") == ["某某镇人民政府2023年政府信息公开工作年度报告"]


# -- entry point --------------------------------------------------------------------------------


def test_self_test_runs_without_any_window(monkeypatch, qapp):
    from ui.main import main

    monkeypatch.setitem(sys.modules, "app.selftest", types.SimpleNamespace(main=lambda: 3))
    before = len(QApplication.topLevelWidgets())
    assert main(["--self-test"]) == 3
    assert len(QApplication.topLevelWidgets()) == before


def test_screenshots_write_one_picture_per_page(qapp, tmp_path, user_dirs):
    from ui.screenshots import take_screenshots

    shots = take_screenshots(tmp_path / "shots")
    names = [p.name for p in shots]
    assert names[:2] == ["00-start.png", "00-new-report.png"]
    assert names[2:] == ["01-meta.png", "02-overview.png", "03-proactive.png", "04-requests.png",
                         "05-review.png", "06-problems.png", "07-other.png", "08-check.png"]
    assert all(p.stat().st_size > 10_000 for p in shots)
    assert not (user_dirs / "data").exists()  # the user's own data folder was not touched


def test_a_text_warning_about_a_figure_selects_the_passage(qtbot, make_window, blank):
    window = make_window(blank)
    window.document.set_text("overview", "本年度工作正常开展。\n2023年全年收到政府信息公开申请3件。")
    window.wizard.go_to_page("overview")
    page = window.wizard.current_page()
    item = page.problem_list.item(0)
    problem = page.problem_list.problem_at(item)
    assert problem.rule == "R8" and problem.quote == "收到政府信息公开申请3件"
    click_item(qtbot, page.problem_list, item)
    assert window.wizard.current_page() is page
    assert page.editor.textCursor().selectedText() == "收到政府信息公开申请3件"
    # from 检查与导出 the same warning opens the text page with the passage selected
    window.wizard.go_to_page("check")
    window.wizard.show_problem(problem)
    assert window.wizard.current_page() is page
    assert page.editor.textCursor().selectedText() == "收到政府信息公开申请3件"


def test_pdf_export_asks_when_basic_information_is_wrong(qtbot, make_window, blank, user_dirs,
                                                        fake_exporters):
    window = make_window(blank)
    fill_texts(window.document)
    window.wizard.page("meta").rows["publish_date"].edit.setText("明年一月")
    window.wizard.go_to_page("check")
    check = window.wizard.current_page()
    assert check.summary_label.text() == "错误 1 项"
    window.dialogs.answer("choose", 1)  # “返回更正”
    check.buttons["pdf"].click()
    question = window.dialogs.texts("choose")[0]
    assert "还有 1 项错误" in question and "「发布日期」" in question and "仍要继续吗" in question
    assert window.dialogs.icons == ["caution"] and window.dialogs.texts("save_file") == []


def test_file_menu_exports_and_prints_like_the_check_page(qtbot, make_window, blank, user_dirs,
                                                          fake_exporters):
    window = make_window(blank)
    fill_texts(window.document)
    titles = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert {"导出 Excel…", "导出 PDF…", "打印预览…", "打印…"} <= set(titles)
    window.preview_action.trigger()  # from 基本信息: no need to go to 检查与导出 first
    assert window.dialogs.texts("print_preview") == ["某某镇人民政府2023年政府信息公开工作年度报告"]
    window.dialogs.answer("save_file", user_dirs / "表.xlsx")
    window.dialogs.answer("choose", 1)  # “关闭” after the export
    window.export_xlsx_action.trigger()
    qtbot.waitUntil(lambda: window.dialogs.texts("choose") != [])
    assert fake_exporters[0][1] == user_dirs / "表.xlsx"
    assert window.dialogs.icons == ["information"]  # 导出完成 is news, not a question
    window.dialogs.answer("ask_save_changes", DISCARD)
    window.request_close_report()
    assert not window.export_pdf_action.isEnabled() and not window.print_action.isEnabled()


def test_enter_in_a_basic_information_field_moves_to_the_next(qtbot, make_window, blank):
    window = make_window(blank)
    meta = window.wizard.current_page()
    with qtbot.waitActive(window):
        window.activateWindow()
    meta.rows["organ"].edit.setFocus()
    qtbot.keyClick(meta.rows["organ"].edit, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is meta.rows["year"].edit
    qtbot.keyClick(meta.rows["year"].edit, Qt.Key.Key_Enter)
    assert QApplication.focusWidget() is meta.rows["publish_date"].edit
    assert window.wizard.current_page() is meta


def test_meta_hints_are_placeholders_and_only_errors_show_below(make_window, blank):
    window = make_window(blank)
    row = window.wizard.current_page().rows["publish_date"]
    assert row.edit.placeholderText() == "例如：2027-01-20" and not row.note.isVisible()
    row.edit.setText("明年")
    assert row.note.isVisible() and row.note.text().startswith("日期请写成")


@pytest.mark.parametrize(("before", "cursor_at", "expected_start"), [
    ("申请均已按时办结。", 9, "申请均已按时办结。\n（一）主动公开"),
    ("申请均已按时办结。\n第二段。", 3, "申请均已按时办结。\n（一）主动公开"),  # never splits a sentence
    ("第一段。\n", 5, "第一段。\n（一）主动公开"),
    ("", 0, "（一）主动公开"),
])
def test_insert_headings_starts_on_a_line_of_its_own(make_window, blank, before, cursor_at,
                                                     expected_start):
    window = make_window(blank)
    window.wizard.go_to_page("overview")
    page = window.wizard.current_page()
    page.editor.setPlainText(before)
    cursor = page.editor.textCursor()
    cursor.setPosition(cursor_at)
    page.editor.setTextCursor(cursor)
    page.insert_outline()
    assert page.editor.toPlainText().startswith(expected_start)
    assert "（五）监督保障\n" in page.editor.toPlainText()


def test_problem_list_under_a_table_has_room_for_several_problems(qtbot, make_window, blank):
    window = make_window(blank)
    window.document.set_cells({NEW: 4, ("t3", "carried", "business"): 2, ("t3", "new", "other_org"): 1})
    window.wizard.go_to_page("requests")
    page = window.wizard.current_page()
    problems = page.problem_list
    qtbot.waitUntil(lambda: problems.isVisible())
    assert problems.count() == 3
    last = problems.visualItemRect(problems.item(2))
    assert last.bottom() <= problems.viewport().height()  # all three readable without scrolling


def test_empty_recent_list_message_sits_under_its_heading(qtbot, make_window):
    window = make_window()
    start = window.start_screen
    assert start.empty_label.isVisible()
    label_top = start.empty_label.mapTo(start, start.empty_label.rect().topLeft()).y()
    button_top = start.buttons["new"].mapTo(start, start.buttons["new"].rect().topLeft()).y()
    assert label_top <= button_top + start.buttons["new"].height()
