"""The public performance page at scale: server time over 1,000,000 cases, 100,000 complaints
and 500,000 ratings in PostgreSQL, and the plans of its queries.

Usage: .venv/bin/python bench/performance.py [--cases 1000000] [--complaints 100000]
       [--ratings 500000] [--requests 200] [--keep] [--explain]

Makes a fresh PostgreSQL database (TEST_POSTGRES_URL's server), runs the migrations, loads
the real guides, then generates the data in the database itself (INSERT … SELECT over
generate_series: a minute or two, not hours), spread over the last 24 months in the order
it would have been written (ids grow with time, as they do in service):

- cases at every (item, window) of the catalog: 90 % accepted, the rest declined, withdrawn
  or waiting; an accepted case is decided within about 1.25 × its promised limit (so some
  late), 1.5 % stay open for ever, 0.5 % are suspended; each decision is in case_decisions
  as ``performance.recording`` writes it; 1 % of acceptances are deemed;
- ratings of ended cases (60 / 25 / 8 / 4 / 3 % from very satisfied down), bad ones with a
  follow-up, a few out of the figures;
- complaints of every kind with a 15-day reply deadline, most replied, some late, a few
  extended or not accepted.

Then the app (figures cache off: every request computes) serves the page for each filter
level ``--requests`` times through the in-process test client; a WSGI wrapper times only
the portal's call. It prints p50/p95 in ms against the 50 ms target, the same with the
figures cache on, last month's figures, and EXPLAIN (ANALYZE, BUFFERS) of every query one
page runs (the plans in full with ``--explain``). The database is dropped unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text  # noqa: E402

from portal.catalog.models import Center, Department, ServiceItem  # noqa: E402
from portal.clock import beijing  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.performance import counters  # noqa: E402
from portal.performance.figures import Month, Selection, report  # noqa: E402
from tests.conftest import (  # noqa: E402
    _drop_postgres_database,
    _new_postgres_database,
    _postgres_url,
    load_guides,
    make_app,
)
from tests.factories import make_applicant  # noqa: E402

TARGET_MS = 50

ITEMS = """
CREATE UNLOGGED TABLE bench_items AS
SELECT (row_number() OVER (ORDER BY i.id, w.id) - 1)::int AS n, i.id AS item_id,
       w.center_id, w.id AS window_id, i.promised_limit AS promised, i.immediate
FROM service_items i JOIN item_windows iw ON iw.item_id = i.id JOIN windows w ON w.id = iw.window_id
"""

# One row per case with everything decided up front; ids grow with the submission time.
CASES = """
CREATE UNLOGGED TABLE bench_cases AS
WITH base AS (
  SELECT g AS id,
         :start + ((g - 1 + random()) / :cases) * (:end - :start) AS submitted_at,
         (floor(power(random(), 1.6) * :k))::int AS n,
         random() AS r_accept, random() AS r_speed, random() AS r_kind, random() AS r_stuck
  FROM generate_series(1, :cases) g
), days AS (
  SELECT b.*, (b.submitted_at AT TIME ZONE 'Asia/Shanghai')::date AS submitted_on, i.item_id,
         i.center_id, i.window_id, i.promised, i.immediate
  FROM base b JOIN bench_items i ON i.n = b.n
), accepted AS (
  SELECT d.*,
         CASE WHEN d.r_accept < 0.90 OR (d.r_accept >= 0.97 AND d.submitted_on < :today - 10)
              THEN d.submitted_on + 1 + floor(d.r_speed * 3)::int END AS accepted_on
  FROM days d
)
SELECT a.*,
       CASE WHEN a.accepted_on IS NOT NULL
            THEN a.accepted_on + ceil(a.promised * 1.4)::int END AS decide_by,
       CASE WHEN a.accepted_on IS NULL THEN NULL
            WHEN a.immediate THEN a.accepted_on
            WHEN a.r_stuck < 0.02 THEN NULL
            ELSE a.accepted_on + floor(random() * (ceil(a.promised * 1.4) + 1) * 1.25)::int
       END AS decision_on
