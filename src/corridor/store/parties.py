"""The parties repository: organizations, users, tokens, contacts, sharing groups, shares.

Rows go in and come out as plain mappings; :mod:`corridor.cooperation` turns them
into its domain values (the store sits below cooperation and imports nothing of it).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, Table, delete, insert, select, update

from corridor.store.tables import (
    api_tokens,
    group_members,
    incident_shares,
    incidents,
    liaison_contacts,
    organization_assets,
    organizations,
    record_shares,
    sharing_groups,
    users,
)
from corridor.store.versions import INCIDENTS, raise_version

__all__ = [
    "add_group_members",
    "contact_rows",
    "explicit_members",
    "group_rows",
    "incident_owner",
    "insert_contact",
    "insert_group",
    "insert_organization",
    "insert_token",
    "insert_user",
    "organization_rows",
    "record_shares_of",
    "revoke_token",
    "share_incident",
    "share_record",
    "shares_of",
    "token_row",
    "token_rows",
    "touch_token",
    "unshare_record",
    "user_rows",
]

Row = dict[str, Any]


def insert_organization(
    connection: Connection, row: Mapping[str, Any], assets: Sequence[str]
) -> None:
    connection.execute(insert(organizations).values(**row))
    if assets:
        connection.execute(
            insert(organization_assets),
            [{"organization": row["id"], "asset": asset} for asset in assets],
        )


def organization_rows(connection: Connection) -> list[Row]:
    """Every organization, by id, each with ``assets``: the atlas assets it operates."""
    owned: dict[str, list[str]] = {}
    statement = select(organization_assets).order_by(organization_assets.c.asset)
    for org, asset in connection.execute(statement):
        owned.setdefault(org, []).append(asset)
    found = connection.execute(select(organizations).order_by(organizations.c.id)).mappings()
    return [{**row, "assets": owned.get(row["id"], [])} for row in found]


def insert_user(connection: Connection, row: Mapping[str, Any]) -> None:
    connection.execute(insert(users).values(**row))


def user_rows(
    connection: Connection, *, organization: str | None = None, user: str | None = None
) -> list[Row]:
    """Users by id, of one organization or one id if given."""
    statement = select(users).order_by(users.c.id)
    if organization is not None:
        statement = statement.where(users.c.organization == organization)
    if user is not None:
        statement = statement.where(users.c.id == user)
    return [dict(row) for row in connection.execute(statement).mappings()]


def insert_token(connection: Connection, row: Mapping[str, Any]) -> None:
    connection.execute(insert(api_tokens).values(**row))


def token_row(connection: Connection, token_id: str) -> Row | None:
    """The token with ``token_id``, with its user's organization, roles and state."""
    statement = (
        select(
            api_tokens,
            users.c.organization,
            users.c.roles,
            users.c.disabled,
        )
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(api_tokens.c.id == token_id)
    )
    row = connection.execute(statement).mappings().first()
    return dict(row) if row is not None else None


def token_rows(
    connection: Connection, *, user: str | None = None, organization: str | None = None
) -> list[Row]:
    """Tokens (never their digests), newest first; of one user or organization if given."""
    c = api_tokens.c
    statement = (
        select(c.id, c.user_id, c.created_at, c.expires_at, c.revoked_at, c.last_used_at)
        .join(users, users.c.id == c.user_id)
        .order_by(c.created_at.desc(), c.id)
    )
    if user is not None:
        statement = statement.where(c.user_id == user)
    if organization is not None:
        statement = statement.where(users.c.organization == organization)
    return [dict(row) for row in connection.execute(statement).mappings()]


def revoke_token(connection: Connection, token_id: str, at: datetime) -> bool:
    """Mark the token revoked at ``at``; False if there is no such token or it was revoked."""
    statement = (
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    return connection.execute(statement).rowcount == 1


def touch_token(connection: Connection, token_id: str, at: datetime) -> None:
    """Note when the token was last used (what an admin looks at before revoking)."""
    connection.execute(
        update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=at)
    )


def insert_contact(connection: Connection, row: Mapping[str, Any]) -> int:
    result = connection.execute(insert(liaison_contacts).values(**row))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def contact_rows(connection: Connection, *, organization: str | None = None) -> list[Row]:
    statement = select(liaison_contacts).order_by(
        liaison_contacts.c.organization, liaison_contacts.c.id
    )
    if organization is not None:
        statement = statement.where(liaison_contacts.c.organization == organization)
    return [dict(row) for row in connection.execute(statement).mappings()]


