"""Two submissions of one application at the same moment (a double click that reached two
app instances) make one submitted case with one number, on PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import select

from portal.accounts.models import Applicant
from portal.catalog.models import ServiceItem
from portal.extensions import db
from portal.filing import operations
from portal.filing.models import Application, ApplicationEvent
from tests.conftest import fresh_database, load_guides, make_app
from tests.factories import make_applicant


def test_simultaneous_submissions_make_one_case(tmp_path):
    with fresh_database("postgresql", tmp_path) as url:
        app = make_app(url)
        load_guides(app)
        applicant_id, _ = make_applicant(app)
        with app.app_context():
            item = db.session.scalar(
                select(ServiceItem).where(ServiceItem.code == "430400-SC-XK-0001")
            )
            application = operations.start_application(
                db.session.get(Applicant, applicant_id), item, 30
            )
            operations.choose_place(application, operations.places(item)[0].id, 30)
            db.session.commit()
            application_id = application.id
        results: list[bool] = []
        barrier = threading.Barrier(2)

        def submit() -> None:
            with app.app_context():
                mine = db.session.get(Application, application_id)
                barrier.wait()
                results.append(operations.submit(mine, app.extensions["calendar"]))
                db.session.commit()

        threads = [threading.Thread(target=submit) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with app.app_context():
            submitted = db.session.get(Application, application_id)
            events = db.session.scalars(
                select(ApplicationEvent.kind).where(
                    ApplicationEvent.application_id == application_id
                )
            ).all()
            assert sorted(results) == [False, True]
            assert submitted.number is not None
            assert events.count("submitted") == 1
        with app.app_context():
            db.engine.dispose()
