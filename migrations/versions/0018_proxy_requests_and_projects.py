"""proxy service: drafts kept with the sign-in session, requests, projects, a day counter

Revision ID: 0018
Revises: 0013 (the lead rechains after the other lanes' migrations)
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "proxy_request_counters",
        sa.Column("day", sa.String(length=8), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_proxy_request_counters")),
    )
    op.create_table(
        "proxy_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sign_in_session_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sign_in_session_id"],
            ["sign_in_sessions.id"],
            name=op.f("fk_proxy_drafts_sign_in_session_id_sign_in_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proxy_drafts")),
        sa.UniqueConstraint("sign_in_session_id", name=op.f("uq_proxy_drafts_sign_in_session_id")),
    )
    op.create_table(
        "proxy_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("project_name", sa.String(length=100), nullable=False),
        sa.Column("investor_name", sa.String(length=100), nullable=False),
        sa.Column("investor_type", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=50), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("industry", sa.String(length=50), nullable=False),
        sa.Column("location", sa.String(length=16), nullable=False),
        sa.Column("key_project", sa.Boolean(), nullable=False),
        sa.Column("key_document_number", sa.String(length=60), nullable=True),
        sa.Column("key_document", sa.JSON(), nullable=True),
        sa.Column("letter", sa.JSON(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(length=50), nullable=False),
        sa.Column("contact_mobile", sa.String(length=11), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accept_by", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("refusal_reasons", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["applicants.id"],
            name=op.f("fk_proxy_requests_applicant_id_applicants"),
        ),
        sa.ForeignKeyConstraint(
            ["center_id"], ["centers.id"], name=op.f("fk_proxy_requests_center_id_centers")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["staff_members.id"],
            name=op.f("fk_proxy_requests_decided_by_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proxy_requests")),
        sa.UniqueConstraint("number", name=op.f("uq_proxy_requests_number")),
        sa.UniqueConstraint("public_id", name=op.f("uq_proxy_requests_public_id")),
    )
    op.create_table(
        "proxy_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["staff_members.id"],
            name=op.f("fk_proxy_projects_agent_id_staff_members"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["proxy_requests.id"],
            name=op.f("fk_proxy_projects_request_id_proxy_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proxy_projects")),
        sa.UniqueConstraint("code", name=op.f("uq_proxy_projects_code")),
        sa.UniqueConstraint("request_id", name=op.f("uq_proxy_projects_request_id")),
    )


def downgrade():
    op.drop_table("proxy_projects")
    op.drop_table("proxy_requests")
    op.drop_table("proxy_drafts")
    op.drop_table("proxy_request_counters")
