"""Follow-up reminders by email: a maker opts in; each day their follow-ups are looked
at is claimed by a row, and each follow-up told is kept so no later day tells it again.

Revision ID: a1b3c5d7e9f2
Revises: f9a4c6d8e0b2
Create Date: 2026-12-04 22:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1b3c5d7e9f2'
down_revision = 'f9a4c6d8e0b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('follow_up_checks',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follow_up_checks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'day', name=op.f('pk_follow_up_checks'))
    )
    with op.batch_alter_table('follow_up_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_checks_day'), ['day'], unique=False)
    op.create_table('reminded_follow_ups',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_reminded_follow_ups_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', 'kind', 'since', name=op.f('pk_reminded_follow_ups'))
    )
    # A plain ADD COLUMN, as in revision f9a4c6d8e0b2: no batch rebuild of "users".
    op.add_column(
        "users",
        sa.Column("follow_up_reminders", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE users DROP COLUMN follow_up_reminders")
    else:
        op.drop_column("users", "follow_up_reminders")
    op.drop_table('reminded_follow_ups')
    with op.batch_alter_table('follow_up_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_checks_day'))
    op.drop_table('follow_up_checks')
