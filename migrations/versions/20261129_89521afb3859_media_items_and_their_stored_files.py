"""Media items (pictures, PDFs, embeds, avatars) and their content-addressed files.

Revision ID: 89521afb3859
Revises: 968ab8deff5a
Create Date: 2026-11-29 22:41:20.135983

"""
from alembic import op
import sqlalchemy as sa


revision = '89521afb3859'
down_revision = '968ab8deff5a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('media_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('media_type', sa.String(length=10), nullable=False),
    sa.Column('alt_text', sa.String(length=300), nullable=False),
    sa.Column('caption', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_cover', sa.Boolean(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("media_type IN ('image', 'pdf', 'embed', 'avatar')", name=op.f('ck_media_items_media_type_allowed')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_media_items_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_media_items_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_items'))
    )
    with op.batch_alter_table('media_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_items_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_media_items_user_id'), ['user_id'], unique=False)

    op.create_table('media_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['media_items.id'], name=op.f('fk_media_files_item_id_media_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_files'))
    )
    with op.batch_alter_table('media_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_files_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_media_files_key'), ['key'], unique=False)



def downgrade():
    with op.batch_alter_table('media_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_media_files_key'))
        batch_op.drop_index(batch_op.f('ix_media_files_item_id'))

    op.drop_table('media_files')
    with op.batch_alter_table('media_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_media_items_user_id'))
        batch_op.drop_index(batch_op.f('ix_media_items_product_id'))

    op.drop_table('media_items')
