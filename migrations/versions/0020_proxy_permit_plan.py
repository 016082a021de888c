"""proxy service: the permit plan of a project (its permits, what each waits for, the filed
application) and the plan's version for conditional updates

Revision ID: 0020
Revises: 0018 (the lead rechains after the other lanes' migrations)
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "proxy_projects",
        sa.Column("plan_version", sa.Integer(), server_default="0", nullable=False),
    )
    op.create_table(
        "proxy_permits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("waits_for", sa.JSON(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("filed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["staff_members.id"],
            name=op.f("fk_proxy_permits_added_by_id_staff_members"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_proxy_permits_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_id"],
            ["staff_members.id"],
            name=op.f("fk_proxy_permits_filed_by_id_staff_members"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["service_items.id"], name=op.f("fk_proxy_permits_item_id_service_items")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["proxy_projects.id"],
            name=op.f("fk_proxy_permits_project_id_proxy_projects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proxy_permits")),
        sa.UniqueConstraint("application_id", name=op.f("uq_proxy_permits_application_id")),
        sa.UniqueConstraint(
            "project_id", "item_id", name=op.f("uq_proxy_permits_project_id")
        ),
    )


def downgrade():
    op.drop_table("proxy_permits")
    op.drop_column("proxy_projects", "plan_version")
