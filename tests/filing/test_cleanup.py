"""Cleanup removes expired drafts and files no record points to, and nothing else."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from portal.clock import beijing
from portal.extensions import db
from portal.filing.cleanup import clean_up
from portal.filing.models import Application
from tests.factories import make_applicant, pdf_bytes, sign_in_as
from tests.filing.test_journey import filed, start


def test_cleanup_removes_orphans_and_expired_drafts_but_keeps_cases(app, client):
    applicant_id, _ = make_applicant(app)
    sign_in_as(client, applicant_id)
    kept = filed(client)
    expired = start(client)
    storage = app.extensions["storage"]
    old_stamp = int((beijing.now() - timedelta(hours=2)).timestamp())
    orphan = f"applications/{kept}/m01-{old_stamp}-{'a' * 32}"
    fresh = f"applications/{kept}/m01-{int(beijing.now().timestamp())}-{'b' * 32}"
    for key in (orphan, fresh):
        storage.save(key, io.BytesIO(pdf_bytes()), max_bytes=10_000, content_type="application/pdf")
    with app.app_context():
        draft = db.session.scalar(select(Application).where(Application.public_id == expired))
        draft.expires_at = beijing.now() - timedelta(days=1)
        db.session.commit()
        report = clean_up(storage)
        assert (
            db.session.scalar(select(Application).where(Application.public_id == expired)) is None
        )
        assert (
            db.session.scalar(select(Application).where(Application.public_id == kept)) is not None
        )
    keys = set(storage.keys(f"applications/{kept}/"))
    assert orphan not in keys and fresh in keys
    assert len(keys) == 6  # the five materials of the case, and the fresh upload
    assert report.drafts_deleted >= 1 and report.objects_deleted >= 1
    storage.delete(fresh)
