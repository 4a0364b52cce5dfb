"""Trust in sources: per organization, its Admiralty reliability level (A-F) for each source
its incidents come from, which weighs that organization's risk figures.

A new table only: a store at 0003 keeps everything as it is (no setting: weight 1).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_trust",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("organization", sa.String(length=160), nullable=False),
        sa.Column("source", sa.String(length=160), nullable=False),
        sa.Column("level", sa.String(length=1), nullable=False),
        sa.Column("set_by", sa.Text(), nullable=False),
        sa.Column("origin_instance", sa.String(length=64), nullable=False),
        sa.Column("origin_organization", sa.String(length=160), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization"],
            ["organizations.id"],
            name=op.f("fk_source_trust_organization_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization", "source", name=op.f("pk_source_trust")),
        sa.UniqueConstraint("uuid", name=op.f("uq_source_trust_uuid")),
    )


def downgrade() -> None:
    op.drop_table("source_trust")
