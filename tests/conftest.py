"""Fixtures: apps on SQLite and on PostgreSQL, their schema built by the migrations.

Every test that takes ``app`` or ``client`` runs once per database backend.
PostgreSQL is this machine's server (TEST_POSTGRES_URL); each test session
makes its own databases and drops them at the end. The migrations run once a session per
backend, into a template that every fresh database copies.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event

from portal import create_app
from portal.catalog.loader import load_content
from portal.config import PROJECT_ROOT
from portal.extensions import db

pytest_plugins = [
    "tests.fixtures.seaweedfs",
    "tests.fixtures.clamav",
    "tests.fixtures.smtp",
    "tests.fixtures.sms",
    "tests.fixtures.receiver",
]

GUIDES = Path(os.environ.get("TEST_GUIDES_DIR", PROJECT_ROOT / "guides"))
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")


# backend -> a database at the migrations' head, built once a session (a PostgreSQL
# database name, an SQLite file); every fresh database is a copy of it.
_TEMPLATES: dict[str, str] = {}


def _new_postgres_database(template: str | None = None) -> str:
    name = f"onewindow_test_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{copy}')
    return name


def _drop_postgres_database(name: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_url(name: str) -> str:
    base = re.sub(r"/[^/]*$", f"/{name}", POSTGRES_ADMIN_URL)
    return base.replace("postgresql://", "postgresql+psycopg://", 1)


def _template(backend: str) -> str:
    """The migrations run once a session per backend; a copy costs a fraction of a second
    where running them cost one to three."""
    if backend not in _TEMPLATES:
        if backend == "sqlite":
            path = Path(tempfile.mkdtemp(prefix="onewindow-template-")) / "template.db"
            url, template = f"sqlite:///{path}", str(path)
        else:
            template = _new_postgres_database()
            url = _postgres_url(template)
        application = make_app(url)
        with application.app_context():
            db.engine.dispose()  # PostgreSQL copies a template only while nobody is on it
        _TEMPLATES[backend] = template
    return _TEMPLATES[backend]


def pytest_sessionfinish(session, exitstatus) -> None:
    for backend, template in _TEMPLATES.items():
        if backend == "sqlite":
            shutil.rmtree(Path(template).parent, ignore_errors=True)
        else:
            _drop_postgres_database(template)
    _TEMPLATES.clear()


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """A new database with the schema the migrations build and no content; dropped
    afterwards. It is a copy of one migrated once a session, so make_app's upgrade finds
    nothing to do."""
    template = _template(backend)
    if backend == "sqlite":
        path = folder / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    name = _new_postgres_database(template)
    try:
        yield _postgres_url(name)
    finally:
        _drop_postgres_database(name)


class ServerLikeClient(FlaskClient):
    """Closes each response as a WSGI server does once the body has gone, so what the portal
    does on close (send the messages a request queued) happens in tests too. A test that
    looks between the answer and the close passes ``buffered=False`` and closes it itself."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


def _no_fsync_sqlite(dbapi_connection, _record) -> None:
    # A test database is thrown away: a commit need not wait for the disk (on SQLite a
    # quarter of a filing's time went there). Locking, isolation and journalling are
    # unchanged, and what a killed process committed is still there (the OS holds it).
    dbapi_connection.execute("PRAGMA synchronous = OFF")


def _no_fsync_postgresql(dbapi_connection, _record) -> None:
    # The same for PostgreSQL, for this session only: the commit returns before the WAL is
    # flushed; visibility and locking are as before.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    dbapi_connection.commit()


NO_FSYNC = {"sqlite": _no_fsync_sqlite, "postgresql": _no_fsync_postgresql}


def make_app(database_url: str, **overrides) -> Flask:
    # Uploads go to a temporary folder, never into the project's instance/.
    overrides.setdefault("STORAGE_LOCAL_DIR", tempfile.mkdtemp(prefix="onewindow-uploads-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, **overrides}, config_name="test")
    app.test_client_class = ServerLikeClient
    with app.app_context():
        event.listen(db.engine, "connect", NO_FSYNC[db.engine.dialect.name])
        db.engine.dispose()  # no connection opened before the listener stays in the pool
        upgrade()
    return app


def load_guides(app: Flask, guides: Path = GUIDES):
    with app.app_context():
        report = load_content(guides)
        db.session.commit()
    return report


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def app(backend, tmp_path_factory) -> Iterator[Flask]:
    """The app with every guide loaded; shared by tests that only read."""
    with fresh_database(backend, tmp_path_factory.mktemp("db")) as url:
        application = make_app(url)
        load_guides(application)
        yield application
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def empty_app(backend, tmp_path) -> Iterator[Flask]:
    """An app on a new database with the schema and no content, for tests that write."""
    with fresh_database(backend, tmp_path) as url:
        application = make_app(url)
        yield application
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def guides_copy(tmp_path) -> Path:
    """A copy of guides/ that a test may break."""
    target = tmp_path / "guides"
    shutil.copytree(GUIDES, target)
    return target


@pytest.fixture
def english(client):
    client.get("/language/en")
    return client
