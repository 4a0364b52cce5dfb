"""Data versions, and the totals a server keeps while they hold.

Counting what a filter matches is the dearest part of a page of incidents (about 0.6 ms
of 2.6 on the list benchmark, a million incidents: the whole index range is read, the
sharing rule checked row by row), and the answer is the same for every page of a walk
and for everyone who reads with the same sharing groups, until an incident or a share
changes. Every such change raises the ``incidents`` data version in its own transaction
(``merge_staged``, ``share_incident``), so a total counted under one version holds for
exactly as long as the version does, whichever process wrote.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from sqlalchemy import Connection, bindparam, insert, select, update

from corridor.store.driver import driver_rows
from corridor.store.tables import data_versions

__all__ = ["INCIDENTS", "TotalsCache", "data_version", "raise_version"]

INCIDENTS = "incidents"  # the incidents and whom each is shared with

_READ = select(data_versions.c.version).where(data_versions.c.name == bindparam("name"))


def raise_version(connection: Connection, name: str) -> None:
    """Raise ``name``'s version, in the caller's transaction (so a reader sees the new
    number no sooner than the change)."""
    c = data_versions.c
    raised = connection.execute(
        update(data_versions).where(c.name == name).values(version=c.version + 1)
    )
    if raised.rowcount == 0:  # a store made before the table was seeded
        connection.execute(insert(data_versions).values(name=name, version=1))


def data_version(connection: Connection, name: str) -> int:
    """``name``'s version as this connection sees it now (0 before any change)."""
    found = driver_rows(connection, _READ, {"name": name})
    return int(found[0][0]) if found else 0


class TotalsCache:
    """Totals by key, each kept with the data version it was counted under; a lookup
    under another version counts again. Bounded: the least recently used go first."""

    def __init__(self, size: int = 65_536) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, tuple[int, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def total(
        self, connection: Connection, key: Hashable, count: Callable[[Connection], int]
    ) -> int:
        """The total for ``key`` under the incidents' current version: kept, or
        ``count(connection)``. The version is read first, so a total counted after a
        change that landed in between is kept under the older number, never the reverse."""
        version = data_version(connection, INCIDENTS)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept[0] == version:
                self._kept.move_to_end(key)
                self.hits += 1
                return kept[1]
            self.misses += 1
        total = count(connection)
        with self._lock:
            self._kept[key] = (version, total)
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return total
