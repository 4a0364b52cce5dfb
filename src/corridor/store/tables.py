"""The database schema, as SQLAlchemy Core tables; Alembic migrations create it.

Every shared object has a UUID, an origin (instance and organization) and a
version that grows on each update, so instances can exchange objects
idempotently and in any order.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "action_items",
    "api_tokens",
    "audit_log",
    "group_members",
    "import_runs",
    "incident_shares",
    "incidents",
    "liaison_contacts",
    "meeting_countries",
    "meetings",
    "metadata",
    "organization_assets",
    "organizations",
    "sharing_groups",
    "training_courses",
    "training_participants",
    "training_tallies",
    "users",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
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
    # The filters users run most (a class, a time range, a box; a country, a time range),
    # each with the columns of the sharing rule behind it (label, owner, and the uuid that
    # incident_shares is keyed by), so a filtered count or page reads only the index and
    # the table only for the rows it returns (migration 0006).
    Index(
        "ix_incidents_class_read",
        "threat_class",
        "start_date",
        "longitude",
        "latitude",
        "tlp",
        "reporter",
        "uuid",
    ),
    Index("ix_incidents_country_read", "country", "start_date", "tlp", "reporter", "uuid"),
    Index(None, "start_date"),
    Index(None, "uuid"),
    Index(None, "updated_at"),  # feeds that pull what changed (TAXII added_after)
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


# --------------------------------------------------------------------------- parties and sharing
# (migration 0002) Organizations, their users and API tokens, liaison contacts, sharing
# groups and what is shared with them, and the append-only audit log. Identifiers that
# people type (organization, group and user names) are the keys other tables refer to.


def _shared_object(name: str, *columns: Column[object] | Index | UniqueConstraint) -> Table:
    """A table of objects instances exchange: UUID, origin instance, version, times."""
    return Table(
        name,
        metadata,
        Column("uuid", String(36), nullable=False, unique=True),
        *columns,
        Column("origin_instance", String(64), nullable=False),
        Column("origin_organization", String(160), nullable=False),
        Column("version", Integer, nullable=False, default=1),
        Column("created_at", DateTime, nullable=False),
        Column("updated_at", DateTime, nullable=False),
    )


organizations = _shared_object(
    "organizations",
    Column("id", String(160), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("country", String(3)),
    Column("mechanism", String(64)),  # the atlas mechanism a secretariat serves
)

organization_assets = Table(
    "organization_assets",
    metadata,
    Column("organization", String(160), ForeignKey("organizations.id"), primary_key=True),
    Column("asset", String(64), primary_key=True),  # an atlas asset id
)

users = _shared_object(
    "users",
    Column("id", String(160), primary_key=True),
    Column("organization", String(160), ForeignKey("organizations.id"), nullable=False),
    Column("display_name", Text, nullable=False, default=""),
    Column("roles", Text, nullable=False),  # JSON list of role names
    Column("disabled", Boolean, nullable=False, default=False),
    Index(None, "organization"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(16), primary_key=True),  # the public part of the token
    Column("user_id", String(160), ForeignKey("users.id"), nullable=False),
    Column("digest", String(64), nullable=False),  # HMAC-SHA256 of the token, hex
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    Column("last_used_at", DateTime),
    Index(None, "user_id"),
)

liaison_contacts = _shared_object(
    "liaison_contacts",
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organization", String(160), ForeignKey("organizations.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("position", Text, nullable=False, default=""),
    Column("level", String(32), nullable=False),
    Column("email", Text, nullable=False, default=""),
    Column("phone", Text, nullable=False, default=""),
    Index(None, "organization"),
)

sharing_groups = _shared_object(
    "sharing_groups",
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(16), nullable=False),  # explicit | mechanism
    Column("mechanism", String(64)),
    Column("confidential", Boolean, nullable=False, default=False),
    Column("owner", String(160), ForeignKey("organizations.id"), nullable=False),
)

group_members = Table(
    "group_members",
    metadata,
    Column("group_id", String(64), ForeignKey("sharing_groups.id"), primary_key=True),
    Column("organization", String(160), ForeignKey("organizations.id"), primary_key=True),
    Index(None, "organization"),
)

# Which incident is shared with which group: the sharing filter looks up by incident.
incident_shares = Table(
    "incident_shares",
    metadata,
    Column("incident_uuid", String(36), primary_key=True),
    Column("group_id", String(64), ForeignKey("sharing_groups.id"), primary_key=True),
    Column("shared_by", String(160), nullable=False),
    Column("shared_at", DateTime, nullable=False),
)

# Append-only: the library has a function to add an entry and one to read, none to change.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("organization", String(160)),  # None: anonymous
    Column("user_id", String(160)),
    Column("action", String(16), nullable=False),
    Column("object_type", String(32), nullable=False),
    Column("object_id", Text, nullable=False, default=""),
    Column("count", Integer),
    Column("detail", Text, nullable=False, default=""),
    Index(None, "at"),
    Index(None, "organization", "at"),
)


# --------------------------------------------------------------------------- consultations and
# training (issue 13, section 3; migration 0003). Each record is kept whole as JSON in ``body``
# (what the services return); the columns beside it are what reads filter and share on.

meetings = Table(
    "meetings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False),
    Column("key", String(64), nullable=False),  # the meeting's id, e.g. lyg-2017
    Column("kind", String(24), nullable=False),
    Column("mechanism", String(64)),
    Column("part_of", String(64)),
    Column("starts", Date, nullable=False),
    Column("ends", Date, nullable=False),
    Column("body", Text, nullable=False),  # the Meeting as JSON
    Column("owner", String(160), nullable=False),
    Column("tlp", String(16), nullable=False),
    Column("origin_instance", String(64), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("key"),
    Index(None, "mechanism", "starts"),
)

meeting_countries = Table(
    "meeting_countries",
    metadata,
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("country", String(3), primary_key=True),
    Index(None, "country"),
)

action_items = Table(
    "action_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False),
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("owner", String(160), nullable=False),  # the organization that must act
    Column("deadline", Date),
    Column("status", String(8), nullable=False),  # open | done (overdue is worked out)
    Column("done_on", Date),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index(None, "meeting_id"),
    Index(None, "owner", "status"),
)

training_courses = Table(
    "training_courses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False),
    Column("key", String(64), nullable=False),
    Column("mechanism", String(64)),
    Column("starts", Date, nullable=False),
    Column("ends", Date, nullable=False),
    Column("body", Text, nullable=False),  # the TrainingCourse as JSON
    Column("owner", String(160), nullable=False),
    Column("tlp", String(16), nullable=False),
    Column("origin_instance", String(64), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("key"),
    Index(None, "mechanism", "starts"),
)

training_participants = Table(
    "training_participants",
    metadata,
    Column(
        "course_id",
        Integer,
        ForeignKey("training_courses.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("country", String(3), primary_key=True),
    Column("count", Integer),  # None where the source gives no number
    Index(None, "country"),
)

training_tallies = Table(
    "training_tallies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False),
    Column("key", String(64), nullable=False),
    Column("mechanism", String(64), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("body", Text, nullable=False),  # the TrainingTally as JSON
    Column("owner", String(160), nullable=False),
    Column("tlp", String(16), nullable=False),
    Column("origin_instance", String(64), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("key"),
)
