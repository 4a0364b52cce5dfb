"""One reading of a value picked from a closed set: an enum member or an atlas id.

Every entry point names choices the same way: in any case, with ``-`` or a space for
``_`` (``Round-Table`` is ``round_table``); an unknown one is an
:class:`~corridor.errors.UnknownValueError` that lists the choices or suggests one.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TypeVar, overload

from corridor.errors import UnknownValueError

__all__ = ["choose", "member", "normal_name"]

E = TypeVar("E", bound=StrEnum)


def normal_name(text: str) -> str:
    """``text`` as choices are compared: trimmed, lower case, ``-`` and spaces as ``_``."""
    return text.strip().lower().replace("-", "_").replace(" ", "_")


@overload
def choose(what: str, wanted: str, choices: Sequence[str], hint: str | None = None) -> str: ...
@overload
def choose(what: str, wanted: None, choices: Sequence[str], hint: str | None = None) -> None: ...


def choose(
    what: str, wanted: str | None, choices: Sequence[str], hint: str | None = None
) -> str | None:
    """The one of ``choices`` that ``wanted`` names (None for None); an unknown one raises
    :class:`UnknownValueError` naming ``what``, the choices and ``hint``."""
    if wanted is None:
        return None
    normal = normal_name(wanted)
    for choice in choices:
        if normal_name(choice) == normal:
            return choice
    raise UnknownValueError(what, wanted, list(choices), hint)


def member(enum: type[E], value: object, what: str) -> E:
    """``value`` as a member of ``enum``: a member as it is, anything else read as text by
    :func:`choose` against the members' values."""
    if isinstance(value, enum):
        return value
    return enum(choose(what, str(value), [e.value for e in enum]))
