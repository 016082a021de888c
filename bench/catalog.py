"""Throughput and latency of the public pages under gunicorn, beside a bare Flask baseline.

Usage: .venv/bin/python bench/catalog.py [--seconds 10] [--connections 8] [--workers 2]

Starts the portal with production settings and the content loaded (SQLite in a
temporary folder), and a bare Flask app serving a byte-identical guide page on
the same gunicorn configuration; drives each with wrk (Debian's `wrk`) and
prints requests/s and p50/p95/p99 latency. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GUIDE = "/items/430400-SC-XK-0001"
TARGETS = [
    ("home", "/"),
    ("guide", GUIDE),
    ("fee schedule", "/fees"),
    ("search 开饭店", "/search?q=" + urllib.parse.quote("开饭店")),
    ("search driving licence", "/search?q=driving+licence"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shared_rate_limits(workers: int) -> dict[str, str]:
    """Several gunicorn processes must count rate limits in Redis (gunicorn.conf.py)."""
    if workers <= 1:
        return {}
    return {
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
        "RATELIMIT_KEY_PREFIX": f"onewindow-bench-{os.getpid()}",
    }


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout} s")


@contextmanager
def gunicorn(app: str, port: int, workers: int, env: dict, cwd: Path):
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--no-control-socket",
            "--log-level",
            "warning",
            app,
        ],
        cwd=cwd,
        env=env,
    )
    try:
        wait_until_up(
            f"http://127.0.0.1:{port}/healthz" if "wsgi" in app else f"http://127.0.0.1:{port}/x"
        )
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(url: str, seconds: int, connections: int) -> dict:
    output = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "-s",
            str(ROOT / "bench/percentiles.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def prepare_portal(folder: Path) -> dict:
    env = os.environ | {
        "ONEWINDOW_ENV": "production",
        "SECRET_KEY": "benchmark-only-secret",
        "TOTP_ENCRYPTION_KEY": "tiy6_FAs2oPt5n7eLLlSy6VtDjvEyec4Obsi9iigteA=",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "SESSION_COOKIE_SECURE": "false",
        "FLASK_APP": "wsgi.py",
        "SEARCH_RATE_LIMIT": "1000000 per minute",
        # Production settings without a scanner, mail or back office: allowed explicitly.
        "ALLOW_UNSCANNED_UPLOADS": "true",
        "ALLOW_LOG_NOTIFIER": "true",
        "ALLOW_LOG_BACKOFFICE": "true",
    }
    for command in (["db", "upgrade"], ["content", "load"]):
        subprocess.run(
            [str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True, capture_output=True
        )
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    folder = Path(tempfile.mkdtemp(prefix="onewindow-bench-"))
    env = prepare_portal(folder) | shared_rate_limits(args.workers)
    results = {}
    for mode, extra in (("", {}), (" (no page cache)", {"PAGE_CACHE_ENABLED": "false"})):
        with gunicorn("wsgi:app", free_port(), args.workers, env | extra, ROOT) as portal:
            if not mode:
                with urllib.request.urlopen(portal + GUIDE) as response:
                    (folder / "guide.html").write_bytes(response.read())
            for label, path in TARGETS:
                wrk(portal + path, 2, args.connections)  # warm the workers
                results[label + mode] = wrk(portal + path, args.seconds, args.connections)
    bare_env = os.environ | {"BENCH_PAGE": str(folder / "guide.html")}
    with gunicorn("bare_app:app", free_port(), args.workers, bare_env, ROOT / "bench") as bare:
        wrk(bare + GUIDE, 2, args.connections)
        results["bare Flask, same guide bytes"] = wrk(bare + GUIDE, args.seconds, args.connections)
    shutil.rmtree(folder, ignore_errors=True)

    print(f"gunicorn --workers {args.workers}; wrk -t1 -c{args.connections} -d{args.seconds}s")
    print(f"{'target':48} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for label, row in results.items():
        print(
            f"{label:48} {row['rps']:9.1f} {row['p50_ms']:8.2f} {row['p95_ms']:8.2f} "
            f"{row['p99_ms']:8.2f} {row['errors']:7d}"
        )
    bare = results["bare Flask, same guide bytes"]["rps"]
    for mode in ("", " (no page cache)"):
        print(
            f"guide{mode} / bare Flask throughput ratio: {results['guide' + mode]['rps'] / bare:.2f} (target >= 0.8)"
        )
        print(
            f"search{mode} p95: {results['search 开饭店' + mode]['p95_ms']:.2f} ms (target < 20 ms)"
        )


if __name__ == "__main__":
    main()
