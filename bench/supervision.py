"""The supervision dashboard and its monthly report over many cards.

Usage: .venv/bin/python bench/supervision.py [--cards 500000] [--open 20000] [--runs 20]

On a fresh PostgreSQL database (TEST_POSTGRES_URL) with the guides loaded, writes ``--cards``
cards for the city center (``--open`` of them still open, the rest cleared; a raised and a
cleared history line each, spread over a year) straight in SQL, then prints the p50 and p99
server time of the dashboard page as a supervisor (rendered through the test client), of its
queries alone, and of the monthly CSV. The dashboard reads only the cards table, never the
cases behind them, so the number of cases does not enter. It asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from portal.catalog.models import Center, Window  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.supervision import dashboard  # noqa: E402
from tests.conftest import fresh_database, load_guides, make_app  # noqa: E402
from tests.factories import make_staff, sign_in_staff  # noqa: E402

FILL = """
INSERT INTO supervision_cards (subject, subject_id, step, limit_kind, level, due, center_id,
    window_id, department_id, officer_id, label, public_ref, raised_on, raised_at, red_on,
    head_told_at, cleared_at, cleared_on, cleared_late)
SELECT 'case', n, 'pre-review', 'step', CASE WHEN n % 3 = 0 THEN 'red' ELSE 'yellow' END,
    DATE '2026-01-01' + (n % 340), :center,
    (:windows)[1 + n % cardinality(:windows)], (:departments)[1 + n % cardinality(:departments)],
    NULL, 'HY-2026-' || n, md5(n::text), DATE '2026-01-01' + (n % 340),
    TIMESTAMPTZ '2026-01-01' + (n % 340) * INTERVAL '1 day',
    CASE WHEN n % 3 = 0 THEN DATE '2026-01-01' + (n % 340) END, NULL,
    CASE WHEN n > :open THEN TIMESTAMPTZ '2026-01-02' + (n % 340) * INTERVAL '1 day' END,
    CASE WHEN n > :open THEN DATE '2026-01-02' + (n % 340) END,
    CASE WHEN n > :open THEN n % 3 = 0 END
FROM generate_series(1, :cards) AS n
"""
HISTORY = """
INSERT INTO supervision_card_history (card_id, kind, level, at, "on", event, by_name, late,
    detail)
SELECT id, 'raised', level, raised_at, raised_on, 'sweep', NULL, NULL, '{}'::json FROM supervision_cards
UNION ALL
SELECT id, 'cleared', level, cleared_at, cleared_on, 'accepted', '张伟', cleared_late, '{}'::json
FROM supervision_cards WHERE cleared_at IS NOT NULL
"""


def timed(function, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=500_000)
    parser.add_argument("--open", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, fresh_database("postgresql", Path(folder)) as url:
        app = make_app(url)
        load_guides(app)
        with app.app_context():
            center = db.session.scalar(select(Center).where(Center.slug == "city"))
            windows = list(
                db.session.scalars(select(Window.id).where(Window.center_id == center.id))
            )
            departments = list(db.session.scalars(text("SELECT id FROM departments")))
            started = time.perf_counter()
            db.session.execute(
                text(FILL),
                {
                    "center": center.id,
                    "windows": windows,
                    "departments": departments,
                    "open": args.open,
                    "cards": args.cards,
                },
            )
            db.session.execute(text(HISTORY))
            db.session.commit()
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            print(
                f"{args.cards} cards ({args.open} open) written in {time.perf_counter() - started:.0f} s"
            )
            center_id = center.id

            def queries():
                dashboard.open_cards(center_id, dashboard.Filters())
                dashboard.tallies(center_id)
                dashboard.unknown_steps(center_id)
                dashboard.choices(center_id)
                db.session.rollback()

            p50, p99 = timed(queries, args.runs)
            print(f"dashboard queries: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
            for name, query in (
                ("open_cards", lambda: dashboard.open_cards(center_id, dashboard.Filters())),
                ("tallies", lambda: dashboard.tallies(center_id)),
                ("unknown_steps", lambda: dashboard.unknown_steps(center_id)),
                ("choices", lambda: dashboard.choices(center_id)),
                ("monthly", lambda: dashboard.monthly(center_id, 2026, 6)),
            ):
                p50, p99 = timed(query, 5)
                print(f"  {name}: p50 {p50:.1f} ms")
        staff_id, *_ = make_staff(app, role="supervisor", windows=())
        client = app.test_client()
        sign_in_staff(client, staff_id)
        assert client.get("/staff/supervision").status_code == 200
        p50, p99 = timed(lambda: client.get("/staff/supervision").close(), args.runs)
        print(f"dashboard page (server, rendered): p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        p50, p99 = timed(
            lambda: client.get("/staff/supervision?level=red&step=pre-review").close(), args.runs
        )
        print(f"dashboard filtered: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        p50, p99 = timed(lambda: client.get("/staff/supervision/report/2026-06.csv").close(), 5)
        print(f"monthly CSV: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
