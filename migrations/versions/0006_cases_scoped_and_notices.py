"""cases scoped to a center and window; one outbox message per case and event; notices

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    # Before the constraint: a case sent twice by the old race keeps its first message only.
    op.execute(
        "DELETE FROM outbox_messages WHERE id NOT IN ("
        " SELECT MIN(id) FROM outbox_messages GROUP BY application_id, event)"
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_outbox_messages_application_id", ["application_id", "event"]
        )


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint("uq_outbox_messages_application_id", type_="unique")
