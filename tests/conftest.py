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
