"""What the applicant reads about their own case: sizes in KB and MB, a receipt QR that opens the
lookup with the number filled in (and no query code), their own name in full when signed in,
masked for a lookup without sign-in; the material page says what the guide says."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from portal.filing.presenters import tracking_url
from portal.i18n import format_file_size
from tests.factories import make_applicant, pdf_bytes, sign_in_as, upload
from tests.filing.test_journey import answer_everything, filed, start, submit


@pytest.fixture
def applicant(app, client):
    applicant_id, identifier = make_applicant(app, name="欧阳娜娜")
    sign_in_as(client, applicant_id)
    return applicant_id, identifier


@pytest.mark.parametrize(
    ("size", "zh", "en"),
    [
        (600, "0.6 KB", "0.6 KB"),
        (2_000, "2 KB", "2 KB"),
        (4_800_000, "4.8 MB", "4.8 MB"),
        (999_990, "1 MB", "1 MB"),
        (20_000_000, "20 MB", "20 MB"),
        (12, "0.1 KB", "0.1 KB"),
        (1_234_500_000, "1.2 GB", "1.2 GB"),
    ],
)
def test_file_sizes_read_as_people_read_them(app, size, zh, en):
    with app.test_request_context():
        assert format_file_size(size) == zh
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert format_file_size(size) == en


def test_sizes_on_the_material_check_and_receipt_pages(client, applicant):
    public_id = start(client)
    client.post(
        f"/applications/{public_id}/materials/M06",
        data=upload(pdf_bytes(480_000), "委托书.pdf"),
        content_type="multipart/form-data",
    )
    material = client.get(f"/applications/{public_id}/materials/M06").get_data(as_text=True)
    assert "已上传：委托书.pdf（480 KB）" in material and "不超过 20 MB" in material
    answer_everything(client, public_id)
    check = client.get(f"/applications/{public_id}/check").get_data(as_text=True)
    assert "委托书.pdf（480 KB）" in check and "M01.pdf（2 KB）" in check
    submit(client, public_id)
    progress = client.get(f"/applications/{public_id}").get_data(as_text=True)
    assert "（480 KB）" in progress
    with client.get(f"/applications/{public_id}/receipt.pdf") as response:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "480 KB" in text and "2 KB" in text and "0.002 MB" not in text


def test_the_receipt_qr_opens_the_lookup_with_the_number_and_never_the_code(app, client, applicant):
    public_id = filed(client)
    page = client.get(f"/applications/{public_id}/submitted").get_data(as_text=True)
    number = re.search(r"<strong>(HY-\d{8}-\d{5}-[\dX])</strong>", page).group(1)
    code = re.search(r"查询码<br><strong>([A-Z0-9]{6})</strong>", page).group(1)
    with app.test_request_context():
        url = tracking_url(number)
    assert url.endswith(f"/track?number={number}") and code not in url
    # The URL the QR code holds is printed beneath it: the same one.
    with client.get(f"/applications/{public_id}/receipt.pdf") as response:
        raw = response.data
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(raw)).pages)
    assert f"/track?number={number}" in re.sub(r"\s", "", text)
    # Opened on a phone without signing in: the number is in the form, the code is asked.
    anonymous = app.test_client()
    lookup = anonymous.get(f"/track?number={number}").get_data(as_text=True)
    assert re.search(rf'id="number"[^>]*value="{number}"', lookup)
    assert code not in lookup
    found = anonymous.post("/track", data={"number": number, "secret": code})
    assert found.status_code == 200


def test_the_owner_sees_their_name_a_lookup_sees_it_masked(app, client, applicant):
    public_id = start(client)
    answer_everything(client, public_id)
    check = client.get(f"/applications/{public_id}/check").get_data(as_text=True)
    assert "欧阳娜娜" in check
    submit(client, public_id)
    for path in (f"/applications/{public_id}", f"/applications/{public_id}/submitted"):
        page = client.get(path).get_data(as_text=True)
        assert "欧*" not in page, path
    progress = client.get(f"/applications/{public_id}").get_data(as_text=True)
    assert "欧阳娜娜" in progress
    with client.get(f"/applications/{public_id}/receipt.pdf") as response:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "欧阳娜娜" in text
    page = client.get(f"/applications/{public_id}/submitted").get_data(as_text=True)
    number = re.search(r"<strong>(HY-\d{8}-\d{5}-[\dX])</strong>", page).group(1)
    code = re.search(r"查询码<br><strong>([A-Z0-9]{6})</strong>", page).group(1)
    tracked = app.test_client().post("/track", data={"number": number, "secret": code})
    body = tracked.get_data(as_text=True)
    assert "欧***" in body and "欧阳娜娜" not in body


def test_the_upload_page_says_required_or_when_needed_and_links_the_guides_forms(client, applicant):
    public_id = start(client)
    required = client.get(f"/applications/{public_id}/materials/M01").get_data(as_text=True)
    assert "必交" in required and "这份材料必须上传" in required
    blank = "/items/430400-SC-XK-0001/files/company-registration-form.pdf"
    sample = "/items/430400-SC-XK-0001/files/company-registration-sample.pdf"
    assert f'href="{blank}"' in required and f'href="{sample}"' in required
    for link in (blank, sample):
        with client.get(link) as response:
            assert response.status_code == 200 and response.data.startswith(b"%PDF")
    optional = client.get(f"/applications/{public_id}/materials/M06").get_data(as_text=True)
    assert "选交" in optional and "什么时候需要" in optional
    assert "委托他人办理时提供" in optional
    client.get("/language/en")
    optional = client.get(f"/applications/{public_id}/materials/M06").get_data(as_text=True)
    assert "Optional" in optional and "only when someone else files for you" in optional
