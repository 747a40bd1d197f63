"""Applications (with their stage history and contacts), an open log per share link,
revoked share links kept (revoked_at) rather than deleted, and private calendar feeds.

Revision ID: b4e8c2d6f0a1
Revises: a7d3e5f9b2c1
Create Date: 2026-12-04 14:41:10.717158

"""
from alembic import op
import sqlalchemy as sa


revision = 'b4e8c2d6f0a1'
down_revision = 'a7d3e5f9b2c1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('company', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('posting_url', sa.String(length=500), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=True),
    sa.Column('private_notes', sa.Text(), nullable=False),
    sa.Column('next_step', sa.String(length=200), nullable=False),
    sa.Column('next_step_on', sa.Date(), nullable=True),
    sa.Column('next_step_time', sa.Time(), nullable=True),
    sa.Column('share_link_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['share_link_id'], ['share_links.id'], name=op.f('fk_applications_share_link_id_share_links'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_applications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('share_link_id', name=op.f('uq_applications_share_link_id'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_user_next_step', ['user_id', 'next_step_on'], unique=False)
        batch_op.create_index('ix_applications_user_stage', ['user_id', 'stage'], unique=False)

    op.create_table('share_link_opens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('share_link_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_share_link_opens_product_id_products'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['share_link_id'], ['share_links.id'], name=op.f('fk_share_link_opens_share_link_id_share_links'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_link_opens'))
    )
    with op.batch_alter_table('share_link_opens', schema=None) as batch_op:
        batch_op.create_index('ix_share_link_opens_link_time', ['share_link_id', 'opened_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_link_opens_product_id'), ['product_id'], unique=False)

    op.create_table('application_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('linkedin_url', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_contacts_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_contacts'))
    )
    with op.batch_alter_table('application_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_contacts_application_id'), ['application_id'], unique=False)

    op.create_table('application_stage_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_stage_changes_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_stage_changes'))
    )
    with op.batch_alter_table('application_stage_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_stage_changes_application_id'), ['application_id'], unique=False)

    op.create_table('calendar_feeds',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token', name=op.f('uq_calendar_feeds_token'))
    )

    # A plain ADD COLUMN, in place on SQLite: rebuilding share_links would cascade to
    # the rows that refer to it.
    op.add_column('share_links', sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    op.drop_table('calendar_feeds')
    # Revoked links were deleted before this revision, and are again.
    op.execute(sa.text('DELETE FROM share_links WHERE revoked_at IS NOT NULL'))
    if op.get_bind().dialect.name == 'sqlite':
        # In place too (SQLite 3.35 and later), for the same reason.
        op.execute('ALTER TABLE share_links DROP COLUMN revoked_at')
    else:
        op.drop_column('share_links', 'revoked_at')

    with op.batch_alter_table('application_stage_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_stage_changes_application_id'))

    op.drop_table('application_stage_changes')
    with op.batch_alter_table('application_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_contacts_application_id'))

    op.drop_table('application_contacts')
    with op.batch_alter_table('share_link_opens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_link_opens_product_id'))
        batch_op.drop_index('ix_share_link_opens_link_time')

    op.drop_table('share_link_opens')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_user_stage')
        batch_op.drop_index('ix_applications_user_next_step')

    op.drop_table('applications')
