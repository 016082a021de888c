"""Rendered public pages, kept per process and keyed by the content version.

Catalog pages hold nothing personal and change only when content is loaded,
so rendering each once per (path, language, text size, content version) is
enough. The version is read from the database at most every
``PAGE_CACHE_VERSION_SECONDS``: a content load shows everywhere within that.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app, request
from flask_login import current_user
from sqlalchemy import select

from portal.catalog.models import CatalogState
from portal.extensions import db
from portal.i18n import current_language, large_text


class PageCache:
    def __init__(self, max_entries: int, version_seconds: float) -> None:
        self.max_entries = max_entries
        self.version_seconds = version_seconds
        self._pages: OrderedDict[tuple, tuple[str, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._version: int | None = None
        self._version_read_at = float("-inf")

    def content_version(self) -> int:
        now = time.monotonic()
        if now - self._version_read_at >= self.version_seconds:
            self._version = db.session.scalar(select(CatalogState.version)) or 0
            self._version_read_at = now
        return self._version or 0

    def get_or_render(self, key: tuple, render: Callable[[], tuple[str, int]]) -> tuple[str, int]:
        key = (self.content_version(), *key)
        with self._lock:
            if key in self._pages:
                self._pages.move_to_end(key)
                return self._pages[key]
        page = render()
        if page[1] == 200:
            with self._lock:
                self._pages[key] = page
                while len(self._pages) > self.max_entries:
                    self._pages.popitem(last=False)
        return page


def _cache() -> PageCache:
    return current_app.extensions["onewindow_page_cache"]


def cached_page(view: Callable) -> Callable:
    """Serve a public, impersonal page from the cache; render it on a miss."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_app.config["PAGE_CACHE_ENABLED"]:
            return view(*args, **kwargs)
        # The header differs for a signed-in reader (links to their applications), nothing else.
        key = (request.full_path, current_language(), large_text(), current_user.is_authenticated)
        return _cache().get_or_render(key, lambda: _as_page(view(*args, **kwargs)))

    return wrapper


def _as_page(result) -> tuple[str, int]:
    if isinstance(result, tuple):
        return result[0], result[1]
    return result, 200


def init_app(app) -> None:
    app.extensions["onewindow_page_cache"] = PageCache(
        max_entries=app.config["PAGE_CACHE_MAX_ENTRIES"],
        version_seconds=app.config["PAGE_CACHE_VERSION_SECONDS"],
    )
