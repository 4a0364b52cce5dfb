"""Alerts: rules written by organizations, alerts per rule and asset, the incidents that
raised them (keyed so none raises twice), their recipients and their timeline.

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0003"
branch_labels = None
depends_on = None


def _alert_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["alert_id"], ["alerts.id"], name=op.f(f"fk_{table}_alert_id_alerts"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "alert_rules",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=160), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_rules")),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("asset_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("severity", sa.SmallInteger(), nullable=False),
        sa.Column("threat_class", sa.String(length=40), nullable=False),
        sa.Column("first_on", sa.Date(), nullable=False),
        sa.Column("last_on", sa.Date(), nullable=False),
        sa.Column("incident_count", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("escalate_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=160), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("case_uuid", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("uuid", name=op.f("uq_alerts_uuid")),
    )
    op.create_index(
        op.f("ix_alerts_rule_id_asset_id_status"), "alerts", ["rule_id", "asset_id", "status"]
    )
    op.create_index(op.f("ix_alerts_status_escalate_at"), "alerts", ["status", "escalate_at"])
    op.create_table(
        "alert_incidents",
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("asset_id", sa.String(length=64), nullable=False),
        sa.Column("incident_uuid", sa.String(length=36), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("distance_km", sa.Float(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        _alert_fk("alert_incidents"),
        sa.PrimaryKeyConstraint(
            "rule_id", "asset_id", "incident_uuid", name=op.f("pk_alert_incidents")
        ),
    )
    op.create_index(op.f("ix_alert_incidents_alert_id"), "alert_incidents", ["alert_id"])
    op.create_table(
        "alert_recipients",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("organization", sa.String(length=160), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        _alert_fk("alert_recipients"),
        sa.PrimaryKeyConstraint("alert_id", "organization", name=op.f("pk_alert_recipients")),
    )
    op.create_index(op.f("ix_alert_recipients_organization"), "alert_recipients", ["organization"])
    op.create_table(
        "alert_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=160), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        _alert_fk("alert_events"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_events")),
    )
    op.create_index(op.f("ix_alert_events_alert_id"), "alert_events", ["alert_id"])


def downgrade() -> None:
    for table in ("alert_events", "alert_recipients", "alert_incidents", "alerts", "alert_rules"):
        op.drop_table(table)
