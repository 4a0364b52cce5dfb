"""Shared fixtures: the bundled atlas, a fresh store on SQLite and PostgreSQL, the CLI's store.

Store tests run against both databases. PostgreSQL is the real local server
(``make test`` starts it if it is down); set CORRIDOR_TEST_POSTGRES_URL to use
another. Outside CI a missing server skips those tests; in CI it fails them.
Each xdist worker is a session of its own, so each gets its own database.

Tests are isolated: every test starts with no CORRIDOR_* setting from the shell, a
default store folder of its own (XDG_DATA_HOME in tmp) and nothing cached; and the run fails if
anything appeared in the working directory (``make unit`` runs from an empty one).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pytest
from hypothesis.configuration import set_hypothesis_home_dir
from sqlalchemy import Engine, create_engine, text

from corridor.atlas import Atlas, load_atlas
from corridor.settings import Settings
from corridor.store.database import make_engine, migrate

POSTGRES_URL = os.environ.get("CORRIDOR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")

# No example database, and no deadlines: two xdist workers share two cores with
# whatever else runs, so timings are noise.
hypothesis.settings.register_profile("corridor", database=None, deadline=None)
hypothesis.settings.load_profile("corridor")

_CWD_AT_START = pytest.StashKey[frozenset[str]]()
_HYPOTHESIS_HOME = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis's own cache (constants/, filled during collection) in a temp folder."""
    config.stash[_HYPOTHESIS_HOME] = tempfile.mkdtemp(prefix="corridor-hypothesis-")
    set_hypothesis_home_dir(config.stash[_HYPOTHESIS_HOME])


def pytest_unconfigure(config: pytest.Config) -> None:
    if _HYPOTHESIS_HOME in config.stash:
        shutil.rmtree(config.stash[_HYPOTHESIS_HOME], ignore_errors=True)


def pytest_sessionstart(session: pytest.Session) -> None:
    session.stash[_CWD_AT_START] = frozenset(os.listdir())


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail the run if a test left a file or folder in the working directory."""
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller checks
        return
    new = sorted(set(os.listdir()) - session.stash[_CWD_AT_START])
    if new:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = f"tests wrote into the working directory {os.getcwd()}: {', '.join(new)}"
        if reporter is not None:
            reporter.write_line("")  # off the progress line
            reporter.write_line(message, red=True, bold=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _isolated_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No CORRIDOR_* setting from the shell, and a default store folder of the test's own
    (never the user's): the default store is only made where a command writes."""
    for name in Settings.model_fields:
        monkeypatch.delenv(f"CORRIDOR_{name.upper()}", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg")))


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
