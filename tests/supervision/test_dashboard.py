"""The supervision dashboard of one center: its cards by window, department and officer,
filters, each card's history, the monthly report as CSV and PDF; other centers and window
officers kept out; the officer's notes."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import current_app
from pypdf import PdfReader
from sqlalchemy import select

from portal.clock import beijing
from portal.extensions import db
from portal.supervision.cards import sweep
from portal.supervision.models import Card, Subject
from tests.factories import make_staff, sign_in_staff
from tests.supervision.test_cards import RULES, at, case_id, filed_case


def staff_client(app, **kwargs):
    staff_id, *_ = make_staff(app, **kwargs)
    client = app.test_client()
    sign_in_staff(client, staff_id)
    return client


def test_the_dashboard_shows_the_centers_cards_and_reports_the_month(app, monkeypatch):
    officer = staff_client(app, windows=("A01",), name="李娜")
    supervisor = staff_client(app, role="supervisor", windows=())
    administrator = staff_client(app, role="administrator", windows=())
    county = staff_client(app, role="supervision-head", windows=(), center="hengyang-county")
    # Pre-review due Thursday 5 November 2026, swept on Friday the 6th: a red card.
    public_id = filed_case(app, pre_review_by=date(2026, 11, 5))
    monkeypatch.setattr(beijing, "now", lambda: at(date(2026, 11, 6)))
    with app.app_context():
        application_id = case_id(public_id)
        sweep(
            current_app.extensions["calendar"],
            date(2026, 11, 6),
            RULES,
            Subject.CASE,
            [application_id],
        )
        db.session.commit()
        card = db.session.scalar(
            select(Card).where(Card.subject_id == application_id, Card.subject == Subject.CASE)
        )
        label, card_id, window_id = card.label, card.id, card.window_id

    page = supervisor.get("/staff/supervision").get_data(as_text=True)
    assert label in page and f'href="/staff/cases/{public_id}"' in page
    assert "市场监管窗口" in page and "衡阳市市场监督管理局" in page and "红牌" in page
    assert administrator.get("/staff/supervision").status_code == 200
    assert 'href="/staff/supervision"' in supervisor.get("/staff").get_data(as_text=True)
    # The window's count links to the cards behind it.
    behind = f"/staff/supervision?window={window_id}#cards-heading"
    assert f'href="{behind}"' in page
    assert label in supervisor.get(behind.split("#")[0]).get_data(as_text=True)
    # Filters: only yellow cards leaves this red one out.
    assert label not in supervisor.get("/staff/supervision?level=yellow").get_data(as_text=True)
    assert label in supervisor.get("/staff/supervision?level=red&step=pre-review").get_data(
        as_text=True
    )
    history = supervisor.get(f"/staff/supervision/cards/{card_id}").get_data(as_text=True)
    assert "亮牌" in history and "系统按期限计算" in history

    # Another center sees neither the card nor its history; window officers no dashboard.
    assert label not in county.get("/staff/supervision").get_data(as_text=True)
    assert county.get(f"/staff/supervision/cards/{card_id}").status_code == 404
    assert officer.get("/staff/supervision").status_code == 403
    assert 'href="/staff/supervision"' not in officer.get("/staff").get_data(as_text=True)
    # The officer was told, and the note links to the case.
    notes = officer.get("/staff/supervision/notes").get_data(as_text=True)
    assert label in notes and f'href="/staff/cases/{public_id}"' in notes

    # The officer declines on Monday the 9th: the card is cleared, late.
    monkeypatch.setattr(beijing, "now", lambda: at(date(2026, 11, 9)))
    response = officer.post(
        f"/staff/cases/{public_id}",
        data={
            "decision": "decline",
            "decline_reason": "不属于本机关职权范围",
            "right_authority": "",
        },
    )
    assert response.status_code == 302
    assert label not in supervisor.get("/staff/supervision").get_data(as_text=True)
    history = supervisor.get(f"/staff/supervision/cards/{card_id}").get_data(as_text=True)
    assert "窗口决定不予受理 · 李娜" in history

    with supervisor.get("/staff/supervision/report/2026-11.csv") as response:
        assert response.mimetype == "text/csv"
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows == [
        {
            "month": "2026-11",
            "window": "市场监管窗口",
            "department": "衡阳市市场监督管理局",
            "cards_raised": "1",
            "red_cards": "1",
            "cards_cleared": "1",
            "cleared_late": "1",
        }
    ]
    assert (
        county.get("/staff/supervision/report/2026-11.csv").get_data(as_text=True).count("\n") == 1
    )  # the header only: another center's report has none of these
    with supervisor.get("/staff/supervision/report/2026-11.pdf") as response:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "电子监察月报 2026年11月" in text and "市场监管窗口" in text
    assert supervisor.get("/staff/supervision/report/2026-13.csv").status_code == 404
    assert supervisor.get("/staff/supervision/report/latest.pdf").status_code == 404
