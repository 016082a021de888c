"""URL converters shared by every area."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

ROW_ID_MAX = 2**31 - 1  # PostgreSQL's integer; a larger id in a URL is simply not found


class RowIdConverter(IntegerConverter):
    """``<id:name>``: a database row id. Out-of-range numbers answer 404, not a database
    error (PostgreSQL refuses to compare an integer column with 2**31)."""

    def __init__(self, map, *args, **kwargs) -> None:
        super().__init__(map, min=1, max=ROW_ID_MAX)
