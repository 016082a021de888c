"""Server time per request, in-process, with the page cache off: public and signed-in pages.

Usage: .venv/bin/python bench/pages.py [--requests 300] [--items 2000] [--backend sqlite]
       [--profile PAGE] [--only LABEL] [--keep DIR]

Builds two temporary databases: the real content (with one applicant who has filed 50
applications through the pages and keeps one draft), and the same content plus generated
copies of its items up to ``--items`` (for search only: the copies exist only in this
bench's database). Then a production-configured app with PAGE_CACHE_ENABLED=false serves
each page ``--requests`` times through the Flask test client; a WSGI wrapper times only the
portal's own call (the request, the view, the response hooks and the close), not the client.
It prints wall and CPU p50/p95 per page in milliseconds (on a shared machine the CPU figure
is the steadier one), the SQL statements per request, and each CPU p50 as a multiple of a bare Flask
endpoint returning the home page's bytes, timed the same way in the same rounds (the pages
are measured round-robin, ``--rounds`` times, so the machine's drift touches all alike).
It asserts nothing. ``--profile home`` (or any
label) prints a pyinstrument profile of that page's requests instead (requirements-dev.txt).
Preparing takes minutes; with SQLite, ``--keep DIR`` keeps the two databases there and
reuses them on the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from tests.applying import COMPANY, file_an_application, start_application  # noqa: E402
from tests.conftest import GUIDES, fresh_database, load_guides, make_app  # noqa: E402
from tests.factories import make_applicant, sign_in_as  # noqa: E402

GUIDE = "/items/430400-SC-XK-0001"
PUBLIC_PAGES = [
    ("home", "/"),
    ("guide", GUIDE),
    ("fee schedule", "/fees"),
]
SEARCHES = [
    ("search 开饭店", "/search?q=" + urllib.parse.quote("开饭店")),
    ("search 驾照到期", "/search?q=" + urllib.parse.quote("驾照到期")),
    ("search driving licence", "/search?q=driving+licence"),
]
CASES = 50


class TimedWsgi:
    """Times the portal's WSGI call including reading its body and closing it."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.durations: list[float] = []
        self.cpu: list[float] = []
        self.statements = 0  # SQL statements sent, counted by count_statements()

    def __call__(self, environ, start_response):
        started, cpu = time.perf_counter(), time.thread_time()
        result = self.inner(environ, start_response)
        try:
            body = list(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        self.durations.append(time.perf_counter() - started)
        self.cpu.append(time.thread_time() - cpu)
        return body


def generated_guides(folder: Path, total: int) -> Path:
    """The real guides plus copies of their items (new code, numbered name) up to ``total``."""
    target = folder / "guides-generated"
    shutil.copytree(GUIDES, target)
    originals = sorted((target / "items").glob("*.yaml"))
    sources = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in originals]
    for serial in range(total - len(originals)):
        item = dict(sources[serial % len(sources)])
        item["code"] = f"{item['code']}-B{serial:04d}"
        item["name"] = {
            "zh": f"{item['name']['zh']}（第{serial}号）",
            "en": f"{item['name']['en']} (no. {serial})",
        }
        item["popular"] = False
        (target / "items" / f"{item['code']}.yaml").write_text(
            yaml.safe_dump(item, allow_unicode=True), encoding="utf-8"
        )
    return target


def prepare_filings(url: str) -> tuple[int, list[str], str]:
    """An applicant with ``CASES`` submitted applications and one draft (through the pages)."""
    setup = make_app(url)
    load_guides(setup)
    applicant_id, _ = make_applicant(setup)
    client = setup.test_client()
    sign_in_as(client, applicant_id)
    submitted = [file_an_application(client) for _ in range(CASES)]
    draft = start_application(client, COMPANY)
    with setup.app_context():
        db.engine.dispose()
    return applicant_id, submitted, draft


def production_app(url: str, folder: Path):
    os.environ.update(
        {
            "SECRET_KEY": "benchmark-only-secret",
            "TOTP_ENCRYPTION_KEY": "tiy6_FAs2oPt5n7eLLlSy6VtDjvEyec4Obsi9iigteA=",
            "SESSION_COOKIE_SECURE": "false",
            "ALLOW_UNSCANNED_UPLOADS": "true",
            "ALLOW_LOG_NOTIFIER": "true",
            "ALLOW_LOG_BACKOFFICE": "true",
        }
    )
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "STORAGE_LOCAL_DIR": str(folder / "uploads"),
            "PAGE_CACHE_ENABLED": False,
            "SEARCH_RATE_LIMIT": "100000000 per minute",
        },
        config_name="production",
    )
    timer = TimedWsgi(app.wsgi_app)
    app.wsgi_app = timer  # type: ignore[method-assign]
    count_statements(app, timer)
    return app, timer


def count_statements(app, timer: TimedWsgi) -> None:
    """Every SQL statement the app's engine sends adds one to ``timer.statements``."""
    from sqlalchemy import event

    def counted(*_args) -> None:
        timer.statements += 1

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", counted)


