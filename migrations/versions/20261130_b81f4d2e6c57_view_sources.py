"""Count views per referring site as well as per day.

Views counted before this revision keep the source "" (not recorded); downgrading adds
each day's sources back into one count.

Revision ID: b81f4d2e6c57
Revises: 7e2b5c1d9a40
Create Date: 2026-11-30 03:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


revision = "b81f4d2e6c57"
down_revision = "7e2b5c1d9a40"
branch_labels = None
depends_on = None

VIEW_TABLES = [
    ("profile_views", "user_id"),
    ("product_views", "product_id"),
    ("share_link_views", "share_link_id"),
]


def upgrade():
    for table, key in VIEW_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("source", sa.String(length=100), nullable=False, server_default="")
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("source", server_default=None)
            batch_op.drop_constraint(f"pk_{table}", type_="primary")
            batch_op.create_primary_key(f"pk_{table}", [key, "day", "source"])


def downgrade():
    for table, key in VIEW_TABLES:
        # One row per page and day is kept (the first source's), holding the day's total.
        same_day = f"other.{key} = {table}.{key} AND other.day = {table}.day"
        op.execute(
            f"UPDATE {table} SET count = (SELECT SUM(other.count) FROM {table} AS other "
            f"WHERE {same_day}) "
            f"WHERE source = (SELECT MIN(other.source) FROM {table} AS other WHERE {same_day})"
        )
        op.execute(
            f"DELETE FROM {table} "
            f"WHERE source <> (SELECT MIN(other.source) FROM {table} AS other WHERE {same_day})"
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"pk_{table}", type_="primary")
            batch_op.drop_column("source")
            batch_op.create_primary_key(f"pk_{table}", [key, "day"])
