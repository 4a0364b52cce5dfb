"""``corridor serve`` sends webhook deliveries from a thread of its own by default, and
leaves them to `corridor worker` with --no-delivery."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import Engine

from corridor.atlas import Atlas
from corridor.store import open_store
from corridor.store.deliveries import delivery_rows
from tests.delivery.conftest import Hooked, add_organizations
from tests.delivery.receiver import Receiver

CORRIDOR = (sys.executable, "-c", "from corridor.cli import main; main()")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(url: str, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CORRIDOR_DATABASE_URL": url, "CORRIDOR_TOKEN_SECRET": "s" * 40,
           "PYTHONPATH": str(Path(__file__).parents[2] / "src")}  # fmt: skip
    port = _free_port()
    server = subprocess.Popen([*CORRIDOR, "serve", "--port", str(port), *args], env=env,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError("corridor serve did not start")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    assert server.wait(timeout=30) in (0, -15)  # uvicorn shuts down, then re-raises SIGTERM


def test_serve_delivers_unless_told_not_to(
    tmp_path: Path, atlas: Atlas, receiver: Receiver
) -> None:
    from corridor.delivery import add_webhook
    from tests.delivery.conftest import ADMIN

    url = f"sqlite:///{tmp_path / 'served.sqlite'}"
    store: Engine = open_store(url, create=True)
    add_organizations(store, atlas)
    hooked = Hooked(store, receiver, add_webhook(store, ADMIN, "pipechina", receiver.url))
    server = _serve(url)
    try:
        (first,) = hooked.enqueue()
        assert receiver.wait_for(1, timeout_s=5)  # by the server's own worker, polling
    finally:
        _stop(server)
    assert receiver.delivered() == {first: 1}
    server = _serve(url, "--no-delivery")
    try:
        (second,) = hooked.enqueue()
        time.sleep(1.0)
        with store.connect() as connection:
            (row,) = delivery_rows(connection, uuids=[second])
        assert row["status"] == "pending" and receiver.delivered() == {first: 1}
    finally:
        _stop(server)
    store.dispose()
