"""Shared test setup: headless Qt and the shipped templates."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

import ui  # noqa: E402,F401  (installs the PySide6 reference-count guard before any Qt call)
from app.template_loader import available_templates  # noqa: E402


@pytest.fixture
def t2021():
    return available_templates()["2021"]


@pytest.fixture
def t2019():
    return available_templates()["2019"]


@pytest.fixture
def user_dirs(tmp_path, monkeypatch):
    """Keep the program's data and documents folders inside the test's temporary folder."""
    from ui.user_dirs import DATA_ENV, DOCUMENTS_ENV

    monkeypatch.setenv(DATA_ENV, str(tmp_path / "data"))
    monkeypatch.setenv(DOCUMENTS_ENV, str(tmp_path / "docs"))
    return tmp_path


@pytest.fixture
def make_window(qtbot, qapp, user_dirs):
    """Factory of shown main windows (optionally opening a report saved as a draft); closed afterwards."""
    import shiboken6

    from app.drafts import save_draft
    from ui.dialogs import DISCARD, ScriptedDialogs
    from ui.main_window import MainWindow
    from ui.recent_files import RecentFiles

    made = []

    def make(report=None, name="报告.nianbao"):
        window = MainWindow(ScriptedDialogs(), RecentFiles(user_dirs / "settings.json"), autosave_delay_ms=50)
        window.resize(1100, 760)
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        if report is not None:
            path = user_dirs / name
            save_draft(report, path)
            assert window.open_path(path)
        return window

    yield make
    for window in made:
        if shiboken6.isValid(window) and window.isVisible():
            window.dialogs.answers["ask_save_changes"] = [DISCARD]
            window.close()
