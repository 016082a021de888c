"""hotline sources, the work orders they sent and the callbacks going back

Revision ID: 0016
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hotline_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("callback_url", sa.String(length=500), nullable=True),
        sa.Column("callback_secret", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_sources")),
        sa.UniqueConstraint("name", name=op.f("uq_hotline_sources_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_hotline_sources_token_hash")),
    )
    op.create_table(
        "hotline_work_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.String(length=100), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_hotline_work_orders_complaint_id_complaints"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["hotline_sources.id"],
            name=op.f("fk_hotline_work_orders_source_id_hotline_sources"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_work_orders")),
        sa.UniqueConstraint("complaint_id", name=op.f("uq_hotline_work_orders_complaint_id")),
        sa.UniqueConstraint(
            "source_id", "work_order_id", name=op.f("uq_hotline_work_orders_source_id")
        ),
    )
    op.create_table(
        "hotline_callbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("leased_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["hotline_work_orders.id"],
            name=op.f("fk_hotline_callbacks_work_order_id_hotline_work_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_callbacks")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_hotline_callbacks_idempotency_key")),
    )
    with op.batch_alter_table("hotline_callbacks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hotline_callbacks_due", ["status", "next_attempt_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("hotline_callbacks", schema=None) as batch_op:
        batch_op.drop_index("ix_hotline_callbacks_due")

    op.drop_table("hotline_callbacks")
    op.drop_table("hotline_work_orders")
    op.drop_table("hotline_sources")
