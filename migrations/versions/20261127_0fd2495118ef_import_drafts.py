"""Add import drafts: uploaded CSVs awaiting confirmation.

Revision ID: 0fd2495118ef
Revises: 22733c2f8a94
Create Date: 2026-11-27 11:24:48.227215

"""
from alembic import op
import sqlalchemy as sa


revision = '0fd2495118ef'
down_revision = '22733c2f8a94'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_import_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_drafts'))
    )
    with op.batch_alter_table('import_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_drafts_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('import_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_drafts_user_id'))

    op.drop_table('import_drafts')
