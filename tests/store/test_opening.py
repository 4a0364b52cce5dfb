"""Opening the store: reads never create one, and every failure is one line a user can act on."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from corridor.errors import StoreError, StoreMissingError
from corridor.store import describe_database_error, open_store, where
from corridor.store.summary import store_summary

REPORTS = Path(__file__).parents[1] / "events" / "fixtures" / "generic" / "reports.json"


def test_a_read_never_creates_a_database(tmp_path: Path) -> None:
    target = tmp_path / "absent.sqlite"
    with pytest.raises(StoreMissingError, match="corridor demo"):
        open_store(f"sqlite:///{target}")
    assert list(tmp_path.iterdir()) == []


def test_a_write_creates_the_file_but_never_its_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no folder"):
        open_store(f"sqlite:///{tmp_path / 'missing' / 'x.sqlite'}", create=True)
    assert not (tmp_path / "missing").exists()
    engine = open_store(f"sqlite:///{tmp_path / 'x.sqlite'}", create=True)
    summary = store_summary(engine)
    engine.dispose()
    assert (summary.dialect, summary.incidents, summary.import_runs) == ("sqlite", 0, 0)
    assert summary.revision is not None


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("nosuch://x", "unsupported database"),
        ("sqlite:///{tmp}", "is a folder"),
        ("postgresql://nobody@127.0.0.1:1/x", "cannot reach the database"),
        ("sqlite:///" + str(REPORTS), "not an sqlite database"),
    ],
)
def test_unusable_stores_are_one_line(url: str, says: str, tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(url.format(tmp=tmp_path))
    message = str(caught.value)
    assert says in message.lower() and "\n" not in message


def test_where_hides_the_password() -> None:
    assert where("postgresql://me:secret@db.example/corridor") == (
        "postgresql://me:***@db.example/corridor"
    )


def test_a_locked_database_is_called_busy(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    waiting = sqlite3.connect(path, timeout=0)
    try:
        with pytest.raises(sqlite3.OperationalError) as caught:
            waiting.execute("INSERT INTO t VALUES (1)")
        wrapped = OperationalError("INSERT", {}, caught.value)
        message = str(describe_database_error(wrapped, f"sqlite:///{path}"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        waiting.close()
    assert "busy" in message and str(path) in message


def test_an_import_waits_for_another_writer_then_proceeds(tmp_path: Path) -> None:
    """A second writer waits out a short lock (busy timeout) instead of failing."""
    db = tmp_path / "shared.sqlite"
    corridor = [sys.executable, "-m", "corridor.cli", "--db", str(db)]
    subprocess.run([*corridor, "info"], check=True, capture_output=True)  # reads: no file
    assert not db.exists()
    first = subprocess.run(
        [*corridor, "incidents", "import", str(REPORTS)],
        check=False,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert first.returncode == 0, first.stderr
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock for a second
    release = threading.Timer(1.0, lambda: holder.execute("ROLLBACK"))
    release.start()
    started = time.perf_counter()
    try:
        second = subprocess.run(
            [*corridor, "incidents", "import", str(REPORTS), "--json"],
            check=False,
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
    finally:
        release.join()
        holder.close()
    assert second.returncode == 0, second.stderr
    assert "Traceback" not in second.stderr
    assert time.perf_counter() - started >= 0.9  # it waited for the lock
