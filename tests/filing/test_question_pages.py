"""The question pages as a first-time applicant reads them: the question once as the heading,
a way back from every step, a number field a phone offers digits for, and errors that say
what to write for that question."""

from __future__ import annotations

import re

import pytest

from forms.filing import Messages
from tests.applying import COMPANY, give_postal_address
from tests.factories import make_applicant, sign_in_as
from tests.filing.test_journey import answer_everything, choose_place, start


@pytest.fixture
def applicant(app, client):
    applicant_id, identifier = make_applicant(app)
    sign_in_as(client, applicant_id)
    return applicant_id, identifier


def _main(response) -> str:
    return re.search(r"<main.*</main>", response.get_data(as_text=True), re.S).group(0)


def test_the_question_is_the_heading_once(client, applicant):
    public_id = start(client)
    for code, label in (
        ("registered-capital", "注册资本（万元）"),
        ("licence-delivery", "纸质营业执照怎么领取？"),
    ):
        main = _main(client.get(f"/applications/{public_id}/questions/{code}"))
        assert main.count(label) == 1, code
        headings = re.findall(r"<h1[^>]*>(.*?)</h1>", main, re.S)
        assert len(headings) == 1 and label in headings[0], code
    # The text field's label is the heading itself, so a screen reader hears it once.
    main = _main(client.get(f"/applications/{public_id}/questions/company-name"))
    assert re.search(r'<h1[^>]*><label for="answer">拟设立的公司名称</label></h1>', main)


def test_every_step_and_the_check_page_have_a_back_link(client, applicant):
    public_id = start(client)
    answer_everything(client, public_id)
    first = _main(client.get(f"/applications/{public_id}/where"))
    assert f'href="/items/{COMPANY}/apply" class="back-link"' in first
    steps = [
        f"/applications/{public_id}/questions/{code}"
        for code in ("company-name", "registered-capital", "address", "licence-delivery")
    ]
    steps += [f"/applications/{public_id}/questions/licence-delivery/address"]
    steps += [f"/applications/{public_id}/materials/M0{n}" for n in range(1, 7)]
    previous = f"/applications/{public_id}/where"
    for path in steps:
        main = _main(client.get(path))
        assert f'href="{previous}" class="back-link"' in main, path
        previous = path
    check = _main(client.get(f"/applications/{public_id}/check"))
    assert f'href="{previous}" class="back-link"' in check


def test_whole_numbers_are_asked_with_a_numeric_keyboard_not_a_number_input(client, applicant):
    public_id = start(client)
    main = _main(client.get(f"/applications/{public_id}/questions/registered-capital"))
    field = re.search(r'<input[^>]*id="answer"[^>]*>', main).group(0)
    assert 'inputmode="numeric"' in field and 'pattern="[0-9]*"' in field
    assert 'type="number"' not in field and 'type="text"' in field


def test_full_width_digits_are_read_as_a_number(app, client, applicant):
    public_id = start(client)
    response = client.post(
        f"/applications/{public_id}/questions/registered-capital", data={"answer": "１２０"}
    )
    assert response.status_code == 302
    page = client.get(f"/applications/{public_id}/questions/registered-capital")
    assert 'value="120"' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("typed", "zh", "en"),
    [
        (
            "",
            "请填写注册资本（单位：万元），例如 50。",
            "Enter the registered capital in ten-thousand yuan, for example 50.",
        ),
        (
            "lots",
            "注册资本只填整数（单位：万元），例如 50。",
            "Enter the registered capital as a whole number in ten-thousand yuan, for example 50.",
        ),
        (
            "0",
            "注册资本要在 1 到 10,000,000 之间（单位：万元）。",
            "The registered capital must be between 1 and 10,000,000 in ten-thousand yuan.",
        ),
    ],
)
def test_a_number_error_says_what_to_write_with_the_guides_unit_and_example(
    client, applicant, typed, zh, en
):
    public_id = start(client)
    path = f"/applications/{public_id}/questions/registered-capital"
    response = client.post(path, data={"answer": typed})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert page.count(zh) == 2, "beside the field and in the summary"
    assert "请回答这个问题" not in page and "Not a valid integer" not in page
    client.get("/language/en")
    page = client.post(path, data={"answer": typed}).get_data(as_text=True)
    assert page.count(en) == 2
    assert "Answer this question" not in page and "Not a valid integer" not in page


def test_a_text_and_a_choice_error_name_their_question(client, applicant):
    public_id = start(client)
    empty = client.post(f"/applications/{public_id}/questions/company-name", data={"answer": ""})
    assert "请填写拟设立的公司名称，例如 衡阳市某某科技有限公司。" in empty.get_data(as_text=True)
    unchosen = client.post(f"/applications/{public_id}/questions/licence-delivery", data={})
    assert "请选择一项：纸质营业执照怎么领取？" in unchosen.get_data(as_text=True)
    client.get("/language/en")
    empty = client.post(f"/applications/{public_id}/questions/company-name", data={"answer": ""})
    assert (
        "Enter the proposed company name, for example Hengyang Example Technology Co., Ltd."
        in empty.get_data(as_text=True)
    )


def test_an_error_without_unit_or_example_still_names_the_question(app):
    question = {"code": "x", "label": {"zh": "车牌号码", "en": "Plate number"}, "type": "text"}
    with app.test_request_context():
        assert Messages(question).enter() == "请填写车牌号码。"
        assert Messages(question).too_long(8) == "车牌号码最多 8 个字，请删减后再保存。"


def test_the_place_step_back_link_and_the_resume_include_the_address(client, applicant):
    public_id = start(client)
    choose_place(client, public_id)
    for code, value in (
        ("company-name", "衡阳市示例科技有限公司"),
        ("registered-capital", "100"),
        ("address", "衡阳市蒸湘区解放西路 22 号"),
        ("licence-delivery", "post"),
    ):
        client.post(f"/applications/{public_id}/questions/{code}", data={"answer": value})
    resume = client.get(f"/applications/{public_id}")
    assert resume.headers["Location"].endswith("/questions/licence-delivery/address")
    assert give_postal_address(client, public_id).status_code == 302
    resume = client.get(f"/applications/{public_id}")
    assert resume.headers["Location"].endswith("/materials/M01")


def test_an_unreadable_date_gets_the_questions_message_not_the_librarys(app):
    from werkzeug.datastructures import MultiDict

    from forms.filing import question_form

    question = {"code": "d", "label": {"zh": "开业日期", "en": "Opening date"}, "type": "date"}
    with app.test_request_context(method="POST"):
        form = question_form(question, None, MultiDict({"answer": "2026-13-45"}))
        assert not form.validate()
        assert form.answer.errors == ["开业日期要写成“年-月-日”，例如 2026-11-27。"]
