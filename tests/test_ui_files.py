"""Files through the window: save, reopen, save as, save errors, recent drafts, carry-over, last year."""

import errno
import json
import sys
from decimal import Decimal

import pytest
from PySide6.QtCore import QCoreApplication, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import QApplication, QToolBar

import app.drafts
from app.drafts import load_draft, report_to_dict, save_draft
from app.report import Report
from ui.app_setup import choose_font_family, install_translator
from ui.dialogs import CANCEL, DISCARD, SAVE
from ui.new_report_dialog import NewReportChoice
from ui.recent_files import RecentFiles
from ui.user_dirs import default_draft_path, safe_file_name

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

NEW = ("t3", "new", "natural")
NEW_BUSINESS = ("t3", "new", "business")
DISCLOSED = ("t3", "disclosed", "natural")
CARRY_NEXT = ("t3", "carry_next", "natural")
CARRIED = ("t3", "carried", "natural")


@pytest.fixture
def draft(tmp_path, t2021):
    report = Report.blank(t2021, "某某镇人民政府", 2023)
    report.set_value(NEW, 2)
    report.set_value(DISCLOSED, 2)
    path = tmp_path / "某某镇2023.nianbao"
    save_draft(report, path)
    return path


def content(report):
    data = report_to_dict(report)
    data.pop("saved_at")
    return data


def test_save_reopen_and_compare(qtbot, make_window, draft):
    window = make_window()
    assert window.open_path(draft)
    page = window.wizard.page("meta")
    page.rows["contact_phone"].edit.setText("0991-1234567")
    page.rows["info_fee"].edit.setText("12.50")
    window.wizard.go_to_page("other")
    window.wizard.current_page().editor.setPlainText("本年度收取信息处理费12.50元。")
    window.document.set_cells({("t3", "new", "business"): 1, ("t3", "partly", "business"): 1})
    assert window.windowTitle() == "某某镇2023.nianbao* — 年报助手"
    with qtbot.waitActive(window):
        window.activateWindow()  # window shortcuts work in the active window only
    qtbot.keyClick(window.wizard.current_page().editor, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier)
    assert window.windowTitle() == "某某镇2023.nianbao — 年报助手"
    assert not window.document.is_modified
    expected = content(window.document.report)
    again = make_window()
    assert again.open_path(draft)
    assert content(again.document.report) == expected
    assert again.document.report.meta["info_fee"] == Decimal("12.50")
    assert again.document.report.texts["other"] == "本年度收取信息处理费12.50元。"
    assert again.wizard.page("meta").rows["contact_phone"].edit.text() == "0991-1234567"
    assert draft.with_name(draft.name + ".bak").is_file()  # the previous version is kept


def test_save_as_moves_the_title_to_the_new_file(make_window, draft, tmp_path):
    window = make_window()
    window.open_path(draft)
    window.document.set_cells({NEW: 5})
    window.dialogs.answer("save_file", tmp_path / "副本")
    assert window.save_as()
    copy = tmp_path / "副本.nianbao"
    assert load_draft(copy).value(NEW) == 5 and load_draft(draft).value(NEW) == 2
    assert window.document.path == copy and window.windowTitle() == "副本.nianbao — 年报助手"


def test_save_errors_are_explained_and_nothing_is_lost(make_window, draft, monkeypatch):
    window = make_window()
    window.open_path(draft)
    window.document.set_cells({NEW: 9})
    before = draft.read_bytes()

    def disk_full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(app.drafts, "atomic_write_bytes", disk_full)
    assert not window.save()
    message = window.dialogs.texts("error")[0]
    assert message.startswith("磁盘空间不足") and "修改仍保留在程序中" in message
    assert window.document.is_modified and window.windowTitle().startswith("某某镇2023.nianbao*")
    assert draft.read_bytes() == before
    monkeypatch.undo()
    assert window.save() and load_draft(draft).value(NEW) == 9


def test_a_draft_can_be_saved_whatever_the_checks_say(make_window, draft):
    window = make_window()
    window.open_path(draft)
    window.document.set_cells({NEW: 50})  # R1 errors
    assert any(p.is_error for p in window.document.problems)
    assert window.save() and load_draft(draft).value(NEW) == 50


