"""Incidents and import runs: the first tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_digest", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("records_done", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_runs")),
    )
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_runs_file_digest_format"), ["file_digest", "format"], unique=False
        )

    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.String(length=160), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("date_precision", sa.String(length=8), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("location_precision", sa.SmallInteger(), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=True),
        sa.Column("location_name", sa.Text(), nullable=False),
        sa.Column("threat_class", sa.String(length=40), nullable=False),
        sa.Column("source_categories", sa.Text(), nullable=False),
        sa.Column("severity", sa.SmallInteger(), nullable=False),
        sa.Column("fatalities_best", sa.Integer(), nullable=True),
        sa.Column("fatalities_low", sa.Integer(), nullable=True),
        sa.Column("fatalities_high", sa.Integer(), nullable=True),
        sa.Column("actors", sa.Text(), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=True),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("reporter", sa.String(length=160), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("source_updated", sa.DateTime(), nullable=True),
        sa.Column("origin_instance", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint("source", "source_id", name=op.f("uq_incidents_source_source_id")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incidents_country_start_date"), ["country", "start_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_incidents_start_date"), ["start_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_uuid"), ["uuid"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_incidents_threat_class_start_date_longitude_latitude"),
            ["threat_class", "start_date", "longitude", "latitude"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_threat_class_start_date_longitude_latitude"))
        batch_op.drop_index(batch_op.f("ix_incidents_uuid"))
        batch_op.drop_index(batch_op.f("ix_incidents_start_date"))
        batch_op.drop_index(batch_op.f("ix_incidents_country_start_date"))

    op.drop_table("incidents")
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_runs_file_digest_format"))

    op.drop_table("import_runs")
