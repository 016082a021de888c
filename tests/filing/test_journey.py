"""Filing online from start to receipt, as an applicant does it."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from portal.extensions import db
from portal.filing.models import Application
from tests.applying import (
    ANSWERS,
    COMPANY,
    POSTAL_ADDRESS,
    REQUIRED_MATERIALS,
    give_postal_address,
)
from tests.factories import make_applicant, pdf_bytes, sign_in_as, upload
from tests.pages import assert_no_chinese_left

REQUIRED = REQUIRED_MATERIALS


@pytest.fixture
def applicant(app, client):
    applicant_id, identifier = make_applicant(app)
    sign_in_as(client, applicant_id)
    return applicant_id, identifier


def start(client) -> str:
    response = client.post(f"/items/{COMPANY}/apply")
    assert response.status_code == 302
    return re.search(r"/applications/([0-9a-f]{32})/", response.headers["Location"]).group(1)


# A center's name as the where-to-file page shows it, in Chinese and in English.
CITY = ("衡阳市政务服务中心 ·", "Hengyang Municipal Government Service Center ·")
COUNTY = ("衡阳县政务服务中心 ·", "Hengyang County Government Service Center ·")


def choose_place(client, public_id: str, center: tuple[str, str] = CITY) -> None:
    """Pick the first window of ``center`` on the where-to-file page."""
    page = client.get(f"/applications/{public_id}/where").get_data(as_text=True)
    options = re.findall(
        r'<input[^>]*name="window"[^>]*value="(\d+)"[^>]*> <label[^>]*>([^<]+)</label>', page
    )
    value = next(value for value, label in options if label.startswith(center))
    response = client.post(f"/applications/{public_id}/where", data={"window": value})
    assert response.status_code == 302


def answer_everything(client, public_id: str, center: tuple[str, str] = CITY) -> None:
    choose_place(client, public_id, center)
    for code, value in ANSWERS.items():
        response = client.post(
            f"/applications/{public_id}/questions/{code}", data={"answer": value}
        )
        assert response.status_code == 302, code
    assert give_postal_address(client, public_id).status_code == 302
    for material in REQUIRED:
        response = client.post(
            f"/applications/{public_id}/materials/{material}",
            data=upload(pdf_bytes(), f"{material}.pdf"),
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, material


def submit(client, public_id: str):
    page = client.get(f"/applications/{public_id}/check").get_data(as_text=True)
    token = re.search(r'id="token" name="token" type="hidden" value="([0-9a-f]+)"', page).group(1)
    return client.post(
        f"/applications/{public_id}/submit", data={"token": token, "declaration": "y"}
    )


def filed(client, center: tuple[str, str] = CITY) -> str:
    public_id = start(client)
    answer_everything(client, public_id, center)
    assert submit(client, public_id).status_code == 302
    return public_id


def test_starting_an_application_needs_an_account(client):
    response = client.post(f"/items/{COMPANY}/apply")
    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]
    page = client.get(f"/items/{COMPANY}/apply").get_data(as_text=True)
    assert "登录后申请" in page


def test_a_whole_filing_gives_a_number_a_code_and_a_receipt(app, client, applicant):
    public_id = filed(client)
    page = client.get(f"/applications/{public_id}/submitted").get_data(as_text=True)
    number = re.search(r"<strong>(HY-\d{8}-\d{5}-[\dX])</strong>", page).group(1)
    code = re.search(r"查询码<br><strong>([A-Z0-9]{6})</strong>", page).group(1)
    with client.get(f"/applications/{public_id}/receipt.pdf") as response:
        assert response.mimetype == "application/pdf"
        import io

        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert number in text and code in text and "有限责任公司设立登记" in text
    notifier = app.extensions["notifier"]
    assert any(number in m.body and code in m.body for m in notifier.outbox)


def test_the_check_page_lists_every_answer_with_a_change_link(client, applicant):
    public_id = start(client)
    answer_everything(client, public_id)
    page = client.get(f"/applications/{public_id}/check").get_data(as_text=True)
    assert "衡阳市示例科技有限公司" in page and "免费邮寄" in page
    for code in ANSWERS:
        assert f"/applications/{public_id}/questions/{code}" in page


def test_submitting_twice_makes_one_application(app, client, applicant):
    public_id = start(client)
    answer_everything(client, public_id)
    first = submit(client, public_id)
    again = client.post(
        f"/applications/{public_id}/submit", data={"declaration": "y", "token": "x"}
    )
    assert first.headers["Location"] == again.headers["Location"]
    with app.app_context():
        application = db.session.query(Application).filter_by(public_id=public_id).one()
        assert application.number is not None
        assert [e.kind for e in application.events].count("submitted") == 1


def test_nothing_is_submitted_while_a_required_part_is_missing(client, applicant):
    public_id = start(client)
    response = client.post(f"/applications/{public_id}/submit", data={"declaration": "y"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "提交前还需要完成" in page and "公司章程" in page


def test_the_declaration_must_be_ticked(client, applicant):
    public_id = start(client)
    answer_everything(client, public_id)
    page = client.get(f"/applications/{public_id}/check").get_data(as_text=True)
    token = re.search(r'id="token" name="token" type="hidden" value="([0-9a-f]+)"', page).group(1)
    response = client.post(f"/applications/{public_id}/submit", data={"token": token})
    assert response.status_code == 400
    assert "提交前请阅读并勾选承诺" in response.get_data(as_text=True)


def test_a_wrong_answer_is_explained_next_to_the_field(client, applicant):
    public_id = start(client)
    response = client.post(
        f"/applications/{public_id}/questions/registered-capital", data={"answer": "lots"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error-summary"' in page and 'href="#answer"' in page
    assert 'aria-invalid="true"' in page


def test_my_applications_shows_each_cases_status_and_time_left(client, applicant):
    filed(client)
    page = client.get("/applications").get_data(as_text=True)
    assert "已提交，等待窗口预审" in page
    assert re.search(r"还剩 \d+ 个工作日（截止 \d{4}年\d{1,2}月\d{1,2}日）", page)


def test_a_draft_can_be_resumed_from_my_applications(client, applicant):
    public_id = start(client)
    choose_place(client, public_id)
    client.post(
        f"/applications/{public_id}/questions/company-name", data={"answer": "衡阳市示例有限公司"}
    )
    page = client.get("/applications").get_data(as_text=True)
    assert f"/applications/{public_id}" in page and "草稿" in page
    resume = client.get(f"/applications/{public_id}")
    assert resume.headers["Location"].endswith("/questions/registered-capital")


def test_nobody_sees_another_persons_application_or_files(app, client, applicant):
    public_id = filed(client)
    progress = client.get(f"/applications/{public_id}").get_data(as_text=True)
    file_link = re.search(r'href="(/applications/[0-9a-f]+/files/[0-9a-f]+)"', progress).group(1)
    with client.get(file_link) as own:
        assert own.status_code == 200 and own.data.startswith(b"%PDF")
    other_id, _ = make_applicant(app, name="李四")
    other = app.test_client()
    sign_in_as(other, other_id)
    for path in (
        f"/applications/{public_id}",
        file_link,
        f"/applications/{public_id}/receipt.pdf",
        f"/applications/{public_id}/check",
    ):
        assert other.get(path).status_code == 404, path
    anonymous = app.test_client()
    assert "/account/sign-in" in anonymous.get(file_link).headers["Location"]


def test_a_case_can_be_looked_up_with_number_and_code_or_id_number(client, applicant):
    public_id = filed(client)
    page = client.get(f"/applications/{public_id}/submitted").get_data(as_text=True)
    number = re.search(r"<strong>(HY-\d{8}-\d{5}-[\dX])</strong>", page).group(1)
    code = re.search(r"查询码<br><strong>([A-Z0-9]{6})</strong>", page).group(1)
    anonymous = client.application.test_client()
    found = anonymous.post(
        "/track", data={"number": number.replace("-", ""), "secret": code.lower()}
    )
    assert found.status_code == 200 and "办理进度" in found.get_data(as_text=True)
    by_id = anonymous.post("/track", data={"number": number, "secret": applicant[1]})
    assert by_id.status_code == 200
    wrong_code = anonymous.post("/track", data={"number": number, "secret": "AAAAAA"})
    last = int(number[-7:-2]) + 1
    from portal.filing.numbering import check_character

    digits = number[3:11] + f"{last:05d}"
    unknown_number = f"HY{digits}{check_character(digits)}"
    wrong_number = anonymous.post("/track", data={"number": unknown_number, "secret": code})
    assert wrong_code.status_code == wrong_number.status_code == 404
    assert _main(wrong_code) == _main(wrong_number)


def _main(response) -> str:
    """The page without the values the person typed."""
    main = re.search(r"<main.*</main>", response.get_data(as_text=True), re.S).group(0)
    return re.sub(r'value="[^"]*"', "", main)


def test_every_step_reads_in_english(app, client, applicant):
    client.get("/language/en")
    public_id = start(client)
    answer_everything(client, public_id)
    typed = [*ANSWERS.values(), *POSTAL_ADDRESS.values(), "王芳", "王*"]
    paths = [f"/applications/{public_id}/questions/{code}" for code in ANSWERS]
    paths += [
        f"/applications/{public_id}/materials/M01",
        f"/applications/{public_id}/check",
        "/applications",
        "/account",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_no_chinese_left(response, path, typed)
    submit(client, public_id)
    for path in (f"/applications/{public_id}/submitted", f"/applications/{public_id}"):
        assert_no_chinese_left(client.get(path), path, typed)
