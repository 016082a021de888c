"""The reasons an applicant may tick with a rating, as data in guides/ratings.yaml."""

from __future__ import annotations

import functools

import yaml

from portal.config import PROJECT_ROOT

REASONS_FILE = PROJECT_ROOT / "guides" / "ratings.yaml"


@functools.cache
def reasons() -> dict[str, dict]:
    """Code → name ({"zh": …, "en": …}), in the file's order."""
    data = yaml.safe_load(REASONS_FILE.read_text(encoding="utf-8"))
    return {entry["code"]: entry["name"] for entry in data["reasons"]}
