"""cases scoped to a center and window; one outbox message per case and event; notices

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
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


    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("center_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("window_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_applications_center_id_centers", "centers", ["center_id"], ["id"]
        )
        batch_op.create_foreign_key(
            "fk_applications_window_id_windows", "windows", ["window_id"], ["id"]
        )
    # Cases filed before cases were scoped go to the item's city-center window (the
    # center every item is hosted at), else its first window. Drafts choose when resumed.
    op.execute(
        "UPDATE applications SET window_id = ("
        " SELECT iw.window_id FROM item_windows iw"
        " JOIN windows w ON w.id = iw.window_id JOIN centers c ON c.id = w.center_id"
        " WHERE iw.item_id = applications.item_id"
        " ORDER BY CASE WHEN c.kind = 'city' THEN 0 ELSE 1 END, c.position, w.position, w.id"
        " LIMIT 1) WHERE status <> 'draft'"
    )
    op.execute(
        "UPDATE applications SET center_id = ("
        " SELECT w.center_id FROM windows w WHERE w.id = applications.window_id)"
        " WHERE window_id IS NOT NULL"
    )
    # A decision deadline exists only from acceptance (Art. 42): earlier code set one at
    # submission, so cases never accepted (waiting, declined) lose it.
    op.execute("UPDATE applications SET decide_by = NULL WHERE accepted_on IS NULL")
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_notices_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("number", name=op.f("uq_notices_number")),
    )
    op.create_table(
        "notice_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_notice_counters")),
    )


def downgrade():
    op.drop_table("notice_counters")
    op.drop_table("notices")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint("fk_applications_window_id_windows", type_="foreignkey")
        batch_op.drop_constraint("fk_applications_center_id_centers", type_="foreignkey")
        batch_op.drop_column("window_id")
        batch_op.drop_column("center_id")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint("uq_outbox_messages_application_id", type_="unique")
