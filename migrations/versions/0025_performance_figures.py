"""performance figures: each decided case's day, deadline, on-time flag and working days
(case_decisions), a complaint's first reply day, and the indexes of the month-by-month
aggregates

Revision ID: 0025
Revises: 0020 (the lead rechains after the other lanes' migrations)
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0020"
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
        "ix_case_decisions_due_on", "case_decisions", ["due_on", "center_id", "item_id"]
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
    op.create_index("ix_ratings_rated_at", "ratings", ["rated_at"])
    op.create_index("ix_complaints_reply_by", "complaints", ["reply_by"])
    op.create_index("ix_complaints_received_at", "complaints", ["received_at"])


def downgrade():
    op.drop_index("ix_complaints_received_at", table_name="complaints")
    op.drop_index("ix_complaints_reply_by", table_name="complaints")
    op.drop_index("ix_ratings_rated_at", table_name="ratings")
    op.drop_index("ix_notices_kind_issued_on", table_name="notices")
    op.drop_index("ix_applications_status_decide_by", table_name="applications")
    op.drop_index("ix_applications_submitted_at", table_name="applications")
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("first_replied_on")
    op.drop_index("ix_case_decisions_decided_on", table_name="case_decisions")
    op.drop_index("ix_case_decisions_due_on", table_name="case_decisions")
    op.drop_table("case_decisions")
