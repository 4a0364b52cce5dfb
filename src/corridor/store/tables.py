"""The database schema, as SQLAlchemy Core tables; Alembic migrations create it.

Every shared object has a UUID, an origin (instance and organization) and a
version that grows on each update, so instances can exchange objects
idempotently and in any order.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = ["import_runs", "incidents", "metadata"]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # uuid5 of (source, source_id), so that key already makes it unique: a plain index,
    # which bulk loads can drop and rebuild, serves look-ups by UUID.
    Column("uuid", String(36), nullable=False),
    Column("source", String(32), nullable=False),
    Column("source_id", String(160), nullable=False),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    Column("date_precision", String(8), nullable=False),
    Column("longitude", Float),
    Column("latitude", Float),
    Column("location_precision", SmallInteger, nullable=False),
    Column("country", String(3)),
    Column("location_name", Text, nullable=False, default=""),
    Column("threat_class", String(40), nullable=False),
    Column("source_categories", Text, nullable=False, default="[]"),  # JSON list
    Column("severity", SmallInteger, nullable=False),
    Column("fatalities_best", Integer),
    Column("fatalities_low", Integer),
    Column("fatalities_high", Integer),
    Column("actors", Text, nullable=False, default="[]"),  # JSON list
    Column("target", String(16)),
    Column("tags", Text, nullable=False, default="[]"),  # JSON list
    Column("reporter", String(160), nullable=False),
    Column("tlp", String(16), nullable=False),
    Column("source_updated", DateTime),
    Column("origin_instance", String(64), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("source", "source_id"),
    # the filter users run most: one class, a time range, a box
    Index(None, "threat_class", "start_date", "longitude", "latitude"),
    Index(None, "start_date"),
    Index(None, "uuid"),
    Index(None, "country", "start_date"),
)

import_runs = Table(
    "import_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("file_name", Text, nullable=False),
    Column("file_digest", String(64), nullable=False),
    Column("format", String(16), nullable=False),
    Column("records_done", Integer, nullable=False, default=0),
    Column("inserted", Integer, nullable=False, default=0),
    Column("updated", Integer, nullable=False, default=0),
    Column("unchanged", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
    Column("status", String(16), nullable=False),  # running | finished | failed
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Index(None, "file_digest", "format"),
)
