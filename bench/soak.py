"""Soak under faults: clients file while instances, workers and every outside part fail in turn.

Usage: .venv/bin/python bench/soak.py [--clients 20] [--minutes 5] [--postgres private|system]

N clients (threads, each like one person's browser) register, then file the housing-fund
withdrawal again and again — three answers, three PDF attachments, submit — against two
gunicorn instances (the `make serve` command line, Redis-shared rate limits) and two
`flask worker` processes plus one `flask backoffice dispatch`, on PostgreSQL, SeaweedFS (S3),
a real clamd and the stand-in back office (tests/fixtures/receiver_app.py) over the webhook.
An officer thread in this process accepts every submitted case, so deliveries flow.

On a schedule printed at the start it restarts PostgreSQL, kills a worker and the dispatcher
(SIGKILL, restarted a little later), stops clamd, stops S3, and takes the back office down
(the "10 minutes" compressed into the run). ``--postgres private`` (the default) runs its own
PostgreSQL cluster on a free port, so restarting it disturbs nobody else on this machine;
``--postgres system`` restarts the machine's cluster with ``pg_ctlcluster``. After the last
fault it waits for the outbox to drain, making retries due at once (the compressed time),
and prints: submissions the clients saw succeed vs rows, duplicate numbers, attachments
whose stored bytes do not match their SHA-256, deliveries lost or doubled, and 5xx (and
unanswered requests) per fault. Everything listens on 127.0.0.1; it stops by itself.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import importlib.util
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.filing import ANSWERS, ITEM, MATERIALS  # noqa: E402
from tests.factories import PASSWORD, citizen_id, pdf_bytes  # noqa: E402
from tests.fixtures.clamav import answers_ping, free_port, write_config  # noqa: E402
from tests.fixtures.receiver import BackOfficeReceiver  # noqa: E402
from tests.fixtures.seaweedfs import SeaweedServer  # noqa: E402

BIN = Path(sys.executable).parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
NUMBER = re.compile(r"HY-?\d{8}-?\d{5}-?[\dX]")  # shown with hyphens, stored without
CSRF = re.compile(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
TOKEN = re.compile(rb'id="token" name="token" type="hidden" value="([0-9a-f]+)"')
SUBMIT_OVERTIME = 60.0
ATTRIBUTION_GRACE = 5.0  # seconds after a fault ends that its after-effects are counted to it


def _serve_module():
    spec = importlib.util.spec_from_file_location("serve", ROOT / "scripts" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the outside parts ----------------------------------------------------------------------


class PrivatePostgres:
    """A PostgreSQL cluster of our own (trust, loopback, free port), run as the postgres user."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        folder.mkdir(parents=True, exist_ok=True)
        shutil.chown(folder, "postgres", "postgres")
        self._as_postgres(PG_BIN / "initdb", "-D", self.data, "--auth=trust", "-U", "postgres")
        self.start()
        self._as_postgres(
            PG_BIN / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "soak"
        )

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/soak"

    def _as_postgres(self, *command) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *map(str, command)],
            check=True,
            capture_output=True,
            cwd=self.folder,
        )

    def _pg_ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._as_postgres(
            PG_BIN / "pg_ctl", "-D", self.data, "-l", self.folder / "pg.log", "-w", "-m", "fast",
            "-o", options, action,
        )  # fmt: skip

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        self._pg_ctl("restart")

    def close(self) -> None:
        self._pg_ctl("stop")


class SystemPostgres:
    """The machine's cluster (TEST_POSTGRES_URL), restarted as an operator would."""

    def __init__(self, folder: Path) -> None:
        from tests.conftest import fresh_database

        self._database = fresh_database("postgresql", folder)
        self.url = self._database.__enter__()

    def restart(self) -> None:
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]
        subprocess.run(command, check=True, capture_output=True)

    def close(self) -> None:
        self._database.__exit__(None, None, None)


