"""complaints: the language the complainant filed in, for the messages sent to an address

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    # Complaints filed before this were told in Chinese; "zh" keeps them so.
    with op.batch_alter_table("complaints") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=8), nullable=False, server_default="zh")
        )


def downgrade():
    with op.batch_alter_table("complaints") as batch:
        batch.drop_column("language")
