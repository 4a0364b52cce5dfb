"""The receiver in docs/webhooks.md runs as written: it accepts a real signed delivery,
handles a repeat of it once, and refuses a changed body and a stale signature."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from corridor.delivery import add_webhook, enqueue, sign
from corridor.delivery.worker import Worker
from corridor.store.deliveries import delivery_rows
from tests.delivery.conftest import ADMIN, QUICK, Hooked

DOC = Path(__file__).parents[2] / "docs" / "webhooks.md"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _post(url: str, body: bytes, delivery: str, signature: str) -> int:
    headers = {"X-Corridor-Delivery": delivery, "X-Corridor-Signature": signature,
               "Content-Type": "application/json"}  # fmt: skip
    return httpx.post(url, content=body, headers=headers).status_code


def test_the_documented_receiver_verifies_and_drops_repeats(hooked: Hooked, tmp_path: Path) -> None:
    (code,) = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    (tmp_path / "receiver.py").write_text(code)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/corridor"
    store = hooked.store
    secret = add_webhook(store, ADMIN, "kz-mvd", url).secret
    env = {**os.environ, "CORRIDOR_WEBHOOK_SECRET": secret, "PORT": str(port)}
    receiver = subprocess.Popen([sys.executable, str(tmp_path / "receiver.py")], env=env,
                                stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        for _ in range(200):
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        with store.begin() as connection:
            (made,) = enqueue(connection, organization="kz-mvd", event="alert.raised",
                              payload={"n": 0}, now=datetime.now(UTC))  # fmt: skip
        with Worker(store, options=QUICK) as worker:
            (outcome,) = worker.deliver_due()
        assert outcome.http_status == 204, outcome.error
        with store.connect() as connection:
            (row,) = delivery_rows(connection, uuids=[made])
        body, now = row["payload"].encode(), int(time.time())
        assert _post(url, body, made, sign(secret, now, body)) == 204  # a repeat: not handled
        changed = body.replace(b'"n":0', b'"n":1')
        assert _post(url, changed, made, sign(secret, now, body)) == 401
        assert _post(url, body, made, sign(secret, now - 600, body)) == 401  # a replay
        assert _post(url, body, made, sign("cwh_other", now, body)) == 401
    finally:
        receiver.terminate()
        printed, _ = receiver.communicate(timeout=10)
    assert printed.splitlines() == [f'alert.raised {made} {{"n": 0}}']
