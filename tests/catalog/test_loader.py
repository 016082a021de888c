"""Loading guides/ into the database: all or nothing, idempotent, retiring what left."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.catalog.models import ServiceItem
from portal.extensions import db
from tests.conftest import load_guides

COMPANY_REGISTRATION = "430400-SC-XK-0001"


def _count_items(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(ServiceItem).where(ServiceItem.retired_at.is_(None))
        )


def test_loading_twice_changes_nothing(empty_app, guides_copy):
    first = load_guides(empty_app, guides_copy)
    second = load_guides(empty_app, guides_copy)
    assert len(first.added["service items"]) == _count_items(empty_app) >= 40
    assert second.summary() == "nothing changed"


def test_a_bad_file_loads_nothing_and_keeps_what_was_there(empty_app, guides_copy):
    load_guides(empty_app, guides_copy)
    before = _count_items(empty_app)
    (guides_copy / "items" / "new-item.yaml").write_text("code: X\n", encoding="utf-8")
    result = empty_app.test_cli_runner().invoke(
        args=["content", "load", "--guides", str(guides_copy)]
    )
    assert result.exit_code != 0
    assert "new-item.yaml" in result.output and "nothing was loaded" in result.output
    assert _count_items(empty_app) == before


def test_a_first_load_that_fails_leaves_an_empty_catalog(empty_app, guides_copy):
    (guides_copy / "departments.yaml").write_text("departments: []\n", encoding="utf-8")
    result = empty_app.test_cli_runner().invoke(
        args=["content", "load", "--guides", str(guides_copy)]
    )
    assert result.exit_code != 0
    assert _count_items(empty_app) == 0


def test_an_item_removed_from_guides_is_retired_and_can_return(empty_app, guides_copy):
    load_guides(empty_app, guides_copy)
    path = guides_copy / "items" / f"{COMPANY_REGISTRATION}.yaml"
    kept = path.read_text(encoding="utf-8")
    path.unlink()
    report = load_guides(empty_app, guides_copy)
    assert report.retired["service items"] == {COMPANY_REGISTRATION}
    client = empty_app.test_client()
    assert client.get(f"/items/{COMPANY_REGISTRATION}").status_code == 404
    assert COMPANY_REGISTRATION not in client.get("/search?q=开公司").get_data(as_text=True)
    path.write_text(kept, encoding="utf-8")
    load_guides(empty_app, guides_copy)
    assert client.get(f"/items/{COMPANY_REGISTRATION}").status_code == 200


def test_an_edited_guide_shows_after_reloading(empty_app, guides_copy):
    load_guides(empty_app, guides_copy)
    path = guides_copy / "items" / f"{COMPANY_REGISTRATION}.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("promised_limit: 1", "promised_limit: 2"),
        encoding="utf-8",
    )
    report = load_guides(empty_app, guides_copy)
    assert report.changed["service items"] == {COMPANY_REGISTRATION}
    page = empty_app.test_client().get(f"/items/{COMPANY_REGISTRATION}").get_data(as_text=True)
    assert "2 个工作日" in page


def test_the_check_command_reports_what_is_valid(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0
    assert "content is valid" in result.output
