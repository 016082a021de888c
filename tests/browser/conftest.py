"""A live portal on SQLite and Debian's Chromium driven by Playwright.

Never `playwright install`: the browser is /usr/bin/chromium from Debian.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from tests.conftest import fresh_database, load_guides, make_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A browser set to Chinese: a first visit follows Accept-Language, and headless Chromium
    would otherwise ask for en-US. Tests choose English with the site's own link."""
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> Iterator:
    """The app behind the live server, for tests that prepare data the browser then sees."""
    with fresh_database("sqlite", tmp_path_factory.mktemp("live")) as url:
        app = make_app(url)
        load_guides(app)
        yield app


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> dict:
    return VIEWPORTS[request.param]
