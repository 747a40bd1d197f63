"""Product revisions: each save keeps the case study's texts and metrics.

Revision ID: d93b6a1c0e75
Revises: c4a9e0f3b218
Create Date: 2026-11-30 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'd93b6a1c0e75'
down_revision = 'c4a9e0f3b218'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'product_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('content', sa.JSON(), nullable=False),
        sa.Column('changed', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ['product_id'], ['products.id'],
            name=op.f('fk_product_revisions_product_id_products'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_product_revisions')),
    )
    with op.batch_alter_table('product_revisions', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_product_revisions_product_id'), ['product_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('product_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_revisions_product_id'))
    op.drop_table('product_revisions')
