"""Outbox drain rate with one and with two dispatchers, and acceptance-to-receipt latency.

Usage: .venv/bin/python bench/outbox.py [--messages 300]

Fills the outbox of a fresh PostgreSQL database (TEST_POSTGRES_URL) with accepted cases,
starts the real receiver process, runs `flask backoffice dispatch` as one or two separate
processes until the outbox is empty, and prints messages/s and the p50/p99 of the time from
an outbox row's creation (the acceptance) to its receipt. It asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.backoffice.models import OutboxMessage  # noqa: E402
from portal.extensions import db  # noqa: E402
from tests.backoffice.test_dispatcher import _accepted_case  # noqa: E402
from tests.conftest import fresh_database, load_guides, make_app  # noqa: E402
from tests.fixtures.receiver import BackOfficeReceiver  # noqa: E402


def fill_outbox(app, count: int) -> None:
    """Copies of one accepted case's outbox row, each with its own key, all due now."""
    _, first = _accepted_case(app)
    with app.app_context():
        template = db.session.get(OutboxMessage, first)
        moment = datetime.now(UTC)
        db.session.add_all(
            OutboxMessage(
                application_id=template.application_id,
                event="case.accepted",
                idempotency_key=uuid.uuid4().hex,
                payload={},
                status="pending",
                attempts=0,
                next_attempt_at=moment,
                created_at=moment,
            )
            for _ in range(count - 1)
        )
        db.session.commit()


def drain(app, env: dict, dispatchers: int) -> float:
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "backoffice", "dispatch", "--batch", "10"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(dispatchers)
    ]
    try:
        while True:
            with app.app_context():
                left = (
                    db.session.query(OutboxMessage)
                    .filter(OutboxMessage.status != "delivered")
                    .count()
                )
            if left == 0:
                return time.perf_counter() - started
            time.sleep(0.05)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def steady_latencies(app, env: dict, receiver: BackOfficeReceiver, count: int) -> list[float]:
    """One dispatcher waiting; cases accepted one at a time, 200 ms apart."""
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "backoffice", "dispatch"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    keys = []
    try:
        time.sleep(2)
        with app.app_context():
            template = db.session.query(OutboxMessage).first()
            for _ in range(count):
                key = uuid.uuid4().hex
                moment = datetime.now(UTC)
                db.session.add(
                    OutboxMessage(
                        application_id=template.application_id,
                        event="case.accepted",
                        idempotency_key=key,
                        payload={},
                        status="pending",
                        attempts=0,
                        next_attempt_at=moment,
                        created_at=moment,
                    )
                )
                db.session.commit()
                keys.append(key)
                time.sleep(0.2)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not set(keys) <= set(receiver.records()):
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return sorted(w for key, w in latencies(app, receiver, keys))


def latencies(app, receiver: BackOfficeReceiver, keys=None):
    with app.app_context():
        created = {m.idempotency_key: m.created_at for m in db.session.query(OutboxMessage)}
    records = receiver.records()
    return [
        (
            key,
            records[key]["received_at"]
            - created[key].replace(tzinfo=created[key].tzinfo or UTC).timestamp(),
        )
        for key in (keys or records)
        if key in records and key in created
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()
    print(f"{args.messages} accepted cases in the outbox, PostgreSQL, real receiver process")
    for dispatchers in (1, 2):
        folder = Path(tempfile.mkdtemp(prefix="onewindow-bench-outbox-"))
        receiver = BackOfficeReceiver(
            secret=secrets.token_hex(16).encode(), store=folder / "store", workdir=folder / "run"
        )
        receiver.start()
        try:
            with fresh_database("postgresql", folder) as url:
                app = make_app(url)
                load_guides(app)
                fill_outbox(app, args.messages)
                env = os.environ | {
                    "ONEWINDOW_ENV": "production",
                    "SECRET_KEY": "benchmark-only-secret",
                    "TOTP_ENCRYPTION_KEY": "tiy6_FAs2oPt5n7eLLlSy6VtDjvEyec4Obsi9iigteA=",
                    "DATABASE_URL": url,
                    "STORAGE_LOCAL_DIR": app.config["STORAGE_LOCAL_DIR"],
                    "BACKOFFICE_BACKEND": "webhook",
                    "BACKOFFICE_URL": receiver.url,
                    "BACKOFFICE_SECRET": receiver.secret.decode(),
                    "FLASK_APP": "wsgi.py",
                    "ALLOW_UNSCANNED_UPLOADS": "true",
                    "ALLOW_LOG_NOTIFIER": "true",
                }
                seconds = drain(app, env, dispatchers)
                received, attempts = len(receiver.records()), receiver.attempts()
                steady = steady_latencies(app, env, receiver, 30) if dispatchers == 1 else []
                with app.app_context():
                    db.engine.dispose()
        finally:
            receiver.stop()
        print(
            f"{dispatchers} dispatcher(s): drained at {args.messages / seconds:7.1f} messages/s "
            f"({received} received, {attempts} attempts)"
        )
        if steady:
            p99 = steady[min(len(steady) - 1, round(0.99 * (len(steady) - 1)))]
            print(
                f"acceptance to receipt, one waiting dispatcher, {len(steady)} cases 200 ms apart: "
                f"p50 {statistics.median(steady) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()
