"""Add publishing, slug redirects, share links and page views.

Revision ID: 22733c2f8a94
Revises: 64574ff57887
Create Date: 2026-11-27 11:04:05.154716

"""
from alembic import op
import sqlalchemy as sa


revision = '22733c2f8a94'
down_revision = '64574ff57887'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('profile_views',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_profile_views_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'day', name=op.f('pk_profile_views'))
    )
    op.create_table('product_slug_redirects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('old_slug', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_slug_redirects_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_product_slug_redirects_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_slug_redirects')),
    sa.UniqueConstraint('user_id', 'old_slug', name=op.f('uq_product_slug_redirects_user_id_old_slug'))
    )
    with op.batch_alter_table('product_slug_redirects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_slug_redirects_product_id'), ['product_id'], unique=False)

    op.create_table('product_views',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_views_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'day', name=op.f('pk_product_views'))
    )
    op.create_table('share_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_share_links_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_share_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_links')),
    sa.UniqueConstraint('token', name=op.f('uq_share_links_token'))
    )
    with op.batch_alter_table('share_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_links_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_links_user_id'), ['user_id'], unique=False)

    op.create_table('share_link_products',
    sa.Column('share_link_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_share_link_products_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['share_link_id'], ['share_links.id'], name=op.f('fk_share_link_products_share_link_id_share_links'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('share_link_id', 'product_id', name=op.f('pk_share_link_products'))
    )
    with op.batch_alter_table('share_link_products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_link_products_product_id'), ['product_id'], unique=False)

    op.create_table('share_link_views',
    sa.Column('share_link_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['share_link_id'], ['share_links.id'], name=op.f('fk_share_link_views_share_link_id_share_links'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('share_link_id', 'day', name=op.f('pk_share_link_views'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        # Existing makers start unpublished; the defaults fill their rows, then go.
        batch_op.add_column(
            sa.Column('is_published', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column('show_ideas', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column('portfolio_version', sa.Integer(), nullable=False, server_default="1")
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('is_published', server_default=None)
        batch_op.alter_column('show_ideas', server_default=None)
        batch_op.alter_column('portfolio_version', server_default=None)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('portfolio_version')
        batch_op.drop_column('show_ideas')
        batch_op.drop_column('is_published')

    op.drop_table('share_link_views')
    with op.batch_alter_table('share_link_products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_link_products_product_id'))

    op.drop_table('share_link_products')
    with op.batch_alter_table('share_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_links_user_id'))
        batch_op.drop_index(batch_op.f('ix_share_links_product_id'))

    op.drop_table('share_links')
    op.drop_table('product_views')
    with op.batch_alter_table('product_slug_redirects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_slug_redirects_product_id'))

    op.drop_table('product_slug_redirects')
    op.drop_table('profile_views')
