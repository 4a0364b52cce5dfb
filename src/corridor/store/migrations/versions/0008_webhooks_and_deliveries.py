"""Webhooks and the delivery outbox (issue 14): webhooks per organization, deliveries (one
per event and webhook, claimed by workers under a lease) and every delivery attempt.

Revision 0008, after 0005, written 2026-12-05.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0008", "0005"
branch_labels = depends_on = None

_DELIVERY_INDEXES = (
    ("status", "next_attempt_at"),  # the claim: pending rows by due time
    ("status", "lease_until"),  # the claim: sending rows whose lease ran out
    ("webhook_id", "status"),
    ("organization", "created_at"),
)


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _text(name: str, length: int | None = None, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    kind = sa.String(length=length) if length else sa.Text()
    return sa.Column(name, kind, nullable=nullable)


def _time(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(), nullable=nullable)


def _foreign(
    table: str, column: str, target: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_{table}_{column}_{target.partition('.')[0]}")
    return sa.ForeignKeyConstraint([column], [target], name=name, ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "webhooks", _id(), _text("organization", 160), _text("url"), _text("secret", 128),
        _text("events"), sa.Column("active", sa.Boolean(), nullable=False), _time("created_at"),
        _time("removed_at", nullable=True),
        _foreign("webhooks", "organization", "organizations.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
    )  # fmt: skip
    op.create_index(op.f("ix_webhooks_organization_active"), "webhooks", ["organization", "active"])
    op.create_table(
        "deliveries", _id(), _text("uuid", 36), _text("organization", 160),
        sa.Column("webhook_id", sa.Integer(), nullable=False), _text("event", 64),
        _text("payload"), _time("created_at"), _text("status", 12),
        sa.Column("attempts", sa.Integer(), nullable=False), _time("next_attempt_at"),
        _time("lease_until", nullable=True), _text("claimed_by", 64, nullable=True),
        _time("delivered_at", nullable=True), _text("last_error", nullable=True),
        _foreign("deliveries", "webhook_id", "webhooks.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("uuid", name=op.f("uq_deliveries_uuid")),
    )  # fmt: skip
    for columns in _DELIVERY_INDEXES:
        op.create_index(op.f(f"ix_deliveries_{'_'.join(columns)}"), "deliveries", list(columns))
    op.create_table(
        "delivery_attempts", _id(), sa.Column("delivery_id", sa.Integer(), nullable=False),
        _time("at"), sa.Column("http_status", sa.SmallInteger(), nullable=True),
        _text("error", nullable=True), sa.Column("duration_ms", sa.Integer(), nullable=True),
        _foreign("delivery_attempts", "delivery_id", "deliveries.id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_attempts")),
    )  # fmt: skip
    op.create_index(op.f("ix_delivery_attempts_delivery_id"), "delivery_attempts", ["delivery_id"])


def downgrade() -> None:
    for table in ("delivery_attempts", "deliveries", "webhooks"):
        op.drop_table(table)