FROM accepted a
"""

APPLICATIONS = """
INSERT INTO applications (id, public_id, applicant_id, item_id, center_id, window_id, status,
  answers, number, created_at, updated_at, expires_at, submitted_at, pre_review_by,
  accepted_on, decide_by)
SELECT c.id, md5(c.id::text), :applicant, c.item_id, c.center_id, c.window_id,
  CASE
    WHEN c.accepted_on IS NULL AND c.r_accept < 0.95 THEN 'declined'
    WHEN c.accepted_on IS NULL AND c.r_accept < 0.97 THEN 'withdrawn'
    WHEN c.accepted_on IS NULL THEN 'submitted'
    WHEN c.decision_on IS NOT NULL AND c.decision_on < :today THEN
      CASE WHEN c.r_kind < 0.05 THEN 'refused' WHEN c.r_kind < 0.25 THEN 'approved'
           ELSE 'completed' END
    WHEN c.r_stuck < 0.005 THEN 'suspended'
    WHEN c.r_kind < 0.5 THEN 'accepted'
    ELSE 'in-review'
  END,
  '{}'::json, 'HY-B-' || c.id, c.submitted_at, c.submitted_at, c.submitted_at + interval '30 days',
  c.submitted_at, c.submitted_on + 5, c.accepted_on, c.decide_by
FROM bench_cases c ORDER BY c.id
"""

DECISIONS = """
INSERT INTO case_decisions (application_id, center_id, item_id, accepted_on, decided_on, due_on,
  on_time, working_days, promised_days)
SELECT c.id, c.center_id, c.item_id, c.accepted_on, c.decision_on, c.decide_by,
  c.decision_on <= c.decide_by, ((c.decision_on - c.accepted_on) * 5 / 7)::int, c.promised
FROM bench_cases c
WHERE c.decision_on IS NOT NULL AND c.decision_on < :today ORDER BY c.id
"""

DEEMED = """
INSERT INTO notices (application_id, number, kind, issued_on, issued_at, pdf, detail)
SELECT c.id, 'HYTZ-B-' || c.id, 'deemed-acceptance', c.submitted_on + 7,
  c.submitted_at + interval '7 days', '\\x'::bytea, '{}'::json
FROM bench_cases c WHERE c.accepted_on IS NOT NULL AND c.r_speed > 0.99 AND c.submitted_on + 7 < :today
"""

RATINGS = """
INSERT INTO ratings (application_id, applicant_id, center_id, item_id, level, reasons,
  rated_at, out_of_figures)
SELECT r.id, :applicant, r.center_id, r.item_id, r.level,
  CASE WHEN r.level IN ('unsatisfied', 'very-unsatisfied') THEN '["slow"]'::json ELSE '[]'::json END,
  r.rated_at, r.level IN ('unsatisfied', 'very-unsatisfied') AND r.r < 0.003
FROM (
  SELECT c.id, c.center_id, c.item_id, random() AS r,
    ((coalesce(c.decision_on, c.submitted_on + 5) + 1)::timestamp + interval '2 hours')
      AT TIME ZONE 'UTC' AS rated_at,
    CASE WHEN c.r_speed < 0.60 THEN 'very-satisfied' WHEN c.r_speed < 0.85 THEN 'satisfied'
         WHEN c.r_speed < 0.93 THEN 'basically-satisfied'
         WHEN c.r_speed < 0.97 THEN 'unsatisfied' ELSE 'very-unsatisfied' END AS level
  FROM bench_cases c
  WHERE ((c.decision_on IS NOT NULL AND c.decision_on < :today - 1)
         OR (c.accepted_on IS NULL AND c.r_accept < 0.95 AND c.submitted_on < :today - 7))
  ORDER BY c.id
) r
WHERE r.id % 1000 < :per_mille
ORDER BY r.id
"""

FOLLOW_UPS = """
INSERT INTO rating_follow_ups (public_id, rating_id, center_id, call_back_by, called_back_at,
  outcome, fix_by, outcome_at, fixed_at, created_at)
