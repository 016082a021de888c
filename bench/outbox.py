"""Outbox drain rate with one and with two dispatchers, and acceptance-to-receipt latency.

Usage: .venv/bin/python bench/outbox.py [--messages 2000] [--dispatchers 1 2]

On a fresh PostgreSQL database (TEST_POSTGRES_URL) with the real receiver process, starts
`flask backoffice dispatch` as one or two separate processes, commits ``--messages`` due
cases at once and prints cases/s from that commit until all are delivered (start-up not
counted), with how many the receiver recorded and how many attempts it saw (equal: none
lost or doubled). With one dispatcher it then prints the p50/p99 of the time from an
acceptance's commit to its receipt while the dispatcher was idle. It asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
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

from sqlalchemy import insert, select, text  # noqa: E402

from portal.backoffice.models import OutboxMessage  # noqa: E402
from portal.clock import beijing  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.supervision.cards import Rules, sweep  # noqa: E402
from portal.supervision.models import Subject  # noqa: E402
from tests.backoffice.test_dispatcher import _accepted_case  # noqa: E402
from tests.conftest import fresh_database, load_guides, make_app  # noqa: E402
from tests.fixtures.receiver import BackOfficeReceiver  # noqa: E402


def copy_cases(app, template_id: int, count: int) -> list[int]:
    """``count`` accepted cases, each a copy of the template message's case (its row,
    materials, timeline, acceptance and supervision cards), committed without outbox rows.

    One case's outbox row copied ``count`` times would forward one case ``count`` times:
    its timeline (and the work its supervision cards do at each commit) would grow with
    the bench, as no real case's does."""
    tables = db.metadata.tables
    applications, attachments = tables["applications"], tables["attachments"]
    events, actions = tables["application_events"], tables["staff_actions"]
    with app.app_context():
        case_id = db.session.get(OutboxMessage, template_id).application_id
        connection = db.session.connection()

        def rows(table, column):
            found = connection.execute(select(table).where(column == case_id)).mappings()
            return [{k: v for k, v in row.items() if k != "id"} for row in found]

        case = rows(applications, applications.c.id)[0]
        materials = rows(attachments, attachments.c.application_id)
        timeline = rows(events, events.c.application_id)
        staff = rows(actions, actions.c.application_id)
        ids = []
        for n in range(count):
            copy = case | {"public_id": uuid.uuid4().hex, "number": f"BENCH{n:09d}"}
            new_id = connection.execute(
                insert(applications).values(copy).returning(applications.c.id)
            ).scalar_one()
            for table, copies in ((events, timeline), (actions, staff)):
                if copies:
                    connection.execute(
                        insert(table), [r | {"application_id": new_id} for r in copies]
                    )
            if materials:
                connection.execute(
                    insert(attachments),
                    [
                        r | {"application_id": new_id, "public_id": uuid.uuid4().hex}
                        for r in materials
                    ],
                )
            ids.append(new_id)
        # What their acceptance would have done: their supervision cards, as the template's.
        sweep(
            app.extensions["calendar"],
            beijing.today(),
            Rules.from_config(app.config),
            Subject.CASE,
            ids,
        )
        db.session.commit()
    return ids


def fill_outbox(app, template_id: int, case_ids: list[int]) -> None:
    """An outbox row for each of ``case_ids`` (the template's event, its own key), all due
    now, committed at once (on PostgreSQL that commit wakes the waiting dispatchers)."""
    with app.app_context():
        event = db.session.get(OutboxMessage, template_id).event
        moment = datetime.now(UTC)
        db.session.add_all(
            OutboxMessage(
                application_id=case_id,
                event=event,
                idempotency_key=uuid.uuid4().hex,
                payload={},
                status="pending",
                attempts=0,
                next_attempt_at=moment,
                created_at=moment,
            )
            for case_id in case_ids
        )
        db.session.commit()


