"""The weekly digest: a maker opts in and picks a weekday; each week claimed is a row
(sent, or found with nothing to tell). And a goal the maker sets, which the dashboard
and the digest compare with.

Revision ID: f9a4c6d8e0b2
Revises: e8f3b5c7d9a1
Create Date: 2026-12-04 19:07:36.454993

"""
from alembic import op
import sqlalchemy as sa


revision = 'f9a4c6d8e0b2'
down_revision = 'e8f3b5c7d9a1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('weekly_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('week_of', sa.Date(), nullable=False),
    sa.Column('send_on', sa.Date(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('nothing_to_tell', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_weekly_digests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weekly_digests')),
    sa.UniqueConstraint('user_id', 'week_of', name=op.f('uq_weekly_digests_user_id_week_of'))
    )
    with op.batch_alter_table('weekly_digests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_weekly_digests_week_of'), ['week_of'], unique=False)
    # Plain ADD COLUMNs, which SQLite does in place (see revision a7d3e5f9b2c1): a
    # batch rebuild of "users" would drop the table its rows' children cascade from.
    op.add_column(
        "users",
        sa.Column("weekly_digest", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "users", sa.Column("digest_day", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("users", sa.Column("weekly_goal", sa.String(length=20), nullable=True))


def downgrade():
    for column in ("weekly_goal", "digest_day", "weekly_digest"):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE users DROP COLUMN {column}")
        else:
            op.drop_column("users", column)
    op.drop_table('weekly_digests')
