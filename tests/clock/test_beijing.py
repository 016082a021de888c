"""Beijing's day is the law's day, and only one module reads the clock."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime

from portal.clock import beijing
from portal.config import PROJECT_ROOT

CLOCK_READS = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today")}


def _clock_reads(path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in CLOCK_READS
        ):
            found.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    return found


def test_nothing_but_the_beijing_module_reads_the_clock():
    own = PROJECT_ROOT / "portal" / "clock" / "beijing.py"
    reads = [
        hit
        for path in sorted((PROJECT_ROOT / "portal").rglob("*.py"))
        if path != own
        for hit in _clock_reads(path)
    ]
    assert reads == []


def test_the_day_turns_at_midnight_in_beijing_not_in_greenwich(monkeypatch):
    # 23:30 UTC on 1 December is 07:30 on 2 December in Beijing.
    monkeypatch.setattr(beijing, "now", lambda: datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    assert beijing.today() == date(2026, 12, 2)
    assert beijing.day_of(datetime(2026, 12, 1, 15, 59)) == date(2026, 12, 1)
    assert beijing.day_of(datetime(2026, 12, 1, 16, 0)) == date(2026, 12, 2)