def test_broken_draft_gives_a_chinese_message_and_keeps_the_start_screen(make_window, tmp_path):
    window = make_window()
    broken = tmp_path / "坏.nianbao"
    broken.write_text('{"schema_version": 1, "template": "2021", "meta": {', encoding="utf-8")
    window.dialogs.answer("open_file", broken)
    window.start_screen.buttons["open"].click()
    assert "文件不完整" in window.dialogs.texts("error")[0]
    assert window.document is None and window.central.currentWidget() is window.start_screen
    assert window.windowTitle() == "年报助手"


def test_recent_drafts_on_the_start_screen(qtbot, make_window, draft, tmp_path):
    window = make_window()
    window.open_path(draft)
    gone = tmp_path / "已删除.nianbao"
    save_draft(load_draft(draft), gone)
    window.open_path(gone)
    gone.unlink()
    window.request_close_report()
    recent = window.start_screen.recent_list
    texts = [recent.item(i).text() for i in range(recent.count())]
    assert texts[0].startswith("已删除\n（文件已不存在）") and texts[1].startswith("某某镇2023\n")
    window.dialogs.answer("choose", 0)  # “移除”
    rect = recent.visualItemRect(recent.item(0))
    qtbot.mouseClick(recent.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert recent.count() == 1
    rect = recent.visualItemRect(recent.item(0))
    qtbot.mouseClick(recent.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.document is not None and window.document.path == draft


def test_opening_another_draft_asks_about_unsaved_changes(make_window, draft):
    window = make_window()
    window.open_path(draft)
    window.document.set_cells({NEW: 3})
    window.dialogs.answer("ask_save_changes", CANCEL)
    window.request_open()
    assert window.document.report.value(NEW) == 3 and window.dialogs.texts("open_file") == []


def test_carry_over_starts_next_year_with_figures_and_checks(make_window, t2021, tmp_path):
    last = Report.blank(t2021, "某某镇人民政府", 2023)
    last.meta["contact_dept"] = "党政办"
    for key, value in ((NEW, 5), (DISCLOSED, 3), (CARRY_NEXT, 2)):
        last.set_value(key, value)
    last_path = tmp_path / "2023.nianbao"
    save_draft(last, last_path)
    target = tmp_path / "docs" / "2024.nianbao"
    window = make_window()
    window.dialogs.answer("open_file", last_path)
    window.dialogs.answer("new_report", NewReportChoice("某某镇人民政府", 2024, "2021", target))
    window.start_screen.buttons["carry"].click()
    report = window.document.report
    assert (report.year, report.meta["contact_dept"], report.value(CARRIED)) == (2024, "党政办", 2)
    assert window.document.previous is not None and window.previous_path == last_path
    assert load_draft(target).value(CARRIED) == 2 and not window.document.is_modified
    assert window.dialogs.texts("new_report") == ["继承上年报告"]
    window.document.set_cells({CARRIED: 1})  # no longer what last year carried forward: R5
    assert any(p.rule == "R5" for p in window.document.problems)
    meta = window.wizard.page("meta")
    meta.shown()
    assert meta.previous_label.text() == "某某镇人民政府2023年政府信息公开工作年度报告（2023.nianbao）"


def test_last_years_report_for_checking_is_remembered(make_window, draft, t2021, tmp_path):
    last = Report.blank(t2021, "某某镇人民政府", 2022)
    last.set_value(NEW, 4)
    last.set_value(CARRY_NEXT, 4)
    last_path = tmp_path / "2022.nianbao"
    save_draft(last, last_path)
    window = make_window()
    window.open_path(draft)
    assert not any(p.rule == "R5" for p in window.document.problems)
    window.dialogs.answer("open_file", last_path)
    window.previous_action.trigger()
    assert any(p.rule == "R5" for p in window.document.problems)  # 上年结转 0, last year said 4
    window.request_close_report()
    again = make_window()
    again.open_path(draft)
    assert again.document.previous is not None and again.previous_path == last_path.resolve()
    again.wizard.page("meta").clear_button.click()
    assert again.document.previous is None


def test_choosing_a_report_of_the_wrong_year_asks_first(make_window, draft, t2021, tmp_path):
    old = tmp_path / "2019.nianbao"
    save_draft(Report.blank(t2021, "某某镇人民政府", 2021), old)
    window = make_window()
    window.open_path(draft)
    window.dialogs.answer("open_file", old)
    window.dialogs.answer("choose", 1)  # “取消”
    window.choose_previous()
    assert "不是上一年度（2022年）" in window.dialogs.texts("choose")[0]
    assert window.document.previous is None


def test_default_names_and_folders(user_dirs, t2021):
    path = default_draft_path(t2021, "某某镇人民政府", 2024)
    assert path == user_dirs / "docs" / "某某镇人民政府2024年政府信息公开工作年度报告.nianbao"
    assert safe_file_name('a/b:c*"d"?. ') == "a_b_c__d__"


def test_recent_files_survive_a_damaged_settings_file(tmp_path):
    settings = tmp_path / "settings.json"
    settings.write_text("{not json", encoding="utf-8")
    recent = RecentFiles(settings)
    assert recent.paths() == []
    recent.add(tmp_path / "a.nianbao")
    assert json.loads(settings.read_text(encoding="utf-8"))["recent"] == [
        str((tmp_path / "a.nianbao").resolve())]


def test_qt_texts_are_chinese_and_a_chinese_font_is_chosen(qapp):
    assert install_translator(qapp)
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    family = choose_font_family()
    assert family is not None
    from PySide6.QtGui import QFontDatabase

    assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)
    assert isinstance(QApplication.instance(), QApplication)


def test_a_long_session_of_signals_does_not_abort_the_program(qapp):

    class Emitter(QObject):
        ping = Signal()

    emitter = Emitter()
    for _ in range(5000):  # more than True's ~1,400 references on Python 3.11
        emitter.ping.emit()
    assert sys.getrefcount(True) > 1000


def test_export_to_excel_and_import_it_back(qtbot, make_window, draft, tmp_path):
    window = make_window()
    window.open_path(draft)
    window.document.set_text("overview", "2023年，我镇全年收到政府信息公开申请2件。")
    window.wizard.go_to_page("check")
    workbook = tmp_path / "导出.xlsx"
    window.dialogs.answer("save_file", workbook)
    window.dialogs.answer("choose", 1)  # “关闭” after the export
    window.wizard.current_page().buttons["xlsx"].click()
    qtbot.waitUntil(lambda: window.dialogs.texts("choose") != [], timeout=20_000)
    assert workbook.is_file() and "已导出到" in window.dialogs.texts("choose")[0]
    expected = content(window.document.report)
    window.dialogs.answer("ask_save_changes", DISCARD)
    window.dialogs.answer("open_file", workbook)
    window.import_action.trigger()
    qtbot.waitUntil(lambda: window.document.path is None, timeout=20_000)
    assert content(window.document.report)["values"] == expected["values"]
    assert window.document.report.texts["overview"] == expected["texts"]["overview"]
    assert window.document.is_modified and window.windowTitle() == "未命名* — 年报助手"


# -- pending input is never lost --------------------------------------------------------------------


def start_typing(qtbot, window, key, text):
    """Type into a cell of its table page and leave the editor open (no Enter)."""
    window.wizard.go_to_page(window.document.template.section_of_table(key[0]).id)
    view = window.wizard.current_page().view
    assert view.select_key(key)
    qtbot.keyClicks(view, text[0])
    editor = view.editor()
    assert editor is not None
    qtbot.keyClicks(editor, text[1:])
    return view, editor


def test_a_number_still_being_typed_is_saved_by_the_toolbar_and_ctrl_s(qtbot, make_window, draft):
    window = make_window()
    window.open_path(draft)
    view, _editor = start_typing(qtbot, window, NEW_BUSINESS, "17")
    toolbar_button = window.findChild(QToolBar, "mainToolbar").widgetForAction(window.save_action)
    qtbot.mouseClick(toolbar_button, Qt.MouseButton.LeftButton)
    assert load_draft(draft).value(NEW_BUSINESS) == 17
    assert view.editor() is None and window.windowTitle() == "某某镇2023.nianbao — 年报助手"
    _view, editor = start_typing(qtbot, window, NEW_BUSINESS, "23")
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert load_draft(draft).value(NEW_BUSINESS) == 23 and not window.document.is_modified


def test_closing_while_a_number_is_typed_asks_and_saves_it(qtbot, make_window, draft):
    window = make_window()
    window.open_path(draft)
    start_typing(qtbot, window, NEW_BUSINESS, "5")
    window.dialogs.answer("ask_save_changes", CANCEL)
    assert not window.close()
    assert window.dialogs.texts("ask_save_changes") == ["某某镇2023.nianbao"]
    window.dialogs.answer("ask_save_changes", SAVE)
    assert window.close()
    assert load_draft(draft).value(NEW_BUSINESS) == 5


def test_save_as_and_export_take_in_a_number_still_being_typed(qtbot, make_window, draft, tmp_path):
    window = make_window()
    window.open_path(draft)
    start_typing(qtbot, window, NEW_BUSINESS, "8")
    window.dialogs.answer("save_file", tmp_path / "另存")
    assert window.save_as() and load_draft(tmp_path / "另存.nianbao").value(NEW_BUSINESS) == 8
    start_typing(qtbot, window, NEW_BUSINESS, "9")
    window.dialogs.answer("choose", 1)  # errors now (R1): “返回更正”
    window.export_pdf_action.trigger()
    assert window.document.report.value(NEW_BUSINESS) == 9
    assert "还有" in window.dialogs.texts("choose")[0]


# -- 基本信息 input that is not accepted ----------------------------------------------------------

BAD_META = {"publish_date": "明年一月", "contact_phone": "12345", "postcode": "12", "info_fee": "-5"}


def test_rejected_basic_information_is_an_error_a_change_and_a_save_warning(qtbot, make_window, draft):
    window = make_window()
    window.open_path(draft)
    meta = window.wizard.page("meta")
    meta.rows["publish_date"].edit.setText("2024-01-20")
    assert window.save()
    for field_id, text in BAD_META.items():
        meta.rows[field_id].edit.setText(text)
        assert meta.rows[field_id].note.text()  # the red line under the field
    assert window.windowTitle().endswith("* — 年报助手")
    assert window.wizard.side.state(0) == "error"
    window.wizard.go_to_page("check")
    check = window.wizard.current_page()
    listed = [p for p in check.problem_list.problems() if p.section == "meta"]
    assert len(listed) == 4 and all(p.is_error for p in listed)
    assert "「发布日期」" in listed[0].message and "明年一月" in listed[0].message
    # Saving keeps the draft's previous values and says so; the input stays a change.
    window.dialogs.answer("ask_save_changes", CANCEL)
    assert window.save()
    warning = window.dialogs.texts("warning")[0]
    assert "「发布日期」填写有误，保存的是原来的值“2024-01-20”" in warning
    assert "「邮政编码」填写有误，保存的是原来的值（空）" in warning
    saved = load_draft(draft)
    assert saved.meta["publish_date"] == "2024-01-20" and "postcode" not in saved.meta
    assert window.document.is_modified and window.windowTitle().endswith("* — 年报助手")
    assert not window.close() and window.dialogs.texts("ask_save_changes") == ["某某镇2023.nianbao"]
    # A click on the problem puts the cursor into the field; correcting it clears the error.
    item = next(check.problem_list.item(i) for i in range(check.problem_list.count())
                if check.problem_list.problem_at(check.problem_list.item(i)) == listed[2])
    check.problem_list.itemActivated.emit(item)
    assert window.wizard.current_page() is meta
    assert window.focusWidget() is meta.rows["postcode"].edit
    meta.rows["postcode"].edit.setText("833300")
    assert len([p for p in window.document.problems if p.section == "meta"]) == 3


def test_rejected_input_is_shown_again_when_the_page_is_rebuilt(qtbot, make_window, draft):
    window = make_window()
    window.open_path(draft)
    window.wizard.page("meta").rows["postcode"].edit.setText("12")
    document = window.document
    from ui.pages import WizardView
    from ui.pages.base import PageContext

    again = WizardView(PageContext(document, window.dialogs, window.go_to, window.choose_previous,
                                   window.clear_previous, lambda: None))
    qtbot.addWidget(again)
    row = again.page("meta").rows["postcode"]
    assert row.edit.text() == "12" and row.note.text() == "邮政编码应为 6 位数字"


# -- backups --------------------------------------------------------------------------------------


def test_a_backup_opens_as_a_copy_that_saves_under_the_original_name(qtbot, make_window, draft):
    report = load_draft(draft)
    report.set_value(NEW, 3)
    save_draft(report, draft)  # the first version becomes 某某镇2023.nianbao.bak
    backup = draft.with_name(draft.name + ".bak")
    window = make_window()
    window.dialogs.answer("open_file", backup)
    window.open_action.trigger()
    assert "备份文件 (*.nianbao.bak)" in window.dialogs.filters[0]
    assert window.windowTitle() == "某某镇2023.nianbao（备份） — 年报助手"
    assert window.document.report.value(NEW) == 2
    assert window.recent.paths() == []
    window.dialogs.answer("save_file", None)  # Ctrl+S asks where; cancelled: nothing written
    assert not window.save()
    assert window.dialogs.texts("save_file") == [str(draft)]
    assert load_draft(backup).value(NEW) == 2 and load_draft(draft).value(NEW) == 3
    window.dialogs.answer("save_file", draft)
    assert window.save()
    assert load_draft(draft).value(NEW) == 2 and window.windowTitle() == "某某镇2023.nianbao — 年报助手"
    assert window.recent.paths() == [draft.resolve()]


# -- polish ---------------------------------------------------------------------------------------


def test_the_saved_message_goes_with_the_next_edit(make_window, draft):
    window = make_window()
    window.open_path(draft)
    window.document.set_cells({NEW: 4})
    assert window.save() and window.statusBar().currentMessage().startswith("已保存到")
    window.document.set_cells({NEW: 5})
    assert window.statusBar().currentMessage() == ""


def test_save_question_buttons_have_keyboard_accelerators(qapp, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.dialogs import Dialogs

    seen = []

    def fake_exec(box):
        seen.extend(b.text() for b in box.buttons())
        box.buttons()[0].click()  # what pressing Alt+S does
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    assert Dialogs().ask_save_changes(None, "报告.nianbao") == SAVE
    assert sorted(seen) == sorted(["保存(&S)", "不保存(&N)", "取消"])


# -- window size ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("available", "size", "maximized"), [
    ((1366, 728), (1200, 655), True),  # 1366×768 laptop with a taskbar: 上一步/下一步 must show
    ((1536, 824), (1200, 741), False),  # 1920×1080 at 125 %
    ((2560, 1400), (1200, 800), False),
])
def test_the_window_fits_the_screen(available, size, maximized):
    from PySide6.QtCore import QRect

    from ui.window_geometry import placement

    screen = QRect(0, 0, *available)
    placed = placement(QSize(1200, 800), screen)
    assert (placed.rect.width(), placed.rect.height()) == size and placed.maximized is maximized
    assert screen.contains(placed.rect) and placed.rect.center() == screen.center()


def test_first_window_fits_its_screen_and_its_size_is_remembered(qtbot, user_dirs):
    from ui.dialogs import ScriptedDialogs
    from ui.main_window import MainWindow

    settings = user_dirs / "settings.json"
    window = MainWindow(ScriptedDialogs(), RecentFiles(settings))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    available = window.screen().availableGeometry()
    assert window.isMaximized()  # the test screen is 800×800: small
    assert available.contains(window.frameGeometry()) or window.size() == available.size()
    window.showNormal()
    window.resize(700, 500)
    assert window.close()
    again = MainWindow(ScriptedDialogs(), RecentFiles(settings))
    qtbot.addWidget(again)
    again.show()
    assert not again.isMaximized() and again.size() == QSize(700, 500)
