"""Weighing incidents by the reading organization's trust in their sources.

Pure functions over the incident columns: the weights come in as a mapping (source ->
weight, from :func:`corridor.cooperation.trust_services.trust_weights`), so the same
code weighs a store's incidents, a notebook's and a property test's.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from corridor.cooperation.trust import DEFAULT_WEIGHT
from corridor.events.arrays import IncidentArrays

__all__ = ["by_trust", "source_codes", "trust_weights"]


def source_codes(reporters: NDArray[np.object_]) -> tuple[list[str], NDArray[np.intp]]:
    """The distinct sources, in the order first met, and each incident's number among
    them: one hash per row, not a sort of strings (a million rows in about 0.1 s)."""
    index: dict[object, int] = {}
    codes = np.fromiter(
        (index.setdefault(r, len(index)) for r in reporters.tolist()), np.intp, len(reporters)
    )
    return [str(name) for name in index], codes


def trust_weights(
    reporters: NDArray[np.object_],
    weights: Mapping[str, float],
    default: float = DEFAULT_WEIGHT,
) -> NDArray[np.float64]:
    """Per incident, the weight of its source (``reporters``) in ``weights``; ``default``
    for a source that has none. Looked up once per distinct source."""
    if not weights or len(reporters) == 0:
        return np.full(len(reporters), default, np.float64)
    names, at = source_codes(reporters)
    per_name = np.array([weights.get(name, default) for name in names], np.float64)
    found: NDArray[np.float64] = per_name[at]
    return found


def by_trust(incidents: IncidentArrays, weights: Mapping[str, float]) -> IncidentArrays:
    """``incidents`` weighed by ``weights`` per source, those of weight 0 (untrusted
    sources) left out altogether: they count for nothing, nor in a date range or a count."""
    if not weights:
        return incidents
    trust = trust_weights(incidents.reporter, weights)
    if np.all(trust > 0):
        return incidents.weighted(trust)
    kept = trust > 0
    return incidents.take(kept).weighted(trust[kept])
