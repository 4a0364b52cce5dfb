"""Where broken JSON is broken: the line and column of an ijson (yajl) syntax error.

yajl reports an error with the 30 bytes before and after it, not its position, and
ijson feeds it the file in 64 KiB chunks. :class:`LineCountingReader` sits between
the file and ijson, counting lines and keeping the chunk in flight; the context
yajl printed is then found in that chunk, which gives the exact line. Without
this, readers could only say which record they were at ("line 5" for an error on
line 51).
"""

from __future__ import annotations

from typing import Any

import ijson

from corridor.errors import InputError

__all__ = ["JsonSyntaxError", "LineCountingReader", "check_json", "syntax_error"]

_CONTEXT = 30  # bytes yajl shows on each side of the error
_MARK = 40  # the column of the error in yajl's context line


class JsonSyntaxError(InputError):
    """The document is not valid JSON at ``line`` (1-based) and ``column`` (bytes)."""

    def __init__(self, line: int, column: int | None, reason: str) -> None:
        where = f"line {line}" + (f", column {column}" if column is not None else "")
        super().__init__(f"{where}: is not valid JSON ({reason})")
        self.line, self.column, self.reason = line, column, reason


class LineCountingReader:
    """A byte reader for ijson that counts the lines it has handed over."""

    def __init__(self, source: Any) -> None:
        self._source = source
        self.last = b""  # the chunk ijson is parsing
        self.lines_before = 0  # newlines before it
        self.column_before = 0  # bytes after the last newline before it

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes the type of the stream with read(0)
            return b""
        previous = self.last
        newlines = previous.count(b"\n")
        self.lines_before += newlines
        self.column_before = (
            len(previous) - previous.rfind(b"\n") - 1
            if newlines
            else self.column_before + len(previous)
        )
        self.last = bytes(self._source.read(size))
        return self.last

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of byte ``offset`` of the chunk in flight, both 1-based."""
        head = self.last[:offset]
        newlines = head.count(b"\n")
        column = offset - head.rfind(b"\n") if newlines else self.column_before + offset + 1
        return self.lines_before + newlines + 1, column


def _offset(message: str, chunk: bytes) -> int | None:
    """Where in ``chunk`` yajl's error is, from the context its message shows."""
    lines = message.split("\n")
    if len(lines) < 3 or "(right here)" not in lines[2]:
        return None
    shown = lines[1].encode("utf-8")
    if len(shown) <= _MARK or not shown[_MARK - _CONTEXT :].strip():
        return None
    context = shown[_MARK - _CONTEXT :]  # 30 bytes before the error (or padding), then after
    flat = chunk.replace(b"\n", b" ").replace(b"\r", b" ")
    found = flat.find(context)
    if found >= 0:
        return found + _CONTEXT
    for offset in range(_CONTEXT):  # the error is in the chunk's first 30 bytes
        if flat.startswith(context[_CONTEXT - offset :]):
            return offset
    return None


def syntax_error(exc: Exception, reader: LineCountingReader) -> JsonSyntaxError:
    """The line and column of ``exc``, raised by ijson reading through ``reader``."""
    message = str(exc)
    reason = message.split("\n", 1)[0].removeprefix("parse error: ").strip() or "broken JSON"
    offset = _offset(message, reader.last)
    if offset is None:  # at the end of the text (premature EOF), or not found: the last line
        offset = len(reader.last.rstrip())
    line, column = reader.position(max(offset - 1, 0))  # yajl points just past the bad token
    return JsonSyntaxError(line, column, reason)


def check_json(stream: Any) -> None:
    """Read a whole JSON document; :class:`JsonSyntaxError` where it is broken."""
    reader = LineCountingReader(stream)
    try:
        for _ in ijson.basic_parse(reader):
            pass
    except ijson.JSONError as exc:
        raise syntax_error(exc, reader) from exc
