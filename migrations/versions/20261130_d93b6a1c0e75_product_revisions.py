"""Product revisions: each save keeps the case study's texts and metrics.

Every existing product starts its history with one revision of what it says now, so
its first edit can be compared with, and undone to, the text from before it.

Revision ID: d93b6a1c0e75
Revises: c4a9e0f3b218
Create Date: 2026-11-30 05:00:00.000000

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = 'd93b6a1c0e75'
down_revision = 'c4a9e0f3b218'
branch_labels = None
depends_on = None

# What a revision kept when this revision was written (see pm_portfolio/core/revisions.py).
CASE_STUDY_COLUMNS = [
    'title', 'tagline', 'target_users', 'problem', 'hypothesis', 'solution', 'tradeoffs',
    'outcome', 'role',
]
METRIC_COLUMNS = [
    'label', 'value', 'note', 'baseline', 'unit', 'time_window', 'window_start', 'window_end',
    'direction', 'source_url', 'source_media_id', 'caveat',
]
BATCH = 500


def _plain(value):
    # PostgreSQL returns dates; SQLite, read without types here, already returns text.
    return value.isoformat() if hasattr(value, 'isoformat') else value


def _first_revisions(connection):
    products = sa.table('products', sa.column('id'), *map(sa.column, CASE_STUDY_COLUMNS))
    metrics = sa.table(
        'metrics', sa.column('id'), sa.column('product_id'), sa.column('position'),
        *map(sa.column, METRIC_COLUMNS),
    )
    revisions = sa.table(
        'product_revisions', sa.column('product_id', sa.Integer),
        sa.column('created_at', sa.DateTime(timezone=True)), sa.column('content', sa.JSON),
        sa.column('changed', sa.JSON),
    )
    now = datetime.now(timezone.utc)
    last_id = 0
    while True:
        batch = connection.execute(
            sa.select(products).where(products.c.id > last_id).order_by(products.c.id).limit(BATCH)
        ).mappings().all()
        if not batch:
            return
        last_id = batch[-1]['id']
        kept = {row['id']: [] for row in batch}
        for metric in connection.execute(
            sa.select(metrics)
            .where(metrics.c.product_id.in_(list(kept)))
            .order_by(metrics.c.product_id, metrics.c.position, metrics.c.id)
        ).mappings():
            kept[metric['product_id']].append(
                {name: _plain(metric[name]) for name in METRIC_COLUMNS}
            )
        op.bulk_insert(revisions, [
            {
                'product_id': row['id'],
                'created_at': now,
                'content': {
                    **{name: row[name] for name in CASE_STUDY_COLUMNS},
                    'metrics': kept[row['id']],
                },
                'changed': [],
            }
            for row in batch
        ])


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
    _first_revisions(op.get_bind())


def downgrade():
    with op.batch_alter_table('product_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_revisions_product_id'))
    op.drop_table('product_revisions')
