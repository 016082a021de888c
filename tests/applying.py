"""An applicant's filing, made through the pages the way the applicant makes it."""

from __future__ import annotations

import re

from tests.factories import pdf_bytes, upload

COMPANY = "430400-SC-XK-0001"
ANSWERS = {
    "company-name": "衡阳市示例科技有限公司",
    "registered-capital": "100",
    "address": "衡阳市蒸湘区解放西路 22 号",
    "licence-delivery": "post",
}
REQUIRED_MATERIALS = ["M01", "M02", "M03", "M04", "M05"]
# "licence-delivery": "post" asks for this on the next page (portal/filing/delivery.py).
DELIVERY_QUESTION = "licence-delivery"
POSTAL_ADDRESS = {
    "province": "43",
    "city": "衡阳市",
    "district": "蒸湘区",
    "street": "解放西路 22 号 3 楼",
    "postcode": "421001",
    "recipient": "王芳",
    "mobile": "13812345678",
}


def give_postal_address(client, public_id: str, address: dict | None = None):
    """The address page that follows "by post"; returns the response."""
    return client.post(
        f"/applications/{public_id}/questions/{DELIVERY_QUESTION}/address",
        data=address or POSTAL_ADDRESS,
    )


def start_application(client, code: str = COMPANY) -> str:
    """A draft; returns its public id."""
    location = client.post(f"/items/{code}/apply").headers["Location"]
    return re.search(r"/applications/([0-9a-f]{32})/", location).group(1)


def choose_first_place(client, public_id: str) -> None:
    """Where the item is offered at several windows, pick the first one listed."""
    page = client.get(f"/applications/{public_id}/where")
    if page.status_code == 404:
        return  # one window only: the guide decided
    value = re.search(r'name="window"[^>]*value="(\d+)"', page.get_data(as_text=True)).group(1)
    assert (
        client.post(f"/applications/{public_id}/where", data={"window": value}).status_code == 302
    )


def file_an_application(client) -> str:
    """A submitted application with its required materials; returns its public id."""
    public_id = start_application(client)
    choose_first_place(client, public_id)
    for code, value in ANSWERS.items():
        client.post(f"/applications/{public_id}/questions/{code}", data={"answer": value})
    assert give_postal_address(client, public_id).status_code == 302
    for material in REQUIRED_MATERIALS:
        client.post(
            f"/applications/{public_id}/materials/{material}",
            data=upload(pdf_bytes(), f"{material}.pdf"),
            content_type="multipart/form-data",
        )
    page = client.get(f"/applications/{public_id}/check").get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]+)"', page).group(1)
    submitted = client.post(
        f"/applications/{public_id}/submit", data={"token": token, "declaration": "y"}
    )
    assert submitted.status_code == 302, "the application was submitted"
    return public_id
