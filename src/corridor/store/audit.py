"""The audit log's repository: append an entry, read entries. Nothing else.

There is deliberately no function here (nor anywhere in the library) that updates
or deletes an entry: the log is append-only. A server appends through an
:class:`AuditWriter`, which commits the entries of many requests in one transaction.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from corridor.store.tables import audit_log

__all__ = ["AuditWriter", "append_entry", "audit_row", "entry_rows"]

_log = logging.getLogger(__name__)


def audit_row(
    *,
    at: datetime,
    organization: str | None,
    user: str | None,
    action: str,
    object_type: str,
    object_id: str = "",
    count: int | None = None,
    detail: str = "",
) -> dict[str, Any]:
    """One entry as the row :func:`append_entry` and :class:`AuditWriter` write."""
    return {"at": at, "organization": organization, "user_id": user, "action": action,
            "object_type": object_type, "object_id": object_id, "count": count,
            "detail": detail}  # fmt: skip


def append_entry(connection: Connection, row: dict[str, Any]) -> int:
    """Add one entry (an :func:`audit_row`) in the caller's transaction; its id."""
    result = connection.execute(insert(audit_log).values(**row))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def entry_rows(
    connection: Connection,
    *,
    organization: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Entries newest first, narrowed to one organization, one action, a time range."""
    c = audit_log.c
    statement = select(audit_log).order_by(c.at.desc(), c.id.desc()).limit(limit)
    if organization is not None:
        statement = statement.where(c.organization == organization)
    if action is not None:
        statement = statement.where(c.action == action)
    if since is not None:
        statement = statement.where(c.at >= since)
    if until is not None:
        statement = statement.where(c.at < until)
    return [dict(row) for row in connection.execute(statement).mappings()]


class AuditWriter:
    """Audit entries from many request threads, committed by one thread in batches.

    One transaction per request costs a commit and, with several threads, a wait for
    SQLite's single write lock; here :meth:`append` only queues the entry and a writer
    thread commits what has queued every ``delay_s`` seconds (sooner once ``batch``
    are waiting). :meth:`close` (the server's shutdown) commits everything queued
    before it returns, so a clean stop loses nothing; a crash loses at most the
    entries of the last ``delay_s`` and the one batch being written. A batch that fails
    (the store busy beyond its timeout) stays queued and is tried again.
    """

    def __init__(self, engine: Engine, *, delay_s: float = 0.2, batch: int = 1000) -> None:
        self.engine, self.delay_s, self.batch = engine, delay_s, batch
        self._pending: list[dict[str, Any]] = []
        self._appended = 0  # entries ever appended
        self._written = 0  # entries committed
        self._closing = False
        self._urgent = False  # a flush waits: write without waiting for company
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()

    def append(self, row: dict[str, Any]) -> None:
        """Queue one entry (an :func:`audit_row`); it is committed shortly."""
        with self._changed:
            if self._closing:
                raise RuntimeError("the audit writer is closed")
            self._pending.append(row)
            self._appended += 1
            if len(self._pending) in (1, self.batch):  # the writer starts waiting, or stops
                self._changed.notify_all()

    def flush(self, timeout_s: float | None = None) -> bool:
        """Wait until every entry appended so far is committed; False if ``timeout_s``
        passed first."""
        with self._changed:
            target = self._appended
            self._urgent = True
            self._changed.notify_all()
            return self._changed.wait_for(lambda: self._written >= target, timeout_s)

    def close(self, timeout_s: float = 30.0) -> None:
        """Commit everything queued, then stop the writer thread (an error is logged with
        what is left if the store refuses it for ``timeout_s``)."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            _log.error("audit: %d entries could not be written", len(self._pending))

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._pending or self._closing)
                if not self._pending and self._closing:
                    return
                # let more requests join this batch, unless it is full or someone waits
                deadline = time.monotonic() + self.delay_s
                while not (self._closing or self._urgent or len(self._pending) >= self.batch):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._changed.wait(left)
                rows, self._pending, self._urgent = self._pending, [], False
            try:
                with self.engine.begin() as connection:
                    connection.execute(insert(audit_log), rows)
            except Exception:
                _log.exception("audit: %d entries not written yet; trying again", len(rows))
                with self._changed:
                    self._pending[:0] = rows
                time.sleep(self.delay_s)
                continue
            with self._changed:
                self._written += len(rows)
                self._changed.notify_all()
