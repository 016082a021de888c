"""The figures as open data: one record per row of the page plus the total, the same fields
in CSV and JSON and from the API.

The schema is documented in docs/open-data.md and on the /open-data page; change the three
together (tests/performance/test_pages.py checks the fields against the page).
"""

from __future__ import annotations

import csv
import io

from portal.complaints.models import Kind
from portal.performance.figures import Group, Report
from portal.ratings.models import Level

SCHEMA = "/open-data#performance-schema"
LEVEL_FIELDS = {level: "ratings_" + level.replace("-", "_") for level in Level.ALL}
KIND_FIELDS = [
    f"complaints_{kind}_{part}" for kind in Kind.ALL for part in ("received", "due", "on_time")
]
FIELDS = (
    "month",
    "as_of",
    "level",
    "center",
    "department",
    "item",
    "name_zh",
    "name_en",
    "received",
    "decided",
    "due",
    "decided_on_time",
    "open_late",
    "on_time_rate",
    "mean_working_days",
    "mean_promised_days",
    "deemed_acceptances",
    "complaints_received",
    "complaints_due",
    "complaints_replied_on_time",
    "complaints_on_time_rate",
    *KIND_FIELDS,
    "ratings",
    "ratings_published",
    *LEVEL_FIELDS.values(),
    "bad_ratings_fixed_rate",
)


def _ratio(value: float | None) -> str | None:
    return None if value is None else f"{value:.4f}"


def _mean(value: float | None) -> str | None:
    return None if value is None else f"{value:.1f}"


def record(report: Report, group: Group, level: str, place: dict[str, str | None]) -> dict:
    cases, complaints, ratings = group.timeliness, group.complaint_total, group.ratings
    published = group.ratings_published
    values: dict = {
        "month": report.selection.month.key,
        "as_of": report.today.isoformat(),
        "level": level,
        **place,
        "name_zh": group.name.get("zh"),
        "name_en": group.name.get("en"),
        "received": cases.received,
        "decided": cases.decided,
        "due": cases.due,
        "decided_on_time": cases.on_time,
        "open_late": cases.open_late,
        "on_time_rate": _ratio(cases.on_time_rate),
        "mean_working_days": _mean(cases.mean_working_days),
        "mean_promised_days": _mean(cases.mean_promised_days),
        "deemed_acceptances": cases.deemed,
        "complaints_received": complaints.received,
        "complaints_due": complaints.due,
        "complaints_replied_on_time": complaints.on_time,
        "complaints_on_time_rate": _ratio(complaints.on_time_rate),
    }
    for kind in Kind.ALL:
        replies = group.complaints[kind]
        values[f"complaints_{kind}_received"] = replies.received
        values[f"complaints_{kind}_due"] = replies.due
        values[f"complaints_{kind}_on_time"] = replies.on_time
    values["ratings"] = ratings.total
    values["ratings_published"] = published
    for level_code, name in LEVEL_FIELDS.items():
        values[name] = ratings.counts[level_code] if published else None
    values["bad_ratings_fixed_rate"] = _ratio(ratings.fix_rate) if published else None
    return {name: values[name] for name in FIELDS}


def records(report: Report, chosen: dict[str, str | None]) -> list[dict]:
    """The total (level ``total``, the selection's own center, department and item) first,
    then one record per row."""
    rows = [record(report, report.total, "total", chosen)]
    for group in report.rows:
        place = dict(chosen)
        place[report.breakdown.value] = group.code
        rows.append(record(report, group, report.breakdown.value, place))
    return rows


def figures_json(report: Report, chosen: dict[str, str | None]) -> dict:
    return {
        "schema": SCHEMA,
        "month": report.selection.month.key,
        "as_of": report.today.isoformat(),
        "min_ratings": report.min_ratings,
        "breakdown": report.breakdown.value,
        "fields": list(FIELDS),
        "records": records(report, chosen),
    }


def figures_csv(report: Report, chosen: dict[str, str | None]) -> str:
    """CSV with a UTF-8 byte-order mark, as the fee schedule's."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in records(report, chosen):
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return buffer.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
