"""Record shares: which meeting, training course or tally is shared with which sharing
group, as incidents are (``incident_shares``), keyed by the record's UUID.

A new table only: records stored before it stay unshared (each reaches its label's
audience and its owner, as before). Revision ID: 0005, revises 0003; 2026-12-05.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0005", "0004"
branch_labels = depends_on = None


def upgrade() -> None:
    group = sa.ForeignKey(
        "sharing_groups.id", name=op.f("fk_record_shares_group_id_sharing_groups")
    )
    op.create_table(
        "record_shares",
        sa.Column("record_uuid", sa.String(length=36), nullable=False),
        sa.Column("group_id", sa.String(length=64), group, nullable=False),
        sa.Column("shared_by", sa.String(length=160), nullable=False),
        sa.Column("shared_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("record_uuid", "group_id", name=op.f("pk_record_shares")),
    )


def downgrade() -> None:
    op.drop_table("record_shares")
