"""back-office systems own their deliveries; event ids per system; the message outbox

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01 11:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("system_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_outbox_messages_system_id_backoffice_systems"),
            "backoffice_systems",
            ["system_id"],
            ["id"],
        )
    # A system named in BACKOFFICE_SYSTEM is recorded at its first delivery, before
    # `flask backoffice add-system` gives it a token.
    with op.batch_alter_table("backoffice_systems", schema=None) as batch_op:
        batch_op.alter_column("token_hash", existing_type=sa.String(length=64), nullable=True)
    # Event ids are unique per system, not across systems.
    with op.batch_alter_table("backoffice_events", schema=None) as batch_op:
        batch_op.drop_constraint("uq_backoffice_events_event_id", type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_backoffice_events_system_id"), ["system_id", "event_id"]
        )
    op.create_table(
        "queued_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("to_email", sa.String(length=320), nullable=True),
        sa.Column("to_mobile", sa.String(length=32), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("leased_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queued_messages")),
    )
    op.create_index(
        "ix_queued_messages_due", "queued_messages", ["status", "next_attempt_at"], unique=False
    )


def downgrade():
    op.drop_index("ix_queued_messages_due", table_name="queued_messages")
    op.drop_table("queued_messages")
    with op.batch_alter_table("backoffice_events", schema=None) as batch_op:
        batch_op.drop_constraint("uq_backoffice_events_system_id", type_="unique")
        batch_op.create_unique_constraint("uq_backoffice_events_event_id", ["event_id"])
    with op.batch_alter_table("backoffice_systems", schema=None) as batch_op:
        batch_op.alter_column("token_hash", existing_type=sa.String(length=64), nullable=False)
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_outbox_messages_system_id_backoffice_systems", type_="foreignkey"
        )
        batch_op.drop_column("system_id")
