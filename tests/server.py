"""Run the HTTP API for real: uvicorn on a free port of 127.0.0.1, in a thread; and the
parties a test needs on the server's store, made through the library."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine

from corridor.api import create_app
from corridor.atlas import Atlas
from corridor.cooperation.models import Principal
from corridor.cooperation.services import (
    add_group_members,
    create_group,
    create_organization,
    create_user,
    issue_token,
)

__all__ = ["ADMIN", "SECRET", "add_parties", "corridor_server", "serving"]

SECRET = b"served-test-secret-" + b"x" * 32  # what the served app hashes tokens under
ADMIN = Principal.operator("platform")


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn until the block ends; its base URL (no trailing slash)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
        assert not thread.is_alive(), "uvicorn did not stop"


@contextmanager
def corridor_server(
    store_url: str, atlas: Atlas, *, delivery_worker: bool = False
) -> Iterator[str]:
    """The API on the store at ``store_url`` (tokens hashed under :data:`SECRET`), served
    with the session's atlas; its base URL. With ``delivery_worker``, the webhook worker
    runs in a thread beside it, as in ``corridor serve``."""
    app = create_app(store_url, token_secret=SECRET, delivery_worker=delivery_worker)
    with serving(app) as url:
        app.state.corridor._atlas = atlas  # no second load of the bundled atlas
        yield url


def add_parties(
    store: Engine,
    atlas: Atlas,
    organizations: Mapping[str, str],
    users: Mapping[str, tuple[str, str]],
    groups: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, str]:
    """Law-enforcement agencies {id: country}, users {name: (organization, role)} and
    explicit groups {id: members} (owned by their first member); a token per user."""
    for org, country in organizations.items():
        create_organization(store, ADMIN, org, name=org.upper(), kind="law_enforcement",
                            country=country, atlas=atlas)  # fmt: skip
    for group, members in (groups or {}).items():
        create_group(store, ADMIN, group, name=group, owner=members[0], atlas=atlas)
        add_group_members(store, ADMIN, group, members)
    tokens = {}
    for user, (org, role) in users.items():
        create_user(store, ADMIN, user, organization=org, roles=[role])
        tokens[user] = issue_token(store, ADMIN, user, secret=SECRET).secret
    return tokens
