"""Time to recompute every total and run every check after one edit, against a bare dict-sum baseline."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.checks import check  # noqa: E402
from app.compute import plan_for  # noqa: E402
from app.drafts import load_draft  # noqa: E402
from bench.common import print_table, row, sample  # noqa: E402

DRAFT = Path(__file__).resolve().parent.parent / "tests" / "data" / "drafts" / "schema-1.nianbao"


def main() -> None:
    report = load_draft(DRAFT)
    report.texts["overview"] = report.texts["overview"] * 40  # a realistic 2,000-character text
    plan = plan_for(report.template)
    steps = plan.steps
    counter = iter(range(10**9))

    def edit_and_recompute() -> None:
        report.set_value(("t3", "new", "business"), next(counter) % 7)
        report.grid()

    def edit_recompute_and_check() -> None:
        report.set_value(("t3", "new", "business"), next(counter) % 7)
        check(report)

    plain = {k: 1 for k in plan.keys}

    def bare_baseline() -> None:
        # the same number of additions over a plain dict, without templates or validation
        for key, sources in steps:
            plain[key] = sum(plain[s] for s in sources)

    rows = [
        row("bare baseline: same sums over a dict", sample(bare_baseline, 200, 50)),
        row("edit + recompute all totals", sample(edit_and_recompute, 200, 50)),
        row("edit + recompute + all checks", sample(edit_recompute_and_check, 200, 20)),
    ]
    print_table(f"Recompute per edit ({len(plan.keys)} cells, {len(steps)} computed)", rows)


if __name__ == "__main__":
    main()
