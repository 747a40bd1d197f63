"""A JSON Resume draft keeps what its one check against the schema found.

Checking a large resume takes seconds; it is checked once, at upload, and each
preview reads the result. Drafts from before this revision have none and are
checked when previewed, as before.

Revision ID: e6f1a2b3c4d5
Revises: 5a7c3e9d1f20
Create Date: 2026-12-03 12:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


revision = "e6f1a2b3c4d5"
down_revision = "5a7c3e9d1f20"
branch_labels = None
depends_on = None


def upgrade():
    # A nullable column is added in place: no rebuild of the table on SQLite.
    op.add_column("import_drafts", sa.Column("schema_check", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("import_drafts", schema=None) as batch_op:
        batch_op.drop_column("schema_check")
