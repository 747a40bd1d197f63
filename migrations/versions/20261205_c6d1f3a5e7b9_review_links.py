"""Review links (draft case studies shared for feedback) and reviewers' comments.

Revision ID: c6d1f3a5e7b9
Revises: b4e8c2d6f0a1
Create Date: 2026-12-04 18:15:45.264660

"""
from alembic import op
import sqlalchemy as sa


revision = 'c6d1f3a5e7b9'
down_revision = 'b4e8c2d6f0a1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_review_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_links')),
    sa.UniqueConstraint('token', name=op.f('uq_review_links_token'))
    )
    with op.batch_alter_table('review_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_links_user_id'), ['user_id'], unique=False)

    op.create_table('review_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('review_link_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('section_label', sa.String(length=120), nullable=False),
    sa.Column('author_name', sa.String(length=80), nullable=False),
    sa.Column('author_email', sa.String(length=254), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('edit_token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('replied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_review_comments_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_link_id'], ['review_links.id'], name=op.f('fk_review_comments_review_link_id_review_links'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_review_comments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_comments')),
    sa.UniqueConstraint('edit_token_hash', name=op.f('uq_review_comments_edit_token_hash'))
    )
    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_comments_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_comments_review_link_id'), ['review_link_id'], unique=False)
        batch_op.create_index('ix_review_comments_user_created', ['user_id', 'created_at'], unique=False)

    op.create_table('review_link_products',
    sa.Column('review_link_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_review_link_products_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_link_id'], ['review_links.id'], name=op.f('fk_review_link_products_review_link_id_review_links'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_link_id', 'product_id', name=op.f('pk_review_link_products'))
    )
    with op.batch_alter_table('review_link_products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_link_products_product_id'), ['product_id'], unique=False)



def downgrade():
    with op.batch_alter_table('review_link_products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_link_products_product_id'))

    op.drop_table('review_link_products')
    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_review_comments_user_created')
        batch_op.drop_index(batch_op.f('ix_review_comments_review_link_id'))
        batch_op.drop_index(batch_op.f('ix_review_comments_product_id'))

    op.drop_table('review_comments')
    with op.batch_alter_table('review_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_links_user_id'))

    op.drop_table('review_links')