class Clamd:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True)
        self.port = free_port()
        self.conf = write_config(folder, self.port)
        self.log = folder / "clamd.log"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [shutil.which("clamd") or "/usr/sbin/clamd", "-c", str(self.conf)],
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while not answers_ping(self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit(f"clamd did not start:\n{self.log.read_text()[-2000:]}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Process:
    """One of ours (gunicorn, a worker, the dispatcher), logging to its own file."""

    def __init__(self, name: str, command: list[str], env: dict, folder: Path) -> None:
        self.name, self.command, self.env = name, command, env
        self.log = folder / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT
            )

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_until_answering(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no portal answered on port {port}")


# --- faults ---------------------------------------------------------------------------------


@dataclass
class Fault:
    name: str
    begin: object  # callable
    end: object | None  # callable, or None for an instant fault
    starts: float = 0.0  # seconds after the run starts
    lasts: float = 0.0
    began_at: float | None = None  # monotonic
    ended_at: float | None = None


class Timeline:
    """Which fault a moment belongs to (its window plus a grace for after-effects)."""

    def __init__(self, faults: list[Fault]) -> None:
        self.faults = faults

    def at(self, moment: float) -> str:
        for fault in self.faults:
            if fault.began_at is None or moment < fault.began_at:
                continue
            end = fault.ended_at if fault.ended_at is not None else float("inf")
            if moment <= end + ATTRIBUTION_GRACE:
                return fault.name
        return "no fault"


def run_faults(faults: list[Fault], started: float, stop: threading.Event) -> None:
    events = sorted(
        [(f.starts, "begin", f) for f in faults] + [(f.starts + f.lasts, "end", f) for f in faults],
        key=lambda event: event[0],
    )
    for offset, what, fault in events:
        while time.monotonic() - started < offset:
            if stop.wait(0.1):
                return
        try:
            if what == "begin":
                fault.began_at = time.monotonic()
                log(f"fault: {fault.name} begins")
                fault.begin()
                if fault.end is None:
                    fault.ended_at = time.monotonic()
            elif fault.end is not None:
                fault.end()
                fault.ended_at = time.monotonic()
                log(f"fault: {fault.name} ends")
        except Exception:
            log(f"fault {fault.name} {what} failed:\n{traceback.format_exc()}")


# --- clients --------------------------------------------------------------------------------


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)  # (fault, status class)
    numbers: list[str] = field(default_factory=list)
    sent_sha: dict[str, str] = field(default_factory=dict)  # material code -> sha256 sent
    errors: Counter = field(default_factory=Counter)


class Client:
    """One applicant's browser, on one of the two instances."""

    def __init__(self, port: int, tally: Tally, timeline: Timeline, deadline: float) -> None:
        self.port, self.tally, self.timeline, self.deadline = port, tally, timeline, deadline
        self.cookie, self.csrf = "", ""
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self._count(0)
            return 0, {}, b""
        self._count(response.status)
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, dict(response.getheaders()), data

    def _count(self, status: int) -> None:
        kind = (
            "no answer"
            if status == 0
            else "5xx"
            if status >= 500
            else "4xx"
            if status >= 400
            else "ok"
        )
        with self.tally.lock:
            self.tally.statuses[(self.timeline.at(time.monotonic()), kind)] += 1

    def until_done(self, step, *args, overtime: float = 0.0):
        """Repeat a step until it works (faults pass) or the run (plus overtime) is over."""
        while time.monotonic() < self.deadline + overtime:
            result = step(*args)
            if result is not None:
                return result
            time.sleep(0.5)
        raise TimeoutError

    def get(self, path: str):
        status, _, data = self.request("GET", path)
        if status != 200:
            return None
        token = CSRF.search(data)
        if token:
            self.csrf = token.group(1).decode()
        return data

    def post(self, path: str, fields: dict, expect: int = 302):
        body = urlencode({"csrf_token": self.csrf, **fields}).encode()
        status, headers, _ = self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        return headers.get("Location", "") if status == expect else None

    def upload(self, path: str, name: str, data: bytes):
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                f"{self.csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f'name="file"; filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        status, _, _ = self.request(
            "POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        return True if status == 302 else None

    def register(self) -> None:
        fields = {
            "name": "王芳",
            "identifier": citizen_id_unique(),
            "mobile": "13812345678",
            "email": "",
            "password": PASSWORD,
            "password_again": PASSWORD,
        }
        self.until_done(self.get, "/account/register/individual")
        self.until_done(self.post, "/account/register/individual", fields)
        # Registration never signs in (it answers alike for new and taken numbers).
        self.until_done(self.get, "/account/sign-in")
        credentials = {"identifier": fields["identifier"], "password": PASSWORD}
        self.until_done(self.post, "/account/sign-in", credentials)

    def file_once(self, material: bytes) -> str:
        self.until_done(self.get, f"/items/{ITEM}/apply")
        location = self.until_done(self.post, f"/items/{ITEM}/apply", {})
        public_id = re.search(r"/applications/([0-9a-f]{32})/", location).group(1)
        if location.endswith("/where"):  # offered at several windows: the first listed
            page = self.until_done(self.get, f"/applications/{public_id}/where")
            window = re.search(rb'name="window"[^>]*value="(\d+)"', page).group(1).decode()
            self.until_done(self.post, f"/applications/{public_id}/where", {"window": window})
        for code, value in ANSWERS.items():
            path = f"/applications/{public_id}/questions/{code}"
            self.until_done(self.post, path, {"answer": value})
        for code in MATERIALS:
            path = f"/applications/{public_id}/materials/{code}"
            self.until_done(self.upload, path, f"{code}.pdf", material)
        page = self.until_done(self.get, f"/applications/{public_id}/check")
        token = TOKEN.search(page).group(1).decode()
        receipt = self.until_done(
            self.post,
            f"/applications/{public_id}/submit",
            {"token": token, "declaration": "y"},
            overtime=SUBMIT_OVERTIME,  # a submission under way is seen through to its receipt
        )
        path = receipt.replace(f"http://127.0.0.1:{self.port}", "")
        page = self.until_done(self.get, path, overtime=SUBMIT_OVERTIME)
        return NUMBER.search(page.decode()).group(0).replace("-", "")

    def run(self) -> None:
        material = pdf_bytes(200_000)
        with self.tally.lock:
            self.tally.sent_sha.setdefault("pdf", hashlib.sha256(material).hexdigest())
        try:
            self.register()
            while time.monotonic() < self.deadline:
                number = self.file_once(material)
                with self.tally.lock:
                    self.tally.numbers.append(number)
        except TimeoutError:
            pass  # the run ended mid-filing: that draft stays a draft
        except Exception as error:
            with self.tally.lock:
                self.tally.errors[f"{type(error).__name__}: {error}"[:120]] += 1


_ids = threading.Lock()
_used: set[str] = set()


def citizen_id_unique() -> str:
    with _ids:
        while True:
            candidate = citizen_id()
            if candidate not in _used:
                _used.add(candidate)
                return candidate


# --- the officer ----------------------------------------------------------------------------


def officer(app, stop: threading.Event) -> None:
    """Accepts every submitted case, as the window would; the outbox takes it from there.
    Cases are scoped to their window, so there is one officer per window a case went to."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.filing.models import Application
    from portal.window import operations
    from portal.window.models import StaffMember
    from portal.window.staff import create_staff

    officers: dict[int, int] = {}  # window id → staff id

    def officer_of(application) -> StaffMember:
        if application.window_id not in officers:
            member = create_staff(
                f"soak{secrets.token_hex(4)}",
                "张伟",
                "officer",
                application.center.slug,
                [application.window.code],
                "soak password 123",
            )
            db.session.flush()
            officers[application.window_id] = member.id
        return db.session.get(StaffMember, officers[application.window_id])

    while not stop.wait(1.0):
        with app.app_context():
            try:
                waiting = db.session.scalars(
                    select(Application).where(Application.status.in_(operations.AWAITING_REVIEW))
                ).all()
                for application in waiting:
                    member = officer_of(application)
                    operations.accept(member, application, "", app.extensions["calendar"])
                db.session.commit()
            except Exception:
                db.session.rollback()  # the database restarting: next second
                officers.clear()  # staff flushed in the rolled-back turn do not exist


# --- the end --------------------------------------------------------------------------------


def drain(app, receiver: BackOfficeReceiver, seconds: float) -> None:
    """Compressed time: every pending delivery's retry is due now; wait for the outbox."""
    from sqlalchemy import func, select, update

    from portal.backoffice.models import OutboxMessage
    from portal.clock import beijing
    from portal.extensions import db

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.app_context():
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.status == "pending")
                .values(next_attempt_at=beijing.now())
            )
            db.session.commit()
            pending = db.session.scalar(
                select(func.count()).where(OutboxMessage.status == "pending")
            )
        if not pending:
            return
        time.sleep(2)


