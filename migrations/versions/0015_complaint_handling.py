"""complaint handling: the handler, the reply draft, one extension, statements asked of the
department, and the log of who opened the complainant's identity

Revision ID: 0015
Revises: 0013 (the lead rechains after 0014 at merge)
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

STAFF_COLUMNS = ("handler_id", "reply_drafted_by_id", "first_replied_by_id", "extension_asked_by_id")


def upgrade():
    with op.batch_alter_table("complaints") as batch:
        for name in STAFF_COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))
            batch.create_foreign_key(
                f"fk_complaints_{name}_staff_members", "staff_members", [name], ["id"]
            )
        batch.add_column(sa.Column("reply_draft", sa.Text(), nullable=True))
        batch.add_column(sa.Column("extension_why", sa.Text(), nullable=True))
        batch.add_column(sa.Column("extension_reply_by", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("extended", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "complaint_statement_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("asked_of", sa.String(length=200), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_by", sa.Date(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_statement_requests_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_id"],
            ["staff_members.id"],
            name=op.f("fk_complaint_statement_requests_asked_by_id_staff_members"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["staff_members.id"],
            name=op.f("fk_complaint_statement_requests_entered_by_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_statement_requests")),
    )
    op.create_index(
        "ix_complaint_statement_requests_complaint_id",
        "complaint_statement_requests",
        ["complaint_id"],
    )
    op.create_table(
        "complaint_identity_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("viewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_identity_views_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_members.id"],
            name=op.f("fk_complaint_identity_views_staff_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_identity_views")),
    )
    op.create_index(
        "ix_complaint_identity_views_complaint_id", "complaint_identity_views", ["complaint_id"]
    )


def downgrade():
    op.drop_table("complaint_identity_views")
    op.drop_table("complaint_statement_requests")
    with op.batch_alter_table("complaints") as batch:
        for name in ("extended", "extension_reply_by", "extension_why", "reply_draft"):
            batch.drop_column(name)
        for name in STAFF_COLUMNS:
            batch.drop_constraint(f"fk_complaints_{name}_staff_members", type_="foreignkey")
            batch.drop_column(name)
