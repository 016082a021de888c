"""ratings: one rating a case (一事一评), the follow-up of bad ones, the window's appeal

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=24), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("words", sa.Text(), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("later_level", sa.String(length=24), nullable=True),
        sa.Column("later_words", sa.Text(), nullable=True),
        sa.Column("later_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("out_of_figures", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_ratings_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"], ["applicants.id"], name=op.f("fk_ratings_applicant_id_applicants")
        ),
        sa.ForeignKeyConstraint(
            ["center_id"], ["centers.id"], name=op.f("fk_ratings_center_id_centers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint("application_id", name=op.f("uq_ratings_application_id")),
    )
    op.create_table(
        "rating_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=True),
        sa.Column("call_back_by", sa.Date(), nullable=False),
        sa.Column("called_back_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("called_back_by_id", sa.Integer(), nullable=True),
        sa.Column("call_note", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("fix_by", sa.Date(), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_by_id", sa.Integer(), nullable=True),
        sa.Column("fixed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rating_id"],
            ["ratings.id"],
            name=op.f("fk_rating_follow_ups_rating_id_ratings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["center_id"], ["centers.id"], name=op.f("fk_rating_follow_ups_center_id_centers")
        ),
        sa.ForeignKeyConstraint(
            ["called_back_by_id"],
            ["staff_members.id"],
            name=op.f("fk_rating_follow_ups_called_back_by_id_staff_members"),
        ),
        sa.ForeignKeyConstraint(
            ["outcome_by_id"],
            ["staff_members.id"],
            name=op.f("fk_rating_follow_ups_outcome_by_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_follow_ups")),
        sa.UniqueConstraint("public_id", name=op.f("uq_rating_follow_ups_public_id")),
        sa.UniqueConstraint("rating_id", name=op.f("uq_rating_follow_ups_rating_id")),
    )
    op.create_index(
        "ix_rating_follow_ups_center_outcome", "rating_follow_ups", ["center_id", "outcome"]
    )
    op.create_table(
        "rating_appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decision_reasons", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["rating_id"],
            ["ratings.id"],
            name=op.f("fk_rating_appeals_rating_id_ratings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["by_id"], ["staff_members.id"], name=op.f("fk_rating_appeals_by_id_staff_members")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["staff_members.id"],
            name=op.f("fk_rating_appeals_decided_by_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_appeals")),
        sa.UniqueConstraint("rating_id", name=op.f("uq_rating_appeals_rating_id")),
    )


def downgrade():
    op.drop_table("rating_appeals")
    op.drop_index("ix_rating_follow_ups_center_outcome", table_name="rating_follow_ups")
    op.drop_table("rating_follow_ups")
    op.drop_table("ratings")
