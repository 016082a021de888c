"""Application numbers: readable, checked, and unique when many submit at once."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from portal.extensions import db
from portal.filing.numbering import (
    check_character,
    display_number,
    is_well_formed,
    next_number,
    normalize_number,
)
from tests.conftest import fresh_database, make_app


def test_a_number_carries_the_day_a_sequence_and_a_check_character(empty_app):
    with empty_app.app_context():
        first = next_number(date(2026, 11, 27))
        second = next_number(date(2026, 11, 27))
        db.session.commit()
    assert first.startswith("HY2026112700001") and second.startswith("HY2026112700002")
    assert is_well_formed(first) and display_number(first).count("-") == 3


def test_a_mistyped_number_is_caught_by_its_check_character():
    digits = "2026112700012"
    good = f"HY{digits}{check_character(digits)}"
    assert is_well_formed(good)
    assert is_well_formed(display_number(good).lower())
    typo = good[:-2] + str((int(good[-2]) + 1) % 10) + good[-1]
    assert not is_well_formed(typo)
    assert normalize_number(" hy-2026 1127-00012 ") == "HY202611270001" + "2"


@pytest.mark.parametrize("workers", [8])
def test_concurrent_submissions_on_postgresql_get_distinct_numbers(tmp_path, workers):
    with fresh_database("postgresql", tmp_path) as url:
        app = make_app(url)
        numbers: list[str] = []
        errors: list[BaseException] = []
        barrier = threading.Barrier(workers)

        def take() -> None:
            try:
                with app.app_context():
                    barrier.wait()
                    for _ in range(5):
                        numbers.append(next_number(date(2026, 11, 27)))
                        db.session.commit()
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=take) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with app.app_context():
            db.engine.dispose()
    assert errors == []
    assert len(numbers) == len(set(numbers)) == workers * 5
