"""codes that confirm a new mobile number or e-mail address before it replaces the old one

Revision ID: 0012
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contact_change_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("new_value", sa.String(length=254), nullable=False),
        sa.Column("code_hash", sa.String(length=256), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicants.id"],
            name=op.f("fk_contact_change_codes_applicant_id_applicants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_change_codes")),
    )
    with op.batch_alter_table("contact_change_codes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contact_change_codes_applicant", ["applicant_id", "channel"], unique=False
        )


def downgrade():
    with op.batch_alter_table("contact_change_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_change_codes_applicant")
    op.drop_table("contact_change_codes")
