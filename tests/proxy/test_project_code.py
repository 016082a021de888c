"""The national investment project code: structure checked, codes generated unique."""

from __future__ import annotations

from datetime import date

import pytest

from portal.proxy import project_code
from portal.proxy.project_code import ProjectCodeError, generate, is_valid, parse


def test_a_well_formed_code_is_read_into_its_parts():
    code = parse("2611-430400-04-01-123456")
    assert (code.year, code.month, code.region, code.department, code.project_type) == (
        2026,
        11,
        "430400",
        "04",
        "01",
    )
    assert str(code) == "2611-430400-04-01-123456"
    assert len(str(code)) == 24


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "24 characters"),
        ("2611430400040112345", "24 characters"),
        ("2611-430400-04-01-12345", "24 characters"),
        ("2611-430400-04-01-1234567", "24 characters"),
        ("2611-43040A-04-01-123456", "24 characters"),
        ("２６11-430400-04-01-123456", "24 characters"),
        ("2613-430400-04-01-123456", "month 13"),
        ("2600-430400-04-01-123456", "month 00"),
        ("2611-990400-04-01-123456", "GB/T 2260"),
        ("2611-430400-00-01-123456", "never 00"),
        ("2611-430400-04-00-123456", "never 00"),
    ],
)
def test_a_malformed_code_is_refused_naming_the_wrong_part(text, problem):
    with pytest.raises(ProjectCodeError, match=problem):
        parse(text)
    assert not is_valid(text)


def test_generated_codes_are_well_formed_and_avoid_codes_already_taken():
    seen: set[str] = set()
    for _ in range(200):
        code = generate(date(2026, 12, 1), "04", "01", taken=seen.__contains__)
        assert is_valid(code) and code.startswith("2612-430400-04-01-")
        assert code not in seen
        seen.add(code)


def test_generation_gives_up_loudly_rather_than_reuse_a_code():
    with pytest.raises(RuntimeError, match="no free project code"):
        generate(date(2026, 12, 1), "04", "01", taken=lambda code: True)


def test_the_module_says_it_does_not_verify_the_check_character():
    # GB/T 40058-2021 §4.7 has a check character whose computation we could not read:
    # structure only, and no invented algorithm (docs/proxy.md).
    assert "does not compute or verify it" in project_code.__doc__
    assert is_valid("2611-430400-04-01-123450") and is_valid("2611-430400-04-01-123459")
