"""county forwarding: a city-level case a county center took in and forwarded to the city
window, with the county, the officer and the day the county received the materials

Revision ID: 0022
Revises: 0020 (the lead rechains after the other lanes' migrations)
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "county_forwardings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("forwarded_by_center_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("received_at_county", sa.Date(), nullable=False),
        sa.Column("forwarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_county_forwardings_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["forwarded_by_center_id"],
            ["centers.id"],
            name=op.f("fk_county_forwardings_forwarded_by_center_id_centers"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["staff_members.id"],
            name=op.f("fk_county_forwardings_officer_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_county_forwardings")),
        sa.UniqueConstraint("application_id", name=op.f("uq_county_forwardings_application_id")),
    )
    op.create_index(
        op.f("ix_county_forwardings_forwarded_by_center_id"),
        "county_forwardings",
        ["forwarded_by_center_id"],
        unique=False,
    )


def downgrade():
    op.drop_index(
        op.f("ix_county_forwardings_forwarded_by_center_id"), table_name="county_forwardings"
    )
    op.drop_table("county_forwardings")
