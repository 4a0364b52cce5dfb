"""The errors a user can fix: every entry point shows their message as one line.

The library raises these; the CLI prints ``error: <message>`` and exits with
``exit_code``, the HTTP API answers with a problem document. Anything else that
escapes is a bug, never a user's mistake.
"""

from __future__ import annotations

__all__ = [
    "CorridorError",
    "InputError",
    "StoreError",
    "StoreMissingError",
    "UnknownValueError",
    "closest",
]


class CorridorError(Exception):
    """A problem the user can fix; ``str(error)`` is one line that says what and where."""

    exit_code = 1


class InputError(CorridorError, ValueError):
    """Bad input: a file, a record, a field or an argument value that cannot be used."""


class UnknownValueError(InputError):
    """A name that is not one of the known ones (a country, a zone, a threat class).

    Unknown filter values are errors, never empty results; ``choices`` and
    ``suggestion`` let the message help.
    """

    exit_code = 2

    def __init__(
        self, what: str, value: str, choices: list[str] | None = None, hint: str | None = None
    ) -> None:
        self.what, self.value, self.choices = what, value, choices or []
        message = f"{what} {value!r} is unknown"
        suggestion = closest(value, self.choices)
        if suggestion is not None:
            message += f"; did you mean {suggestion!r}?"
        elif self.choices and len(self.choices) <= 25:
            message += f"; choose from {', '.join(self.choices)}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class StoreError(CorridorError):
    """The database cannot be used: absent, busy, unreachable, read-only or misnamed."""


class StoreMissingError(StoreError):
    """There is no database where the user pointed, and the command only reads."""


def closest(value: str, choices: list[str]) -> str | None:
    """The choice nearest ``value`` by spelling, if any is near enough to suggest."""
    import difflib

    lowered = {c.lower(): c for c in choices}
    match = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.75)
    return lowered[match[0]] if match else None
