"""Upgrades draft files written by older versions of the program, one function per version step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CURRENT_SCHEMA_VERSION = 1

Migration = Callable[[dict[str, Any]], dict[str, Any]]

# MIGRATIONS[n] turns a schema-n draft into a schema-(n+1) draft. Schema 1 is the first published
# format, so nothing is registered yet; when the format changes, bump CURRENT_SCHEMA_VERSION, add the
# step here and a fixture `tests/data/drafts/schema-<n>.nianbao` that a test upgrades.
MIGRATIONS: dict[int, Migration] = {}


class MigrationError(Exception):
    """A draft whose schema version this program cannot bring up to date."""


def migrate(data: dict[str, Any], current: int = CURRENT_SCHEMA_VERSION,
            steps: dict[int, Migration] | None = None) -> dict[str, Any]:
    """Apply every step from the draft's schema_version up to `current` (the draft dict is not modified)."""
    steps = MIGRATIONS if steps is None else steps
    version = data["schema_version"]
    while version < current:
        step = steps.get(version)
        if step is None:
            raise MigrationError(f"无法把格式版本 {version} 的草稿升级到版本 {current}")
        data = step(dict(data))
        version += 1
        data["schema_version"] = version
    return data
