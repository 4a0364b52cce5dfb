"""What one run of ``corridor`` works on: the store, the organization, the atlas.

The root callback builds one :class:`Invocation` from ``--db`` and the
environment for each run (``begin``); commands take it with ``current()``. It is
made afresh every run, never cached across runs, so every run and every test sees
exactly the store it named.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:  # the heavy modules load only when a command needs them
    from sqlalchemy import Engine

    from corridor.atlas.catalog import Atlas
    from corridor.cooperation.client import CorridorServer
    from corridor.cooperation.models import Principal
    from corridor.events.access import Viewer

__all__ = ["Invocation", "begin", "current", "invocation", "new_invocation"]


@dataclass
class Invocation:
    """The choices every command shares, and the store opened at most once."""

    database_url: str
    database_is_default: bool
    organization: str
    instance: str
    atlas_dir: Path | None
    database_given: bool = False  # --db was on the command line
    server_url: str | None = None  # $CORRIDOR_SERVER
    token: str | None = field(default=None, repr=False)  # $CORRIDOR_TOKEN
    _engine: Engine | None = field(default=None, repr=False)
    _atlas: Atlas | None = field(default=None, repr=False)
    _server: CorridorServer | None = field(default=None, repr=False)

    def store(self, *, create: bool = False) -> Engine:
        """The store, opened on first use; ``create`` for commands that write.

        Only the default file's folder is ever made: a folder the user named must exist.
        """
        if self._engine is None:
            from corridor.locations import sqlite_path
            from corridor.store import open_store

            path = sqlite_path(self.database_url)
            if create and self.database_is_default and path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._engine = open_store(self.database_url, create=create)
        return self._engine

    def store_if_any(self) -> Engine | None:
        """The store if there is one; None where a read can do without (no incidents yet)."""
        from corridor.errors import StoreMissingError

        try:
            return self.store()
        except StoreMissingError:
            return None

    def viewer(self) -> Viewer:
        """Who reads: the organization this user acts for, with the sharing groups it
        belongs to today (none before there is a store)."""
        from corridor.events.access import Viewer

        store = self.store_if_any()
        if store is None:
            return Viewer(self.organization)
        from datetime import date

        from corridor.cooperation.groups import viewer_for

        return viewer_for(store, self.organization, on=date.today(), atlas=self.atlas)

    def principal(self) -> Principal:
        """Who acts: whoever holds the store holds everything, so a platform admin acting
        for this run's organization."""
        from corridor.cooperation.models import Principal

        return Principal.operator(self.organization, self.viewer())

    def token_secret(self, *, create: bool = False) -> bytes:
        """The key API tokens are hashed under ($CORRIDOR_TOKEN_SECRET, else a file in the
        data folder, made when ``create``), never in the database."""
        from corridor.cooperation.tokens import server_secret
        from corridor.locations import default_database_path
        from corridor.settings import settings

        folder = default_database_path().parent
        if create:
            folder.mkdir(parents=True, exist_ok=True)
        return server_secret(settings().token_secret, folder / "token-secret", create=create)

    def server(self, option: str | None) -> CorridorServer | None:
        """The server to talk to instead of the store: ``--server`` (``option``), else
        $CORRIDOR_SERVER unless ``--db`` was given; None means the store. Connected once
        per run, with the token in $CORRIDOR_TOKEN."""
        url = option or (None if self.database_given else self.server_url)
        if url is None:
            return None
        if self._server is None:
            from corridor.cooperation.client import CorridorServer, server_url
            from corridor.errors import InputError

            try:
                address = server_url(url)
            except InputError as exc:  # only $CORRIDOR_SERVER gets here: --server is checked
                raise InputError(f"CORRIDOR_SERVER: {exc}") from exc
            if not self.token:
                raise InputError(
                    f"set CORRIDOR_TOKEN to your API token for {address} (`corridor admin "
                    "token issue USER` on the server's store makes one)"
                )
            self._server = CorridorServer(
                address, self.token, token_source="the token in $CORRIDOR_TOKEN"
            )
        return self._server

    def atlas(self) -> Atlas:
        """The bundled atlas with the user's overlay directory, loaded once per run."""
        if self._atlas is None:
            from corridor.atlas import load_atlas

            self._atlas = load_atlas(self.atlas_dir)
        return self._atlas

    def where(self) -> str:
        """The store as a person reads it (a file path, or a URL without its password)."""
        from corridor.store import where

        return where(self.database_url)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        if self._server is not None:
            self._server.close()
            self._server = None


_CURRENT: ContextVar[Invocation | None] = ContextVar("corridor_invocation", default=None)


def begin(database: str | None, atlas_dir: Path | None) -> Invocation:
    """Start a run: the :class:`Invocation` that ``current()`` returns until the next one."""
    found = new_invocation(database, atlas_dir)
    _CURRENT.set(found)
    return found


def current() -> Invocation:
    """The running command's :class:`Invocation` (the environment's when none was begun)."""
    found = _CURRENT.get()
    if found is None:  # a sub-app run on its own (tests, embedding)
        found = begin(None, None)
    return found


def invocation(ctx: typer.Context) -> Invocation:
    """The run's :class:`Invocation` (for commands that take Typer's context)."""
    del ctx
    return current()


def new_invocation(database: str | None, atlas_dir: Path | None) -> Invocation:
    """An :class:`Invocation` from the options, then ``CORRIDOR_*``, then the defaults."""
    from corridor.settings import settings

    current = settings()
    url, is_default = current.store_url(database)
    return Invocation(
        database_url=url,
        database_is_default=is_default,
        organization=current.organization,
        instance=current.instance,
        atlas_dir=atlas_dir or current.atlas_dir,
        database_given=database is not None,
        server_url=current.server,
        token=current.token.get_secret_value() if current.token is not None else None,
    )
