"""Every guide in guides/ renders, in Chinese and in English.

The list comes from the files, not from the database, so a guide the loader
dropped or a page that fails on an optional field both show up here.
"""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import GUIDES
from tests.pages import assert_no_chinese_left, assert_page_basics


def _guides() -> list[dict]:
    return [
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((GUIDES / "items").glob("*.yaml"))
    ]


GUIDE_CODES = [guide["code"] for guide in _guides()]


def test_the_guides_folder_is_not_empty():
    assert len(GUIDE_CODES) >= 40


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_guide_answers_200_in_both_languages(client, language):
    client.get(f"/language/{language}")
    failed = {}
    for code in GUIDE_CODES:
        response = client.get(f"/items/{code}")
        if response.status_code != 200:
            failed[code] = response.status_code
            continue
        assert_page_basics(response, lang="zh-Hans" if language == "zh" else "en")
        if language == "en":
            assert_no_chinese_left(response, f"/items/{code}")
    assert failed == {}, f"guides that did not answer 200 in {language}: {failed}"


def test_a_provision_without_an_excerpt_shows_its_law_and_article_only(client):
    guide = next(g for g in _guides() if any("excerpt" not in basis for basis in g["legal_basis"]))
    page = client.get(f"/items/{guide['code']}").get_data(as_text=True)
    for basis in guide["legal_basis"]:
        assert basis["law"]["zh"] in page
        assert basis["article"]["zh"] in page
        if "excerpt" in basis:
            assert basis["excerpt"]["zh"] in page


def test_a_provision_with_an_excerpt_quotes_it(client):
    guide = next(g for g in _guides() if all("excerpt" in basis for basis in g["legal_basis"]))
    page = client.get(f"/items/{guide['code']}").get_data(as_text=True)
    for basis in guide["legal_basis"]:
        assert basis["excerpt"]["zh"] in page
