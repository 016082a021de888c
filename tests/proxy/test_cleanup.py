"""The ``proxy/`` key sweep: files no draft or request references are deleted by the hourly
job, after a grace period that spares an upload still committing."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

from sqlalchemy import select

from portal.clock import beijing
from portal.extensions import db
from portal.proxy.cleanup import proxy_drafts, sweep_unreferenced
from portal.proxy.models import ProxyDraft, ProxyRequest
from tests.factories import sign_in_as
from tests.proxy.journey import fill, make_company, submitted_request


def _stored(storage, age: timedelta, slot: str = "letter") -> str:
    stamp = int((beijing.now() - age).timestamp())
    key = f"proxy/{slot}-{stamp}-{uuid.uuid4().hex}"
    storage.save(key, io.BytesIO(b"%PDF-1.4 x"), max_bytes=100, content_type="application/pdf")
    return key


def test_the_sweep_deletes_old_unreferenced_proxy_files_only(app, client):
    storage = app.extensions["storage"]
    public_id = submitted_request(app)  # a request holding its letter
    sign_in_as(client, make_company(app))
    fill(client)  # a draft holding its own letter
    with app.app_context():
        request_key = db.session.scalar(
            select(ProxyRequest.letter).where(ProxyRequest.public_id == public_id)
        )["key"]
        # Every draft that holds a letter (the session's database has other tests' drafts).
        draft_keys = [
            d.answers["letter"]["key"]
            for d in db.session.scalars(select(ProxyDraft))
            if "letter" in (d.answers or {})
        ]
    hour = timedelta(hours=1, minutes=5)
    orphan = _stored(storage, hour)  # a request that failed before its commit
    young = _stored(storage, timedelta(minutes=5))  # an upload maybe still committing
    foreign = "proxy/readme.txt"  # a name that is not ours: never touched
    storage.save(foreign, io.BytesIO(b"x"), max_bytes=10, content_type="text/plain")
    outside = f"applications/{uuid.uuid4().hex}/m01-{int(beijing.now().timestamp()) - 7200}-{uuid.uuid4().hex}"
    storage.save(outside, io.BytesIO(b"x"), max_bytes=10, content_type="text/plain")
    with app.app_context():
        assert sweep_unreferenced(storage) >= 1
    assert not storage.exists(orphan)
    for kept in (young, foreign, outside, request_key, *draft_keys):
        assert storage.exists(kept), kept
    # Once past the grace period the young one goes too, in the hourly job.
    with app.app_context():
        assert sweep_unreferenced(storage, grace=timedelta(0)) >= 1
    assert not storage.exists(young) and storage.exists(request_key)


def test_the_hourly_job_runs_the_sweep(app):
    storage = app.extensions["storage"]
    orphan = _stored(storage, timedelta(hours=2), slot="key-document")
    with app.app_context():
        outcome = proxy_drafts("2026-12-08T10")
    assert "unreferenced proxy files deleted" in outcome and not storage.exists(orphan)
