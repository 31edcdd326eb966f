"""年报助手 core: report formats, totals, consistency checks, drafts and exports (no Qt here)."""

__version__ = "0.1.0"
