"""The content checker: every rule, with a message naming file, item and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from portal.catalog.content import ContentError, read_content
from tests.conftest import GUIDES

COMPANY_REGISTRATION = "430400-SC-XK-0001"


def _edit_item(guides: Path, code: str, change) -> Path:
    path = guides / "items" / f"{code}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_published_content_is_complete():
    content = read_content(GUIDES)
    centers = {center.kind.value: [] for center in content.centers}
    for center in content.centers:
        centers[center.kind.value].append(center.slug)
    departments = {item.department for item in content.items}
    used_centers = {place.center for item in content.items for place in item.locations}
    assert len(content.items) >= 40
    assert len(departments) >= 12
    assert set(centers["sub"]) == {
        "land-mineral",
        "vehicle-plates",
        "labour-social-security",
        "customs",
    }
    assert set(centers["sub"]) <= used_centers
    assert len(set(centers["county"]) & used_centers) >= 3
    modes = {item.mode.value for item in content.items}
    assert {"public", "market", "intermediary"} <= modes
    assert any(item.immediate for item in content.items)
    assert any(not item.immediate for item in content.items)
    assert any(item.fees for item in content.items)
    assert any(not item.fees for item in content.items)
    sectors = {fee.sector.value for fee in content.fees}
    assert {"government", "school", "hospital", "water", "gas", "electricity"} <= sectors


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (lambda d: d.pop("legal_basis"), "legal_basis", "Field required"),
        (lambda d: d.update(promised_limit=30, statutory_limit=20), "(top level)", "exceeds"),
        (lambda d: d.update(fees=["NO-SUCH-FEE"]), "fees.0", "no fee item 'NO-SUCH-FEE'"),
        (lambda d: d.update(department="nowhere"), "department", "no department"),
        (
            lambda d: d["locations"].append({"center": "city", "window": "Z99"}),
            "locations.",
            "no window",
        ),
        (lambda d: d["name"].update(zh="Company"), "name.zh", "no Chinese"),
        (lambda d: d["materials"][0].pop("required"), "materials.0.required", "Field required"),
        (lambda d: d.update(colour="red"), "colour", "Extra inputs"),
    ],
)
def test_a_wrong_item_is_named_with_its_field(guides_copy, change, field, problem):
    path = _edit_item(guides_copy, COMPANY_REGISTRATION, change)
    with pytest.raises(ContentError) as raised:
        read_content(guides_copy)
    error = raised.value
    assert error.file == str(path)
    assert error.item == COMPANY_REGISTRATION
    assert error.field is not None and error.field.startswith(field)
    assert problem in error.problem


def test_a_repeated_item_code_is_refused(guides_copy):
    source = guides_copy / "items" / f"{COMPANY_REGISTRATION}.yaml"
    (guides_copy / "items" / "copy.yaml").write_text(
        source.read_text(encoding="utf-8"), encoding="utf-8"
    )
    with pytest.raises(ContentError, match="item code repeats"):
        read_content(guides_copy)


def test_a_fee_without_a_basis_is_refused(guides_copy):
    fee_file = next((guides_copy / "fees").glob("*.yaml"))
    data = yaml.safe_load(fee_file.read_text(encoding="utf-8"))
    del data["fees"][0]["basis"]
    fee_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        read_content(guides_copy)
    assert raised.value.file == str(fee_file)
    assert raised.value.field == "fees.0.basis"


def test_broken_yaml_names_the_file(guides_copy):
    path = guides_copy / "items" / f"{COMPANY_REGISTRATION}.yaml"
    path.write_text("code: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match="not valid YAML") as raised:
        read_content(guides_copy)
    assert raised.value.file == str(path)


def test_an_immediate_item_has_no_promised_days(guides_copy):
    _edit_item(guides_copy, COMPANY_REGISTRATION, lambda d: d.update(immediate=True))
    with pytest.raises(ContentError, match="immediate item"):
        read_content(guides_copy)


def test_a_download_must_be_a_file_in_guides_files(guides_copy):
    def point_outside(data):
        data["materials"][0]["blank_form"] = "../centers.yaml"

    _edit_item(guides_copy, COMPANY_REGISTRATION, point_outside)
    with pytest.raises(ContentError, match="no file"):
        read_content(guides_copy)
