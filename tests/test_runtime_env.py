"""End-to-end smoke in an environment made from requirements.txt alone (what `make serve` installs).

The shared test environment also holds the dev tools, which pull in packages of their own; a
runtime dependency that only they bring (``email_validator`` for WTForms' ``Email()``, once)
passes every other test and fails in production. This test builds a virtualenv with
``pip install -r requirements.txt`` and nothing else, runs ``flask db upgrade`` and
``flask content load`` in it as ``make serve`` does, then ``tests/runtime_smoke.py``, which
fills every field of every applicant-facing form through the Flask test client and fails on
any 5xx.

The virtualenv is kept under the temporary folder, named by a hash of requirements.txt and
the Python version, so it is built once per change of requirements (set
``RUNTIME_VENV_CACHE`` to keep it elsewhere, e.g. a CI cache). Deselect with
``-m "not runtime_env"``.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from portal.config import PROJECT_ROOT

pytestmark = pytest.mark.runtime_env

REQUIREMENTS = PROJECT_ROOT / "requirements.txt"
CACHE = Path(
    os.environ.get("RUNTIME_VENV_CACHE", Path(tempfile.gettempdir()) / "onewindow-runtime-venvs")
)
READY = ".requirements-installed"


def _runtime_venv() -> Path:
    """A virtualenv with requirements.txt installed, built once per requirements.txt."""
    key = hashlib.sha256(REQUIREMENTS.read_bytes() + sys.version.encode()).hexdigest()[:16]
    venv = CACHE / key
    CACHE.mkdir(parents=True, exist_ok=True)
    # A venv's scripts hold its absolute path, so it is built in place, under a lock, and
    # counts as ready only once the marker is written: an interrupted build is redone.
    with (CACHE / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / READY).exists():
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            installed = _run(venv, "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS))
            if installed.returncode != 0:
                pytest.fail(f"pip install -r requirements.txt failed:\n{installed.stdout[-3000:]}")
            (venv / READY).write_bytes(REQUIREMENTS.read_bytes())
    return venv


def _run(venv: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the venv's python with ``args`` from the project folder; output kept for the report."""
    return subprocess.run(
        [str(venv / "bin" / "python"), *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
    )


def _serve_environment(tmp_path: Path) -> dict:
    """What `make serve` runs with, pointed at a fresh SQLite file and upload folder."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ONEWINDOW_", "TEST_", "PYTEST", "VIRTUAL_ENV"))
    }
    env.update(
        FLASK_APP="wsgi.py",
        ONEWINDOW_ENV="development",
        SECRET_KEY="runtime-smoke-secret",
        DATABASE_URL=f"sqlite:///{tmp_path / 'onewindow.db'}",
        STORAGE_LOCAL_DIR=str(tmp_path / "uploads"),
        PYTHONPATH=str(PROJECT_ROOT),
    )
    return env


def test_every_form_filled_in_an_environment_made_from_requirements_alone(tmp_path):
    venv = _runtime_venv()
    env = _serve_environment(tmp_path)
    for command in (("db", "upgrade"), ("content", "load")):
        done = _run(venv, "-m", "flask", *command, env=env)
        assert done.returncode == 0, f"flask {' '.join(command)}:\n{done.stdout[-3000:]}"
    smoke = _run(venv, str(PROJECT_ROOT / "tests" / "runtime_smoke.py"), env=env)
    reported = [line for line in smoke.stdout.splitlines() if line.startswith("FAIL")]
    assert smoke.returncode == 0, "\n".join([*reported[:40], "", smoke.stdout[-4000:]])
    assert " 0 failures" in smoke.stdout
