"""Identity numbers: real check characters, typos caught."""

from __future__ import annotations

from datetime import date

import pytest

from portal.accounts.identity import (
    citizen_id_check_character,
    credit_code_check_character,
    is_valid_citizen_id,
    is_valid_credit_code,
    is_valid_mobile,
    mask_citizen_id,
    mask_mobile,
    mask_name,
)


def _with_check(first17: str) -> str:
    return first17 + citizen_id_check_character(first17)


# The GB 11643 worked example, and numbers built with their check character.
VALID_IDS = [
    "11010519491231002X",
    _with_check("43042119900101123"),
    _with_check("43040220000229002"),
]


@pytest.mark.parametrize(
    "number", [*VALID_IDS, _with_check("43040219850615321"), "11010519491231002x"]
)
def test_valid_citizen_ids_pass(number):
    assert is_valid_citizen_id(number)


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check character
        "11010519491231002",  # too short
        "01010519491231002X",  # cannot start with 0
        _with_check("43040219850231321")[:17] + "0",  # 31 February
        _with_check("43040230010101321"),  # born in the future
        "4304021985061532１X",  # full-width digit
        "",
    ],
)
def test_invalid_citizen_ids_fail(number):
    assert not is_valid_citizen_id(number, today=date(2026, 11, 27))


def test_the_check_character_follows_the_standard():
    assert citizen_id_check_character("11010519491231002") == "X"


@pytest.mark.parametrize(
    "prefix", ["91430400MA4L1B2C3", "A1430400MA4L1B2C3", "N2430400MA4L1B2C3", "Y1430400MA4L1B2C3"]
)
def test_credit_codes_with_their_check_character_pass_including_letter_prefixes(prefix):
    assert is_valid_credit_code(prefix + credit_code_check_character(prefix))


def test_a_published_credit_code_passes():
    assert is_valid_credit_code("91350100M000100Y43")


@pytest.mark.parametrize(
    "code", ["91350100M000100Y44", "91350100M000100Y4", "91350100M000100I43", "91350100m000100y43x"]
)
def test_invalid_credit_codes_fail(code):
    assert not is_valid_credit_code(code)


def test_masks_hide_the_middle():
    assert mask_citizen_id("11010519491231002X") == "110***********002X"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_name("王芳") == "王*"


@pytest.mark.parametrize(
    ("mobile", "valid"), [("13812345678", True), ("12812345678", False), ("1381234567", False)]
)
def test_mobile_numbers(mobile, valid):
    assert is_valid_mobile(mobile) is valid
