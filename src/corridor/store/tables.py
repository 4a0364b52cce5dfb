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
    "data_versions",
    "deliveries",
    "delivery_attempts",
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
    "record_shares",
    "sharing_groups",
    "source_trust",
    "training_courses",
    "training_participants",
    "training_tallies",
    "users",
    "webhooks",
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


def _shares(name: str, key: str) -> Table:
    """Which object (by UUID, in column ``key``) is shared with which group: the sharing
    filter looks up by object."""
    return Table(
        name,
        metadata,
        Column(key, String(36), primary_key=True),
        Column("group_id", String(64), ForeignKey("sharing_groups.id"), primary_key=True),
        Column("shared_by", String(160), nullable=False),
        Column("shared_at", DateTime, nullable=False),
    )


incident_shares = _shares("incident_shares", "incident_uuid")
# Feeds (TAXII) meet incidents in the order they were shared, and a group's collection
# those shared with it before a time.
Index(
    "ix_incident_shares_shared_at_group_id_incident_uuid",
    incident_shares.c.shared_at,
    incident_shares.c.group_id,
    incident_shares.c.incident_uuid,
)
Index(
    "ix_incident_shares_group_id_shared_at",
    incident_shares.c.group_id,
    incident_shares.c.shared_at,
)

# A number per kind of data, raised in every transaction that changes that data: a reader
# tells in one lookup whether a figure it worked out before (a filter's total) still holds.
data_versions = Table(
    "data_versions",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("version", Integer, nullable=False),
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

# (migration 0005) Which meeting, training course or tally is shared with which group, by
# the record's UUID (unique across those tables: derived from the table and the key).
record_shares = _shares("record_shares", "record_uuid")

# --------------------------------------------------------------------------- trust in sources
# (issue 13, section 5; migration 0004) How far an organization trusts each source its
# incidents come from (an incident's ``reporter``: an organization here, ``stix:PARTNER``,
# ``public:DATASET``), on the Admiralty source-reliability scale A-F; risk scoring weighs
# that organization's figures by it. One row per (organization, source); none: weight 1.

source_trust = _shared_object(
    "source_trust",
    Column("organization", String(160), ForeignKey("organizations.id"), primary_key=True),
    Column("source", String(160), primary_key=True),
    Column("level", String(1), nullable=False),  # A..F
    Column("set_by", Text, nullable=False),  # who set it, as the audit log names them
)


# --------------------------------------------------------------------------- webhooks and the
# delivery outbox (issue 14, section 3; migration 0008). An event for an organization is written
# as one ``deliveries`` row per active webhook in the transaction that made the event (the
# outbox); workers claim due rows, POST them and record every attempt.

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("organization", String(160), ForeignKey("organizations.id"), nullable=False),
    Column("url", Text, nullable=False),
    # The HMAC key deliveries are signed with, kept as it is: the worker must compute the same
    # HMAC-SHA256 the receiver checks, so unlike an API token it cannot be stored as a hash.
    # It is as protected as the database (access to the store is access to everything in it);
    # it signs deliveries to this one URL only; it is shown once, when the webhook is made,
    # and no listing (CLI, API) ever returns it; a leaked one is replaced by removing the
    # webhook and adding it again.
    Column("secret", String(128), nullable=False),
    Column("events", Text, nullable=False, default='["*"]'),  # JSON list of event patterns
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime, nullable=False),
    Column("removed_at", DateTime),
    Index(None, "organization", "active"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),  # X-Corridor-Delivery
    Column("organization", String(160), nullable=False),
    Column("webhook_id", Integer, ForeignKey("webhooks.id"), nullable=False),
    Column("event", String(64), nullable=False),
    Column("payload", Text, nullable=False),  # the body POSTed, byte for byte on every attempt
    Column("created_at", DateTime, nullable=False),
    Column("status", String(12), nullable=False),  # pending | sending | delivered | dead
    Column("attempts", Integer, nullable=False, default=0),  # claims so far
    Column("next_attempt_at", DateTime, nullable=False),
    Column("lease_until", DateTime),  # while sending: another worker may take it after this
    Column("claimed_by", String(64)),  # the claim's token: a late result of an old claim is void
    Column("delivered_at", DateTime),
    Column("last_error", Text),
    # The claim query: pending rows by due time, sending rows by lease.
    Index(None, "status", "next_attempt_at"),
    Index(None, "status", "lease_until"),
    Index(None, "webhook_id", "status"),
    Index(None, "organization", "created_at"),
)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("delivery_id", Integer, ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("http_status", SmallInteger),  # None: no answer (refused, timed out, worker gone)
    Column("error", Text),
    Column("duration_ms", Integer),
    Index(None, "delivery_id"),
)


