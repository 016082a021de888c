"""Migration 0010 on a database with cases in it: cases filed before cases were scoped are
given the item's city-center window, and a decision deadline set before acceptance goes."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from portal.catalog.models import Window
from portal.extensions import db
from portal.filing.models import Application
from tests.conftest import fresh_database, load_guides, make_app
from tests.factories import make_applicant, sign_in_as
from tests.filing.test_journey import COUNTY, filed


def test_cases_filed_before_scoping_go_to_the_city_window(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        app = make_app(url)
        load_guides(app)
        applicant_id, _ = make_applicant(app)
        client = app.test_client()
        sign_in_as(client, applicant_id)
        public_id = filed(client, COUNTY)
        with app.app_context():
            downgrade(revision="0005")
            db.session.execute(
                text("UPDATE applications SET decide_by = '2026-12-31' WHERE public_id = :p"),
                {"p": public_id},
            )
            db.session.commit()
            upgrade()
            application = db.session.scalar(
                select(Application).where(Application.public_id == public_id)
            )
            window = db.session.get(Window, application.window_id)
            assert (window.center.slug, window.code) == ("city", "A01")
            assert application.center_id == window.center_id
            assert application.decide_by is None
            db.session.close()
            db.engine.dispose()
