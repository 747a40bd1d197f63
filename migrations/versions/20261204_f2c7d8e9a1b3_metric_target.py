"""A metric's target: what the maker aimed for, kept apart from its baseline.

A target set in the hypothesis ("30 % Day-7 retention") is not where the number
started, and was being typed as the baseline, which drew a false "before".

Revision ID: f2c7d8e9a1b3
Revises: e6f1a2b3c4d5
Create Date: 2026-12-04 08:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


revision = "f2c7d8e9a1b3"
down_revision = "e6f1a2b3c4d5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("metrics", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("target", sa.String(length=40), nullable=False, server_default="")
        )
    # Existing rows are filled; new ones get the model's default, as the other texts do.
    with op.batch_alter_table("metrics", schema=None) as batch_op:
        batch_op.alter_column("target", server_default=None)


def downgrade():
    with op.batch_alter_table("metrics", schema=None) as batch_op:
        batch_op.drop_column("target")