def insert_group(connection: Connection, row: Mapping[str, Any]) -> None:
    connection.execute(insert(sharing_groups).values(**row))


def group_rows(connection: Connection) -> list[Row]:
    statement = select(sharing_groups).order_by(sharing_groups.c.id)
    return [dict(row) for row in connection.execute(statement).mappings()]


def explicit_members(connection: Connection) -> dict[str, frozenset[str]]:
    """The members added by hand, per group id."""
    found: dict[str, set[str]] = {}
    for group, org in connection.execute(
        select(group_members.c.group_id, group_members.c.organization)
    ):
        found.setdefault(group, set()).add(org)
    return {group: frozenset(orgs) for group, orgs in found.items()}


def add_group_members(connection: Connection, group: str, members: Iterable[str]) -> int:
    """Add ``members`` to ``group``; how many were not members already."""
    present = explicit_members(connection).get(group, frozenset())
    new = sorted(set(members) - present)
    if new:
        connection.execute(
            insert(group_members), [{"group_id": group, "organization": org} for org in new]
        )
    return len(new)


def incident_owner(connection: Connection, uuid: str) -> str | None:
    """The reporter of the incident with ``uuid``, None if there is none."""
    statement = select(incidents.c.reporter).where(incidents.c.uuid == uuid).limit(1)
    found = connection.execute(statement).scalar_one_or_none()
    return None if found is None else str(found)


def _key(table: Table) -> Column[Any]:
    """The shares table's object column (``incident_uuid``, ``record_uuid``)."""
    return next(c for c in table.primary_key.columns if c.name != "group_id")


def _groups_of(connection: Connection, table: Table, uuid: str) -> list[str]:
    statement = select(table.c.group_id).where(_key(table) == uuid)
    return sorted(str(g) for (g,) in connection.execute(statement))


def _add_shares(
    connection: Connection, table: Table, uuid: str, groups: Iterable[str], by: str, at: datetime
) -> int:
    """Share the object ``uuid`` with ``groups``; how many it was not shared with yet."""
    new = sorted(set(groups) - set(_groups_of(connection, table, uuid)))
    if new:
        key = _key(table).name
        connection.execute(
            insert(table),
            [{key: uuid, "group_id": g, "shared_by": by, "shared_at": at} for g in new],
        )
    return len(new)


def shares_of(connection: Connection, uuid: str) -> list[str]:
    """The groups the incident with ``uuid`` is shared with, sorted."""
    return _groups_of(connection, incident_shares, uuid)


def share_incident(
    connection: Connection, uuid: str, groups: Iterable[str], *, by: str, at: datetime
) -> int:
    """Share the incident with ``groups``; how many of them it was not shared with yet."""
    added = _add_shares(connection, incident_shares, uuid, groups, by, at)
    if added:
        raise_version(connection, INCIDENTS)
    return added


def record_shares_of(connection: Connection, uuids: Collection[str]) -> dict[str, tuple[str, ...]]:
    """The groups each record (meeting, course, tally) of ``uuids`` is shared with, sorted;
    records shared with none are left out."""
    if not uuids:
        return {}
    c = record_shares.c
    statement = select(c.record_uuid, c.group_id).where(c.record_uuid.in_(sorted(set(uuids))))
    found: dict[str, list[str]] = {}
    for uuid, group in connection.execute(statement.order_by(c.record_uuid, c.group_id)):
        found.setdefault(str(uuid), []).append(str(group))
    return {uuid: tuple(groups) for uuid, groups in found.items()}


def share_record(
    connection: Connection, uuid: str, groups: Iterable[str], *, by: str, at: datetime
) -> int:
    """Share the record with ``groups``; how many of them it was not shared with yet."""
    return _add_shares(connection, record_shares, uuid, groups, by, at)


def unshare_record(connection: Connection, uuid: str, groups: Iterable[str]) -> int:
    """Stop sharing the record with ``groups``; how many of them it was shared with."""
    c = record_shares.c
    statement = delete(record_shares).where(c.record_uuid == uuid, c.group_id.in_(sorted(groups)))
    return int(connection.execute(statement).rowcount)
