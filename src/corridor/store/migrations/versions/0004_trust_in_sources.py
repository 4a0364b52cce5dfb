"""Trust in sources (revision 0004, after 0003): per organization, its Admiralty reliability
level (A-F) for each source its incidents come from, which weighs that organization's risk
figures. A new table only: a store at 0003 keeps everything as it is (no setting: weight 1).
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"

_TABLE = "source_trust"
# Every column is required. The key is (organization, source); the rest, as on every
# object instances exchange: a UUID, the origin, a version, the times.
_COLUMNS: dict[str, sa.types.TypeEngine[Any]] = {
    "uuid": sa.String(length=36),
    "organization": sa.String(length=160),
    "source": sa.String(length=160),
    "level": sa.String(length=1),
    "set_by": sa.Text(),
    "origin_instance": sa.String(length=64),
    "origin_organization": sa.String(length=160),
    "version": sa.Integer(),
    "created_at": sa.DateTime(),
    "updated_at": sa.DateTime(),
}


def upgrade() -> None:
    op.create_table(
        _TABLE,
        *(sa.Column(name, kind, nullable=False) for name, kind in _COLUMNS.items()),
        sa.ForeignKeyConstraint(
            ["organization"],
            ["organizations.id"],
            name=op.f("fk_source_trust_organization_organizations"),
        ),
        sa.PrimaryKeyConstraint("organization", "source", name=op.f("pk_source_trust")),
        sa.UniqueConstraint("uuid", name=op.f("uq_source_trust_uuid")),
    )


def downgrade() -> None:
    op.drop_table(_TABLE)
