"""proxy service: read tokens for a project's dashboard API

Revision ID: 0023
Revises: 0020 (the lead rechains after the other lanes' migrations)
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0020"
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


def downgrade():
    op.drop_index(op.f("ix_proxy_read_tokens_project_id"), table_name="proxy_read_tokens")
    op.drop_table("proxy_read_tokens")
