"""Contact details and "open to" on the profile, and a note on share links.

Revision ID: 7e2b5c1d9a40
Revises: 3c1f0a7d2b94
Create Date: 2026-11-30 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '7e2b5c1d9a40'
down_revision = '3c1f0a7d2b94'
branch_labels = None
depends_on = None

USER_COLUMNS = [
    ('location', 80),
    ('open_to', 120),
    ('contact_email', 254),
    ('contact_url', 500),
]


def upgrade():
    # Existing rows start empty (off); the default is then left to the application.
    with op.batch_alter_table('users', schema=None) as batch_op:
        for name, length in USER_COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default='')
            )
    with op.batch_alter_table('users', schema=None) as batch_op:
        for name, _length in USER_COLUMNS:
            batch_op.alter_column(name, server_default=None)

    with op.batch_alter_table('share_links', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('note', sa.String(length=500), nullable=False, server_default='')
        )
    with op.batch_alter_table('share_links', schema=None) as batch_op:
        batch_op.alter_column('note', server_default=None)


def downgrade():
    with op.batch_alter_table('share_links', schema=None) as batch_op:
        batch_op.drop_column('note')
    with op.batch_alter_table('users', schema=None) as batch_op:
        for name, _length in reversed(USER_COLUMNS):
            batch_op.drop_column(name)
