"""The baseline for bench_api_list.py: the list endpoint as a FastAPI user writes it with the
SQLAlchemy ORM, on the same database, the same tokens and the same sharing rule.

    BASELINE_DATABASE_URL=sqlite:///store.sqlite BASELINE_TOKEN_SECRET=... \\
        python -m uvicorn baseline_api:app --loop uvloop --http httptools

Written as the FastAPI and SQLAlchemy documentation teach it: declarative models mapped
to the existing tables, a session per request from a dependency, the bearer token looked
up by its id and checked against its HMAC, a pydantic response model read from the ORM
objects (``from_attributes``), keyset pagination on (start_date, id) and a COUNT(*) over
the same WHERE. What it is spared: no audit entry per read, no ``last_used_at`` update,
and mechanism groups' members (from the atlas's membership years) worked out once at
start rather than per request.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Json
from sqlalchemy import and_, create_engine, exists, func, or_, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


class Base(DeclarativeBase):
    pass


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str]
    source: Mapped[str]
    source_id: Mapped[str]
    title: Mapped[str]
    description: Mapped[str]
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    date_precision: Mapped[str]
    longitude: Mapped[float | None]
    latitude: Mapped[float | None]
    location_precision: Mapped[int]
    country: Mapped[str | None]
    location_name: Mapped[str]
    threat_class: Mapped[str]
    source_categories: Mapped[str]
    severity: Mapped[int]
    fatalities_best: Mapped[int | None]
    fatalities_low: Mapped[int | None]
    fatalities_high: Mapped[int | None]
    actors: Mapped[str]
    target: Mapped[str | None]
    tags: Mapped[str]
    reporter: Mapped[str]
    tlp: Mapped[str]
    source_updated: Mapped[datetime | None]


class IncidentShare(Base):
    __tablename__ = "incident_shares"

    incident_uuid: Mapped[str] = mapped_column(primary_key=True)
    group_id: Mapped[str] = mapped_column(primary_key=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(primary_key=True)
    organization: Mapped[str]
    disabled: Mapped[bool]


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(primary_key=True)
    user_id: Mapped[str]
    digest: Mapped[str]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class GroupMember(Base):
    __tablename__ = "group_members"

    group_id: Mapped[str] = mapped_column(primary_key=True)
    organization: Mapped[str] = mapped_column(primary_key=True)


class IncidentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    uuid: str
    source: str
    source_id: str
    title: str
    start_date: date
    end_date: date | None
    date_precision: str
    longitude: float | None
    latitude: float | None
    location_precision: int
    country: str | None
    location_name: str
    description: str
    threat_class: str
    source_categories: Json[list[str]]
    severity: int
    fatalities_best: int | None
    fatalities_low: int | None
    fatalities_high: int | None
    actors: Json[list[str]]
    target: str | None
    tags: Json[list[str]]
    reporter: str
    tlp: str
    source_updated: datetime | None


class Page(BaseModel):
    incidents: list[IncidentOut]
    total: int
    next_cursor: str | None


engine = create_engine(os.environ.get("BASELINE_DATABASE_URL", "sqlite:///store.sqlite"))
SessionLocal = sessionmaker(engine)
SECRET = os.environ.get("BASELINE_TOKEN_SECRET", "").encode()
COMMUNITY = ("clear", "green")
GROUP_LABELS = ("amber", "amber+strict", "red")


def _mechanism_groups() -> tuple[dict[str, set[str]], dict[str, list[str]]]:
    """Organization -> the mechanism groups it is in this year, and each threat class's
    subclasses: reference data, read once at start."""
    from corridor.atlas import load_atlas

    atlas = load_atlas()
    with engine.connect() as connection:
        groups = connection.exec_driver_sql(
            "SELECT id, mechanism FROM sharing_groups WHERE kind = 'mechanism'"
        ).all()
        organizations = connection.exec_driver_sql(
            "SELECT id, country, kind, mechanism FROM organizations"
        ).all()
    members: dict[str, set[str]] = {}
    for group, mechanism in groups:
        states = atlas.member_states(atlas.mechanisms[mechanism], date.today().year)
        for org, country, kind, serves in organizations:
            if country in states or (kind == "secretariat" and serves == mechanism):
                members.setdefault(org, set()).add(group)
    classes = {name: sorted(atlas.threat_descendants(name)) for name in atlas.threats}
    return members, classes


MECHANISM_GROUPS, THREAT_CLASSES = _mechanism_groups()
app = FastAPI(title="baseline")


def get_db() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session


DB = Annotated[Session, Depends(get_db)]


class Reader(BaseModel):
    organization: str
    groups: list[str]


def current_reader(db: DB, authorization: Annotated[str | None, Header()] = None) -> Reader:
    token = (authorization or "").removeprefix("Bearer ")
    found = db.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.id == token[4:16])
    ).first()
    if found is None:
        raise HTTPException(401, "invalid token")
    stored, user = found
    digest = hmac.new(SECRET, token.encode(), hashlib.sha256).hexdigest()
    if (
        not hmac.compare_digest(stored.digest, digest)
        or stored.revoked_at is not None
        or stored.expires_at <= datetime.utcnow()
        or user.disabled
    ):
        raise HTTPException(401, "invalid token")
    groups = set(
        db.scalars(
            select(GroupMember.group_id).where(GroupMember.organization == user.organization)
        )
    )
    groups |= MECHANISM_GROUPS.get(user.organization, set())
    return Reader(organization=user.organization, groups=sorted(groups))


@app.get("/incidents", response_model=Page)
def list_incidents(
    reader: Annotated[Reader, Depends(current_reader)],
    db: DB,
    since: date | None = None,
    until: date | None = None,
    country: Annotated[list[str] | None, Query()] = None,
    threat_class: Annotated[list[str] | None, Query(alias="class")] = None,
    bbox: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: str | None = None,
    sort: Literal["newest", "oldest"] = "newest",
) -> dict[str, object]:
    shared = exists().where(
        IncidentShare.incident_uuid == Incident.uuid, IncidentShare.group_id.in_(reader.groups)
    )
    conditions = [
        or_(
            Incident.tlp.in_(COMMUNITY),
            Incident.reporter == reader.organization,
            and_(Incident.tlp.in_(GROUP_LABELS), shared),
        )
    ]
    if since:
        conditions.append(Incident.start_date >= since)
    if until:
        conditions.append(Incident.start_date <= until)
    if country:
        conditions.append(Incident.country.in_(country))
    if threat_class:
        classes = sorted({c for name in threat_class for c in THREAT_CLASSES.get(name, [name])})
        conditions.append(Incident.threat_class.in_(classes))
    if bbox:
        west, south, east, north = (float(v) for v in bbox.split(","))
        conditions += [
            Incident.longitude.between(west, east),
            Incident.latitude.between(south, north),
        ]
    total = db.scalar(select(func.count()).select_from(Incident).where(*conditions))
    newest = sort == "newest"
    if cursor:
        day_text, uuid = base64.urlsafe_b64decode(cursor).decode().split("|")
        day = date.fromisoformat(day_text)
        row_id = select(Incident.id).where(Incident.uuid == uuid).scalar_subquery()
        if newest:
            conditions.append(
                or_(
                    Incident.start_date < day,
                    and_(Incident.start_date == day, Incident.id < row_id),
                )
            )
        else:
            conditions.append(
                or_(
                    Incident.start_date > day,
                    and_(Incident.start_date == day, Incident.id > row_id),
                )
            )
    order = (
        (Incident.start_date.desc(), Incident.id.desc())
        if newest
        else (Incident.start_date, Incident.id)
    )
    rows = db.scalars(select(Incident).where(*conditions).order_by(*order).limit(limit)).all()
    next_cursor = None
    if rows and len(rows) == limit:
        last = rows[-1]
        key = f"{last.start_date.isoformat()}|{last.uuid}"
        next_cursor = base64.urlsafe_b64encode(key.encode()).decode()
    return {"incidents": rows, "total": total, "next_cursor": next_cursor}
