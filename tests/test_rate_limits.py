"""Rate limits hold exactly as configured: on `make serve`'s own layout (memory storage,
one process), and across several gunicorn instances sharing this machine's Redis.

The servers are real gunicorn processes started from the commands scripts/serve.py builds,
the same ones `make serve` runs."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from portal.config import PROJECT_ROOT
from tests.conftest import fresh_database, make_app

LIMIT = 5
REQUESTS = 4 * LIMIT
REDIS = "redis://127.0.0.1:6379"


def _load_serve():
    spec = importlib.util.spec_from_file_location("serve", PROJECT_ROOT / "scripts" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


serve = _load_serve()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status_of(url: str) -> int:
    """One request on a new connection, so gunicorn may hand it to any of its processes."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def statuses_at_once(urls: list[str]) -> list[int]:
    """All at once, so that every process of a server gets some (two sync workers counting in
    memory each allowed LIMIT: twice the configured number)."""
    with ThreadPoolExecutor(len(urls) // 2) as pool:
        return list(pool.map(status_of, urls))


def wait_until_up(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if status_of(f"http://127.0.0.1:{port}/healthz") == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"nothing answered on port {port}:\n{log.read_text()[-3000:]}")


@pytest.fixture
def database(tmp_path) -> str:
    with fresh_database("sqlite", tmp_path) as url:
        make_app(url)  # runs the migrations
        yield url


def server_env(database: str, tmp_path: Path, **settings) -> dict[str, str]:
    return os.environ | {
        "ONEWINDOW_ENV": "development",
        "SECRET_KEY": "test-only-secret",
        "DATABASE_URL": database,
        "STORAGE_LOCAL_DIR": str(tmp_path / "uploads"),
        "FLASK_APP": "wsgi.py",
        "API_RATE_LIMIT": f"{LIMIT} per minute",
        **settings,
    }


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )


def finish(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_make_serve_runs_the_shared_launcher():
    recipe = (PROJECT_ROOT / "Makefile").read_text().split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert "scripts/serve.py" in recipe


def test_make_serve_enforces_the_configured_limit_exactly_and_stops_on_ctrl_c(database, tmp_path):
    port, log = free_port(), tmp_path / "serve.log"
    env = server_env(database, tmp_path, RATELIMIT_STORAGE_URI="")  # the embedded default
    launcher = start(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "serve.py"), "--port", str(port)],
        env,
        log,
    )
    try:
        wait_until_up(port, launcher, log)
        statuses = statuses_at_once([f"http://127.0.0.1:{port}/api/v1/items"] * REQUESTS)
        assert sorted(statuses) == [200] * LIMIT + [429] * (REQUESTS - LIMIT)
        deadline = time.monotonic() + 30
        while "started: jobs" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        started = log.read_text().split("started: jobs ", 1)[1].splitlines()[0].split(", ")
        # The worker runs every scheduled job, the complaint and proxy ones among them.
        assert {"deem-accepted", "cleanup", "close-replied-complaints", "proxy-drafts"} <= set(
            started
        ), started
        launcher.send_signal(signal.SIGINT)
        assert launcher.wait(timeout=40) == 0
    finally:
        finish(launcher)
    with pytest.raises(OSError):
        status_of(f"http://127.0.0.1:{port}/healthz")
    assert "stopped" in log.read_text().rsplit("started: jobs", 1)[1]


def test_two_gunicorn_instances_sharing_redis_hold_the_limit_exactly(database, tmp_path):
    env = server_env(
        database,
        tmp_path,
        RATELIMIT_STORAGE_URI=REDIS,
        RATELIMIT_KEY_PREFIX=f"onewindow-test-{uuid.uuid4().hex}",
    )
    ports = [free_port(), free_port()]
    # Each instance may run several processes too, since the count is in Redis.
    servers = [
        start(serve.gunicorn_command("127.0.0.1", port, workers=2), env, tmp_path / f"{port}.log")
        for port in ports
    ]
    try:
        for port, process in zip(ports, servers, strict=True):
            wait_until_up(port, process, tmp_path / f"{port}.log")
        statuses = statuses_at_once(
            [f"http://127.0.0.1:{ports[n % 2]}/api/v1/items" for n in range(REQUESTS)]
        )
        one_at_a_time = [status_of(f"http://127.0.0.1:{port}/api/v1/items") for port in ports]
    finally:
        for process in servers:
            finish(process)
    assert sorted(statuses) == [200] * LIMIT + [429] * (REQUESTS - LIMIT)
    assert one_at_a_time == [429, 429]  # the next one is refused on either instance


@pytest.mark.parametrize("how", ["--workers", "WEB_CONCURRENCY"])
def test_several_processes_counting_in_memory_refuse_to_start(database, tmp_path, how):
    port, log = free_port(), tmp_path / "refused.log"
    env = server_env(database, tmp_path, RATELIMIT_STORAGE_URI="memory://")
    if how == "--workers":
        command = serve.gunicorn_command("127.0.0.1", port, workers=2)
    else:
        command, env["WEB_CONCURRENCY"] = serve.gunicorn_command("127.0.0.1", port), "3"
    process = start(command, env, log)
    try:
        assert process.wait(timeout=60) != 0
    finally:
        finish(process)
    assert "RATELIMIT_STORAGE_URI=memory://" in log.read_text()
    assert "every limit would be" in log.read_text()
