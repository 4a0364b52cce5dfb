"""Shared fixtures: the bundled atlas, a fresh store on SQLite and PostgreSQL, the CLI's store.

Store tests run against both databases. PostgreSQL is the real local server
(``make test`` starts it if it is down); set CORRIDOR_TEST_POSTGRES_URL to use
another. Outside CI a missing server skips those tests; in CI it fails them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from corridor.atlas import Atlas, load_atlas
from corridor.store.database import make_engine, migrate

POSTGRES_URL = os.environ.get("CORRIDOR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")


@pytest.fixture(autouse=True)
def _own_default_store(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test's default store lives in a folder of its own, never the user's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg")))
    for name in ("CORRIDOR_DATABASE_URL", "CORRIDOR_ATLAS_DIR", "CORRIDOR_ORGANIZATION"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def atlas() -> Atlas:
    return load_atlas()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throw-away database on the PostgreSQL server for this test session; its URL."""
    name = f"corridor_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        f"{POSTGRES_URL.replace('postgresql://', 'postgresql+psycopg://')}/postgres",
        isolation_level="AUTOCOMMIT",
    )
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the server is not there
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc}")
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    yield f"{POSTGRES_URL}/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _reset_postgres(url: str) -> Engine:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty, migrated store on each database."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    else:
        engine = _reset_postgres(request.getfixturevalue("postgres_server"))
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def cli_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The commands pointed at a fresh SQLite store, run from an empty folder, as org-a."""
    monkeypatch.setenv("CORRIDOR_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("CORRIDOR_ORGANIZATION", "org-a")
    monkeypatch.chdir(tmp_path)  # reject files and maps land here, never in the repo
    yield tmp_path
