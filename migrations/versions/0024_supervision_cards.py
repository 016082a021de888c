"""supervision cards (电子监察): one card per (subject, step, limit), its history, staff notes

Revision ID: 0024
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "supervision_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=24), nullable=False),
        sa.Column("limit_kind", sa.String(length=12), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("window_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("public_ref", sa.String(length=40), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("red_on", sa.Date(), nullable=True),
        sa.Column("head_told_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_on", sa.Date(), nullable=True),
        sa.Column("cleared_late", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["center_id"], ["centers.id"], name=op.f("fk_supervision_cards_center_id_centers")
        ),
        sa.ForeignKeyConstraint(
            ["window_id"], ["windows.id"], name=op.f("fk_supervision_cards_window_id_windows")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_supervision_cards_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["staff_members.id"],
            name=op.f("fk_supervision_cards_officer_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_cards")),
        sa.UniqueConstraint(
            "subject",
            "subject_id",
            "step",
            "limit_kind",
            name=op.f("uq_supervision_cards_subject"),
        ),
    )
    op.create_index(
        "ix_supervision_cards_center_cleared",
        "supervision_cards",
        ["center_id", "cleared_at"],
        unique=False,
    )
    op.create_index(
        "ix_supervision_cards_center_raised_on",
        "supervision_cards",
        ["center_id", "raised_on"],
        unique=False,
    )
    op.create_table(
        "supervision_card_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("by_name", sa.String(length=50), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["supervision_cards.id"],
            name=op.f("fk_supervision_card_history_card_id_supervision_cards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_card_history")),
    )
    op.create_index(
        "ix_supervision_card_history_card_id",
        "supervision_card_history",
        ["card_id"],
        unique=False,
    )
    op.create_index(
        "ix_supervision_card_history_on", "supervision_card_history", ["on"], unique=False
    )
    op.create_table(
        "supervision_card_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_members.id"],
            name=op.f("fk_supervision_card_notes_staff_id_staff_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["supervision_cards.id"],
            name=op.f("fk_supervision_card_notes_card_id_supervision_cards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_card_notes")),
    )
    op.create_index(
        "ix_supervision_card_notes_staff_created",
        "supervision_card_notes",
        ["staff_id", "created_at"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_supervision_card_notes_staff_created", table_name="supervision_card_notes")
    op.drop_table("supervision_card_notes")
    op.drop_index("ix_supervision_card_history_on", table_name="supervision_card_history")
    op.drop_index("ix_supervision_card_history_card_id", table_name="supervision_card_history")
    op.drop_table("supervision_card_history")
    op.drop_index("ix_supervision_cards_center_raised_on", table_name="supervision_cards")
    op.drop_index("ix_supervision_cards_center_cleared", table_name="supervision_cards")
    op.drop_table("supervision_cards")