SELECT md5('f' || r.id), r.id, r.center_id, (r.rated_at AT TIME ZONE 'Asia/Shanghai')::date + 1,
  r.rated_at + interval '1 day', o.outcome,
  CASE WHEN o.outcome = 'fix-by' THEN (r.rated_at AT TIME ZONE 'Asia/Shanghai')::date + 10 END,
  CASE WHEN o.outcome IS NOT NULL THEN r.rated_at + interval '2 days' END,
  CASE WHEN o.outcome = 'fix-by' AND o.r < 0.8 THEN r.rated_at + interval '8 days' END,
  r.rated_at
FROM ratings r
CROSS JOIN LATERAL (
  SELECT x.r, CASE WHEN x.r < 0.5 THEN 'fixed' WHEN x.r < 0.75 THEN 'fix-by'
                   WHEN x.r < 0.95 THEN 'explained' END AS outcome
  FROM (SELECT random() + r.id * 0 AS r) x
) o
WHERE r.level IN ('unsatisfied', 'very-unsatisfied')
"""

COMPLAINTS = """
INSERT INTO complaints (ticket, query_code_hash, kind, status, application_id, item_id,
  center_id, window_id, what_happened, what_they_want, anonymous, language, received_at,
  accept_by, reply_by, reopened_once, extended, extension_reply_by, findings, first_replied_on)
SELECT 'HYTS-B-' || g.g, md5(g.g::text) || md5(g.g::text), g.kind,
  CASE WHEN g.r < 0.03 THEN 'not-accepted' WHEN g.replied_on IS NULL THEN 'investigating'
       ELSE 'closed' END,
  NULL, i.item_id, i.center_id, i.window_id, 'bench', 'bench', true, 'zh', g.received_at,
  g.received_on + 3, g.received_on + 15, false, g.r2 < 0.05,
  CASE WHEN g.r2 < 0.05 THEN g.received_on + 25 END, '[]'::json,
  CASE WHEN g.r >= 0.03 THEN g.replied_on END
