"""Delivered emails, by Message-ID: a retried mail job does not send a letter twice.

Revision ID: e8f3b5c7d9a1
Revises: d7e2a4b6c8f0
Create Date: 2026-12-04 18:58:11.293449

"""
from alembic import op
import sqlalchemy as sa


revision = 'e8f3b5c7d9a1'
down_revision = 'd7e2a4b6c8f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('delivered_emails',
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('message_id', name=op.f('pk_delivered_emails'))
    )
    with op.batch_alter_table('delivered_emails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivered_emails_delivered_at'), ['delivered_at'], unique=False)



def downgrade():
    with op.batch_alter_table('delivered_emails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivered_emails_delivered_at'))

    op.drop_table('delivered_emails')