# --------------------------------------------------------------------------- alerts (issue 14,
# migration 0009). An alert is one rule firing on one asset; the incidents that raised it are
# keyed by (rule, asset, incident), so re-reporting or re-importing never raises one twice.

alert_rules = Table(
    "alert_rules",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("owner", String(160)),  # the organization that wrote it
    Column("body", Text, nullable=False),  # the AlertRule as JSON
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("rule_id", String(64), nullable=False),
    Column("asset_id", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # open | acknowledged | closed
    Column("level", SmallInteger, nullable=False, default=0),  # escalation steps taken
    Column("severity", SmallInteger, nullable=False),  # the highest of its incidents
    Column("threat_class", String(40), nullable=False),  # of the incident that raised it
    Column("first_on", Date, nullable=False),  # the dates of its first and last incidents
    Column("last_on", Date, nullable=False),
    Column("incident_count", Integer, nullable=False),
    Column("opened_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("escalate_at", DateTime),  # None once acknowledged or at the last level
    Column("acknowledged_at", DateTime),
    Column("acknowledged_by", String(160)),
    Column("closed_at", DateTime),
    Column("case_uuid", String(36)),
    Index(None, "rule_id", "asset_id", "status"),
    Index(None, "status", "escalate_at"),
)

alert_incidents = Table(
    "alert_incidents",
    metadata,
    Column("rule_id", String(64), primary_key=True),
    Column("asset_id", String(64), primary_key=True),
    Column("incident_uuid", String(36), primary_key=True),
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
    Column("distance_km", Float, nullable=False),
    Column("added_at", DateTime, nullable=False),
    Index(None, "alert_id"),
)

alert_recipients = Table(
    "alert_recipients",
    metadata,
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True),
    Column("organization", String(160), primary_key=True),
    Column("level", SmallInteger, nullable=False),  # 0: routed; 1..: added by escalation
    Column("reasons", Text, nullable=False),  # JSON list of why it got the alert
    Column("added_at", DateTime, nullable=False),
    Index(None, "organization"),
)

alert_events = Table(
    "alert_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("kind", String(16), nullable=False),  # raised | grouped | acknowledged | ...
    Column("actor", String(160)),  # who did it; None: the platform
    Column("detail", Text, nullable=False, default=""),  # JSON
    Index(None, "alert_id"),
)

# Cases (issue 14, section 6; migration 0009): the work that follows alerts, a joint action of
# several organizations, or an exercise. Read through the sharing rule (owner, label, groups)
# and by the organizations taking part.

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # case | exercise
    Column("title", Text, nullable=False),
    Column("status", String(16), nullable=False),  # open | closed
    Column("owner", String(160), nullable=False),
    Column("tlp", String(16), nullable=False),
    Column("summary", Text, nullable=False, default=""),  # the closing summary
    Column("opened_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("closed_at", DateTime),
    Index(None, "owner", "status"),
)


def _of_case(name: str, *columns: Column[object] | Index | UniqueConstraint) -> Table:
    """A table of a case's parts, removed with the case."""
    return Table(
        name,
        metadata,
        Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        *columns,
    )


case_participants = _of_case(
    "case_participants",
    Column("organization", String(160), nullable=False),
    UniqueConstraint("case_id", "organization"),
    Index(None, "organization"),
)
case_shares = _of_case(
    "case_shares",
    Column("group_id", String(64), nullable=False),
    UniqueConstraint("case_id", "group_id"),
)
case_observables = _of_case(
    "case_observables",
    Column("kind", String(16), nullable=False),  # incident | asset | vessel
    Column("value", String(160), nullable=False),
    Column("note", Text, nullable=False, default=""),
    UniqueConstraint("case_id", "kind", "value"),
)
case_tasks = _of_case(
    "case_tasks",
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", Text, nullable=False),
    Column("owner", String(160), nullable=False),  # the organization that must do it
    Column("deadline", Date),
    Column("status", String(8), nullable=False),  # open | done
    Column("done_at", DateTime),
    Index(None, "case_id"),
)
case_timeline = _of_case(
    "case_timeline",
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(160)),
    Column("kind", String(24), nullable=False),
    Column("detail", Text, nullable=False, default=""),  # JSON
    Index(None, "case_id"),
)
