"""Tracking lookup (number + query code, no sign-in) with 10,000 and with 1,000,000 cases.

Usage: .venv/bin/python bench/lookup.py [--probes 2000] [--large 1000000]

A fresh PostgreSQL database (TEST_POSTGRES_URL) is migrated and loaded with the catalog;
one applicant and one draft are made through the portal's own functions, and the cases
are copied from that draft in SQL (generate_series), so a million take seconds. Every
case gets a number of the real shape; the probed ones get a valid check character and a
query code. ``operations.look_up`` is timed in-process, each call in its own transaction
as a request would run it, first at 10,000 cases, then again at 1,000,000. It prints the
query plan of the lookup at both sizes, p50/p99 and the ratio, and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import fresh_database  # noqa: E402

BIN = Path(sys.executable).parent
ITEM = "430400-GJJ-FW-0001"
SMALL = 10_000
# Cases per day in the generated numbers: the sequence has five digits.
PER_DAY = 90_000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def number_of(serial: int, check: str) -> str:
    """The serial-th generated number: a day from 2020 on, its sequence, a check character."""
    from datetime import date, timedelta

    day = date(2020, 1, 1) + timedelta(days=serial // PER_DAY)
    return f"HY{day:%Y%m%d}{serial % PER_DAY + 1:05d}{check}"


def fill(template_id: int, first: int, last: int) -> None:
    """Cases first..last copied from the template draft as submitted, numbered, in one INSERT.

    'Z' is never a check character, so these numbers are of the real length and order but
    none is valid until ``make_probes`` gives a few their right character.
    """
    from sqlalchemy import text

    from portal.extensions import db
    from portal.filing.models import Application

    columns = [c.name for c in Application.__table__.columns if c.name != "id"]
    generated = {
        "public_id": "md5('bench-' || g::text)",
        "status": "'submitted'",
        "number": (
            "'HY' || to_char(date '2020-01-01' + (g / CAST(:per_day AS integer)), 'YYYYMMDD')"
            " || lpad((g % CAST(:per_day AS integer) + 1)::text, 5, '0') || 'Z'"
        ),
        "query_code": "'ZZZZZZ'",
    }
    values = ", ".join(generated.get(name, f't."{name}"') for name in columns)
    names = ", ".join(f'"{name}"' for name in columns)
    db.session.execute(
        text(
            f"INSERT INTO applications ({names}) SELECT {values} FROM applications t"
            " CROSS JOIN generate_series(CAST(:first AS integer), CAST(:last AS integer)) g WHERE t.id = :template"
        ),
        {"first": first, "last": last, "template": template_id, "per_day": PER_DAY},
    )
    db.session.commit()
    db.session.execute(text("ANALYZE applications"))
    db.session.commit()


def make_probes(serials: list[int]) -> list[tuple[str, str]]:
    """Give these cases a valid number and a query code; the (number, code) pairs to look up."""
    from sqlalchemy import update

    from portal.extensions import db
    from portal.filing import numbering
    from portal.filing.models import Application

    probes = []
    for serial in serials:
        placeholder = number_of(serial, "Z")
        digits = placeholder[2:-1]
        number = number_of(serial, numbering.check_character(digits))
        code = numbering.new_query_code()
        db.session.execute(
            update(Application)
            .where(Application.number == placeholder)
            .values(number=number, query_code=code)
        )
        probes.append((number, code))
    db.session.commit()
    return probes


def plan(number: str) -> str:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.filing.models import Application

    query = select(Application).where(Application.number == number)
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    rows = db.session.execute(db.text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).scalars()
    db.session.rollback()
    return "\n".join(f"    {row}" for row in rows)


def time_lookups(probes: list[tuple[str, str]], rounds: int = 2) -> list[float]:
    from portal.extensions import db
    from portal.filing import operations

    durations = []
    for round_ in range(rounds):
        for number, code in probes:
            started = time.perf_counter()
            found = operations.look_up(number, code)
            db.session.rollback()  # end the transaction as the request would
            took = time.perf_counter() - started
            assert found is not None, number
            if round_:  # the first round warms the pool, the caches and the plan
                durations.append(took)
            db.session.expunge_all()
    return durations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=2000)
    parser.add_argument("--large", type=int, default=1_000_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="onewindow-bench-lookup-"))
    with fresh_database("postgresql", folder) as database:
        env = os.environ | {
            "ONEWINDOW_ENV": "development",
            "SECRET_KEY": "benchmark-only-secret",
            "DATABASE_URL": database,
            "FLASK_APP": "wsgi.py",
            "PYTHONPATH": str(ROOT),
        }
        for command in (["db", "upgrade"], ["content", "load"]):
            subprocess.run(
                [str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True, capture_output=True
            )
        os.environ.update(env)
        from sqlalchemy import select

        from portal import create_app
        from portal.accounts import operations as accounts
        from portal.catalog.models import ServiceItem
        from portal.extensions import db
        from portal.filing import operations
        from tests.factories import PASSWORD, citizen_id

        app = create_app()
        with app.app_context():
            applicant = accounts.register(
                accounts.Registration(
                    kind="individual",
                    identifier=citizen_id(),
                    name="王芳",
                    mobile="13812345678",
                    password=PASSWORD,
                )
            )
            item = db.session.scalar(select(ServiceItem).where(ServiceItem.code == ITEM))
            template = operations.start_application(applicant, item, keep_days=30)
            db.session.commit()
            template_id = template.id

            chooser = random.Random(12)
            figures = {}
            plans = {}
            filled = 0
            for size in (SMALL, args.large):
                started = time.perf_counter()
                fill(template_id, filled + 1, size)
                print(f"filled {size:,} cases in {time.perf_counter() - started:.1f} s")
                probes = make_probes(chooser.sample(range(filled + 1, size + 1), args.probes))
                filled = size
                plans[size] = plan(probes[0][0])
                figures[size] = time_lookups(probes)

    for size in figures:
        print(f"query plan at {size:,} cases:\n{plans[size]}")
    for size, durations in figures.items():
        print(
            f"lookup at {size:>9,} cases: p50 {statistics.median(durations) * 1000:6.3f} ms"
            f"  p99 {percentile(durations, 0.99) * 1000:6.3f} ms  ({len(durations)} lookups)"
        )
    small, large = (percentile(figures[size], 0.99) for size in (SMALL, args.large))
    print(f"p99 {args.large:,} / {SMALL:,}: {large / small:.2f}")


if __name__ == "__main__":
    main()
