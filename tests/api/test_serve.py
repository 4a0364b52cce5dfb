"""``corridor serve`` really listens: started as a process on 127.0.0.1, it answers a
token issued by ``corridor admin`` over plain HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

CORRIDOR = (sys.executable, "-c", "from corridor.cli import main; main()")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _corridor(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([*CORRIDOR, *args], env=env, check=True,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    return done.stdout.strip()


def test_serve_answers_a_token_made_with_admin(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CORRIDOR_DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite'}",
        "CORRIDOR_TOKEN_SECRET": "s" * 40,
        "PYTHONPATH": str(Path(__file__).parents[2] / "src"),
    }
    _corridor("admin", "org", "add", "kz-mvd", "--name", "MVD", "--kind", "law_enforcement",
              "--country", "KAZ", env=env)  # fmt: skip
    _corridor("admin", "user", "add", "aigerim", "--org", "kz-mvd", "--role", "reporter", env=env)
    token = _corridor("admin", "token", "issue", "aigerim", env=env).splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen([*CORRIDOR, "serve", "--port", str(port)],
                              env=env, stderr=subprocess.PIPE)  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(f"{base}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{base}/incidents", timeout=10).status_code == 401
        listed = httpx.get(f"{base}/incidents", headers=headers, timeout=30)
        assert listed.status_code == 200 and listed.json()["total"] == 0
    finally:
        server.terminate()
        server.wait(timeout=30)
