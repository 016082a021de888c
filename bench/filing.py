"""Online filing into S3 (SeaweedFS): filings/s and latency beside raw boto3 PUTs, and
a worker's peak memory while a 50 MB file uploads.

Usage: .venv/bin/python bench/filing.py [--filings 12] [--clients 2] [--workers 2]

One filing = sign in once, then per filing: start, answer 3 questions, upload 3 × 5 MB
materials, open the check page, submit. The baseline PUTs the same 3 × 5 MB with boto3
from the same number of threads. It starts its own SeaweedFS and gunicorn and a fresh
PostgreSQL database (TEST_POSTGRES_URL), prints figures, and asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.catalog import free_port, shared_rate_limits, wait_until_up  # noqa: E402
from tests.conftest import fresh_database  # noqa: E402
from tests.factories import PASSWORD, pdf_bytes  # noqa: E402
from tests.fixtures.seaweedfs import SeaweedServer  # noqa: E402

BIN = Path(sys.executable).parent
ITEM = "430400-GJJ-FW-0001"  # housing fund withdrawal: 3 questions, 3 required materials
ANSWERS = {"reason": "rent", "amount": "12000", "bank-account": "6222020200112233445"}
MATERIALS = ("M01", "M02", "M03")
MB = 1_000_000


class Browser:
    """A keep-alive HTTP client with one session cookie, like one person's browser tab."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        self.cookie = ""
        self.csrf = ""

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, dict, bytes]:
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        try:
            response = self._send(method, path, body, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # gunicorn closes a keep-alive connection idle for a few seconds (a client waiting
            # for the warm-up, say); a browser then opens a new one and sends again, so do we.
            self.connection.close()
            response = self._send(method, path, body, headers)
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, dict(response.getheaders()), data

    def _send(self, method: str, path: str, body, headers: dict) -> http.client.HTTPResponse:
        self.connection.request(method, path, body=body, headers=headers)
        return self.connection.getresponse()

    def get(self, path: str) -> bytes:
        status, _, data = self.request("GET", path)
        assert status == 200, (path, status)
        token = re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', data)
        if token:
            self.csrf = token.group(1).decode()
        return data

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, dict]:
        from urllib.parse import urlencode

        body = urlencode({"csrf_token": self.csrf, **fields}).encode()
        status, headers, _ = self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        return status, headers

    def post_file(self, path: str, name: str, data: bytes) -> int:
        boundary = uuid.uuid4().hex
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{self.csrf}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        body = head + data + f"\r\n--{boundary}--\r\n".encode()
        status, _, _ = self.request(
            "POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        return status


def sign_in(base: str, identifier: str) -> Browser:
    browser = Browser(base)
    browser.get("/account/sign-in")
    status, _ = browser.post_form(
        "/account/sign-in", {"identifier": identifier, "password": PASSWORD}
    )
    assert status == 302, status
    return browser


# Seconds each upload request took, beside the whole filing: the rest is the other pages.
UPLOAD_SECONDS: list[float] = []


def file_once(browser: Browser, material: bytes) -> float:
    started = time.perf_counter()
    browser.get(f"/items/{ITEM}/apply")
    status, headers = browser.post_form(f"/items/{ITEM}/apply", {})
    assert status == 302, status
    public_id = re.search(r"/applications/([0-9a-f]{32})/", headers["Location"]).group(1)
    if headers["Location"].endswith("/where"):  # offered at several windows: the first listed
        page = browser.get(f"/applications/{public_id}/where")
        window = re.search(rb'name="window"[^>]*value="(\d+)"', page).group(1).decode()
        status, _ = browser.post_form(f"/applications/{public_id}/where", {"window": window})
        assert status == 302, status
    for code, value in ANSWERS.items():
        status, _ = browser.post_form(
            f"/applications/{public_id}/questions/{code}", {"answer": value}
        )
        assert status == 302, (code, status)
    for code in MATERIALS:
        sent = time.perf_counter()
        status = browser.post_file(
            f"/applications/{public_id}/materials/{code}", f"{code}.pdf", material
        )
        UPLOAD_SECONDS.append(time.perf_counter() - sent)
        assert status == 302, (code, status)
    page = browser.get(f"/applications/{public_id}/check")
    token = re.search(rb'id="token" name="token" type="hidden" value="([0-9a-f]+)"', page).group(1)
    status, _ = browser.post_form(
        f"/applications/{public_id}/submit", {"token": token.decode(), "declaration": "y"}
    )
    assert status == 302, status
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(label: str, durations: list[float], wall: float) -> str:
    return (
        f"{label:34} {len(durations) / wall:8.2f}/s  p50 {statistics.median(durations) * 1000:8.1f} ms"
        f"  p99 {percentile(durations, 0.99) * 1000:8.1f} ms"
    )


def create_applicants(env: dict, count: int) -> list[str]:
    script = (
        "from portal import create_app\n"
        "from portal.extensions import db\n"
        "from tests.factories import citizen_id, PASSWORD\n"
        "from portal.accounts import operations\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    for n in range({count}):\n"
        "        a = operations.register(operations.Registration(kind='individual', identifier=citizen_id(),"
        " name='王芳', mobile='13812345678', password=PASSWORD))\n"
        "        print(a.identifier)\n"
        "    db.session.commit()\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return output.split()


@contextmanager
def portal(env: dict, workers: int):
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--no-control-socket",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def workers_of(master: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            children.append(int(stat.parent.name))
    return children


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def boto_baseline(endpoint, material: bytes, count: int, clients: int) -> tuple[list[float], float]:
    import boto3
    from botocore.config import Config

    local = threading.local()

    def client_for_this_thread():
        if not hasattr(local, "client"):
            local.client = make_client()
        return local.client

    def make_client():
        return boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint.endpoint_url,
            region_name=endpoint.region,
            aws_access_key_id=endpoint.access_key,
            aws_secret_access_key=endpoint.secret_key,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def put_three(_: int) -> float:
        client = client_for_this_thread()
        started = time.perf_counter()
        for code in MATERIALS:
            client.put_object(
                Bucket=endpoint.bucket, Key=f"baseline/{uuid.uuid4().hex}-{code}", Body=material
            )
        return time.perf_counter() - started

    with ThreadPoolExecutor(clients) as pool:
        list(
            pool.map(put_three, range(clients))
        )  # warm: one client per thread, as the portal's workers keep theirs
        started = time.perf_counter()
        durations = list(pool.map(put_three, range(count)))
    return durations, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=int, default=12)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    material = pdf_bytes(5 * MB)
    folder = Path(tempfile.mkdtemp(prefix="onewindow-bench-filing-"))
    with SeaweedServer(folder / "s3") as s3, fresh_database("postgresql", folder) as database:
        endpoint = s3.endpoint(f"bench-{secrets.token_hex(4)}")
        env = os.environ | {
            "ONEWINDOW_ENV": "production",
            "SECRET_KEY": "benchmark-only-secret",
            "TOTP_ENCRYPTION_KEY": "tiy6_FAs2oPt5n7eLLlSy6VtDjvEyec4Obsi9iigteA=",
            "DATABASE_URL": database,
            "SESSION_COOKIE_SECURE": "false",
            "FLASK_APP": "wsgi.py",
            "STORAGE_BACKEND": "s3",
            "S3_ENDPOINT_URL": endpoint.endpoint_url,
            "S3_BUCKET": endpoint.bucket,
            "S3_ACCESS_KEY": endpoint.access_key,
            "S3_SECRET_KEY": endpoint.secret_key,
            "UPLOAD_MAX_FILE_BYTES": str(60 * MB),
            "UPLOAD_MAX_APPLICATION_BYTES": str(500 * MB),
            "SIGN_IN_RATE_LIMIT": "100000 per minute",
            "PYTHONPATH": str(ROOT),
            # Production settings without a scanner, mail or back office: allowed explicitly.
            "ALLOW_UNSCANNED_UPLOADS": "true",
            "ALLOW_LOG_NOTIFIER": "true",
            "ALLOW_LOG_BACKOFFICE": "true",
        }
        for command in (["db", "upgrade"], ["content", "load"]):
            subprocess.run(
                [str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True, capture_output=True
            )
        storage = endpoint.storage()
        storage.ensure_bucket()
        storage.close()
        identifiers = create_applicants(env, args.clients + 1)

        with portal(env | shared_rate_limits(args.workers), args.workers) as (base, _master):
            browsers = [sign_in(base, identifier) for identifier in identifiers[: args.clients]]
            file_once(browsers[0], material)  # warm up
            lock, queue, durations = threading.Lock(), list(range(args.filings)), []

            def work(browser: Browser) -> None:
                while True:
                    with lock:
                        if not queue:
                            return
                        queue.pop()
                    took = file_once(browser, material)
                    with lock:
                        durations.append(took)

            UPLOAD_SECONDS.clear()
            started = time.perf_counter()
            threads = [threading.Thread(target=work, args=(b,)) for b in browsers]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            portal_wall = time.perf_counter() - started
        baseline, baseline_wall = boto_baseline(endpoint, material, args.filings, args.clients)

        with portal(env | {"WEB_CONCURRENCY": "1"}, 1) as (base, master):
            browser = sign_in(base, identifiers[-1])
            [worker] = workers_of(master)
            idle = peak_rss_mb(worker)
            browser.get(f"/items/{ITEM}/apply")
            _, headers = browser.post_form(f"/items/{ITEM}/apply", {})
            public_id = re.search(r"/applications/([0-9a-f]{32})/", headers["Location"]).group(1)
            peaks = {}
            for size in (5, 50):
                assert (
                    browser.post_file(
                        f"/applications/{public_id}/materials/M01", "big.pdf", pdf_bytes(size * MB)
                    )
                    == 302
                )
                peaks[size] = peak_rss_mb(worker)

    print(
        f"{args.filings} filings, {args.clients} clients, gunicorn --workers {args.workers}, SeaweedFS, PostgreSQL"
    )
    print(summary("portal filing (3 x 5 MB + submit)", durations, portal_wall))
    print(summary("raw boto3 PUT of the same 3 x 5 MB", baseline, baseline_wall))
    uploads = statistics.median(UPLOAD_SECONDS) * 1000
    put = statistics.median(baseline) / len(MATERIALS) * 1000
    other = statistics.median(durations) * 1000 - len(MATERIALS) * uploads
    print(
        f"per 5 MB: upload request p50 {uploads:.1f} ms, raw PUT {put:.1f} ms;"
        f" the filing's other requests {other:.1f} ms"
    )
    print(
        f"filing / raw PUT throughput: {(len(durations) / portal_wall) / (len(baseline) / baseline_wall):.2f}"
    )
    print(
        f"worker peak RSS: idle {idle:.1f} MB, after a 5 MB upload {peaks[5]:.1f} MB, after a 50 MB upload {peaks[50]:.1f} MB"
    )


if __name__ == "__main__":
    main()
