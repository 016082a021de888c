"""sign-in sessions on the server, sign-in throttles per client, staff password and TOTP state

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 11:30:00

Session epochs and per-account failure counters are replaced by rows in sign_in_sessions and
sign_in_throttles. Staff TOTP secrets are sealed with TOTP_ENCRYPTION_KEY here, in place; the
downgrade opens them again.
"""
from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _key() -> str:
    return current_app.config["TOTP_ENCRYPTION_KEY"]


def upgrade():
    from portal.accounts import totp

    op.create_table('sign_in_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_kind', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_sessions_token_hash'))
    )
    op.create_index('ix_sign_in_sessions_user', 'sign_in_sessions', ['user_kind', 'user_id'], unique=False)
    op.create_table('sign_in_throttles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_key', sa.String(length=64), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_throttles')),
    sa.UniqueConstraint('account_key', 'client', name=op.f('uq_sign_in_throttles_account_key'))
    )
    with op.batch_alter_table('applicants') as batch_op:
        batch_op.drop_column('session_epoch')
        batch_op.drop_column('failed_sign_ins')
        batch_op.drop_column('locked_until')

    with op.batch_alter_table('staff_members') as batch_op:
        batch_op.add_column(sa.Column('totp_secret_encrypted', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        # Existing accounts change their password once too: nobody knows who still has a
        # handed-over first password.
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.true()))
    staff = sa.table('staff_members', sa.column('id', sa.Integer()), sa.column('totp_secret', sa.String()), sa.column('totp_secret_encrypted', sa.String()))
    connection = op.get_bind()
    for row in connection.execute(sa.select(staff.c.id, staff.c.totp_secret)).all():
        connection.execute(
            staff.update().where(staff.c.id == row.id).values(totp_secret_encrypted=totp.seal(row.totp_secret, _key()))
        )
    with op.batch_alter_table('staff_members') as batch_op:
        batch_op.alter_column('totp_secret_encrypted', existing_type=sa.String(length=255), nullable=False)
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('session_epoch')
        batch_op.drop_column('failed_sign_ins')
        batch_op.drop_column('locked_until')


def downgrade():
    from portal.accounts import totp

    with op.batch_alter_table('staff_members') as batch_op:
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_sign_ins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
    staff = sa.table('staff_members', sa.column('id', sa.Integer()), sa.column('totp_secret', sa.String()), sa.column('totp_secret_encrypted', sa.String()))
    connection = op.get_bind()
    for row in connection.execute(sa.select(staff.c.id, staff.c.totp_secret_encrypted)).all():
        connection.execute(
            staff.update().where(staff.c.id == row.id).values(totp_secret=totp.unseal(row.totp_secret_encrypted, _key()))
        )
    with op.batch_alter_table('staff_members') as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_secret_encrypted')

    with op.batch_alter_table('applicants') as batch_op:
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_sign_ins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), nullable=False, server_default='0'))

    op.drop_table('sign_in_throttles')
    op.drop_index('ix_sign_in_sessions_user', table_name='sign_in_sessions')
    op.drop_table('sign_in_sessions')
