"""A month's figures kept for ``PERFORMANCE_CACHE_SECONDS`` in each process.

Unlike the catalog's pages, figures change with every decision, so they are kept for a
short time rather than per content version. 0 turns the cache off (tests, the bench's
server-time figure). A Report holds plain values only, never a row of a session.
"""

from __future__ import annotations

import threading
import time
from datetime import date

from flask import current_app

from portal.performance.figures import Report, Selection, report

MAX_ENTRIES = 512


class FiguresCache:
    def __init__(self) -> None:
        self._reports: dict[tuple, tuple[float, Report]] = {}
        self._lock = threading.Lock()

    def get(self, selection: Selection, today: date, min_ratings: int, seconds: int) -> Report:
        if seconds <= 0:
            return report(selection, today, min_ratings)
        key = (selection, today, min_ratings)
        now = time.monotonic()
        with self._lock:
            kept = self._reports.get(key)
        if kept is not None and now - kept[0] < seconds:
            return kept[1]
        fresh = report(selection, today, min_ratings)
        with self._lock:
            if len(self._reports) >= MAX_ENTRIES:
                self._reports = {k: v for k, v in self._reports.items() if now - v[0] < seconds}
                if len(self._reports) >= MAX_ENTRIES:
                    self._reports.clear()
            self._reports[key] = (now, fresh)
        return fresh


def cached_report(selection: Selection, today: date) -> Report:
    cache = current_app.extensions.setdefault("performance_cache", FiguresCache())
    config = current_app.config
    return cache.get(
        selection, today, config["PERFORMANCE_MIN_RATINGS"], config["PERFORMANCE_CACHE_SECONDS"]
    )
