"""Read indexes for the API: the class and country filters widened with the sharing rule's
columns (tlp, reporter, uuid), so a filtered, shared count or page reads only the index;
and updated_at for feeds that pull what changed (TAXII ``added_after``).

A store whose last bulk load crashed may lack the old indexes: dropping them is
IF EXISTS, and creating the new ones IF NOT EXISTS (``ensure_indexes`` may have made
them already on opening).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_NEW = {
    "ix_incidents_class_read": [
        "threat_class", "start_date", "longitude", "latitude", "tlp", "reporter", "uuid",
    ],
    "ix_incidents_country_read": ["country", "start_date", "tlp", "reporter", "uuid"],
    "ix_incidents_updated_at": ["updated_at"],
}  # fmt: skip
_OLD = {
    "ix_incidents_threat_class_start_date_longitude_latitude": [
        "threat_class", "start_date", "longitude", "latitude",
    ],
    "ix_incidents_country_start_date": ["country", "start_date"],
}  # fmt: skip


def upgrade() -> None:
    for name in _OLD:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for name, columns in _NEW.items():
        op.create_index(name, "incidents", columns, if_not_exists=True)


def downgrade() -> None:
    for name in _NEW:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for name, columns in _OLD.items():
        op.create_index(name, "incidents", columns, if_not_exists=True)
