"""Endorsements: a named person's confirmation of one claim of a case study, shown once
the maker approves it.

Revision ID: d7e2a4b6c8f0
Revises: c6d1f3a5e7b9
Create Date: 2026-12-04 18:27:54.621035

"""
from alembic import op
import sqlalchemy as sa


revision = 'd7e2a4b6c8f0'
down_revision = 'c6d1f3a5e7b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('endorsements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('claim_kind', sa.String(length=8), nullable=False),
    sa.Column('claim_label', sa.String(length=60), nullable=False),
    sa.Column('claim_text', sa.Text(), nullable=False),
    sa.Column('asked_name', sa.String(length=80), nullable=False),
    sa.Column('asked_email', sa.String(length=254), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('relation_to_maker', sa.String(length=120), nullable=False),
    sa.Column('quote', sa.String(length=200), nullable=False),
    sa.Column('confirmed_text', sa.Text(), nullable=False),
    sa.Column('approved', sa.Boolean(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("claim_kind IN ('result', 'role', 'outcome')", name=op.f('ck_endorsements_claim_kind_allowed')),
    sa.CheckConstraint("state IN ('sent', 'opened', 'confirmed', 'declined', 'withdrawn')", name=op.f('ck_endorsements_state_allowed')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_endorsements_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_endorsements_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_endorsements')),
    sa.UniqueConstraint('token', name=op.f('uq_endorsements_token'))
    )
    with op.batch_alter_table('endorsements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_endorsements_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_endorsements_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('endorsements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_endorsements_user_id'))
        batch_op.drop_index(batch_op.f('ix_endorsements_product_id'))

    op.drop_table('endorsements')
