"""A maker's time zone (an IANA name such as "Europe/Berlin"): the maker's own pages
show times in it. Existing makers start in UTC, as times read until now.

Revision ID: a7d3e5f9b2c1
Revises: f2c7d8e9a1b3
Create Date: 2026-12-04 12:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


revision = "a7d3e5f9b2c1"
down_revision = "f2c7d8e9a1b3"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, which SQLite does in place: a batch rebuild of "users" would
    # drop the table its rows' children cascade from. The server default stays (the
    # model declares it too), as SQLite cannot drop it without that rebuild.
    op.add_column(
        "users",
        sa.Column("time_zone", sa.String(length=64), nullable=False, server_default="UTC"),
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        # In place too (SQLite 3.35 and later), for the same reason.
        op.execute("ALTER TABLE users DROP COLUMN time_zone")
    else:
        op.drop_column("users", "time_zone")
