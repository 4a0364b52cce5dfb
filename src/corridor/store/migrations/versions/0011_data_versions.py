"""Data versions: a number per kind of data (for now, the incidents and whom they are
shared with), raised in the transaction that changes it, so a server can keep a filter's
total until the incidents change.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "data_versions",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_versions")),
    )
    op.bulk_insert(table, [{"name": "incidents", "version": 0}])


def downgrade() -> None:
    op.drop_table("data_versions")
