"""Run a producer in a thread, a few items ahead of its consumer.

Parsing (pyarrow) and writing (sqlite3, psycopg) both release the GIL, so on two
cores a reader thread and the writer overlap; the bounded queue keeps at most
``depth`` items in memory however far the reader could run ahead.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["ahead"]

_T = TypeVar("_T")
_END = object()


def ahead(items: Iterable[_T], depth: int = 2) -> Iterator[_T]:
    """``items``, produced in a thread up to ``depth`` ahead; its errors are raised here.

    Stopping early (``close()`` or an exception in the consumer) stops the thread.
    """
    handoff: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as exc:  # handed to the consumer
            put(exc)
            return
        put(_END)

    thread = threading.Thread(target=produce, name="corridor-reader", daemon=True)
    thread.start()
    try:
        while (item := handoff.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()