def report(app, storage, receiver: BackOfficeReceiver, tally: Tally, faults, args) -> None:
    from sqlalchemy import func, select

    from portal.backoffice.models import OutboxMessage
    from portal.extensions import db
    from portal.filing.models import Application, Attachment

    with app.app_context():
        rows = db.session.scalars(
            select(Application.number).where(Application.number.is_not(None))
        ).all()
        duplicates = db.session.execute(
            select(Application.number, func.count())
            .where(Application.number.is_not(None))
            .group_by(Application.number)
            .having(func.count() > 1)
        ).all()
        attachments = db.session.execute(
            select(Attachment.storage_key, Attachment.sha256)
            .join(Application)
            .where(Application.number.is_not(None), Attachment.replaced_at.is_(None))
        ).all()
        messages = db.session.execute(
            select(OutboxMessage.idempotency_key, OutboxMessage.status, Application.number)
            .join(Application)
            .where(OutboxMessage.event == "case.accepted")
        ).all()
        accepted_numbers = set(db.session.scalars(
            select(Application.number).where(Application.accepted_on.is_not(None))
        ))  # fmt: skip
    mismatched, unreadable, sent_differs = 0, 0, 0
    for key, sha in attachments:
        try:
            digest = hashlib.sha256(b"".join(storage.open(key))).hexdigest()
        except Exception:
            unreadable += 1
            continue
        mismatched += digest != sha
        sent_differs += sha != tally.sent_sha.get("pdf")
    records = receiver.records()
    per_case = Counter(
        record["document"]["case"]["number"]
        for record in records.values()
        if record["event"] == "case.accepted"
    )
    keys_delivered = set(records)
    outbox_per_case = Counter(number for _, _, number in messages)
    statuses = Counter(status for _, status, _ in messages)
    lost = [key for key, status, _ in messages if key not in keys_delivered]
    seen = set(tally.numbers)

    print()
    print(f"soak: {args.clients} clients, {args.minutes:g} min, 2 gunicorn instances, 2 workers")
    print("     + 1 dispatcher, PostgreSQL, SeaweedFS S3, clamd, webhook back office")
    print(f"submissions the clients saw succeed: {len(tally.numbers)} ({len(seen)} distinct)")
    print(f"submitted rows in the database:      {len(rows)}")
    print(f"  seen by a client but no row:       {len(seen - set(rows))}")
    print(f"  rows no client saw (reply lost):   {len(set(rows) - seen)}")
    print(f"duplicate numbers:                   {len(duplicates)}")
    print(f"attachments checked:                 {len(attachments)}")
    print(f"  stored bytes != recorded SHA-256:  {mismatched}")
    print(f"  recorded SHA-256 != bytes sent:    {sent_differs}")
    print(f"  unreadable from S3:                {unreadable}")
    print(f"cases accepted:                      {len(accepted_numbers)}")
    print(f"  outbox rows case.accepted:         {len(messages)} {dict(statuses)}")
    print(
        f"  cases with >1 outbox row:          {sum(1 for n in outbox_per_case.values() if n > 1)}"
    )
    print(f"  deliveries lost (not received):    {len(lost)}")
    print(f"  cases received more than once:     {sum(1 for n in per_case.values() if n > 1)}")
    repeats = receiver.attempts() - len(records)
    print(f"  repeated attempts that reached the back office: {repeats}")
    print("requests per fault (5xx / no answer / 4xx refused, e.g. uploads unscanned / total):")
    names = ["no fault"] + [fault.name for fault in faults]
    for name in names:
        count = {kind: tally.statuses[(name, kind)] for kind in ("5xx", "no answer", "4xx", "ok")}
        total = sum(count.values())
        print(
            f"  {name:22} {count['5xx']:5} / {count['no answer']:5} / {count['4xx']:5} / {total:6}"
        )
    if tally.errors:
        print("client errors:", dict(tally.errors))


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--postgres", choices=("private", "system"), default="private")
    args = parser.parse_args()
    run_seconds = args.minutes * 60
    folder = Path(tempfile.mkdtemp(prefix="onewindow-soak-"))
    os.chmod(folder, 0o755)
    serve = _serve_module()
    stack: list = []
    try:
        postgres = (PrivatePostgres if args.postgres == "private" else SystemPostgres)(
            folder / "postgres"
        )
        stack.append(postgres.close)
        s3 = SeaweedServer(folder / "s3")
        s3.start()
        stack.append(s3.stop)
        endpoint = s3.endpoint(f"soak-{secrets.token_hex(4)}")
        storage = endpoint.storage()
        storage.ensure_bucket()
        clamd = Clamd(folder / "clamd")
        stack.append(clamd.stop)
        receiver = BackOfficeReceiver(
            secret=secrets.token_hex(16).encode(), store=folder / "bo/store", workdir=folder / "bo"
        )
        receiver.start()
        stack.append(receiver.stop)

        from tests.conftest import load_guides, make_app

        app = make_app(postgres.url)  # migrates; also the officer's and the report's app
        load_guides(app)
        env = os.environ | {
            "ONEWINDOW_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(32),
            "TOTP_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "SESSION_COOKIE_SECURE": "false",
            "DATABASE_URL": postgres.url,
            "FLASK_APP": "wsgi.py",
            "STORAGE_BACKEND": "s3",
            "S3_ENDPOINT_URL": endpoint.endpoint_url,
            "S3_BUCKET": endpoint.bucket,
            "S3_ACCESS_KEY": endpoint.access_key,
            "S3_SECRET_KEY": endpoint.secret_key,
            "SCANNER": "clamd",
            "CLAMD_PORT": str(clamd.port),
            "CLAMD_TIMEOUT": "5",
            "BACKOFFICE_BACKEND": "webhook",
            "BACKOFFICE_URL": receiver.url,
            "BACKOFFICE_SECRET": receiver.secret.decode(),
            "BACKOFFICE_TIMEOUT": "5",
            "NOTIFIER": "log",
            "ALLOW_LOG_NOTIFIER": "true",
            # Two instances: the count is shared in Redis; loopback clients share one address.
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
            "RATELIMIT_KEY_PREFIX": f"onewindow-soak-{secrets.token_hex(4)}",
            "SIGN_IN_RATE_LIMIT": "100000 per minute",
            "TRACK_RATE_LIMIT": "100000 per minute",
            "PYTHONPATH": str(ROOT),
        }
        ports = [free_port(), free_port()]
        instances = [
            Process(f"gunicorn-{n}", serve.gunicorn_command("127.0.0.1", port), env, folder)
            for n, port in enumerate(ports)
        ]
        workers = [Process(f"worker-{n}", serve.worker_command(), env, folder) for n in (0, 1)]
        dispatcher = Process(
            "dispatcher", [str(BIN / "flask"), "backoffice", "dispatch"], env, folder
        )
        for process in [*instances, *workers, dispatcher]:
            process.start()
            stack.append(process.stop)
        for port in ports:
            wait_until_answering(port)

        warm, tail = 0.1 * run_seconds, 0.15 * run_seconds
        slot = (run_seconds - warm - tail) / 6

        def restart_later(process: Process):
            return lambda: process.start()

        faults = [
            Fault("PostgreSQL restart", postgres.restart, None),
            Fault("worker killed", workers[0].kill, restart_later(workers[0])),
            Fault("dispatcher killed", dispatcher.kill, restart_later(dispatcher)),
            Fault("clamd stopped", clamd.stop, clamd.start),
            Fault("S3 stopped", s3.stop, s3.start),
            Fault("back office down", receiver.stop, receiver.start),
        ]
        for index, fault in enumerate(faults):
            fault.starts = warm + index * slot
            fault.lasts = slot * (0.8 if fault.name == "back office down" else 0.5)
        log(f"{args.clients} clients for {run_seconds:.0f} s; the fault schedule (s from start):")
        for fault in faults:
            span = "instant" if fault.end is None else f"until {fault.starts + fault.lasts:.0f}"
            restart = " (restarted then)" if "killed" in fault.name else ""
            print(f"  {fault.starts:6.0f}  {fault.name} {span}{restart}", flush=True)
        print("  back office down stands for a 10-minute outage; retries are made due at the end")

        tally, timeline = Tally(), Timeline(faults)
        started = time.monotonic()
        deadline = started + run_seconds - tail
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=Client(ports[n % 2], tally, timeline, deadline).run, daemon=True
            )
            for n in range(args.clients)
        ]
        threads.append(threading.Thread(target=run_faults, args=(faults, started, stop)))
        threads.append(threading.Thread(target=officer, args=(app, stop), daemon=True))
        for thread in threads:
            thread.start()
        for thread in threads[: args.clients]:
            thread.join(timeout=max(1.0, deadline - time.monotonic() + 120))
        log(f"clients done: {len(tally.numbers)} submissions seen")
        threads[args.clients].join(timeout=120)  # every fault has ended
        time.sleep(3)  # the officer accepts what came last
        stop.set()
        log("draining the outbox")
        drain(app, receiver, seconds=max(60.0, tail))
        report(app, storage, receiver, tally, faults, args)
        storage.close()
        with app.app_context():
            from portal.extensions import db

            db.engine.dispose()
    finally:
        for close in reversed(stack):
            try:
                close()
            except Exception as error:
                print(f"cleanup: {type(error).__name__}: {error}", file=sys.stderr)
        print(f"logs kept in {folder}")


if __name__ == "__main__":
    main()
