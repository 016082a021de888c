"""messages to people: one outbox row per channel, what each person was told, the
channels each applicant chose, and the devices they have signed in from

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sent_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicants.id"],
            name=op.f("fk_sent_messages_applicant_id_applicants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_sent_messages_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notices.id"],
            name=op.f("fk_sent_messages_notice_id_notices"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_messages")),
    )
    op.create_index(
        "ix_sent_messages_applicant", "sent_messages", ["applicant_id", "created_at"], unique=False
    )
    with op.batch_alter_table("queued_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("sent_message_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            op.f("uq_queued_messages_idempotency_key"), ["idempotency_key"]
        )
        batch_op.create_foreign_key(
            op.f("fk_queued_messages_sent_message_id_sent_messages"),
            "sent_messages",
            ["sent_message_id"],
            ["id"],
            ondelete="CASCADE",
        )
    # Existing accounts keep every channel they can be reached by.
    with op.batch_alter_table("applicants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("message_channels", sa.String(length=8), nullable=False, server_default="sms")
        )
    op.execute(
        "UPDATE applicants SET message_channels = 'both'"
        " WHERE email IS NOT NULL AND email <> ''"
    )
    op.create_table(
        "known_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicants.id"],
            name=op.f("fk_known_devices_applicant_id_applicants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_devices")),
        sa.UniqueConstraint(
            "applicant_id", "token_hash", name=op.f("uq_known_devices_applicant_id")
        ),
    )


def downgrade():
    op.drop_table("known_devices")
    with op.batch_alter_table("applicants", schema=None) as batch_op:
        batch_op.drop_column("message_channels")
    with op.batch_alter_table("queued_messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_queued_messages_sent_message_id_sent_messages", type_="foreignkey"
        )
        batch_op.drop_constraint("uq_queued_messages_idempotency_key", type_="unique")
        batch_op.drop_column("sent_message_id")
        batch_op.drop_column("idempotency_key")
        batch_op.drop_column("channel")
    op.drop_index("ix_sent_messages_applicant", table_name="sent_messages")
    op.drop_table("sent_messages")
