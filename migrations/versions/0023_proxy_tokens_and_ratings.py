"""proxy service: read tokens for a project's dashboard API; ratings of a subject (a case, a
complaint's reply, a proxy request's service) instead of a case only

Revision ID: 0023
Revises: 0020 (the lead rechains after the other lanes' migrations)
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "proxy_read_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["proxy_projects.id"],
            name=op.f("fk_proxy_read_tokens_project_id_proxy_projects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proxy_read_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_proxy_read_tokens_token_hash")),
    )
    op.create_index(
        op.f("ix_proxy_read_tokens_project_id"), "proxy_read_tokens", ["project_id"]
    )
    # Existing rows are all of cases: the server default says so.
    with op.batch_alter_table("ratings") as batch:
        batch.add_column(
            sa.Column("subject", sa.String(length=16), server_default="case", nullable=False)
        )
        batch.add_column(sa.Column("complaint_event_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("proxy_request_id", sa.Integer(), nullable=True))
        batch.alter_column("application_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("applicant_id", existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key(
            op.f("fk_ratings_complaint_event_id_complaint_events"),
            "complaint_events",
            ["complaint_event_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_foreign_key(
            op.f("fk_ratings_proxy_request_id_proxy_requests"),
            "proxy_requests",
            ["proxy_request_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_unique_constraint(
            op.f("uq_ratings_complaint_event_id"), ["complaint_event_id"]
        )
        batch.create_unique_constraint(op.f("uq_ratings_proxy_request_id"), ["proxy_request_id"])
        batch.create_check_constraint(
            "one_subject",
            "(CASE WHEN application_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN complaint_event_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN proxy_request_id IS NULL THEN 0 ELSE 1 END) = 1",
        )


def downgrade():
    # Ratings of complaint replies and proxy requests have no place in the old table.
    op.execute("DELETE FROM ratings WHERE application_id IS NULL")
    with op.batch_alter_table("ratings") as batch:
        batch.drop_constraint(op.f("ck_ratings_one_subject"), type_="check")
        batch.drop_constraint(op.f("uq_ratings_proxy_request_id"), type_="unique")
        batch.drop_constraint(op.f("uq_ratings_complaint_event_id"), type_="unique")
        batch.drop_constraint(
            op.f("fk_ratings_proxy_request_id_proxy_requests"), type_="foreignkey"
        )
        batch.drop_constraint(
            op.f("fk_ratings_complaint_event_id_complaint_events"), type_="foreignkey"
        )
        batch.alter_column("applicant_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("application_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("proxy_request_id")
        batch.drop_column("complaint_event_id")
        batch.drop_column("subject")
    op.drop_index(op.f("ix_proxy_read_tokens_project_id"), table_name="proxy_read_tokens")
    op.drop_table("proxy_read_tokens")
