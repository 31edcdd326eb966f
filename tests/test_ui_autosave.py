"""Autosave and recovery: a crash loses nothing, and recovery never overwrites the user's file."""

import json

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, Qt

from app.drafts import load_draft, save_draft
from app.report import Report
from ui.autosave import DEFAULT_DELAY_MS, find_recoveries
from ui.dialogs import DISCARD
from ui.user_dirs import recovery_dir

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

NEW = ("t3", "new", "natural")


@pytest.fixture
def draft(tmp_path, t2021):
    path = tmp_path / "镇报告.nianbao"
    save_draft(Report.blank(t2021, "某某镇人民政府", 2023), path)
    return path


def recovery_files():
    return sorted(p.name for p in recovery_dir().iterdir() if p.suffix != ".lock")


def crash(window):
    """Drop the window the way a crash does: no close event, no saving, no clean-up handlers."""
    shiboken6.delete(window)
    QCoreApplication.processEvents()


def test_autosave_happens_within_three_seconds_by_default():
    assert DEFAULT_DELAY_MS <= 3000


def test_a_change_is_written_to_a_recovery_file_not_the_users_file(qtbot, make_window, draft):
    window = make_window()
    window.open_path(draft)
    before = draft.read_bytes()
    with qtbot.waitSignal(window.autosaver.saved):
        window.document.set_cells({NEW: 6})
    assert draft.read_bytes() == before
    assert load_draft(window.autosaver.draft_path).value(NEW) == 6
    info = json.loads(window.autosaver.info_path.read_text(encoding="utf-8"))
    assert info["original"] == str(draft) and info["saved_at"][:4].isdigit()
    assert window.autosaver.draft_path.parent == recovery_dir()
    assert window.autosave_label.text().startswith("已自动保存恢复副本")


def test_saving_or_closing_cleanly_removes_the_recovery_file(qtbot, make_window, draft):
    window = make_window()
    window.open_path(draft)
    with qtbot.waitSignal(window.autosaver.saved):
        window.document.set_cells({NEW: 6})
    assert recovery_files() != []
    assert window.save()
    assert recovery_files() == []
    with qtbot.waitSignal(window.autosaver.saved):
        window.document.set_cells({NEW: 7})
    window.dialogs.answer("ask_save_changes", DISCARD)
    assert window.close()
    assert recovery_files() == []
    assert load_draft(draft).value(NEW) == 6


def test_crash_then_recovery_restores_the_changes_without_touching_the_file(
        qtbot, make_window, draft):
    window = make_window()
    window.open_path(draft)
    window.wizard.go_to_page("overview")
    window.wizard.current_page().editor.setPlainText("2023年，我镇认真落实条例。")
    with qtbot.waitSignal(window.autosaver.saved):
        window.document.set_cells({NEW: 8})
    before = draft.read_bytes()
    crash(window)

    again = make_window()
    again.dialogs.answer("choose", 0)  # “恢复”
    assert again.offer_recovery()
    question = again.dialogs.texts("choose")[0]
    assert str(draft) in question and "自动保存于：" in question and "年" in question
    document = again.document
    assert document.report.value(NEW) == 8
    assert document.report.texts["overview"] == "2023年，我镇认真落实条例。"
    assert document.is_modified and document.path == draft
    assert again.windowTitle() == "镇报告.nianbao* — 年报助手"
    assert draft.read_bytes() == before  # the user's file waits for the user to save
    assert again.wizard.page("overview").editor.toPlainText() == "2023年，我镇认真落实条例。"
    # Only the new session's recovery copy is left; a further crash would still be covered.
    assert recovery_files() == sorted([again.autosaver.draft_path.name,
                                       again.autosaver.info_path.name])
    assert again.save() and load_draft(draft).value(NEW) == 8 and recovery_files() == []


def test_recovering_a_never_saved_report_opens_it_untitled(qtbot, make_window, t2021):
    window = make_window()
    window.dialogs.answer("new_report", None)
    from ui.document import Document

    window.set_document(Document(Report.blank(t2021, "某某镇人民政府", 2024)))
    with qtbot.waitSignal(window.autosaver.saved):
        window.document.set_meta("contact_dept", "党政办")
    crash(window)
    again = make_window()
    again.dialogs.answer("choose", 0)
    assert again.offer_recovery()
    assert again.document.path is None and again.windowTitle() == "未命名* — 年报助手"
    assert "尚未保存过的新报告" in again.dialogs.texts("choose")[0]
    assert again.document.report.meta["contact_dept"] == "党政办"


def test_declining_discards_and_later_keeps_the_offer(qtbot, make_window, draft):
    window = make_window()
    window.open_path(draft)
    with qtbot.waitSignal(window.autosaver.saved):
        window.document.set_cells({NEW: 3})
    crash(window)
    later = make_window()
    later.dialogs.answer("choose", 2)  # “以后再说”
    assert not later.offer_recovery() and later.document is None
    assert len(recovery_files()) == 2
    declined = make_window()
    declined.dialogs.answer("choose", 1)  # “放弃这些修改”
    assert not declined.offer_recovery()
    assert recovery_files() == [] and load_draft(draft).value(NEW) == 0


def test_a_running_session_is_never_offered_to_another_window(qtbot, make_window, draft):
    window = make_window()
    window.open_path(draft)
    with qtbot.waitSignal(window.autosaver.saved):
        window.document.set_cells({NEW: 4})
    assert find_recoveries(recovery_dir()) == []
    other = make_window()
    assert not other.offer_recovery() and other.dialogs.calls == []


def test_a_session_of_a_dead_process_is_offered_and_bare_locks_are_tidied(user_dirs, qapp, t2021):
    import socket

    folder = recovery_dir()
    dead_pid = "999999"  # no such process: its lock is stale as after a power cut
    lock_text = f"{dead_pid}\n{QCoreApplication.applicationName()}\n{socket.gethostname()}\n"
    save_draft(Report.blank(t2021, "某某镇人民政府", 2024), folder / "crashed.nianbao")
    (folder / "crashed.json").write_text('{"original": null, "title": "某某镇"}', encoding="utf-8")
    (folder / "crashed.lock").write_text(lock_text, encoding="utf-8")
    (folder / "bare.lock").write_text(lock_text, encoding="utf-8")
    found = find_recoveries(folder)
    assert [r.session for r in found] == ["crashed"] and found[0].title == "某某镇"
    assert not (folder / "bare.lock").exists()
    found[0].discard()
    assert sorted(p.name for p in folder.iterdir()) == []


def test_autosave_never_closes_a_cell_being_typed_in(qtbot, make_window, draft):
    window = make_window()
    window.open_path(draft)
    window.wizard.go_to_page("overview")
    window.wizard.current_page().editor.setPlainText("全年主动公开信息。")  # pending text
    window.wizard.go_to_page("requests")
    view = window.wizard.current_page().view
    view.select_key(NEW)
    qtbot.keyClicks(view, "1")
    editor = view.editor()
    qtbot.keyClicks(editor, "2")
    assert window.autosaver.save_now()
    assert view.editor() is editor  # the clerk goes on typing into the same cell
    qtbot.keyClicks(editor, "3")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.document.report.value(NEW) == 123
    assert load_draft(window.autosaver.draft_path).texts["overview"] == "全年主动公开信息。"
