"""/items narrows to what can be filed on this portal, with a plain GET form (no JavaScript)."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.catalog.models import Department, ServiceItem
from portal.extensions import db


def _listed(page: str) -> set[str]:
    return set(re.findall(r'class="card-title"><a href="/items/([A-Z0-9-]+)"', page))


def _codes(app, *conditions) -> set[str]:
    with app.app_context():
        return set(
            db.session.scalars(
                select(ServiceItem.code).where(ServiceItem.retired_at.is_(None), *conditions)
            )
        )


def test_the_online_filter_lists_exactly_the_items_filed_here_and_counts_them(app, client):
    online = _codes(app, ServiceItem.online.is_(True))
    everything = _codes(app)
    assert online and online != everything, "the guides have both kinds"
    page = client.get("/items?online=yes").get_data(as_text=True)
    assert _listed(page) == online
    assert f"共 {len(online)} 个可以网上申请的事项" in page
    assert re.search(r'<input type="checkbox" id="online" name="online" value="yes" checked>', page)
    unfiltered = client.get("/items").get_data(as_text=True)
    assert _listed(unfiltered) == everything
    assert f"共 {len(everything)} 个事项" in unfiltered
    assert 'value="yes" checked' not in unfiltered


def test_the_online_filter_combines_with_the_others_and_reads_in_english(app, english):
    page = english.get("/items?online=yes&department=market-regulation").get_data(as_text=True)
    with app.app_context():
        department = db.session.scalar(
            select(Department).where(Department.slug == "market-regulation")
        )
        expected = _codes(
            app, ServiceItem.online.is_(True), ServiceItem.department_id == department.id
        )
    assert _listed(page) == expected
    count = len(expected)
    noun = "service" if count == 1 else "services"
    assert f"{count} {noun} you can apply for online" in page
    assert "Only show services you can apply for online" in page
