"""Every public page: it answers, carries its basics, and speaks the reader's language."""

from __future__ import annotations

import pytest

from tests.pages import assert_no_chinese_left, assert_page_basics

PAGES = [
    "/",
    "/search?q=开饭店",
    "/items",
    "/items?audience=company",
    "/items?department=market-regulation&center=city",
    "/items?online=yes&audience=individual",
    "/items/430400-SC-XK-0001",
    "/life-events/start-business",
    "/departments",
    "/departments/market-regulation",
    "/centers",
    "/centers/city",
    "/centers/customs",
    "/centers/leiyang",
    "/fees",
    "/fees/public-institutions",
    "/open-data",
    "/account/sign-in",
    "/account/register",
    "/account/register/individual",
    "/account/register/company",
    "/account/forgot-password",
    "/account/reset-password",
    "/track",
    "/items/430400-SC-XK-0001/apply",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_with_its_basics_in_chinese(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_page_basics(response, lang="zh-Hans")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_reads_in_english_without_chinese_left_over(english, path):
    response = english.get(path)
    assert response.status_code == 200
    assert_page_basics(response, lang="en")
    assert_no_chinese_left(response, path, typed=["开饭店"])


def test_the_language_choice_is_remembered(client):
    response = client.get("/language/en?next=/centers")
    assert response.status_code == 303
    assert response.headers["Location"] == "/centers"
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    client.get("/language/zh")
    assert 'lang="zh-Hans"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"]
)
def test_the_language_switch_never_sends_people_elsewhere(client, target):
    response = client.get("/language/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_large_text_is_remembered(client):
    client.get("/text-size/large")
    assert '<html lang="zh-Hans" class="text-large">' in client.get("/").get_data(as_text=True)
    client.get("/text-size/normal")
    assert 'class="text-large"' not in client.get("/").get_data(as_text=True)


def test_a_guide_shows_every_element_of_the_implementation_list(client):
    page = client.get("/items/430400-SC-XK-0001").get_data(as_text=True)
    for heading in [
        "事项编码",
        "事项类型",
        "运作方式",
        "设定依据",
        "实施主体",
        "办理条件",
        "申请材料",
        "办理流程",
        "法定办结时限",
        "承诺办结时限",
        "到现场次数",
        "办理地点",
        "收费标准",
        "咨询电话",
        "投诉电话",
        "行政复议",
        "行政诉讼",
    ]:
        assert heading in page, heading
    assert "《中华人民共和国公司法》" in page and "第二十九条" in page
    assert "原件" in page and "复印件" in page
    assert "/items/430400-SC-XK-0001/files/company-registration-form.pdf" in page


def test_a_blank_form_downloads_as_a_pdf(client):
    with client.get("/items/430400-SC-XK-0001/files/company-registration-form.pdf") as response:
        assert response.status_code == 200
        assert response.data.startswith(b"%PDF")


@pytest.mark.parametrize("name", ["../centers.yaml", "not-listed.pdf", "..%2Fcenters.yaml"])
def test_only_listed_files_can_be_downloaded(client, name):
    assert client.get(f"/items/430400-SC-XK-0001/files/{name}").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/items/NO-SUCH-ITEM", "/centers/atlantis", "/departments/x", "/life-events/x", "/nowhere"],
)
def test_an_unknown_page_is_a_404_with_a_search_box(client, path):
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "找不到这个页面" in page
    assert 'role="search"' in page


def test_the_404_page_speaks_english_to_english_readers(english):
    page = english.get("/items/NO-SUCH-ITEM").get_data(as_text=True)
    assert 'lang="en"' in page and "找不到" not in page


@pytest.mark.parametrize(
    "query",
    [
        "audience=%FF%FE",
        "department=%00",
        "center=" + "x" * 5000,
        "audience[]=1&audience=2",
        "q=%E5%BC",
    ],
)
def test_malformed_query_strings_get_a_page_not_a_crash(client, query):
    assert client.get(f"/items?{query}").status_code == 200
    assert client.get(f"/search?{query}").status_code in (200, 400)


def test_a_center_page_lists_its_windows_and_items(client):
    page = client.get("/centers/vehicle-plates").get_data(as_text=True)
    assert "机动车登记窗口" in page and "/items/430400-GA-" in page
