"""A real webhook receiver for the tests: an HTTP server on 127.0.0.1 in a thread that
records every POST (body, headers, when), answers with the status it is told, slowly if
told, and can be taken down and brought back up on the same port."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    body: bytes
    headers: dict[str, str]
    status: int  # what the receiver answered
    at: float  # time.time() when the body was in

    @property
    def delivery(self) -> str:
        return self.headers["X-Corridor-Delivery"]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # two workers of 16 POSTs each may connect at once


class Receiver:
    def __init__(self) -> None:
        self.status = 200
        self.delay_s = 0.0
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def up(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, delay = receiver.status, receiver.delay_s
                if delay:
                    time.sleep(delay)
                record = Received(body, dict(self.headers.items()), status, time.time())
                with receiver._arrived:
                    receiver.received.append(record)
                    receiver._arrived.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = _Server(("127.0.0.1", self.port), Handler)
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def down(self) -> None:
        """Stop listening: connections are refused until :meth:`up`."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def delivered(self) -> Counter[str]:
        """How many times each delivery id was answered with a 2xx."""
        with self._lock:
            return Counter(r.delivery for r in self.received if 200 <= r.status < 300)

    def wait_for(self, count: int, timeout_s: float = 10.0) -> bool:
        """Whether ``count`` deliveries (distinct ids, answered 2xx) arrived within the time."""
        deadline = time.monotonic() + timeout_s
        with self._arrived:
            while True:
                done = {r.delivery for r in self.received if 200 <= r.status < 300}
                left = deadline - time.monotonic()
                if len(done) >= count or left <= 0:
                    return len(done) >= count
                self._arrived.wait(left)
