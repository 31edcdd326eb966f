"""Files through the window: save, reopen, save as, save errors, recent drafts, carry-over, last year."""

import errno
import json
import sys
from decimal import Decimal

import pytest
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

import app.drafts
from app.drafts import load_draft, report_to_dict, save_draft
from app.report import Report
from ui.app_setup import choose_font_family, install_translator
from ui.dialogs import CANCEL, DISCARD
from ui.new_report_dialog import NewReportChoice
from ui.recent_files import RecentFiles
from ui.user_dirs import default_draft_path, safe_file_name

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

NEW = ("t3", "new", "natural")
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
