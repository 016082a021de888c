"""Rendered public pages for visitors who have not signed in, kept per process.

Catalog pages change only when content is loaded, and a visitor's page differs
from another's only by language and text size, so rendering each once per
(path, language, text size, content version) is enough. The version is read
from the database at most every ``PAGE_CACHE_VERSION_SECONDS``: a content load
shows everywhere within that.

The cache once answered in front of Flask, as WSGI middleware: no request hook
ran (so ``FORCE_HTTPS`` redirected nothing it served), and the page of one
signed-in reader was kept for every other, so a staff member's header reached
applicants. Now it lives in the view and holds anonymous pages only.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app, make_response, request, session
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
        """Needs an app context when the version is stale."""
        fresh = self.fresh_version()
        if fresh is not None:
            return fresh
        self._version = db.session.scalar(select(CatalogState.version)) or 0
        self._version_read_at = time.monotonic()
        return self._version

    def fresh_version(self) -> int | None:
        """The version if it was read recently enough, else None (no database needed)."""
        if time.monotonic() - self._version_read_at < self.version_seconds:
            return self._version or 0
        return None

    def get(self, key: tuple) -> tuple[str, int] | None:
        key = (self.content_version(), *key)
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: tuple[str, int]) -> None:
        key = (self.content_version(), *key)
        with self._lock:
            self._pages[key] = page
            while len(self._pages) > self.max_entries:
                self._pages.popitem(last=False)


def _cache() -> PageCache:
    return current_app.extensions["onewindow_page_cache"]


CACHE_STATUS_HEADER = "X-Page-Cache"


def cached_page(view: Callable) -> Callable:
    """Serve a public page to visitors who have not signed in from the cache; render on a miss.

    The cache works inside the view, so every request hook has run before it (the HTTPS
    redirect, language, rate limits) and every response hook runs after it (security
    headers, cookies). Signed-in readers, staff or applicants, always get a fresh page:
    their header is theirs. A page whose rendering wrote to the session (a CSRF token, a
    flashed message read) belongs to that reader and is not kept.
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_app.config["PAGE_CACHE_ENABLED"] or current_user.is_authenticated:
            return view(*args, **kwargs)
        key = (request.full_path, current_language(), large_text())
        page = _cache().get(key)
        status = "hit"
        if page is None:
            page, status = _as_page(view(*args, **kwargs)), "miss"
            if page[1] == 200 and not session.modified:
                _cache().put(key, page)
        response = make_response(page)
        response.headers[CACHE_STATUS_HEADER] = status
        return response

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
