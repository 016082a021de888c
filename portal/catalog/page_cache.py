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


CACHEABLE_HEADER = "X-OneWindow-Cacheable"


def cached_page(view: Callable | None = None, *, fast_path: bool = True) -> Callable:
    """Serve a public, impersonal page from the cache; render it on a miss.

    ``fast_path=False`` keeps a page out of the anonymous WSGI cache, for pages whose
    route has a rate limit that must count every request.
    """
    if view is None:
        return functools.partial(cached_page, fast_path=fast_path)

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_app.config["PAGE_CACHE_ENABLED"]:
            return view(*args, **kwargs)
        # The header differs for a signed-in reader (links to their applications), nothing else.
        signed_in = current_user.is_authenticated
        key = (request.full_path, current_language(), large_text(), signed_in)
        html, status = _cache().get_or_render(key, lambda: _as_page(view(*args, **kwargs)))
        # Tell the anonymous fast path it may keep this response as it is.
        return html, status, ({CACHEABLE_HEADER: "1"} if fast_path and not signed_in else {})

    return wrapper


def _as_page(result) -> tuple[str, int]:
    if isinstance(result, tuple):
        return result[0], result[1]
    return result, 200


def init_app(app) -> None:
    cache = PageCache(
        max_entries=app.config["PAGE_CACHE_MAX_ENTRIES"],
        version_seconds=app.config["PAGE_CACHE_VERSION_SECONDS"],
    )
    app.extensions["onewindow_page_cache"] = cache
    if app.config["PAGE_CACHE_ENABLED"]:
        app.wsgi_app = AnonymousPages(app, cache, app.config["PAGE_CACHE_MAX_ENTRIES"])


class AnonymousPages:
    """WSGI middleware: answer repeat requests for public pages from visitors without a session.

    Most public traffic is people who have not signed in. Their pages are the same
    for everyone sharing a language and text size, so the finished response, headers
    included, is kept and served before Flask handles the request at all, the way a
    caching reverse proxy would. Anyone with a session cookie goes through the app.
    """

    def __init__(self, app, cache: PageCache, max_entries: int) -> None:
        self.app, self.wsgi_app, self.cache = app, app.wsgi_app, cache
        self.max_entries = max_entries
        self._responses: OrderedDict[tuple, tuple[str, list, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        cookies = environ.get("HTTP_COOKIE", "")
        if environ["REQUEST_METHOD"] != "GET" or "session=" in cookies:
            return self.wsgi_app(environ, start_response)
        key = (
            self._version(),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            _preferences(cookies),
        )
        with self._lock:
            hit = self._responses.get(key)
        if hit is not None:
            status, headers, body = hit
            start_response(status, headers)
            return [body]
        return self._render_and_keep(key, environ, start_response)

    def _version(self) -> int:
        version = self.cache.fresh_version()
        if version is None:
            with self.app.app_context():
                version = self.cache.content_version()
        return version

    def _render_and_keep(self, key, environ, start_response):
        seen: dict = {}

        def capture(status, headers, exc_info=None):
            seen["cacheable"] = (CACHEABLE_HEADER, "1") in headers and not any(
                name.lower() == "set-cookie" for name, _ in headers
            )
            headers = [(name, value) for name, value in headers if name != CACHEABLE_HEADER]
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, capture)
        if not seen.get("cacheable") or not seen["status"].startswith("200"):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        with self._lock:
            self._responses[key] = (seen["status"], seen["headers"], body)
            while len(self._responses) > self.max_entries:
                self._responses.popitem(last=False)
        return [body]


def _preferences(cookies: str) -> tuple[str, str]:
    """The language and text-size cookies: all that makes one anonymous page differ from another."""
    language = size = ""
    for part in cookies.split(";"):
        name, _, value = part.strip().partition("=")
        if name == "lang":
            language = value
        elif name == "textsize":
            size = value
    return language, size
