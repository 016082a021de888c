"""county filings: a county officer's assisted draft of a city-level item keeps the day the
county received the materials until its submission forwards it

Revision ID: 0027
Revises: 0021 (the lead rechains after the other lanes' migrations)
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "county_filings",
        sa.Column("application_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_county_filings_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["center_id"], ["centers.id"], name=op.f("fk_county_filings_center_id_centers")
        ),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_county_filings")),
    )


def downgrade():
    op.drop_table("county_filings")
