"""Add email verification: when the maker confirmed their address (empty until then).

Revision ID: 968ab8deff5a
Revises: de1d7a3caa70
Create Date: 2026-11-29 21:44:38.736666

"""
from alembic import op
import sqlalchemy as sa


revision = '968ab8deff5a'
down_revision = 'de1d7a3caa70'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')