def measure(client, timer: TimedWsgi, path: str, requests: int) -> tuple[list, list]:
    """Wall and CPU seconds of each request (CPU: this thread's, so SQLite's work counts but
    the other processes sharing the cores do not)."""
    for _ in range(5):  # warm: templates compiled, connections open
        client.get(path)
    timer.durations.clear()
    timer.cpu.clear()
    timer.statements = 0
    for _ in range(requests):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return list(timer.durations), list(timer.cpu)


def bare_flask(page: bytes):
    """The floor: Flask answering a saved page, nothing of ours in between."""
    from flask import Flask, Response

    bare = Flask("bare")
    bare.add_url_rule("/", "page", lambda: Response(page, mimetype="text/html"))
    timer = TimedWsgi(bare.wsgi_app)
    bare.wsgi_app = timer  # type: ignore[method-assign]
    return bare.test_client(), timer


def quantile(durations: list[float], q: float) -> float:
    return statistics.quantiles(durations, n=100, method="inclusive")[q - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="per page, over all rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--profile", help="a page label: print its profile instead")
    parser.add_argument("--only", help="measure only labels containing this text")
    parser.add_argument("--keep", type=Path, help="SQLite: keep (and reuse) the databases here")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="onewindow-bench-pages-"))
    with ExitStack() as stack:
        if args.keep and args.backend == "sqlite":
            args.keep.mkdir(parents=True, exist_ok=True)
            real_url = f"sqlite:///{args.keep / 'real.db'}"
            search_url = f"sqlite:///{args.keep / f'search-{args.items}.db'}"
        else:
            real_url = stack.enter_context(fresh_database(args.backend, folder))
            search_url = stack.enter_context(fresh_database(args.backend, folder))
        state = args.keep / "state.json" if args.keep else None
        started = time.perf_counter()
        if state and state.exists():
            applicant_id, submitted, draft = json.loads(state.read_text())
        else:
            applicant_id, submitted, draft = prepare_filings(real_url)
            if state:
                state.write_text(json.dumps([applicant_id, submitted, draft]))
        if not (args.keep and (args.keep / f"search-{args.items}.db").exists()):
            search_setup = make_app(search_url)
            load_guides(search_setup, generated_guides(folder, args.items))
            with search_setup.app_context():
                db.engine.dispose()
        print(f"prepared in {time.perf_counter() - started:.0f} s", file=sys.stderr)

        real, real_timer = production_app(real_url, folder)
        generated, generated_timer = production_app(search_url, folder)
        visitor = real.test_client()
        searcher = generated.test_client()
        applicant = real.test_client()
        sign_in_as(applicant, applicant_id)
        signed_in = [
            ("my applications (50)", "/applications"),
            ("a case page", f"/applications/{submitted[0]}"),
            ("a filing step", f"/applications/{draft}/questions/company-name"),
        ]
        targets = (
            [(label, path, visitor, real_timer) for label, path in PUBLIC_PAGES]
            + [
                (f"{label} ({args.items} items)", path, searcher, generated_timer)
                for label, path in SEARCHES
            ]
            + [(label, path, applicant, real_timer) for label, path in signed_in]
        )
        if args.only:
            targets = [target for target in targets if args.only in target[0]]
        if args.profile:
            profile(targets, args.profile, args.requests)
            return
        bare_client, bare_timer = bare_flask(visitor.get("/").get_data())
        targets.insert(0, ("bare Flask, same bytes as home", "/", bare_client, bare_timer))
        walls: dict[str, list[float]] = {label: [] for label, *_ in targets}
        cpus: dict[str, list[float]] = {label: [] for label, *_ in targets}
        statements: dict[str, float] = {label: 0 for label, *_ in targets}
        for _ in range(args.rounds):
            for label, path, client, timer in targets:
                wall, cpu = measure(client, timer, path, args.requests // args.rounds)
                walls[label] += wall
                cpus[label] += cpu
                statements[label] = timer.statements / max(len(wall), 1)
        print(f"{args.backend}, page cache off, {args.requests} requests each, server time in ms")
        print(
            f"{'page':<40} {'p50':>7} {'p95':>7} {'cpu p50':>8} {'cpu p95':>8} {'cpu/bare':>9}"
            f" {'queries':>8}"
        )
        floor = quantile(cpus[targets[0][0]], 50)
        for label in walls:
            p50, p95 = quantile(walls[label], 50), quantile(walls[label], 95)
            c50, c95 = quantile(cpus[label], 50), quantile(cpus[label], 95)
            print(
                f"{label:<40} {p50:7.2f} {p95:7.2f} {c50:8.2f} {c95:8.2f} {c50 / floor:8.1f}x"
                f" {statements[label]:8.1f}"
            )
        for app in (real, generated):
            with app.app_context():
                db.engine.dispose()


def profile(targets, label: str, requests: int) -> None:
    from pyinstrument import Profiler

    for name, path, client, timer in targets:
        if not re.search(re.escape(label), name):
            continue
        measure(client, timer, path, 20)
        profiler = Profiler(interval=0.001)
        profiler.start()
        measure(client, timer, path, requests)
        profiler.stop()
        print(f"== {name} {path}")
        print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
