"""Alerts and cases: rules written by organizations, alerts per rule and asset, the incidents
that raised them (keyed so none raises twice), their recipients and timeline; cases with
their participants, sharing, observables, tasks and timeline.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
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

    _cases()


def _case_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["case_id"], ["cases.id"], name=op.f(f"fk_{table}_case_id_cases"), ondelete="CASCADE"
    )


def _case_id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("case_id", sa.Integer(), nullable=False)


def _cases() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=160), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("uuid", name=op.f("uq_cases_uuid")),
    )
    op.create_index(op.f("ix_cases_owner_status"), "cases", ["owner", "status"])
    op.create_table(
        "case_participants",
        _case_id(),
        sa.Column("organization", sa.String(length=160), nullable=False),
        _case_fk("case_participants"),
        sa.UniqueConstraint(
            "case_id", "organization", name=op.f("uq_case_participants_case_id_organization")
        ),
    )
    op.create_index(
        op.f("ix_case_participants_organization"), "case_participants", ["organization"]
    )
    op.create_table(
        "case_shares",
        _case_id(),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        _case_fk("case_shares"),
        sa.UniqueConstraint("case_id", "group_id", name=op.f("uq_case_shares_case_id_group_id")),
    )
    op.create_table(
        "case_observables",
        _case_id(),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=160), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _case_fk("case_observables"),
        sa.UniqueConstraint(
            "case_id", "kind", "value", name=op.f("uq_case_observables_case_id_kind_value")
        ),
    )
    op.create_table(
        "case_tasks",
        _case_id(),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=160), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        _case_fk("case_tasks"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_tasks")),
    )
    op.create_index(op.f("ix_case_tasks_case_id"), "case_tasks", ["case_id"])
    op.create_table(
        "case_timeline",
        _case_id(),
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=160), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        _case_fk("case_timeline"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_timeline")),
    )
    op.create_index(op.f("ix_case_timeline_case_id"), "case_timeline", ["case_id"])


def downgrade() -> None:
    for table in ("case_timeline", "case_tasks", "case_observables", "case_shares",
                  "case_participants", "cases", "alert_events", "alert_recipients",
                  "alert_incidents", "alerts", "alert_rules"):  # fmt: skip
        op.drop_table(table)
