"""A file to import, opened so that every importer reads the same thing: UTF-8 bytes.

Opening checks what would otherwise fail halfway through an import and leave a
run behind: the file is there, a ``.gz`` is whole, the text is UTF-8 (or UTF-16
or UTF-8 with a byte-order mark, which are recoded), JSON is valid JSON (with the
line where it is not), and the format is known or can be told from the header.
Standard input (``-``) cannot be read twice, so it gets the encoding checks only.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from corridor.errors import InputError, UnknownValueError
from corridor.events.importers import FORMATS, detect_format

__all__ = ["JSON_FORMATS", "InputFile", "open_input", "opened_input", "read_damage"]

JSON_FORMATS = frozenset({"asam-json", "stix", "json", "geojson"})
_HEAD = 1 << 16  # what format detection and the encoding check look at
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# What a damaged or truncated gzip stream raises while it is read.
read_damage = (EOFError, zlib.error, gzip.BadGzipFile)


class _Utf8FromText(io.RawIOBase):
    """UTF-8 bytes of a stream in another encoding (its byte-order mark dropped)."""

    def __init__(self, binary: BinaryIO, encoding: str) -> None:
        self._text = io.TextIOWrapper(binary, encoding=encoding, errors="strict", newline="")
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            text = self._text.read(1 << 14)
            if not text:
                return 0
            self._pending = text.encode("utf-8")
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


@dataclass
class InputFile:
    """An input opened for import: UTF-8 bytes in ``stream``, its format and digest.

    ``path`` is what the user gave (``-`` for stdin); ``local_path`` is None for stdin.
    """

    path: str
    fmt: str
    stream: io.BufferedReader
    digest: str | None
    size_bytes: int | None  # on disk (compressed for .gz); None for stdin
    encoding: str  # as found: "utf-8", "utf-16", "utf-32"
    _raw: BinaryIO

    @property
    def name(self) -> str:
        return "stdin" if self.path == "-" else Path(self.path).name

    @property
    def local_path(self) -> Path | None:
        return None if self.path == "-" else Path(self.path)

    def bytes_read(self) -> int | None:
        """How far into the file the readers are (compressed bytes for .gz)."""
        if self.size_bytes is None or self._raw.closed:
            return None
        return self._raw.tell()

    def close(self) -> None:
        if self.path != "-":  # stdin is not ours to close
            self.stream.close()
            self._raw.close()


def _utf8(raw: BinaryIO, shown: str, *, gz: bool) -> tuple[io.BufferedReader, str]:
    """The bytes of ``raw`` as UTF-8 (gunzipped, recoded, without a byte-order mark)."""
    binary: Any = gzip.GzipFile(fileobj=raw) if gz else raw
    stream = io.BufferedReader(binary, buffer_size=_HEAD)
    try:
        head = stream.peek(_HEAD)[:_HEAD]
    except read_damage as exc:
        raise InputError(f"{shown}: the gzip file is truncated or damaged ({exc})") from exc
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return io.BufferedReader(_Utf8FromText(stream, encoding), buffer_size=_HEAD), encoding
    if head.startswith(codecs.BOM_UTF8):
        stream.read(len(codecs.BOM_UTF8))
        return stream, "utf-8"
    _check_utf8(head, shown)
    return stream, "utf-8"


def _check_utf8(head: bytes, shown: str) -> None:
    """:class:`InputError` naming the encoding problem if ``head`` is not UTF-8 text."""
    if b"\x00" in head:
        odd = head[1::2].count(0) > len(head) // 4
        even = head[0::2].count(0) > len(head) // 4
        if odd or even:
            order = "little" if odd else "big"
            raise InputError(
                f"{shown}: looks like UTF-16 ({order}-endian) without a byte-order mark; "
                "save it as UTF-8, or as UTF-16 with a byte-order mark"
            )
        raise InputError(f"{shown}: is not a text file (it holds NUL bytes)")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        line = head.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{shown}: is not UTF-8 text (byte 0x{head[exc.start]:02x} on line {line}); "
            "save it as UTF-8 (or UTF-16 with a byte-order mark)"
        ) from exc


def _choose_format(requested: str | None, head: bytes, shown: str) -> str:
    detected = detect_format(head) if head else None
    if requested is None:
        if detected is None:
            raise InputError(f"{shown}: cannot tell the format; name it with --format")
        return detected
    if requested == "asam" and detected == "asam-json":
        return "asam-json"
    if requested not in FORMATS:
        raise UnknownValueError("format", requested, list(FORMATS))
    return requested


def _check_whole(path: Path, fmt: str, shown: str) -> None:
    """Read the file once to its end: a cut .gz or broken JSON is refused before import."""
    from corridor.events.importers.json_syntax import JsonSyntaxError, check_json

    with path.open("rb") as raw:
        stream, _ = _utf8(raw, shown, gz=path.suffix == ".gz")
        try:
            if fmt in JSON_FORMATS:
                check_json(stream)
            elif path.suffix == ".gz":
                while stream.read(1 << 20):
                    pass
        except read_damage as exc:
            raise InputError(f"{shown}: the gzip file is truncated or damaged ({exc})") from exc
        except JsonSyntaxError as exc:
            raise InputError(f"{shown}: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise InputError(f"{shown}: is not valid text in its encoding ({exc.reason})") from exc


def open_input(path: str | Path, fmt: str | None = None) -> InputFile:
    """Open ``path`` (``-``: stdin) to import; :class:`InputError` for what cannot be read.

    ``fmt`` is a name in :data:`corridor.events.importers.FORMATS`, or None to detect it.
    """
    shown = str(path)
    if shown == "-":
        raw: BinaryIO = sys.stdin.buffer
        stream, encoding = _utf8(raw, "stdin", gz=False)
        chosen = _choose_format(fmt, stream.peek(_HEAD)[:_HEAD], "stdin")
        return InputFile("-", chosen, stream, None, None, encoding, raw)
    file = Path(path)
    if not file.exists():
        raise InputError(f"{shown}: no such file")
    if not file.is_file():
        raise InputError(f"{shown}: is a folder, not a file")
    with file.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    raw = file.open("rb")
    try:
        stream, encoding = _utf8(raw, shown, gz=file.suffix == ".gz")
        try:
            head = stream.peek(_HEAD)[:_HEAD]
        except UnicodeDecodeError as exc:
            raise InputError(f"{shown}: is not valid {encoding} text ({exc.reason})") from exc
        chosen = _choose_format(fmt, head, shown)
        _check_whole(file, chosen, shown)
    except BaseException:
        raw.close()
        raise
    return InputFile(shown, chosen, stream, digest, file.stat().st_size, encoding, raw)


@contextmanager
def opened_input(path: str | Path, fmt: str | None = None) -> Iterator[InputFile]:
    """:func:`open_input` as a context: the file is closed when the block ends."""
    found = open_input(path, fmt)
    try:
        yield found
    finally:
        found.close()