FROM (
  SELECT s.*, (s.received_at AT TIME ZONE 'Asia/Shanghai')::date AS received_on,
    CASE WHEN (s.received_at AT TIME ZONE 'Asia/Shanghai')::date + s.days < :today
         THEN (s.received_at AT TIME ZONE 'Asia/Shanghai')::date + s.days END AS replied_on
  FROM (
    SELECT g, :start + ((g - 1 + random()) / :complaints) * (:end - :start) AS received_at,
      (ARRAY['slow', 'inaction', 'misconduct', 'fee', 'other'])[1 + floor(random() * 5)::int]
        AS kind,
      random() AS r, random() AS r2, (floor(power(random(), 1.6) * :k))::int AS n,
      CASE WHEN random() < 0.02 THEN 999 ELSE floor(random() * 18)::int END AS days
    FROM generate_series(1, :complaints) g
  ) s
) g JOIN bench_items i ON i.n = g.n
ORDER BY g.g
"""


class TimedWsgi:
    """Times the portal's WSGI call including reading its body and closing it."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.durations: list[float] = []

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        result = self.inner(environ, start_response)
        try:
            body = list(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        self.durations.append(time.perf_counter() - started)
        return body


def generate(app, cases: int, complaints: int, ratings: int) -> None:
    applicant_id, _ = make_applicant(app)
    today = beijing.today()
    first = Month.of(today)
    for _ in range(23):
        first = first.previous
    start, _ = first.instants()
    params = {
        "applicant": applicant_id,
        "today": today,
        "start": start,
        "end": beijing.now(),
        "cases": cases,
        "complaints": complaints,
    }
    with app.app_context():
        connection = db.session.connection()

        def run(label: str, sql: str, **extra) -> None:
            began = time.perf_counter()
            result = connection.execute(text(sql), {**params, **extra})
            rows = f"{result.rowcount:>9,}" if result.rowcount >= 0 else " " * 9
            print(f"  {label:<28}{rows} rows {time.perf_counter() - began:7.1f} s", flush=True)

        run("items × windows", ITEMS)
        k = connection.execute(text("SELECT count(*) FROM bench_items")).scalar_one()
        params["k"] = k
        run("cases (staging)", CASES)
        run("applications", APPLICATIONS)
        connection.execute(
            text("SELECT setval('applications_id_seq', (SELECT max(id) FROM applications))")
        )
        run("case_decisions", DECISIONS)
        run("deemed-acceptance notices", DEEMED)
        ended = connection.execute(
            text(
                "SELECT count(*) FROM bench_cases c WHERE (c.decision_on IS NOT NULL AND "
                "c.decision_on < :today - 1) OR (c.accepted_on IS NULL AND c.r_accept < 0.95 "
                "AND c.submitted_on < :today - 7)"
            ),
            params,
        ).scalar_one()
        per_mille = min(1000, -(-ratings * 1000 // max(ended, 1)))
        run("ratings", RATINGS, per_mille=per_mille)
        run("rating follow-ups", FOLLOW_UPS)
        run("complaints", COMPLAINTS)
        connection.execute(text("DROP TABLE bench_cases"))
        connection.execute(text("DROP TABLE bench_items"))
        # Written straight into the tables, not through the portal's doors: the monthly
        # counts are recomputed from the record, as `flask performance rebuild` does.
        began = time.perf_counter()
        written = counters.rebuild()
        print(
            f"  {'monthly_figures (rebuild)':<28}{written:>9,} rows "
            f"{time.perf_counter() - began:7.1f} s",
            flush=True,
        )
        db.session.commit()
    with app.app_context(), db.engine.connect() as autocommit:
        began = time.perf_counter()
        autocommit.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        print(f"  {'VACUUM ANALYZE':<28}{'':>9}      {time.perf_counter() - began:7.1f} s")


def pages(app) -> list[tuple[str, str]]:
    """One URL per filter level, at the busiest center, department and item."""
    with app.app_context():
        month = Month.of(beijing.today()).previous
        key = month.key
        first, after = month.first_day, month.next.first_day
        busiest = text(
            "SELECT center_id, item_id, count(*) FROM case_decisions WHERE due_on >= :a AND "
            "due_on < :b GROUP BY center_id, item_id ORDER BY 3 DESC LIMIT 1"
        )
        center_id, item_id, _ = db.session.execute(busiest, {"a": first, "b": after}).one()
        center = db.session.get(Center, center_id)
        item = db.session.get(ServiceItem, item_id)
        department = db.session.get(Department, item.department_id)
    return [
        ("all centers", f"/performance?month={key}"),
        ("one center", f"/performance?month={key}&center={center.slug}"),
        (
            "center + department",
            f"/performance?month={key}&center={center.slug}&department={department.slug}",
        ),
        ("one item", f"/performance?month={key}&center={center.slug}&item={item.code}"),
        ("department, all centers", f"/performance?month={key}&department={department.slug}"),
        ("API, all centers", f"/api/v1/performance?month={key}"),
        ("CSV, all centers", f"/open-data/performance.csv?month={key}"),
    ]


def measure(app, urls, requests: int) -> dict[str, list[float]]:
    timer = TimedWsgi(app.wsgi_app)
    app.wsgi_app = timer  # type: ignore[method-assign]
    client = app.test_client()
    times: dict[str, list[float]] = {label: [] for label, _ in urls}
    for _label, url in urls:  # warm: connections, templates, the catalog's names
        for _ in range(3):
            assert client.get(url).status_code == 200, url
    for _ in range(requests):  # round robin, so the machine's drift touches all alike
        for label, url in urls:
            timer.durations.clear()
            client.get(url)
            times[label].append(timer.durations[-1] * 1000)
    app.wsgi_app = timer.inner  # type: ignore[method-assign]
    return times


def print_times(title: str, times: dict[str, list[float]]) -> None:
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\n{title}, load average {load}")
    print(f"  {'page':<26}{'p50 ms':>9}{'p95 ms':>9}  target < {TARGET_MS} ms")
    for label, values in times.items():
        cuts = statistics.quantiles(values, n=20)
        p50, p95 = statistics.median(values), cuts[18]
        mark = ", ".join(
            f"{name} {'ok' if value < TARGET_MS else 'OVER'}"
            for name, value in (("p50", p50), ("p95", p95))
        )
        print(f"  {label:<26}{p50:9.1f}{p95:9.1f}  {mark}")


def explain(app, full: bool) -> None:
    """EXPLAIN ANALYZE every statement one computation of last month's figures runs."""
    with app.app_context():
        statements: list[tuple[str, dict]] = []

        def keep(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("SELECT") and (
                "GROUP BY" in statement or "monthly_figures" in statement
            ):
                statements.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", keep)
        report(Selection(Month.of(beijing.today()).previous), beijing.today(), 10)
        event.remove(db.engine, "before_cursor_execute", keep)
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            print("\nEXPLAIN (ANALYZE, BUFFERS) of the figures' queries, all centers, last month")
            for statement, parameters in statements:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plan = [row[0] for row in cursor.fetchall()]
                source = " ".join(statement.split())[:110]
                print(f"\n  {source} …")
                shown = (
                    plan if full else [plan[0], *[p for p in plan if "Index" in p][:3], *plan[-2:]]
                )
                for line in shown:
                    print("    " + line)
        finally:
            raw.close()


def print_figures(app) -> None:
    with app.app_context():
        month = Month.of(beijing.today()).previous
        figures = report(Selection(month), beijing.today(), 10)
        counts = {
            name: db.session.scalar(text(f"SELECT count(*) FROM {name}"))
            for name in ("applications", "case_decisions", "complaints", "ratings")
        }
    t, r = figures.total.timeliness, figures.total.ratings
    c = figures.total.complaint_total
    print("\nData: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))
    print(
        f"Figures for {month.key}: received {t.received:,}, decided {t.decided:,}, due "
        f"{t.due:,} (on time {t.on_time:,}, open and late {t.open_late:,}), on-time rate "
        f"{t.on_time_rate:.1%}; mean {t.mean_working_days:.1f} working days against "
        f"{t.mean_promised_days:.1f} promised; deemed {t.deemed:,}"
    )
    print(
        f"  complaints received {c.received:,}, due {c.due:,}, on-time reply rate "
        f"{(c.on_time_rate or 0):.1%}; ratings {r.total:,} (bad {r.bad:,}, fixed "
        f"{(r.fix_rate or 0):.1%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--ratings", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--explain", action="store_true", help="print the plans in full")
    parser.add_argument("--database", help="measure a database kept by --keep (no generating)")
    args = parser.parse_args()
    name = args.database or _new_postgres_database()
    url = _postgres_url(name)
    print(f"database {name}")
    try:
        if not args.database:
            began = time.perf_counter()
            setup = make_app(url)
            load_guides(setup)
            print(f"Generating (migrations and guides took {time.perf_counter() - began:.0f} s):")
            generate(setup, args.cases, args.complaints, args.ratings)
            with setup.app_context():
                db.engine.dispose()
        app = make_app(url)  # the test configuration: the figures cache is off
        urls = pages(app)
        print_figures(app)
        print_times(
            f"Server time, figures computed on every request ({args.requests} each)",
            measure(app, urls, args.requests),
        )
        cached = make_app(url, PERFORMANCE_CACHE_SECONDS=60)
        print_times(
            "Server time with the figures cache on (PERFORMANCE_CACHE_SECONDS=60)",
            measure(cached, urls, args.requests),
        )
        explain(app, args.explain)
        for each in (app, cached):
            with each.app_context():
                db.engine.dispose()
    finally:
        if args.keep or args.database:
            print(f"kept: --database {name}")
        else:
            _drop_postgres_database(name)


if __name__ == "__main__":
    main()