def undelivered(app) -> int:
    with app.app_context():
        left = db.session.query(OutboxMessage).filter(OutboxMessage.status != "delivered").count()
        db.session.rollback()
    return left


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drain(
    app, env: dict, dispatchers: int, template_id: int, count: int, receiver_pid: int
) -> tuple[float, float, float]:
    """Seconds from the commit of ``count`` due messages until all are delivered, with
    ``dispatchers`` processes already running (their start-up is not counted), and the
    CPU seconds the dispatchers and the receiver spent meanwhile."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "backoffice", "dispatch", "--batch", "50"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(dispatchers)
    ]
    try:
        while undelivered(app):  # the template case: a dispatcher is up and has looked
            time.sleep(0.05)
        cases = copy_cases(app, template_id, count)
        time.sleep(3)  # the others' start-up
        pids = [process.pid for process in processes]
        cpu_before = [cpu_seconds(pid) for pid in pids], cpu_seconds(receiver_pid)
        started = time.perf_counter()
        fill_outbox(app, template_id, cases)
        while undelivered(app):
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        dispatching = sum(cpu_seconds(pid) for pid in pids) - sum(cpu_before[0])
        return seconds, dispatching, cpu_seconds(receiver_pid) - cpu_before[1]
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def listening(app) -> bool:
    with app.app_context():
        found = db.session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND query LIKE 'LISTEN %'"
            )
        )
        db.session.rollback()
    return bool(found)


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
        # Until it waits on its channel (its start-up is no case's latency); a dispatcher
        # that only polls never shows up there, and gets 10 s to start.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not listening(app):
            time.sleep(0.05)
        time.sleep(0.5)
        with app.app_context():
            template = db.session.query(OutboxMessage).first()
            for n in range(count):
                key = uuid.uuid4().hex
                moment = datetime.now(UTC)
                db.session.add(
                    OutboxMessage(
                        application_id=template.application_id,
                        event=f"case.steady-{n}",
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
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--dispatchers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    print(f"{args.messages} accepted cases in the outbox, PostgreSQL, real receiver process")
    for dispatchers in args.dispatchers:
        folder = Path(tempfile.mkdtemp(prefix="onewindow-bench-outbox-"))
        # The receiver fsyncs two files per case: on this machine's disk that alone caps it
        # near 100 cases/s, so its store is kept in memory (tmpfs) where there is one.
        shm = Path("/dev/shm")
        memory = (
            Path(tempfile.mkdtemp(prefix="onewindow-bench-receiver-", dir=shm))
            if shm.is_dir()
            else folder
        )
        # Connections kept, as a back office's web server keeps them (the tests' receiver
        # closes each one).
        receiver = BackOfficeReceiver(
            secret=secrets.token_hex(16).encode(),
            store=memory / "store",
            workdir=folder / "run",
            keep_alive=True,
        )
        receiver.start()
        try:
            with fresh_database("postgresql", folder) as url:
                app = make_app(url)
                load_guides(app)
                _, template_id = _accepted_case(app)
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
                seconds, dispatching, receiving = drain(
                    app, env, dispatchers, template_id, args.messages, receiver._process.pid
                )
                received, attempts = len(receiver.records()), receiver.attempts()
                steady = steady_latencies(app, env, receiver, 30) if dispatchers == 1 else []
                with app.app_context():
                    db.engine.dispose()
        finally:
            receiver.stop()
            shutil.rmtree(memory, ignore_errors=True)
        # The template case plus the copies; an attempt more than a record is a case sent twice.
        print(
            f"{dispatchers} dispatcher process(es): {args.messages / seconds:7.1f} cases/s "
            f"({received} of {args.messages + 1} received, {attempts} attempts)"
        )
        # On a shared machine cases/s follows the load; CPU per case says whose time it is.
        print(
            f"  CPU per case: dispatchers {dispatching / args.messages * 1000:.2f} ms,"
            f" receiver {receiving / args.messages * 1000:.2f} ms"
        )
        if steady:
            p99 = steady[min(len(steady) - 1, round(0.99 * (len(steady) - 1)))]
            print(
                f"acceptance to receipt, one idle dispatcher, {len(steady)} cases 200 ms apart: "
                f"p50 {statistics.median(steady) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()
