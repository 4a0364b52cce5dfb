"""Statements kept for reuse, run on the database driver's own cursor.

The HTTP API's list runs two statements a request (the page and the total). Executed
through SQLAlchemy, each pays for an execution context, parameter processing and a
``Row`` per result row: measured on the list benchmark (1,000,000 incidents, pages of
100), that cost more than SQLite took to answer (1.3 ms against 0.9 ms a request). Here a
statement is compiled once per dialect and its rows come back as the driver's tuples.

Only for SELECTs that the caller keeps (the same object for every query of its shape):
what is compiled is remembered by the statement's identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select

__all__ = ["driver_rows"]


@dataclass(frozen=True, slots=True)
class _Compiled:
    statement: Select[Any]  # held, so its id names nothing else while it is remembered
    sql: str
    defaults: dict[str, Any]  # the statement's own bound values (its literals)
    order: tuple[str, ...] | None  # parameter names in place order; None: named style


_compiled: dict[tuple[int, str], _Compiled] = {}
_MAX_KEPT = 512  # statements are few (one per query shape); this bounds the odd server


def _compile(connection: Connection, statement: Select[Any]) -> _Compiled:
    key = (id(statement), connection.dialect.name)
    found = _compiled.get(key)
    if found is not None and found.statement is statement:
        return found
    compiled = statement.compile(dialect=connection.dialect)
    positional = compiled.positiontup
    kept = _Compiled(
        statement,
        str(compiled),
        dict(compiled.params),
        tuple(positional) if positional is not None else None,
    )
    if len(_compiled) >= _MAX_KEPT:
        _compiled.clear()
    _compiled[key] = kept
    return kept


def driver_rows(
    connection: Connection, statement: Select[Any], values: dict[str, Any]
) -> list[tuple[Any, ...]]:
    """The rows of ``statement`` with ``values`` bound, as the driver returns them (dates
    and times as SQLite's text, for instance): no type processing on the way out."""
    kept = _compile(connection, statement)
    bound = {**kept.defaults, **values}
    if connection.dialect.name == "sqlite":
        # SQLAlchemy's Date stores ISO text on SQLite (the driver's own adapter is
        # deprecated since Python 3.12)
        bound = {k: v.isoformat() if type(v) is date else v for k, v in bound.items()}
    parameters: Any = [bound[name] for name in kept.order] if kept.order is not None else bound
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(kept.sql, parameters)
        rows: list[tuple[Any, ...]] = list(cursor.fetchall())
    finally:
        cursor.close()
    return rows
