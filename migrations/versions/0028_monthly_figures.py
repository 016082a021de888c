"""monthly figures: per (month, center, item) counts of what only grows, kept as events
happen, backfilled here from the record; a partial index of the open supervision cards in the dashboard's order

Revision ID: 0028
Revises: 0025 (the lead rechains after the other lanes' migrations)
"""

from collections import defaultdict
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

BEIJING = ZoneInfo("Asia/Shanghai")

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

LEVELS = {
    "very-satisfied": "very_satisfied",
    "satisfied": "satisfied",
    "basically-satisfied": "basically_satisfied",
    "unsatisfied": "unsatisfied",
    "very-unsatisfied": "very_unsatisfied",
}
COUNTS = (
    "received",
    "decided",
    "due_decided",
    "on_time",
    "working_days_total",
    "working_days_cases",
    "promised_days_total",
    *LEVELS.values(),
    "bad_fixed",
)


def upgrade():
    op.create_table(
        "monthly_figures",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("center_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("item_id", sa.Integer(), autoincrement=False, nullable=False),
        *[sa.Column(name, sa.Integer(), server_default="0", nullable=False) for name in COUNTS],
        sa.PrimaryKeyConstraint("month", "center_id", "item_id", name=op.f("pk_monthly_figures")),
    )
    _backfill()
    op.create_index(
        "ix_supervision_cards_open_raised",
        "supervision_cards",
        ["center_id", "raised_at", "id"],
        postgresql_where=sa.text("cleared_at IS NULL"),
        sqlite_where=sa.text("cleared_at IS NULL"),
    )


def _day(value) -> date:
    """The Beijing day of a stored instant (SQLite gives naive UTC, or text), or a date."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=value.tzinfo or UTC).astimezone(BEIJING).date()
    return value


def _backfill() -> None:
    """The same counts the portal keeps (portal/performance/counters.py), from the record:
    rows streamed and added up here, so the same code runs on both databases."""
    bind = op.get_bind()
    rows: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))

    def add(day, center_id, item_id, **counts) -> None:
        row = rows[(_day(day).replace(day=1), center_id or 0, item_id or 0)]
        for name, value in counts.items():
            row[name] += value or 0

    def each(sql: str):
        return bind.execute(sa.text(sql))

    for submitted_at, center_id, item_id in each(
        "SELECT submitted_at, center_id, item_id FROM applications WHERE submitted_at IS NOT NULL"
    ):
        add(submitted_at, center_id, item_id, received=1)
    for decided_on, center_id, item_id, n in each(
        "SELECT decided_on, center_id, item_id, count(*) FROM case_decisions "
        "GROUP BY decided_on, center_id, item_id"
    ):
        add(decided_on, center_id, item_id, decided=n)
    for due_on, center_id, item_id, n, on_time, days, cases, promised in each(
        "SELECT due_on, center_id, item_id, count(*), "
        "sum(CASE WHEN on_time THEN 1 ELSE 0 END), sum(working_days), count(working_days), "
        "sum(CASE WHEN working_days IS NOT NULL THEN promised_days ELSE 0 END) "
        "FROM case_decisions WHERE due_on IS NOT NULL GROUP BY due_on, center_id, item_id"
    ):
        add(
            due_on,
            center_id,
            item_id,
            due_decided=n,
            on_time=on_time,
            working_days_total=days,
            working_days_cases=cases,
            promised_days_total=promised,
        )
    for rated_at, center_id, item_id, level, fixed in each(
        "SELECT r.rated_at, r.center_id, r.item_id, r.level, "
        "CASE WHEN f.outcome IN ('fixed', 'explained') "
        "OR (f.outcome = 'fix-by' AND f.fixed_at IS NOT NULL) THEN 1 ELSE 0 END "
        "FROM ratings r LEFT JOIN rating_follow_ups f ON f.rating_id = r.id "
        "WHERE r.out_of_figures = false"
    ):
        if level in LEVELS:
            bad = level in ("unsatisfied", "very-unsatisfied")
            add(rated_at, center_id, item_id, **{LEVELS[level]: 1, "bad_fixed": fixed if bad else 0})
    table = sa.table(
        "monthly_figures",
        sa.column("month"),
        sa.column("center_id"),
        sa.column("item_id"),
        *[sa.column(name) for name in COUNTS],
    )
    records = [
        {"month": month, "center_id": center, "item_id": item, **counts}
        for (month, center, item), counts in rows.items()
        if any(counts.values())
    ]
    if records:
        op.bulk_insert(table, records)


def downgrade():
    op.drop_index("ix_supervision_cards_open_raised", table_name="supervision_cards")
    op.drop_table("monthly_figures")
