"""Metrics gain what makes them evidence: baseline, unit, time window, direction,
source (a link or a media item of the product) and caveat. Existing metrics keep
their label, value and note and start with the rest empty.

Revision ID: c4a9e0f3b218
Revises: b81f4d2e6c57
Create Date: 2026-11-30 04:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4a9e0f3b218'
down_revision = 'b81f4d2e6c57'
branch_labels = None
depends_on = None

TEXT_COLUMNS = [
    ('baseline', 40),
    ('unit', 20),
    ('time_window', 60),
    ('direction', 4),
    ('source_url', 500),
    ('caveat', 160),
]


def upgrade():
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        for name, length in TEXT_COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default='')
            )
        batch_op.add_column(sa.Column('window_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('window_end', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('source_media_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        for name, _length in TEXT_COLUMNS:
            batch_op.alter_column(name, server_default=None)
        batch_op.create_index(
            batch_op.f('ix_metrics_source_media_id'), ['source_media_id'], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_metrics_source_media_id_media_items'),
            'media_items', ['source_media_id'], ['id'], ondelete='SET NULL',
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_metrics_direction_allowed'), "direction IN ('', 'up', 'down')"
        )


def downgrade():
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_metrics_direction_allowed'), type_='check')
        batch_op.drop_constraint(
            batch_op.f('fk_metrics_source_media_id_media_items'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_metrics_source_media_id'))
        batch_op.drop_column('source_media_id')
        batch_op.drop_column('window_end')
        batch_op.drop_column('window_start')
        for name, _length in reversed(TEXT_COLUMNS):
            batch_op.drop_column(name)
