"""One profile photo per maker: a partial unique index on media_items.user_id for avatars.

Revision ID: 3c1f0a7d2b94
Revises: 89521afb3859
Create Date: 2026-11-30 00:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '3c1f0a7d2b94'
down_revision = '89521afb3859'
branch_labels = None
depends_on = None


def upgrade():
    # Keep each maker's newest photo; the files of the others are left to `flask media gc`.
    extra = (
        "SELECT id FROM media_items WHERE media_type = 'avatar' AND id NOT IN "
        "(SELECT MAX(id) FROM media_items WHERE media_type = 'avatar' GROUP BY user_id)"
    )
    op.execute(f"DELETE FROM media_files WHERE item_id IN ({extra})")
    op.execute(f"DELETE FROM media_items WHERE id IN ({extra})")
    with op.batch_alter_table('media_items', schema=None) as batch_op:
        batch_op.create_index(
            'uq_media_items_one_avatar_per_user', ['user_id'], unique=True,
            sqlite_where=sa.text("media_type = 'avatar'"),
            postgresql_where=sa.text("media_type = 'avatar'"),
        )


def downgrade():
    with op.batch_alter_table('media_items', schema=None) as batch_op:
        batch_op.drop_index(
            'uq_media_items_one_avatar_per_user',
            sqlite_where=sa.text("media_type = 'avatar'"),
            postgresql_where=sa.text("media_type = 'avatar'"),
        )
