"""Serve the portal as `make serve` does: gunicorn and one worker, both in the foreground.

Usage: .venv/bin/python scripts/serve.py [--host 127.0.0.1] [--port 8000] [--workers 1]

gunicorn answers the web (its settings, one process with threads by default, are in
gunicorn.conf.py); `flask worker` delivers accepted cases and runs the periodic jobs.
Ctrl-C (or SIGTERM) stops both; if either stops by itself, the other is stopped too and
this script exits with its code, so nothing is left half running. The commands are built
here and nowhere else: tests start exactly what `make serve` starts.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STOP_SECONDS = 20


def gunicorn_command(host: str, port: int, workers: int | None = None) -> list[str]:
    command = [str(BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py")]
    command += ["--bind", f"{host}:{port}", "--access-logfile", "-"]
    if workers is not None:
        command += ["--workers", str(workers)]
    return [*command, "wsgi:app"]


def worker_command() -> list[str]:
    return [str(BIN / "flask"), "worker"]


def environment() -> dict[str, str]:
    return os.environ | {"FLASK_APP": "wsgi.py"}


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve(host: str, port: int, workers: int | None) -> int:
    processes: list[subprocess.Popen] = []
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        for command in (gunicorn_command(host, port, workers), worker_command()):
            processes.append(subprocess.Popen(command, cwd=ROOT, env=environment()))
        print(f"serving on http://{host}:{port} with a worker; Ctrl-C stops both", flush=True)
        while not stopping:
            ended = [process for process in processes if process.poll() is not None]
            if ended:
                name = "gunicorn" if ended[0] is processes[0] else "the worker"
                print(f"{name} stopped (exit {ended[0].returncode}); stopping", file=sys.stderr)
                return ended[0].returncode or 1
            time.sleep(0.2)
        return 0
    finally:
        stop(processes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--workers", type=int, help="gunicorn processes (more than 1 needs Redis rate limits)"
    )
    args = parser.parse_args()
    sys.exit(serve(args.host, args.port, args.workers))


if __name__ == "__main__":
    main()
