"""staff-assisted filing (代办): who filed an application for its applicant, the document of
their authority (the letter of authorisation), the proxy project's documents uploaded once and
attached to several of its applications (so a stored object may back several attachments)

Revision ID: 0021
Revises: 0020 (the lead rechains after the other lanes' migrations)
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("filed_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_applications_filed_by_id_staff_members"),
            "staff_members",
            ["filed_by_id"],
            ["id"],
        )
    with op.batch_alter_table("attachments") as batch:
        # A project document picked for several applications backs several attachments.
        batch.drop_constraint(op.f("uq_attachments_storage_key"), type_="unique")
    with op.batch_alter_table("proxy_permits") as batch:
        # An assisted draft that expires is deleted by the filing clean-up: the permit is
        # then simply not filed again.
        batch.drop_constraint(
            op.f("fk_proxy_permits_application_id_applications"), type_="foreignkey"
        )
        batch.create_foreign_key(
            op.f("fk_proxy_permits_application_id_applications"),
            "applications",
            ["application_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "application_authorities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("scan_status", sa.String(length=16), nullable=False),
        sa.Column("attached_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_authorities_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_authorities")),
        sa.UniqueConstraint(
            "application_id", name=op.f("uq_application_authorities_application_id")
        ),
        sa.UniqueConstraint("public_id", name=op.f("uq_application_authorities_public_id")),
    )
    op.create_table(
        "proxy_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("scan_status", sa.String(length=16), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["proxy_projects.id"],
            name=op.f("fk_proxy_documents_project_id_proxy_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["staff_members.id"],
            name=op.f("fk_proxy_documents_uploaded_by_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proxy_documents")),
        sa.UniqueConstraint("public_id", name=op.f("uq_proxy_documents_public_id")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_proxy_documents_storage_key")),
    )


def downgrade():
    op.drop_table("proxy_documents")
    op.drop_table("application_authorities")
    with op.batch_alter_table("proxy_permits") as batch:
        batch.drop_constraint(
            op.f("fk_proxy_permits_application_id_applications"), type_="foreignkey"
        )
        batch.create_foreign_key(
            op.f("fk_proxy_permits_application_id_applications"),
            "applications",
            ["application_id"],
            ["id"],
        )
    with op.batch_alter_table("attachments") as batch:
        batch.create_unique_constraint(op.f("uq_attachments_storage_key"), ["storage_key"])
    with op.batch_alter_table("applications") as batch:
        batch.drop_constraint(
            op.f("fk_applications_filed_by_id_staff_members"), type_="foreignkey"
        )
        batch.drop_column("filed_by_id")
