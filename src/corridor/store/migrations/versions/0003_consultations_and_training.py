"""Consultations and training: meetings, their countries and action items; training courses,
their participants by country, and training tallies.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _shared(*columns: sa.Column) -> list[sa.Column]:  # type: ignore[type-arg]
    """The columns every shared object has: identity, the record, owner, label, origin."""
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        *columns,
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=160), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("origin_instance", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "meetings",
        *_shared(
            sa.Column("kind", sa.String(length=24), nullable=False),
            sa.Column("mechanism", sa.String(length=64), nullable=True),
            sa.Column("part_of", sa.String(length=64), nullable=True),
            sa.Column("starts", sa.Date(), nullable=False),
            sa.Column("ends", sa.Date(), nullable=False),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("key", name=op.f("uq_meetings_key")),
    )
    op.create_index(op.f("ix_meetings_mechanism_starts"), "meetings", ["mechanism", "starts"])
    op.create_table(
        "meeting_countries",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_countries_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "country", name=op.f("pk_meeting_countries")),
    )
    op.create_index(op.f("ix_meeting_countries_country"), "meeting_countries", ["country"])
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=160), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_action_items_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    op.create_index(op.f("ix_action_items_meeting_id"), "action_items", ["meeting_id"])
    op.create_index(op.f("ix_action_items_owner_status"), "action_items", ["owner", "status"])
    op.create_table(
        "training_courses",
        *_shared(
            sa.Column("mechanism", sa.String(length=64), nullable=True),
            sa.Column("starts", sa.Date(), nullable=False),
            sa.Column("ends", sa.Date(), nullable=False),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_courses")),
        sa.UniqueConstraint("key", name=op.f("uq_training_courses_key")),
    )
    op.create_index(
        op.f("ix_training_courses_mechanism_starts"), "training_courses", ["mechanism", "starts"]
    )
    op.create_table(
        "training_participants",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["training_courses.id"],
            name=op.f("fk_training_participants_course_id_training_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("course_id", "country", name=op.f("pk_training_participants")),
    )
    op.create_index(op.f("ix_training_participants_country"), "training_participants", ["country"])
    op.create_table(
        "training_tallies",
        *_shared(
            sa.Column("mechanism", sa.String(length=64), nullable=False),
            sa.Column("as_of", sa.Date(), nullable=False),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_tallies")),
        sa.UniqueConstraint("key", name=op.f("uq_training_tallies_key")),
    )


def downgrade() -> None:
    for table in (
        "training_tallies",
        "training_participants",
        "training_courses",
        "action_items",
        "meeting_countries",
        "meetings",
    ):
        op.drop_table(table)
