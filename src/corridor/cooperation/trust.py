"""Trust in sources: how reliable an organization judges each source of its incidents.

A *source* is who an incident comes from, as its ``reporter`` says: an organization on
this platform (``kz-mvd``), a partner whose STIX bundle was imported (``stix:cert-ua``),
or a public dataset (``public:ucdp``). Each organization may rate any source it reads
incidents from on the **Admiralty (NATO) source-reliability scale**, A to F, which is
what MISP (the ``admiralty-scale:source-reliability`` taxonomy) and OpenCTI (an
identity's *reliability*) use for the same judgement. Its risk figures then weigh each
incident by the weight of its source's level, MISP's ``numerical_value`` of the level
divided by 100:

====  ======================  ======
code  meaning                 weight
====  ======================  ======
A     completely reliable     1.0
B     usually reliable        0.75
C     fairly reliable         0.5
D     not usually reliable    0.25
E     unreliable              0     (its incidents leave the figures)
F     cannot be judged        0.5
====  ======================  ======

A source with no setting weighs :data:`DEFAULT_WEIGHT` (1): the figures of an
organization that rates nothing are those of the platform before trust existed.
Plain values, no I/O; the use cases are in :mod:`corridor.cooperation.trust_services`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from corridor.cooperation.models import Origin
from corridor.errors import UnknownValueError

__all__ = ["DEFAULT_WEIGHT", "SourceTrust", "TrustLevel", "trust_level"]

DEFAULT_WEIGHT = 1.0  # a source nobody rated counts fully, as before trust existed


class TrustLevel(StrEnum):
    """The Admiralty source-reliability grades; the value is the grade's letter."""

    COMPLETELY_RELIABLE = "A"
    USUALLY_RELIABLE = "B"
    FAIRLY_RELIABLE = "C"
    NOT_USUALLY_RELIABLE = "D"
    UNRELIABLE = "E"
    CANNOT_BE_JUDGED = "F"

    @property
    def label(self) -> str:
        """The grade's words: ``usually reliable``."""
        return self.name.lower().replace("_", " ")

    @property
    def weight(self) -> float:
        """What an incident from a source at this level counts for in risk figures."""
        return _WEIGHTS[self]


# MISP admiralty-scale taxonomy, source-reliability numerical_value / 100.
_WEIGHTS = {
    TrustLevel.COMPLETELY_RELIABLE: 1.0,
    TrustLevel.USUALLY_RELIABLE: 0.75,
    TrustLevel.FAIRLY_RELIABLE: 0.5,
    TrustLevel.NOT_USUALLY_RELIABLE: 0.25,
    TrustLevel.UNRELIABLE: 0.0,
    TrustLevel.CANNOT_BE_JUDGED: 0.5,
}


def _spelled(text: str) -> str:
    return "-".join(text.strip().lower().replace("_", " ").split())


_BY_NAME = {
    **{level.value.lower(): level for level in TrustLevel},
    **{_spelled(level.label): level for level in TrustLevel},
}


def trust_level(value: TrustLevel | str) -> TrustLevel:
    """The level ``value`` names: its letter (``B``, any case) or its words
    (``usually-reliable``, ``usually_reliable``); else :class:`UnknownValueError`."""
    if isinstance(value, TrustLevel):
        return value
    found = _BY_NAME.get(_spelled(value))
    if found is None:
        choices = [level.value for level in TrustLevel]
        choices += [_spelled(level.label) for level in TrustLevel]
        raise UnknownValueError("trust level", value, choices, hint="the Admiralty scale A-F")
    return found


@dataclass(frozen=True, slots=True)
class SourceTrust:
    """One organization's judgement of one source: the ``level``, who set it (as the
    audit log names them) and when (``origin.updated_at``)."""

    organization: str
    source: str
    level: TrustLevel
    set_by: str
    origin: Origin

    @property
    def weight(self) -> float:
        return self.level.weight
