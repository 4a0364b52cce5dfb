"""The audit writer a server uses: entries from many threads, committed in batches, none
lost on a clean shutdown, a failed batch kept and tried again."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from corridor.store.audit import AuditWriter, audit_row
from corridor.store.tables import audit_log


def _entry(n: int) -> dict[str, Any]:
    return audit_row(at=datetime.now(UTC).replace(tzinfo=None), organization="kz-mvd",
                     user="reader", action="read", object_type="incidents", count=n,
                     detail="{}")  # fmt: skip


def _stored(store: Engine) -> list[int]:
    with store.connect() as connection:
        return sorted(connection.execute(select(audit_log.c.count)).scalars())


def test_every_entry_of_many_threads_is_committed_on_close_in_few_transactions(
    store: Engine,
) -> None:
    commits = []
    event.listen(store, "commit", lambda _connection: commits.append(1))
    writer = AuditWriter(store, delay_s=0.05)

    def reads(first: int) -> None:
        for n in range(first, first + 250):
            writer.append(_entry(n))

    threads = [threading.Thread(target=reads, args=(k * 250,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writer.close()
    assert _stored(store) == list(range(2000))
    assert len(commits) < 200  # batches, not a transaction per entry
    with pytest.raises(RuntimeError):
        writer.append(_entry(0))


def test_flush_waits_until_what_was_appended_is_committed(store: Engine) -> None:
    writer = AuditWriter(store, delay_s=10)  # would wait 10 s for company without flush
    writer.append(_entry(1))
    assert writer.flush(timeout_s=5)
    assert _stored(store) == [1]
    writer.close()


def test_a_batch_the_store_refuses_is_kept_and_written_later(store: Engine) -> None:
    refusals = [2]

    def refuse(_connection: object, _cursor: object, statement: str, *_rest: object) -> None:
        if "INSERT INTO audit_log" in statement and refusals[0] > 0:
            refusals[0] -= 1
            raise RuntimeError("the store is busy")

    event.listen(store, "before_cursor_execute", refuse)
    writer = AuditWriter(store, delay_s=0.01)
    for n in range(5):
        writer.append(_entry(n))
    writer.close()
    assert _stored(store) == [0, 1, 2, 3, 4]
    with store.connect() as connection:
        assert connection.execute(select(func.count()).select_from(audit_log)).scalar() == 5
