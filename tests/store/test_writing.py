"""Write transactions: on SQLite the writers of one process take the file's write lock in
turn, each as soon as it is free, and never fail for having read first."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import Engine, event, text

from corridor.store.database import make_engine, writing


def _store(path: Path) -> Engine:
    """A store whose SQLite connections give up on a held lock at once (no busy wait)."""
    store = make_engine(f"sqlite:///{path}")
    event.listen(store, "connect", lambda dbapi, _: dbapi.execute("PRAGMA busy_timeout=0"))
    with store.begin() as connection:
        connection.execute(text("CREATE TABLE counts (n INTEGER)"))
    return store


def test_writers_of_one_process_queue_for_the_file_instead_of_failing(tmp_path: Path) -> None:
    """Eight threads write at once, each reading before it writes and holding the lock a
    moment: with no busy wait at all, none fails, because they queue in the process."""
    store = _store(tmp_path / "queue.sqlite")
    failed: list[BaseException] = []

    def write_some() -> None:
        for _ in range(20):
            try:
                with writing(store) as connection:
                    seen = connection.execute(text("SELECT count(*) FROM counts")).scalar_one()
                    time.sleep(0.001)
                    connection.execute(text("INSERT INTO counts VALUES (:n)"), {"n": seen})
            except Exception as exc:  # counted below
                failed.append(exc)

    threads = [threading.Thread(target=write_some) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    with store.connect() as connection:
        seen = connection.execute(text("SELECT n FROM counts ORDER BY rowid")).scalars().all()
    assert seen == list(range(160))  # each read what all before it wrote: one at a time
    store.dispose()


def test_a_failed_write_transaction_leaves_nothing_and_frees_the_file(tmp_path: Path) -> None:
    store = _store(tmp_path / "rollback.sqlite")
    try:
        with writing(store) as connection:
            connection.execute(text("INSERT INTO counts VALUES (1)"))
            raise RuntimeError("the caller changed its mind")
    except RuntimeError:
        pass
    with writing(store) as connection:  # the lock is free again, in this thread and others
        connection.execute(text("INSERT INTO counts VALUES (2)"))
    done = threading.Event()

    def other() -> None:
        with writing(store) as connection:
            connection.execute(text("INSERT INTO counts VALUES (3)"))
        done.set()

    threading.Thread(target=other).start()
    assert done.wait(5)
    with store.connect() as connection:
        assert connection.execute(text("SELECT n FROM counts")).scalars().all() == [2, 3]
    store.dispose()
