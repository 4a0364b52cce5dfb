"""The shares in the order they were made, and by group: a TAXII feed meets incidents
as they changed (``updated_at``, indexed by 0010) and as they were shared, and merges the
two, where it used to order the whole table by the later of the two times.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_INDEXES = {
    "ix_incident_shares_shared_at_group_id_incident_uuid": [
        "shared_at", "group_id", "incident_uuid",
    ],
    "ix_incident_shares_group_id_shared_at": ["group_id", "shared_at"],
}  # fmt: skip


def upgrade() -> None:
    for name, columns in _INDEXES.items():
        op.create_index(name, "incident_shares", columns, if_not_exists=True)


def downgrade() -> None:
    for name in _INDEXES:
        op.drop_index(name, table_name="incident_shares")
