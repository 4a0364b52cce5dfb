"""What every shared object of cooperation carries (UUID, origin, version, times), and
the clock: the store keeps naive UTC, callers may hand aware times."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from corridor.cooperation.models import Origin

__all__ = ["ReadModel", "new_origin", "origin_of", "utc"]


def utc(moment: datetime | None = None) -> datetime:
    """``moment`` (now if None) as the store keeps times: UTC without a zone."""
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def new_origin(instance: str, organization: str, now: datetime) -> dict[str, Any]:
    """The columns of a new object: a fresh UUID, made here by ``organization``, version 1."""
    return {
        "uuid": str(uuid.uuid4()),
        "origin_instance": instance,
        "origin_organization": organization,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def origin_of(row: Mapping[str, Any]) -> Origin:
    return Origin(
        uuid=row["uuid"],
        instance=row["origin_instance"],
        organization=row["origin_organization"],
        version=row["version"],
        created_at=_utc(row["created_at"]),
        updated_at=_utc(row["updated_at"]),
    )


def _utc(moment: datetime) -> datetime:
    """The store keeps UTC without a zone; readers get it aware, so no one takes it for local."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class ReadModel(BaseModel):
    """What a reader gets back: frozen, its times in UTC with the zone said (the store
    keeps them naive, JSON and OpenAPI want RFC 3339)."""

    model_config = ConfigDict(frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _in_utc(cls, value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value
