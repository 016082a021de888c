"""performance figures: each decided case's day, deadline, on-time flag and working days
(case_decisions), a complaint's first reply day, and the indexes of the month-by-month
aggregates

Revision ID: 0025
Revises: 0020 (the lead rechains after the other lanes' migrations)
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

BEIJING = ZoneInfo("Asia/Shanghai")

revision = "0025"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_decisions",
        sa.Column("application_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.Column("working_days", sa.Integer(), nullable=True),
        sa.Column("promised_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_case_decisions_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["center_id"], ["centers.id"], name=op.f("fk_case_decisions_center_id_centers")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["service_items.id"], name=op.f("fk_case_decisions_item_id_service_items")
        ),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_case_decisions")),
    )
    op.create_index(
        "ix_case_decisions_due_on",
        "case_decisions",
        ["due_on", "center_id", "item_id", "on_time", "working_days", "promised_days"],
    )
    op.create_index(
        "ix_case_decisions_decided_on", "case_decisions", ["decided_on", "center_id", "item_id"]
    )
    op.add_column("complaints", sa.Column("first_replied_on", sa.Date(), nullable=True))
    op.create_index(
        "ix_applications_submitted_at", "applications", ["submitted_at", "center_id", "item_id"]
    )
    op.create_index("ix_applications_status_decide_by", "applications", ["status", "decide_by"])
    op.create_index("ix_notices_kind_issued_on", "notices", ["kind", "issued_on"])
    with op.batch_alter_table("ratings") as batch:
        batch.add_column(sa.Column("item_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_ratings_item_id_service_items"), "service_items", ["item_id"], ["id"]
        )
    op.execute(
        "UPDATE ratings SET item_id = "
        "(SELECT item_id FROM applications WHERE applications.id = ratings.application_id)"
    )
    op.create_index(
        "ix_ratings_rated_at",
        "ratings",
        ["rated_at", "center_id", "item_id", "level", "out_of_figures"],
    )
    op.create_index("ix_complaints_reply_by", "complaints", ["reply_by"])
    op.create_index("ix_complaints_received_at", "complaints", ["received_at"])
    _backfill()


def _day(moment) -> object:
    """The Beijing day of a stored instant (SQLite gives naive UTC, or text)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(BEIJING).date()


def _as_date(value):
    if value is None or not isinstance(value, str):
        return value
    return datetime.fromisoformat(value).date()


def _backfill() -> None:
    """What was decided and replied before this migration, from the timelines: the figures
    would otherwise count a replied complaint as unanswered. Working days need the holiday
    calendar, which a migration does not load: they stay empty (left out of the mean)."""
    bind = op.get_bind()
    replies = bind.execute(
        sa.text(
            "SELECT complaint_id, min(created_at) FROM complaint_events "
            "WHERE kind = 'replied' GROUP BY complaint_id"
        )
    ).all()
    for complaint_id, first in replies:
        bind.execute(
            sa.text("UPDATE complaints SET first_replied_on = :day WHERE id = :id"),
            {"day": _day(first), "id": complaint_id},
        )
    decisions = bind.execute(
        sa.text(
            "SELECT a.id, a.center_id, a.item_id, a.accepted_on, a.decide_by, "
            "i.promised_limit, min(e.created_at) FROM application_events e "
            "JOIN applications a ON a.id = e.application_id "
            "JOIN service_items i ON i.id = a.item_id "
            "WHERE e.kind IN ('backoffice-approved', 'backoffice-refused', 'completed') "
            "AND a.accepted_on IS NOT NULL "
            "GROUP BY a.id, a.center_id, a.item_id, a.accepted_on, a.decide_by, i.promised_limit"
        )
    ).all()
    for app_id, center_id, item_id, accepted_on, due_on, promised, first in decisions:
        decided_on, due_on = _day(first), _as_date(due_on)
        bind.execute(
            sa.text(
                "INSERT INTO case_decisions (application_id, center_id, item_id, accepted_on, "
                "decided_on, due_on, on_time, working_days, promised_days) VALUES (:id, "
                ":center, :item, :accepted, :decided, :due, :on_time, NULL, :promised)"
            ),
            {
                "id": app_id,
                "center": center_id,
                "item": item_id,
                "accepted": _as_date(accepted_on),
                "decided": decided_on,
                "due": due_on,
                "on_time": None if due_on is None else decided_on <= due_on,
                "promised": promised,
            },
        )


def downgrade():
    op.drop_index("ix_complaints_received_at", table_name="complaints")
    op.drop_index("ix_complaints_reply_by", table_name="complaints")
    op.drop_index("ix_ratings_rated_at", table_name="ratings")
    with op.batch_alter_table("ratings") as batch:
        batch.drop_constraint("fk_ratings_item_id_service_items", type_="foreignkey")
        batch.drop_column("item_id")
    op.drop_index("ix_notices_kind_issued_on", table_name="notices")
    op.drop_index("ix_applications_status_decide_by", table_name="applications")
    op.drop_index("ix_applications_submitted_at", table_name="applications")
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("first_replied_on")
    op.drop_index("ix_case_decisions_decided_on", table_name="case_decisions")
    op.drop_index("ix_case_decisions_due_on", table_name="case_decisions")
    op.drop_table("case_decisions")
